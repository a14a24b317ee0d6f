"""The pure parts of a learner's progress, without a database."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from types import SimpleNamespace

from app.services.progress import fact_progress, quiz_grades, streak, tag_progress

NOW = datetime(2026, 3, 2, 12, tzinfo=UTC)


def test_a_fact_never_reviewed_by_fsrs_has_no_recall_and_no_mastery() -> None:
    [fact] = fact_progress([(1, "The 1961 treaty", 7, 4, 3.0, NOW)], {}, NOW)
    assert fact.mastery.answered == 4 and fact.mastery.accuracy == 0.75
    assert fact.mastery.retrievability == 0.0 and fact.mastery.mastery == 0.0
    assert fact.due is None


def test_a_tags_mastery_is_the_mean_over_the_facts_it_tested() -> None:
    facts = [
        SimpleNamespace(fact_id=1, mastery=SimpleNamespace(mastery=0.8, retrievability=0.9)),
        SimpleNamespace(fact_id=2, mastery=SimpleNamespace(mastery=0.4, retrievability=0.5)),
    ]
    [tag] = tag_progress([("treaty-years", 4, 3.0, NOW)], {"treaty-years": {1, 2, 3}}, facts)
    # Fact 3 was tested but has no review yet: it counts as 0 mastery, not as missing.
    assert tag.mastery.mastery == round((0.8 + 0.4 + 0.0) / 3, 4)
    assert tag.mastery.retrievability == 0.7
    assert tag.mastery.accuracy == 0.75 and tag.mastery.answered == 4


def test_quiz_grades_stay_hidden_until_an_after_close_quiz_closes() -> None:
    def attempt(quiz_id: int, number: int, score: float) -> SimpleNamespace:
        return SimpleNamespace(
            quiz_id=quiz_id,
            number=number,
            state="submitted",
            score=score,
            max_score=10.0,
            submitted_at=NOW - timedelta(days=3 - number),
        )

    quizzes = {
        1: SimpleNamespace(title="Open", grading="highest", feedback="on_submit", closes_at=None),
        2: SimpleNamespace(
            title="Closed later",
            grading="last",
            feedback="after_close",
            closes_at=NOW + timedelta(days=1),
        ),
    }
    grades = quiz_grades([attempt(1, 1, 4.0), attempt(1, 2, 7.0), attempt(2, 1, 9.0)], quizzes, NOW)
    assert [(g.quiz_id, g.grade) for g in grades] == [(1, 70.0), (2, None)]
    later = quiz_grades([attempt(2, 1, 9.0)], quizzes, NOW + timedelta(days=2))
    assert later[0].grade == 90.0


def test_the_streak_counts_back_from_today_or_yesterday() -> None:
    today = NOW.date()
    days = [today - timedelta(days=n) for n in (1, 2, 3, 5)]
    assert streak(days, today) == 3
    assert streak([*days, today], today) == 4
    assert streak(days[2:], today) == 0
