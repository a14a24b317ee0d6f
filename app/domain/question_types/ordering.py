"""Put in order: 1 point per pair of items in the right relative order (Kendall's
concordant pairs), so the reversed order scores 0. Three items at least: with two, the
order shown would give the answer away (one swap)."""

from __future__ import annotations

from itertools import combinations
from typing import Any

from marshmallow import validate

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
from app.domain.text import short_id

MIN_ORDERING_ITEMS = 3


class OrderingSchema(QuestionBaseSchema):
    items = TextList(required=True, validate=validate.Length(min=MIN_ORDERING_ITEMS))


@register
class Ordering(QuestionType):
    name = "ordering"
    label = "Put in order"
    response_shape = '{"order": ["<item id>", ... every item once]}'
    authoring_schema = OrderingSchema
    # The order items are written in is the answer: every attempt shuffles them, uniformly.
    shuffled_always = ("items",)

    def compile(self, question: dict[str, Any]) -> CompiledBody:
        items = question["items"]
        if len(items) < MIN_ORDERING_ITEMS:
            raise QuestionProblem(f"needs at least {MIN_ORDERING_ITEMS} items")
        distinct(items, "item")
        # Stored in an order other than the answer, as a teacher browsing the bank sees it.
        shown = shuffled(items, question["id"])
        if shown == items:
            shown = items[1:] + items[:1]
        return CompiledBody(
            {"items": options("i", shown)}, {"order": [short_id("i", item) for item in items]}
        )

    def accepts(self, content: dict[str, Any], response: dict[str, Any]) -> bool:
        order = response.get("order")
        return (
            keys_are(response, "order")
            and isinstance(order, list)
            and all(isinstance(x, str) for x in order)
            and sorted(order) == sorted(ids(content["items"]))
        )

    def grade(
        self, content: dict[str, Any], key: dict[str, Any], response: dict[str, Any]
    ) -> Grade:
        given = {item: index for index, item in enumerate(response.get("order") or [])}
        parts = []
        for first, second in combinations(key["order"], 2):
            right = first in given and second in given and given[first] < given[second]
            parts.append({"pair": [first, second], "correct": right})
        return Grade(float(sum(p["correct"] for p in parts)), float(len(parts)), parts)
