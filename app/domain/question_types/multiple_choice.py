"""Choose all that apply: right minus wrong, +1/R per correct option chosen and -1/W per
wrong option chosen (R, W: how many exist), floored at 0; out of 1."""

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


class MultipleChoiceSchema(QuestionBaseSchema):
    options = TextList(required=True)
    answers = fields.List(fields.String(), required=True)


@register
class MultipleChoice(QuestionType):
    name = "multiple_choice"
    label = "Choose all that apply"
    response_shape = '{"choices": ["<option id>", ...]}'
    authoring_schema = MultipleChoiceSchema
    shuffled_with_options = ("options",)
    counts_options = True

    def compile(self, question: dict[str, Any]) -> CompiledBody:
        texts, answers = question["options"], question["answers"]
        if len(texts) < 2:
            raise QuestionProblem("needs at least 2 options")
        if not answers:
            raise QuestionProblem("needs at least one correct answer")
        for option in (o for o in texts if o not in answers):
            if any(normalise_answer(option) == normalise_answer(a) for a in answers):
                raise QuestionProblem(f"distractor {option!r} is the same as an answer")
        distinct(texts, "option")
        missing = [a for a in answers if a not in texts]
        if missing:
            raise QuestionProblem(f"answers {missing!r} are not among the options")
        distinct(answers, "answer")
        return CompiledBody(
            {"options": options("o", shuffled(texts, question["id"]))},
            {"choices": sorted(short_id("o", a) for a in answers)},
        )

    def accepts(self, content: dict[str, Any], response: dict[str, Any]) -> bool:
        shown = set(ids(content["options"]))
        chosen = response.get("choices")
        return (
            keys_are(response, "choices")
            and isinstance(chosen, list)
            and all(isinstance(c, str) and c in shown for c in chosen)
            and len(set(chosen)) == len(chosen)
        )

    def grade(
        self, content: dict[str, Any], key: dict[str, Any], response: dict[str, Any]
    ) -> Grade:
        correct = set(key["choices"])
        wrong = set(ids(content["options"])) - correct
        chosen = set(response.get("choices") or [])
        right_share = len(chosen & correct) / len(correct)
        wrong_share = len(chosen & wrong) / len(wrong) if wrong else 0.0
        parts = [{"choice": c, "correct": c in correct} for c in sorted(chosen)]
        return Grade(max(0.0, right_share - wrong_share), 1.0, parts)

    def option_counts(
        self, content: dict[str, Any], key: dict[str, Any]
    ) -> list[tuple[str, str, bool]]:
        right = set(key["choices"])
        return [(o["id"], o["text"], o["id"] in right) for o in content["options"]]

    def chosen(self, response: dict[str, Any]) -> list[str]:
        return list(response.get("choices", []))
