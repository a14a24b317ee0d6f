"""The visibility policy as tables: each row a quiz's settings, a moment, and what shows."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest

from app.domain.quiz_rules import settings_problems
from app.domain.visibility import (
    answers_revealed,
    item_locked,
    item_result_visible,
    results_visible_from,
    score_visible,
    scores_visible,
)

NOON = datetime(2026, 3, 2, 12, tzinfo=UTC)
BEFORE, AFTER = NOON - timedelta(hours=1), NOON + timedelta(hours=1)


@dataclass
class Quiz:
    feedback: str = "on_submit"
    reveal_answers: str = "after_last_attempt"
    max_attempts: int | None = None
    closes_at: datetime | None = None


# feedback, closes_at, now, submitted, answered -> item result shown, score shown
RESULTS = [
    ("immediate", None, NOON, False, False, False, False),
    ("immediate", None, NOON, False, True, True, False),
    ("immediate", None, NOON, True, False, True, True),
    ("on_submit", None, NOON, False, True, False, False),
    ("on_submit", None, NOON, True, True, True, True),
    ("after_close", NOON, BEFORE, True, True, False, False),
    ("after_close", NOON, NOON, True, True, True, True),
    ("after_close", NOON, AFTER, False, True, False, False),
]


@pytest.mark.parametrize(
    ("feedback", "closes_at", "now", "submitted", "answered", "result", "score"), RESULTS
)
def test_when_results_and_scores_show(
    feedback: str,
    closes_at: datetime | None,
    now: datetime,
    submitted: bool,
    answered: bool,
    result: bool,
    score: bool,
) -> None:
    quiz = Quiz(feedback=feedback, closes_at=closes_at)
    assert item_result_visible(quiz, submitted, answered, now) is result
    assert score_visible(quiz, submitted, now) is score


# reveal_answers, max_attempts, closes_at, now, attempts used -> answers revealed
REVEALS = [
    ("after_last_attempt", None, None, NOON, 5, False),  # unlimited, never closes
    ("after_last_attempt", 2, None, NOON, 1, False),  # one attempt left
    ("after_last_attempt", 2, None, NOON, 2, True),  # none left
    ("after_last_attempt", None, NOON, BEFORE, 3, False),
    ("after_last_attempt", None, NOON, AFTER, 1, True),  # closed
    ("after_each_attempt", None, None, NOON, 1, True),
    ("after_close", 1, NOON, BEFORE, 1, False),  # no attempt left, but not closed
    ("after_close", 1, NOON, AFTER, 1, True),
    ("after_close", None, None, NOON, 1, False),  # never closes, never reveals
]


@pytest.mark.parametrize(("reveal", "max_attempts", "closes_at", "now", "used", "shown"), REVEALS)
def test_when_correct_answers_show(
    reveal: str,
    max_attempts: int | None,
    closes_at: datetime | None,
    now: datetime,
    used: int,
    shown: bool,
) -> None:
    quiz = Quiz(reveal_answers=reveal, max_attempts=max_attempts, closes_at=closes_at)
    assert answers_revealed(quiz, used, now) is shown


@pytest.mark.parametrize(
    ("feedback", "submitted", "answered", "locked"),
    [
        ("immediate", False, False, False),
        ("immediate", False, True, True),
        ("on_submit", False, True, False),
        ("after_close", True, False, True),
    ],
)
def test_when_an_answer_is_locked(
    feedback: str, submitted: bool, answered: bool, locked: bool
) -> None:
    assert item_locked(Quiz(feedback=feedback), submitted, answered) is locked


def test_after_close_results_reach_progress_at_the_close() -> None:
    assert scores_visible(Quiz(feedback="after_close", closes_at=NOON), BEFORE) is False
    assert results_visible_from(Quiz(feedback="after_close", closes_at=NOON), BEFORE) == NOON
    assert results_visible_from(Quiz(feedback="after_close", closes_at=NOON), AFTER) == AFTER
    assert results_visible_from(Quiz(feedback="immediate"), BEFORE) == BEFORE


# The quiz rules live beside the visibility policy's tests: both are plain tables.
@pytest.mark.parametrize(
    ("settings", "problems"),
    [
        ({"question_ids": [1]}, {}),
        ({"draw": [{"bank": 1}]}, {}),
        ({}, {"question_ids": "Give question_ids, draw rules, or both."}),
        (
            {"question_ids": [1], "opens_at": NOON, "closes_at": NOON},
            {"closes_at": "Must be after opens_at."},
        ),
        (
            {"question_ids": [1], "feedback": "after_close"},
            {"closes_at": "after_close feedback needs a closes_at time."},
        ),
        (
            {"question_ids": [1], "reveal_answers": "after_close"},
            {"closes_at": "reveal_answers after_close needs a closes_at time."},
        ),
        ({"question_ids": [1], "feedback": "after_close", "closes_at": NOON}, {}),
    ],
)
def test_the_quiz_rules(settings: dict, problems: dict) -> None:
    assert settings_problems(settings) == problems
