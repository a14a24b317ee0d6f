"""The item-analysis formulas on hand-made sums, without a database."""

from __future__ import annotations

import statistics as stats

import pytest

from app.services.statistics import cronbach_alpha, question_statistics, quiz_summary


def sums(qid: int, xs: list[float], rs: list[float], points: float = 1.0) -> tuple:
    """The SQL row for one question from its per-attempt x (share) and r (rest's share)."""
    return (
        qid,
        "single_choice",
        f"q{qid}",
        len(xs),
        sum(xs),
        sum(x * x for x in xs),
        sum(rs),
        sum(r * r for r in rs),
        sum(x * r for x, r in zip(xs, rs, strict=True)),
        sum(x * points for x in xs),
        sum((x * points) ** 2 for x in xs),
    )


def test_the_summary_of_three_attempts() -> None:
    summary = quiz_summary([(1.0, 2.0), (2.0, 2.0), (None, 2.0)])
    assert summary.attempts == 3
    assert summary.mean == 50.0 and summary.median == 50.0
    assert summary.sd == 50.0
    assert summary.histogram == [1, 0, 0, 0, 0, 1, 0, 0, 0, 1]


def test_facility_sd_and_discrimination_of_one_question() -> None:
    [stat] = question_statistics([sums(7, [1, 1, 0, 0], [1, 0.5, 0.5, 0])]).values()
    assert stat.facility == 50.0
    assert stat.sd == round(100 * stats.stdev([1, 1, 0, 0]), 2)
    assert stat.discrimination == round(100 * stats.correlation([1, 1, 0, 0], [1, 0.5, 0.5, 0]), 2)


def test_discrimination_is_null_when_everyone_scores_alike() -> None:
    [stat] = question_statistics([sums(1, [1, 1, 1], [0, 0.5, 1])]).values()
    assert stat.discrimination is None


def test_cronbachs_alpha_by_hand() -> None:
    items = [[1, 1, 0, 0], [1, 0, 1, 0], [1, 1, 1, 0]]
    totals = [sum(col) for col in zip(*items, strict=True)]
    rows = [sums(i, xs, [0.0] * 4) for i, xs in enumerate(items)]
    k = len(items)
    expected = k / (k - 1) * (1 - sum(stats.variance(x) for x in items) / stats.variance(totals))
    assert cronbach_alpha(rows, [float(t) for t in totals]) == pytest.approx(expected, abs=1e-4)


def test_no_alpha_when_attempts_asked_different_questions() -> None:
    rows = [sums(1, [1, 0], [0, 0]), sums(2, [1, 0, 1], [0, 0, 0])]
    assert cronbach_alpha(rows, [1.0, 0.0, 1.0]) is None
    assert cronbach_alpha(rows[:1], [1.0, 0.0]) is None
