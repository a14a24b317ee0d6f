"""Fill in the blanks of a text written `a [[b|c]] d`: 1 point per blank equal to one of
its accepted answers (compared as short answers are)."""

from __future__ import annotations

import re
from typing import Any

from app.domain.question_types.base import (
    CompiledBody,
    Grade,
    QuestionBaseSchema,
    QuestionProblem,
    QuestionType,
    Text,
    keys_are,
    register,
    typed_text,
)
from app.domain.text import comparable_answer

CLOZE_BLANK = re.compile(r"\[\[([^\]]*)\]\]")


def parse_cloze(text: str) -> tuple[list[str], list[list[str]]]:
    """Split `a [[b|c]] d` into segments ["a ", " d"] and blanks [["b", "c"]]."""
    segments = CLOZE_BLANK.split(text)
    return segments[0::2], [
        [alt.strip() for alt in blank.split("|") if alt.strip()] for blank in segments[1::2]
    ]


class ClozeSchema(QuestionBaseSchema):
    text = Text(required=True)


@register
class Cloze(QuestionType):
    name = "cloze"
    label = "Fill in the blanks"
    response_shape = '{"blanks": ["<text>", ... one per blank]}'
    authoring_schema = ClozeSchema

    def compile(self, question: dict[str, Any]) -> CompiledBody:
        segments, blanks = parse_cloze(question["text"])
        if not blanks:
            raise QuestionProblem("text has no [[blank]]")
        if any(not alternatives for alternatives in blanks):
            raise QuestionProblem("a [[blank]] has no accepted answer")
        if "[[" in "".join(segments) or "]]" in "".join(segments):
            raise QuestionProblem("text has an unclosed [[ or ]]")
        return CompiledBody({"segments": segments}, {"blanks": blanks})

    def accepts(self, content: dict[str, Any], response: dict[str, Any]) -> bool:
        blanks = response.get("blanks")
        return (
            keys_are(response, "blanks")
            and isinstance(blanks, list)
            and len(blanks) == len(content["segments"]) - 1
            and all(typed_text(x) for x in blanks)
        )

    def grade(
        self, content: dict[str, Any], key: dict[str, Any], response: dict[str, Any]
    ) -> Grade:
        given = list(response.get("blanks") or [])
        parts = []
        for index, alternatives in enumerate(key["blanks"]):
            text = comparable_answer(str(given[index])) if index < len(given) else ""
            right = bool(text) and text in {comparable_answer(a) for a in alternatives}
            parts.append({"blank": index, "correct": right})
        return Grade(float(sum(p["correct"] for p in parts)), float(len(parts)), parts)

    def ideal_response(self, key: dict[str, Any]) -> dict[str, Any]:
        return {"blanks": [alternatives[0] for alternatives in key["blanks"]]}
