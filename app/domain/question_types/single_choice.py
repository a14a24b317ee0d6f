"""Choose one option: 1 point if the chosen option is the key."""

from __future__ import annotations

from typing import Any

from marshmallow import fields

from app.domain.question_types.base import (
    CompiledBody,
    Grade,
    QuestionBaseSchema,
    QuestionProblem,
    QuestionType,
    TextList,
    distinct,
    ids,
    keys_are,
    options,
    register,
    shuffled,
)
from app.domain.text import normalise_answer, short_id


class SingleChoiceSchema(QuestionBaseSchema):
    options = TextList(required=True)
    answer = fields.String(required=True)


@register
class SingleChoice(QuestionType):
    name = "single_choice"
    label = "Choose one"
    response_shape = '{"choice": "<option id>"}'
    authoring_schema = SingleChoiceSchema
    shuffled_with_options = ("options",)
    counts_options = True

    def compile(self, question: dict[str, Any]) -> CompiledBody:
        texts, answer = question["options"], question["answer"]
        if len(texts) < 2:
            raise QuestionProblem("needs at least 2 options")
        for option in texts:
            if option != answer and normalise_answer(option) == normalise_answer(answer):
                raise QuestionProblem(f"distractor {option!r} is the same as the answer {answer!r}")
        distinct(texts, "option")
        if answer not in texts:
            raise QuestionProblem(f"answer {answer!r} is not one of the options")
        return CompiledBody(
            {"options": options("o", shuffled(texts, question["id"]))},
            {"choice": short_id("o", answer)},
        )

    def accepts(self, content: dict[str, Any], response: dict[str, Any]) -> bool:
        return keys_are(response, "choice") and response["choice"] in ids(content["options"])

    def grade(
        self, content: dict[str, Any], key: dict[str, Any], response: dict[str, Any]
    ) -> Grade:
        right = response.get("choice") == key["choice"]
        return Grade(float(right), 1.0, [{"choice": response.get("choice"), "correct": right}])

    def option_counts(
        self, content: dict[str, Any], key: dict[str, Any]
    ) -> list[tuple[str, str, bool]]:
        return [(o["id"], o["text"], o["id"] == key["choice"]) for o in content["options"]]

    def chosen(self, response: dict[str, Any]) -> list[str]:
        return [response["choice"]] if "choice" in response else []
