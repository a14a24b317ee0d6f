"""Which fact and question practice serves: the pure decisions, without a database."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from types import SimpleNamespace
from typing import Any

from app.services.practice import choose_fact, choose_question, practice_options

NOW = datetime(2026, 3, 2, 12, tzinfo=UTC)


def card(fact_id: int, due: datetime, last_type: str | None = None) -> Any:
    return SimpleNamespace(fact_id=fact_id, due=due, last_question_type=last_type)


def test_overdue_cards_come_first_most_overdue_first_then_new_facts_in_order() -> None:
    cards = {7: card(7, NOW - timedelta(hours=1)), 3: card(3, NOW - timedelta(days=2))}
    assert choose_fact([1, 2, 3, 7], cards, None, 0, 10, NOW) == (3, None)
    later = {3: card(3, NOW + timedelta(days=1))}
    assert choose_fact([1, 2, 3], later, None, 0, 10, NOW) == (1, NOW + timedelta(days=1))


def test_new_facts_stop_at_the_days_limit() -> None:
    assert choose_fact([1, 2], {}, None, 10, 10, NOW) == (None, None)
    assert choose_fact([1, 2], {}, None, 9, 10, NOW) == (1, None)


def test_never_the_same_fact_twice_in_a_row_unless_it_is_all_there_is() -> None:
    assert choose_fact([1, 2], {}, 1, 0, 10, NOW)[0] == 2
    assert choose_fact([1], {}, 1, 0, 10, NOW)[0] == 1


def test_questions_about_a_held_fact_are_left_out_with_the_fact() -> None:
    rows = [
        (1, 100, "numeric", 0),
        (1, 101, "single_choice", 0),
        (2, 102, "true_false", 1),
        (1, 103, "matching", 0),  # a matching question on facts 1 and 3
        (3, 103, "matching", 2),
        (3, 104, "cloze", 2),
    ]
    options = practice_options(rows, held={3})
    assert options.held_back == 1
    assert options.fact_order == [1, 2]
    # Fact 1 keeps its single-fact questions; the matching question touched fact 3.
    assert options.questions[1] == [(100, "numeric"), (101, "single_choice")]


def test_a_fact_asked_alone_is_preferred_to_one_asked_with_others() -> None:
    rows = [(1, 200, "matching", 0), (2, 200, "matching", 1), (1, 201, "numeric", 0)]
    assert practice_options(rows, held=set()).questions[1] == [(201, "numeric")]
    assert practice_options(rows, held=set()).questions[2] == [(200, "matching")]


def test_another_type_than_last_time_where_the_fact_has_one() -> None:
    options = [(1, "numeric"), (2, "single_choice")]
    for seed in range(20):
        assert choose_question(options, "numeric", random.Random(seed)) == 2
    assert choose_question([(1, "numeric")], "numeric", random.Random(0)) == 1
