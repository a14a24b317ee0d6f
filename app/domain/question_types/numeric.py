"""A number: 1 point if within the tolerance of the key."""

from __future__ import annotations

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
)
from app.schemas.fields import StrictNumber

# No numeric answer of this product comes near it; beyond it floats lose whole units.
MAX_NUMERIC_ANSWER = 1e15


class NumericSchema(QuestionBaseSchema):
    answer = StrictNumber(required=True)
    tolerance = StrictNumber(load_default=0)
    unit = Text(load_default=None)


@register
class Numeric(QuestionType):
    name = "numeric"
    label = "A number"
    response_shape = '{"value": <number>} with |number| <= 10^15'
    authoring_schema = NumericSchema

    def compile(self, question: dict[str, Any]) -> CompiledBody:
        if question["tolerance"] < 0:
            raise QuestionProblem("tolerance must not be negative")
        content = {"unit": question["unit"]} if question.get("unit") else {}
        return CompiledBody(
            content, {"value": question["answer"], "tolerance": question["tolerance"]}
        )

    def accepts(self, content: dict[str, Any], response: dict[str, Any]) -> bool:
        value = response.get("value")
        return (
            keys_are(response, "value")
            and isinstance(value, int | float)
            and not isinstance(value, bool)
            and abs(value) <= MAX_NUMERIC_ANSWER  # False for NaN
        )

    def grade(
        self, content: dict[str, Any], key: dict[str, Any], response: dict[str, Any]
    ) -> Grade:
        value = response.get("value")
        right = (
            isinstance(value, int | float)
            and not isinstance(value, bool)
            and abs(value - key["value"]) <= key["tolerance"]
        )
        return Grade(float(right), 1.0, [{"correct": right}])

    def ideal_response(self, key: dict[str, Any]) -> dict[str, Any]:
        return {"value": key["value"]}
