"""How an attempt shows an item: ordering items in an honest random order (issue 9, fault 8:
a 2-item ordering was always served reversed and a 3-item one never in key order)."""

from __future__ import annotations

import random
from collections import Counter

from app.domain.question_types import present_content

ITEMS = {
    "items": [{"id": "a", "text": "1961"}, {"id": "b", "text": "2000"}, {"id": "c", "text": "2024"}]
}


def test_every_order_of_three_items_is_about_as_likely() -> None:
    seen = Counter(
        tuple(
            i["id"]
            for i in present_content("ordering", ITEMS, random.Random(seed), True, {})["items"]
        )
        for seed in range(6000)
    )
    assert len(seen) == 6  # the key order (a, b, c) among them
    assert all(850 <= count <= 1150 for count in seen.values()), seen


def test_ordering_items_are_shuffled_even_when_options_are_not() -> None:
    orders = {
        tuple(
            i["id"]
            for i in present_content("ordering", ITEMS, random.Random(s), False, {})["items"]
        )
        for s in range(50)
    }
    assert len(orders) == 6


def test_the_authored_content_is_left_untouched() -> None:
    before = repr(ITEMS)
    present_content("ordering", ITEMS, random.Random(1), True, {})
    assert repr(ITEMS) == before
