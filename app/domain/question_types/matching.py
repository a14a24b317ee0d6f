"""Match each prompt to an option: 1 point per prompt matched to its option."""

from __future__ import annotations

from typing import Any

from marshmallow import fields

from app.domain.question_types.base import (
    CompiledBody,
    Grade,
    QuestionBaseSchema,
    QuestionProblem,
    QuestionType,
    Text,
    TextList,
    distinct,
    ids,
    keys_are,
    options,
    register,
    shuffled,
)
from app.domain.text import normalise_answer, short_id


class MatchingSchema(QuestionBaseSchema):
    pairs = fields.List(fields.Tuple((Text(), Text())), required=True)
    distractors = TextList(load_default=list)


@register
class Matching(QuestionType):
    name = "matching"
    label = "Match each statement"
    response_shape = '{"pairs": {"<prompt id>": "<option id>", ...}}'
    authoring_schema = MatchingSchema
    shuffled_with_options = ("prompts", "options")

    def compile(self, question: dict[str, Any]) -> CompiledBody:
        pairs = question["pairs"]
        if len(pairs) < 2:
            raise QuestionProblem("needs at least 2 pairs")
        lefts = [left for left, _ in pairs]
        rights = list(dict.fromkeys(right for _, right in pairs))
        distinct(lefts, "prompt")
        for distractor in question["distractors"]:
            if normalise_answer(distractor) in {normalise_answer(r) for r in rights}:
                raise QuestionProblem(f"distractor {distractor!r} is the same as a matching answer")
        distinct(rights + question["distractors"], "option")
        return CompiledBody(
            {
                "prompts": options("p", lefts),
                "options": options("o", shuffled(rights + question["distractors"], question["id"])),
            },
            {"pairs": {short_id("p", left): short_id("o", right) for left, right in pairs}},
        )

    def accepts(self, content: dict[str, Any], response: dict[str, Any]) -> bool:
        pairs = response.get("pairs")
        prompts, shown = set(ids(content["prompts"])), set(ids(content["options"]))
        return (
            keys_are(response, "pairs")
            and isinstance(pairs, dict)
            and all(k in prompts and isinstance(v, str) and v in shown for k, v in pairs.items())
        )

    def grade(
        self, content: dict[str, Any], key: dict[str, Any], response: dict[str, Any]
    ) -> Grade:
        pairs = response.get("pairs") or {}
        parts = [
            {"prompt": prompt, "correct": pairs.get(prompt) == option}
            for prompt, option in key["pairs"].items()
        ]
        return Grade(float(sum(p["correct"] for p in parts)), float(len(parts)), parts)
