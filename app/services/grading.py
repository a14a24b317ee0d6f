"""Grading: one pure function per question type, and the shape check of a response.

Every grader takes the item's frozen `content` (what the learner saw), its `answer_key` and
the learner's `response`, and returns a `Grade` in the type's own units:

| type            | max             | score                                                  |
|-----------------|-----------------|--------------------------------------------------------|
| single_choice   | 1               | 1 if the chosen option is the key                      |
| true_false      | 1               | 1 if the value is the key                              |
| numeric         | 1               | 1 if within the tolerance of the key                   |
| short_text      | 1               | 1 if it equals an accepted answer once case, accents,  |
|                 |                 | punctuation and spacing are ignored                    |
| multiple_choice | 1               | right minus wrong: +1/R per correct option chosen,     |
|                 |                 | -1/W per wrong option chosen (R, W: how many exist),   |
|                 |                 | floored at 0                                           |
| matching        | prompts         | 1 per prompt matched to its option                     |
| ordering        | pairs of items  | 1 per pair of items in the right relative order        |
|                 |                 | (Kendall's concordant pairs); reversed scores 0        |
| cloze           | blanks          | 1 per blank equal to one of its accepted answers       |
| find_evidence   | 1               | by overlap with the evidence span: recall = overlap /  |
|                 |                 | evidence length, precision = overlap / selection       |
|                 |                 | length; 1 if recall >= 0.8 and precision >= 0.5, 0.5   |
|                 |                 | if recall >= 0.5 and precision >= 0.25, else 0         |

An item worth `points` scores `points * score / max`.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from itertools import combinations
from typing import Any

from app.domain.text import normalise_answer
from app.schemas.fields import forbidden_character

FULL_RECALL, FULL_PRECISION = 0.8, 0.5
HALF_RECALL, HALF_PRECISION = 0.5, 0.25
MAX_TEXT_LENGTH = 2000
# No numeric answer of this product comes near it; beyond it floats lose whole units.
MAX_NUMERIC_ANSWER = 1e15


@dataclass(frozen=True)
class Grade:
    score: float
    max: float
    parts: list[dict[str, Any]] = field(default_factory=list)

    @property
    def fraction(self) -> float:
        return self.score / self.max if self.max else 0.0

    @property
    def correct(self) -> bool:
        return self.max > 0 and math.isclose(self.score, self.max)


def _ids(items: list[dict[str, Any]]) -> list[str]:
    return [item["id"] for item in items]


def grade_single_choice(content: dict, key: dict, response: dict) -> Grade:
    right = response.get("choice") == key["choice"]
    return Grade(float(right), 1.0, [{"choice": response.get("choice"), "correct": right}])


def grade_true_false(content: dict, key: dict, response: dict) -> Grade:
    right = response.get("value") is key["value"]
    return Grade(float(right), 1.0, [{"correct": right}])


def grade_numeric(content: dict, key: dict, response: dict) -> Grade:
    value = response.get("value")
    right = (
        isinstance(value, int | float)
        and not isinstance(value, bool)
        and abs(value - key["value"]) <= key["tolerance"]
    )
    return Grade(float(right), 1.0, [{"correct": right}])


def grade_short_text(content: dict, key: dict, response: dict) -> Grade:
    given = normalise_answer(str(response.get("text", "")))
    right = bool(given) and given in {normalise_answer(a) for a in key["accepted"]}
    return Grade(float(right), 1.0, [{"correct": right}])


def grade_multiple_choice(content: dict, key: dict, response: dict) -> Grade:
    correct = set(key["choices"])
    wrong = set(_ids(content["options"])) - correct
    chosen = set(response.get("choices") or [])
    right_share = len(chosen & correct) / len(correct)
    wrong_share = len(chosen & wrong) / len(wrong) if wrong else 0.0
    parts = [{"choice": c, "correct": c in correct} for c in sorted(chosen)]
    return Grade(max(0.0, right_share - wrong_share), 1.0, parts)


def grade_matching(content: dict, key: dict, response: dict) -> Grade:
    pairs = response.get("pairs") or {}
    parts = [
        {"prompt": prompt, "correct": pairs.get(prompt) == option}
        for prompt, option in key["pairs"].items()
    ]
    return Grade(float(sum(p["correct"] for p in parts)), float(len(parts)), parts)


def grade_ordering(content: dict, key: dict, response: dict) -> Grade:
    given = {item: index for index, item in enumerate(response.get("order") or [])}
    parts = []
    for first, second in combinations(key["order"], 2):
        right = first in given and second in given and given[first] < given[second]
        parts.append({"pair": [first, second], "correct": right})
    return Grade(float(sum(p["correct"] for p in parts)), float(len(parts)), parts)


def grade_cloze(content: dict, key: dict, response: dict) -> Grade:
    given = list(response.get("blanks") or [])
    parts = []
    for index, alternatives in enumerate(key["blanks"]):
        text = normalise_answer(str(given[index])) if index < len(given) else ""
        right = bool(text) and text in {normalise_answer(a) for a in alternatives}
        parts.append({"blank": index, "correct": right})
    return Grade(float(sum(p["correct"] for p in parts)), float(len(parts)), parts)


def grade_find_evidence(content: dict, key: dict, response: dict) -> Grade:
    start, end = response.get("start", 0), response.get("end", 0)
    overlap = max(0, min(end, key["end"]) - max(start, key["start"]))
    selected = max(0, end - start)
    recall = overlap / (key["end"] - key["start"])
    precision = overlap / selected if selected else 0.0
    if recall >= FULL_RECALL and precision >= FULL_PRECISION:
        score = 1.0
    elif recall >= HALF_RECALL and precision >= HALF_PRECISION:
        score = 0.5
    else:
        score = 0.0
    return Grade(score, 1.0, [{"recall": round(recall, 3), "precision": round(precision, 3)}])


GRADERS: dict[str, Callable[[dict, dict, dict], Grade]] = {
    "single_choice": grade_single_choice,
    "multiple_choice": grade_multiple_choice,
    "true_false": grade_true_false,
    "numeric": grade_numeric,
    "short_text": grade_short_text,
    "matching": grade_matching,
    "ordering": grade_ordering,
    "cloze": grade_cloze,
    "find_evidence": grade_find_evidence,
}


def grade_response(question_type: str, content: dict, key: dict, response: dict | None) -> Grade:
    """Grade one response; no response grades as an empty one (0)."""
    return GRADERS[question_type](content, key, response or {})


def ideal_response(question_type: str, key: dict) -> dict[str, Any]:
    """The response that scores full marks: the key in the response's own shape."""
    if question_type == "short_text":
        return {"text": key["accepted"][0]}
    if question_type == "cloze":
        return {"blanks": [alternatives[0] for alternatives in key["blanks"]]}
    if question_type == "numeric":
        return {"value": key["value"]}
    return {k: v for k, v in key.items()}


# --- the shape of a response -------------------------------------------------------------

EXPECTED_SHAPES = {
    "single_choice": '{"choice": "<option id>"}',
    "multiple_choice": '{"choices": ["<option id>", ...]}',
    "true_false": '{"value": true or false}',
    "numeric": '{"value": <number>} with |number| <= 10^15',
    "short_text": '{"text": "<answer, one line>"}',
    "matching": '{"pairs": {"<prompt id>": "<option id>", ...}}',
    "ordering": '{"order": ["<item id>", ... every item once]}',
    "cloze": '{"blanks": ["<text>", ... one per blank]}',
    "find_evidence": '{"start": <int>, "end": <int>} with 0 <= start < end <= text length',
}


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def response_problem(question_type: str, content: dict, response: Any) -> str | None:
    """Why `response` does not fit the item, or None if it does."""
    shape = EXPECTED_SHAPES[question_type]
    wrong = f"A {question_type} response looks like {shape}."
    if not isinstance(response, dict):
        return wrong
    check = _SHAPE_CHECKS[question_type]
    return None if check(content, response) else wrong


def _keys(response: dict, *names: str) -> bool:
    return set(response) == set(names)


def _choice(content: dict, r: dict) -> bool:
    return _keys(r, "choice") and r["choice"] in _ids(content["options"])


def _choices(content: dict, r: dict) -> bool:
    options = set(_ids(content["options"]))
    c = r.get("choices")
    return (
        _keys(r, "choices")
        and isinstance(c, list)
        and all(isinstance(x, str) and x in options for x in c)
        and len(set(c)) == len(c)
    )


def _value_bool(content: dict, r: dict) -> bool:
    return _keys(r, "value") and isinstance(r["value"], bool)


def _value_number(content: dict, r: dict) -> bool:
    v = r.get("value")
    return (
        _keys(r, "value")
        and isinstance(v, int | float)
        and not isinstance(v, bool)
        and abs(v) <= MAX_NUMERIC_ANSWER
    )


def _typed_text(value: Any) -> bool:
    """One line of a person's text: a string, not too long, no control character."""
    return (
        isinstance(value, str)
        and len(value) <= MAX_TEXT_LENGTH
        and forbidden_character(value, multiline=False) is None
    )


def _text(content: dict, r: dict) -> bool:
    return _keys(r, "text") and _typed_text(r["text"])


def _pairs(content: dict, r: dict) -> bool:
    p = r.get("pairs")
    prompts, options = set(_ids(content["prompts"])), set(_ids(content["options"]))
    return (
        _keys(r, "pairs")
        and isinstance(p, dict)
        and all(k in prompts and isinstance(v, str) and v in options for k, v in p.items())
    )


def _order(content: dict, r: dict) -> bool:
    o = r.get("order")
    return (
        _keys(r, "order")
        and isinstance(o, list)
        and sorted(map(str, o)) == sorted(_ids(content["items"]))
        and all(isinstance(x, str) for x in o)
    )


def _blanks(content: dict, r: dict) -> bool:
    b = r.get("blanks")
    return (
        _keys(r, "blanks")
        and isinstance(b, list)
        and len(b) == len(content["segments"]) - 1
        and all(_typed_text(x) for x in b)
    )


def _span(content: dict, r: dict) -> bool:
    s, e = r.get("start"), r.get("end")
    return (
        _keys(r, "start", "end")
        and _is_int(s)
        and _is_int(e)
        and 0 <= s < e <= content["source_length"]
    )


_SHAPE_CHECKS: dict[str, Callable[[dict, dict], bool]] = {
    "single_choice": _choice,
    "multiple_choice": _choices,
    "true_false": _value_bool,
    "numeric": _value_number,
    "short_text": _text,
    "matching": _pairs,
    "ordering": _order,
    "cloze": _blanks,
    "find_evidence": _span,
}
