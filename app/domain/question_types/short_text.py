"""A short answer: 1 point if it equals an accepted answer once case, accents, punctuation
and spacing are ignored."""

from __future__ import annotations

from typing import Any

from marshmallow import validate

from app.domain.question_types.base import (
    CompiledBody,
    Grade,
    QuestionBaseSchema,
    QuestionProblem,
    QuestionType,
    TextList,
    keys_are,
    register,
    typed_text,
)
from app.domain.text import comparable_answer, normalise_answer


class ShortTextSchema(QuestionBaseSchema):
    accepted = TextList(required=True, validate=validate.Length(min=1))


@register
class ShortText(QuestionType):
    name = "short_text"
    label = "A short answer"
    response_shape = '{"text": "<answer, one line>"}'
    authoring_schema = ShortTextSchema

    def compile(self, question: dict[str, Any]) -> CompiledBody:
        accepted = question["accepted"]
        if any(not normalise_answer(text) for text in accepted):
            raise QuestionProblem("an accepted answer is empty once punctuation is ignored")
        return CompiledBody({}, {"accepted": accepted})

    def accepts(self, content: dict[str, Any], response: dict[str, Any]) -> bool:
        return keys_are(response, "text") and typed_text(response["text"])

    def grade(
        self, content: dict[str, Any], key: dict[str, Any], response: dict[str, Any]
    ) -> Grade:
        given = comparable_answer(str(response.get("text", "")))
        right = bool(given) and given in {comparable_answer(a) for a in key["accepted"]}
        return Grade(float(right), 1.0, [{"correct": right}])

    def ideal_response(self, key: dict[str, Any]) -> dict[str, Any]:
        return {"text": key["accepted"][0]}
