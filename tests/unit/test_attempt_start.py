"""Starting an attempt: the pure decisions (what is asked, until when, or why not)."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from types import SimpleNamespace
from typing import Any

from app.services.attempts import deadline_for, pick_questions, start_refusal

NOW = datetime(2026, 3, 2, 9, tzinfo=UTC)


def quiz(**settings: Any) -> Any:
    defaults = {"time_limit_s": None, "closes_at": None, "opens_at": None, "max_attempts": None}
    return SimpleNamespace(**{**defaults, **settings})


def test_fixed_questions_come_first_and_draws_never_repeat_them() -> None:
    chosen = pick_questions(
        [(1, 2.0), (2, 1.0)], [([1, 2, 3, 4, 5], 3, 1.5)], random.Random(0), shuffle=False
    )
    assert chosen[:2] == [(1, 2.0), (2, 1.0)]
    assert sorted(chosen[2:]) == [(3, 1.5), (4, 1.5), (5, 1.5)]


def test_a_draw_takes_what_there_is_and_two_rules_never_pick_the_same_question() -> None:
    chosen = pick_questions([], [([1, 2], 2, 1.0), ([2, 3], 5, 1.0)], random.Random(1), False)
    assert sorted(qid for qid, _ in chosen) == [1, 2, 3]


def test_the_same_seed_draws_the_same_questions() -> None:
    draws = [(list(range(40)), 10, 1.0)]
    first = pick_questions([], draws, random.Random(42), shuffle=True)
    assert first == pick_questions([], draws, random.Random(42), shuffle=True)


def test_the_deadline_is_the_time_limit_cut_short_by_the_close() -> None:
    assert deadline_for(quiz(), NOW) is None
    assert deadline_for(quiz(time_limit_s=600), NOW) == NOW + timedelta(minutes=10)
    closes = NOW + timedelta(minutes=5)
    assert deadline_for(quiz(time_limit_s=600, closes_at=closes), NOW) == closes
    assert deadline_for(quiz(closes_at=closes), NOW) == closes


def test_why_an_attempt_cannot_start() -> None:
    assert start_refusal(quiz(), 3, NOW) is None
    assert "opens at" in start_refusal(quiz(opens_at=NOW + timedelta(hours=1)), 0, NOW)
    assert "closed at" in start_refusal(quiz(closes_at=NOW), 0, NOW)
    assert "all 2 attempt(s)" in start_refusal(quiz(max_attempts=2), 2, NOW)
    assert start_refusal(quiz(max_attempts=2), 1, NOW) is None
