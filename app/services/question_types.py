"""Question types: how a question written in a bank file becomes stored content and key.

Each type turns its authoring fields (texts a teacher writes) into `content` (what a learner
may see, with stable ids for options) and `answer_key` (shaped like the ideal response of
product.md where there is one), and reports what does not fit the type.
"""

from __future__ import annotations

import random
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from app.domain.text import normalise_answer, short_id

CLOZE_BLANK = re.compile(r"\[\[([^\]]*)\]\]")


class QuestionProblem(ValueError):
    """The question's fields do not make a valid question of its type."""


@dataclass(frozen=True)
class CompiledBody:
    content: dict[str, Any]
    answer_key: dict[str, Any]


def _options(prefix: str, texts: list[str]) -> list[dict[str, str]]:
    return [{"id": short_id(prefix, text), "text": text} for text in texts]


def _distinct(texts: list[str], what: str) -> None:
    seen: dict[str, str] = {}
    for text in texts:
        norm = normalise_answer(text)
        if not norm:
            raise QuestionProblem(f"{what} {text!r} is empty once punctuation is ignored")
        if norm in seen:
            raise QuestionProblem(f"{what} {text!r} is the same as {seen[norm]!r}")
        seen[norm] = text


def _shuffled(items: list[Any], seed: str) -> list[Any]:
    # Stored order is fixed per question so the answer is not always first; attempts reshuffle.
    copy = list(items)
    random.Random(seed).shuffle(copy)
    return copy


def _single_choice(q: dict[str, Any]) -> CompiledBody:
    options, answer = q["options"], q["answer"]
    if len(options) < 2:
        raise QuestionProblem("needs at least 2 options")
    for option in options:
        if option != answer and normalise_answer(option) == normalise_answer(answer):
            raise QuestionProblem(f"distractor {option!r} is the same as the answer {answer!r}")
    _distinct(options, "option")
    if answer not in options:
        raise QuestionProblem(f"answer {answer!r} is not one of the options")
    return CompiledBody(
        {"options": _options("o", _shuffled(options, q["id"]))},
        {"choice": short_id("o", answer)},
    )


def _multiple_choice(q: dict[str, Any]) -> CompiledBody:
    options, answers = q["options"], q["answers"]
    if len(options) < 2:
        raise QuestionProblem("needs at least 2 options")
    if not answers:
        raise QuestionProblem("needs at least one correct answer")
    wrong = [o for o in options if o not in answers]
    for option in wrong:
        if any(normalise_answer(option) == normalise_answer(a) for a in answers):
            raise QuestionProblem(f"distractor {option!r} is the same as an answer")
    _distinct(options, "option")
    missing = [a for a in answers if a not in options]
    if missing:
        raise QuestionProblem(f"answers {missing!r} are not among the options")
    _distinct(answers, "answer")
    return CompiledBody(
        {"options": _options("o", _shuffled(options, q["id"]))},
        {"choices": sorted(short_id("o", a) for a in answers)},
    )


def _true_false(q: dict[str, Any]) -> CompiledBody:
    return CompiledBody({}, {"value": q["answer"]})


def _numeric(q: dict[str, Any]) -> CompiledBody:
    if q["tolerance"] < 0:
        raise QuestionProblem("tolerance must not be negative")
    content = {"unit": q["unit"]} if q.get("unit") else {}
    return CompiledBody(content, {"value": q["answer"], "tolerance": q["tolerance"]})


def _short_text(q: dict[str, Any]) -> CompiledBody:
    accepted = q["accepted"]
    if any(not normalise_answer(text) for text in accepted):
        raise QuestionProblem("an accepted answer is empty once punctuation is ignored")
    return CompiledBody({}, {"accepted": accepted})


def _matching(q: dict[str, Any]) -> CompiledBody:
    pairs = q["pairs"]
    if len(pairs) < 2:
        raise QuestionProblem("needs at least 2 pairs")
    lefts = [left for left, _ in pairs]
    rights = list(dict.fromkeys(right for _, right in pairs))
    _distinct(lefts, "prompt")
    for distractor in q["distractors"]:
        if normalise_answer(distractor) in {normalise_answer(r) for r in rights}:
            raise QuestionProblem(f"distractor {distractor!r} is the same as a matching answer")
    _distinct(rights + q["distractors"], "option")
    return CompiledBody(
        {
            "prompts": _options("p", lefts),
            "options": _options("o", _shuffled(rights + q["distractors"], q["id"])),
        },
        {"pairs": {short_id("p", left): short_id("o", right) for left, right in pairs}},
    )


def _ordering(q: dict[str, Any]) -> CompiledBody:
    items = q["items"]
    if len(items) < 2:
        raise QuestionProblem("needs at least 2 items")
    _distinct(items, "item")
    # Shown in an order other than the answer, else the question answers itself.
    shown = _shuffled(items, q["id"])
    if shown == items:
        shown = items[1:] + items[:1]
    return CompiledBody(
        {"items": _options("i", shown)}, {"order": [short_id("i", item) for item in items]}
    )


def parse_cloze(text: str) -> tuple[list[str], list[list[str]]]:
    """Split `a [[b|c]] d` into segments ["a ", " d"] and blanks [["b", "c"]]."""
    segments = CLOZE_BLANK.split(text)
    return segments[0::2], [
        [alt.strip() for alt in blank.split("|") if alt.strip()] for blank in segments[1::2]
    ]


def _cloze(q: dict[str, Any]) -> CompiledBody:
    segments, blanks = parse_cloze(q["text"])
    if not blanks:
        raise QuestionProblem("text has no [[blank]]")
    if any(not alternatives for alternatives in blanks):
        raise QuestionProblem("a [[blank]] has no accepted answer")
    if "[[" in "".join(segments) or "]]" in "".join(segments):
        raise QuestionProblem("text has an unclosed [[ or ]]")
    return CompiledBody({"segments": segments}, {"blanks": blanks})


def _find_evidence(q: dict[str, Any]) -> CompiledBody:
    spans = q.get("evidence") or []
    if len(spans) != 1:
        raise QuestionProblem("needs exactly one fact, whose evidence span is the answer")
    span = spans[0]
    return CompiledBody({"source": span["source"]}, {"start": span["start"], "end": span["end"]})


COMPILERS: dict[str, Callable[[dict[str, Any]], CompiledBody]] = {
    "single_choice": _single_choice,
    "multiple_choice": _multiple_choice,
    "true_false": _true_false,
    "numeric": _numeric,
    "short_text": _short_text,
    "matching": _matching,
    "ordering": _ordering,
    "cloze": _cloze,
    "find_evidence": _find_evidence,
}


def compile_question_body(question: dict[str, Any]) -> CompiledBody:
    """Turn a validated authoring dict into content and answer key, or raise QuestionProblem.

    `question["evidence"]` holds the resolved evidence spans of its facts.
    """
    return COMPILERS[question["type"]](question)
