"""True or false: 1 point if the value is the key."""

from __future__ import annotations

from typing import Any

from app.domain.question_types.base import (
    CompiledBody,
    Grade,
    QuestionBaseSchema,
    QuestionType,
    keys_are,
    register,
)
from app.schemas.fields import StrictBoolean


class TrueFalseSchema(QuestionBaseSchema):
    answer = StrictBoolean(required=True)


@register
class TrueFalse(QuestionType):
    name = "true_false"
    label = "True or false"
    response_shape = '{"value": true or false}'
    authoring_schema = TrueFalseSchema
    counts_options = True

    def compile(self, question: dict[str, Any]) -> CompiledBody:
        return CompiledBody({}, {"value": question["answer"]})

    def accepts(self, content: dict[str, Any], response: dict[str, Any]) -> bool:
        return keys_are(response, "value") and isinstance(response["value"], bool)

    def grade(
        self, content: dict[str, Any], key: dict[str, Any], response: dict[str, Any]
    ) -> Grade:
        right = response.get("value") is key["value"]
        return Grade(float(right), 1.0, [{"correct": right}])

    def option_counts(
        self, content: dict[str, Any], key: dict[str, Any]
    ) -> list[tuple[str, str, bool]]:
        return [("true", "True", key["value"] is True), ("false", "False", key["value"] is False)]

    def chosen(self, response: dict[str, Any]) -> list[str]:
        return ["true" if response.get("value") else "false"] if "value" in response else []
