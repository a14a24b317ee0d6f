"""Teachers' figures: item analysis of a quiz (as Moodle's statistics report), per-fact
results joined to the source, the class grid and the gradebook.

Item analysis, over submitted attempts, with x = an item's score as a share of its points and
r = the rest of the test (attempt score minus the item, as a share of the rest's points):

- facility index: mean of x, in %;
- standard deviation: sample SD of x, in %;
- discrimination index: Pearson correlation of x with r, in % (null when either is constant);
- option frequencies for single/multiple choice and true/false: how often each was chosen;
- mean time: mean seconds between an item's last saved answer and the answer saved before it
  in the same attempt (or the attempt's start), in SQL: an estimate, as the page does not
  report the time a learner looked at an item;
- per quiz: mean, median and SD of the attempt scores (%), and Cronbach's alpha
  k/(k-1) * (1 - sum of item variances / variance of the total), when every attempt asked
  the same k >= 2 questions (a quiz with draw rules asks different ones).

Sums, sums of squares and cross-products come from SQL grouped by question; Python only
divides them, plus one pass over the responses of choice items for option counts.
"""

from __future__ import annotations

import math
import statistics as stats
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from itertools import groupby
from typing import Any

from sqlalchemy import Float, and_, case, cast, func, literal, select
from sqlalchemy.orm import Session

from app.domain.question_types import REGISTRY
from app.models import (
    AnswerLog,
    Assignment,
    Attempt,
    AttemptItem,
    ClassMembership,
    Fact,
    Quiz,
    Response,
    Tag,
    User,
    question_tags,
    question_version_facts,
)
from app.models.content import QuestionVersion
from app.services.quizzes import grade_under, graded_attempt

# The types whose item analysis counts how often each option was chosen.
CHOICE_TYPES = tuple(name for name, kind in REGISTRY.items() if kind.counts_options)


def _pct(value: float | None) -> float | None:
    return None if value is None else round(100 * value, 2)


def _sample_sd(n: int, total: float, squares: float) -> float | None:
    if n < 2:
        return None
    return math.sqrt(max(0.0, (squares - total * total / n) / (n - 1)))


def _correlation(n: int, sx: float, sxx: float, sy: float, syy: float, sxy: float) -> float | None:
    spread = (n * sxx - sx * sx) * (n * syy - sy * sy)
    if n < 2 or spread <= 1e-12:
        return None
    return (n * sxy - sx * sy) / math.sqrt(spread)


@dataclass
class OptionCount:
    id: str
    text: str
    count: int
    correct: bool


@dataclass
class QuestionStatistics:
    question_id: int
    type: str
    prompt: str
    attempts: int
    facility: float | None
    sd: float | None
    discrimination: float | None
    mean_time_s: float | None
    options: list[OptionCount] = field(default_factory=list)


@dataclass
class FactStatistics:
    fact_id: int
    statement: str
    source_id: int
    evidence_start: int
    evidence_end: int
    evidence_text: str
    learners: int
    learners_right: int
    share_right: float | None
    mean_score: float | None


@dataclass
class QuizSummary:
    attempts: int
    mean: float | None
    median: float | None
    sd: float | None
    cronbach_alpha: float | None
    # Attempts per 10-point band of the score in %: [0, 10), [10, 20), ... [90, 100].
    histogram: list[int] = field(default_factory=lambda: [0] * 10)


@dataclass
class QuizStatistics:
    quiz: QuizSummary
    questions: list[QuestionStatistics]
    facts: list[FactStatistics]


def quiz_summary(scores: list[tuple[float | None, float]]) -> QuizSummary:
    """(score, max score) per submitted attempt -> mean, median, SD (%) and histogram."""
    totals = [(score or 0.0) / max_score if max_score else 0.0 for score, max_score in scores]
    summary = QuizSummary(
        attempts=len(totals),
        mean=_pct(stats.fmean(totals)) if totals else None,
        median=_pct(stats.median(totals)) if totals else None,
        sd=_pct(stats.stdev(totals)) if len(totals) > 1 else None,
        cronbach_alpha=None,
    )
    for total in totals:
        summary.histogram[min(9, int(total * 10))] += 1
    return summary


# Per question, from SQL: id, type, prompt, n, then sums of x, x², r, r², x·r (x: the item's
# share of its points, r: the rest of the test's share) and of the item's points p and p².
ItemSums = tuple[int, str, str, int, float, float, float, float, float, float, float]


def question_statistics(rows: list[ItemSums]) -> dict[int, QuestionStatistics]:
    """Facility, SD and discrimination per question, from the SQL sums."""
    return {
        qid: QuestionStatistics(
            question_id=qid,
            type=qtype,
            prompt=prompt,
            attempts=n,
            facility=_pct(sx / n),
            sd=_pct(_sample_sd(n, sx, sxx)),
            discrimination=_pct(_correlation(n, sx, sxx, sr, srr, sxr)),
            mean_time_s=None,
        )
        for qid, qtype, prompt, n, sx, sxx, sr, srr, sxr, _sp, _spp in rows
    }


def cronbach_alpha(rows: list[ItemSums], scores: list[float]) -> float | None:
    """k/(k-1) * (1 - sum of item variances / variance of the total), when every attempt
    (of `scores`, in points) asked the same k >= 2 questions; None otherwise."""
    n_attempts, k = len(scores), len(rows)
    if k < 2 or n_attempts < 2 or any(row[3] != n_attempts for row in rows):
        return None
    total_var = stats.variance(scores)
    if total_var <= 0:
        return None
    item_vars = [(spp - sp * sp / n) / (n - 1) for _q, _t, _p, n, *_xr, sp, spp in rows]
    return round(k / (k - 1) * (1 - sum(item_vars) / total_var), 4)


def quiz_statistics(session: Session, quiz: Quiz) -> QuizStatistics:
    """Item analysis of the quiz's submitted attempts: sums in SQL, formulas in Python."""
    done = (Attempt.quiz_id == quiz.id) & (Attempt.state == "submitted")
    scores = [
        (score, max_score)
        for score, max_score in session.execute(
            select(Attempt.score, Attempt.max_score).where(done)
        )
    ]
    rows = _item_sums(session, done)
    summary = quiz_summary(scores)
    summary.cronbach_alpha = cronbach_alpha(rows, [score or 0.0 for score, _ in scores])
    questions = question_statistics(rows)
    _one_pass_over_responses(session, quiz, questions)
    return QuizStatistics(summary, list(questions.values()), fact_statistics(session, quiz))


def _item_sums(session: Session, done: Any) -> list[ItemSums]:
    x = cast(AttemptItem.score, Float) / AttemptItem.points
    rest_points = func.nullif(Attempt.max_score - AttemptItem.points, 0)
    r = func.coalesce((Attempt.score - AttemptItem.score) / rest_points, literal(0.0))
    question_id = QuestionVersion.question_id
    return [
        tuple(row)  # type: ignore[misc]
        for row in session.execute(
            select(
                question_id,
                func.min(QuestionVersion.type),
                func.max(QuestionVersion.prompt),
                func.count(),
                func.sum(x),
                func.sum(x * x),
                func.sum(r),
                func.sum(r * r),
                func.sum(x * r),
                func.sum(AttemptItem.score),
                func.sum(AttemptItem.score * AttemptItem.score),
            )
            .select_from(AttemptItem)
            .join(Attempt, Attempt.id == AttemptItem.attempt_id)
            .join(QuestionVersion, QuestionVersion.id == AttemptItem.question_version_id)
            .where(done)
            .group_by(question_id)
            .order_by(question_id)
        )
    ]


def _seconds_between(session: Session, later: Any, earlier: Any) -> Any:
    if session.get_bind().dialect.name == "sqlite":
        return (func.julianday(later) - func.julianday(earlier)) * 86400.0
    return func.extract("epoch", later - earlier)


def _one_pass_over_responses(
    session: Session, quiz: Quiz, questions: dict[int, QuestionStatistics]
) -> None:
    done = (Attempt.quiz_id == quiz.id) & (Attempt.state == "submitted")
    # Time per item: from the answer saved before it in the attempt (or the start).
    previous = func.lag(Response.saved_at).over(
        partition_by=AttemptItem.attempt_id, order_by=Response.saved_at
    )
    timed = (
        select(
            QuestionVersion.question_id.label("question_id"),
            Response.saved_at.label("saved_at"),
            func.coalesce(previous, Attempt.started_at).label("since"),
        )
        .select_from(Response)
        .join(AttemptItem, AttemptItem.id == Response.attempt_item_id)
        .join(Attempt, Attempt.id == AttemptItem.attempt_id)
        .join(QuestionVersion, QuestionVersion.id == AttemptItem.question_version_id)
        .where(done)
        .subquery()
    )
    seconds = _seconds_between(session, timed.c.saved_at, timed.c.since)
    for qid, mean_seconds in session.execute(
        select(timed.c.question_id, func.avg(seconds)).group_by(timed.c.question_id)
    ):
        if qid in questions and mean_seconds is not None:
            questions[qid].mean_time_s = round(float(mean_seconds), 1)

    # Option counts: the one pass in Python, over the responses to choice items.
    versions = {
        v.id: v
        for v in session.scalars(
            select(QuestionVersion).where(
                QuestionVersion.id.in_(
                    select(AttemptItem.question_version_id)
                    .join(Attempt, Attempt.id == AttemptItem.attempt_id)
                    .where(done)
                    .distinct()
                ),
                QuestionVersion.type.in_(CHOICE_TYPES),
            )
        )
    }
    counts: dict[int, dict[str, int]] = {}
    for version_id, response in session.execute(
        select(AttemptItem.question_version_id, Response.response)
        .join(Response, Response.attempt_item_id == AttemptItem.id)
        .join(Attempt, Attempt.id == AttemptItem.attempt_id)
        .join(QuestionVersion, QuestionVersion.id == AttemptItem.question_version_id)
        .where(done, QuestionVersion.type.in_(CHOICE_TYPES))
    ):
        version = versions[version_id]
        tally = counts.setdefault(version.question_id, {})
        for chosen in REGISTRY[version.type].chosen(response):
            tally[chosen] = tally.get(chosen, 0) + 1
    for version in versions.values():
        tally = counts.get(version.question_id, {})
        options = REGISTRY[version.type].option_counts(version.content, version.answer_key)
        if version.question_id in questions:
            questions[version.question_id].options = [
                OptionCount(id=oid, text=text, count=tally.get(oid, 0), correct=correct)
                for oid, text, correct in options
            ]


def fact_statistics(session: Session, quiz: Quiz) -> list[FactStatistics]:
    """Per fact tested by the quiz: how many learners got it right in every answer."""
    x = cast(AttemptItem.score, Float) / AttemptItem.points
    per_learner = (
        select(
            question_version_facts.c.fact_id.label("fact_id"),
            Attempt.learner_id.label("learner_id"),
            func.min(x).label("worst"),
            func.avg(x).label("mean"),
        )
        .select_from(AttemptItem)
        .join(Attempt, Attempt.id == AttemptItem.attempt_id)
        .join(
            question_version_facts,
            question_version_facts.c.question_version_id == AttemptItem.question_version_id,
        )
        .where(Attempt.quiz_id == quiz.id, Attempt.state == "submitted")
        .group_by(question_version_facts.c.fact_id, Attempt.learner_id)
        .subquery()
    )
    rows = session.execute(
        select(
            Fact.id,
            Fact.statement,
            Fact.source_id,
            Fact.evidence_start,
            Fact.evidence_end,
            Fact.evidence_text,
            func.count(),
            func.sum(case((per_learner.c.worst >= 0.9999, 1), else_=0)),
            func.avg(per_learner.c.mean),
        )
        .join(per_learner, per_learner.c.fact_id == Fact.id)
        .group_by(
            Fact.id,
            Fact.statement,
            Fact.source_id,
            Fact.evidence_start,
            Fact.evidence_end,
            Fact.evidence_text,
        )
        .order_by(Fact.source_id, Fact.evidence_start)
    ).all()
    return [
        FactStatistics(
            fact_id=fid,
            statement=statement,
            source_id=source_id,
            evidence_start=start,
            evidence_end=end,
            evidence_text=text,
            learners=learners,
            learners_right=right,
            share_right=_pct(right / learners) if learners else None,
            mean_score=_pct(mean),
        )
        for fid, statement, source_id, start, end, text, learners, right, mean in rows
    ]


# --- the class -------------------------------------------------------------------------------


@dataclass
class LearnerRow:
    learner_id: int
    display_name: str
    email: str
    tags: dict[str, dict[str, float | int]]
    grades: dict[int, float | None]
    # The attempt each grade comes from, for a link to its review.
    attempts: dict[int, int | None]


@dataclass
class ClassProgress:
    tags: list[str]
    quizzes: list[dict[str, Any]]
    learners: list[LearnerRow]


def class_progress(session: Session, class_id: int, now: datetime) -> ClassProgress:
    """A learner x tag grid of accuracy, and quiz grades: four queries, whatever the class."""
    member_ids = select(ClassMembership.user_id).where(ClassMembership.class_id == class_id)
    learners = session.execute(
        select(User.id, User.display_name, User.email)
        .where(User.id.in_(member_ids))
        .order_by(User.display_name, User.id)
    ).all()
    cells = session.execute(
        select(AnswerLog.learner_id, Tag.name, func.count(), func.sum(AnswerLog.fraction))
        .select_from(AnswerLog)
        .join(QuestionVersion, QuestionVersion.id == AnswerLog.question_version_id)
        .join(question_tags, question_tags.c.question_id == QuestionVersion.question_id)
        .join(Tag, Tag.id == question_tags.c.tag_id)
        .where(AnswerLog.learner_id.in_(member_ids), AnswerLog.visible_from <= now)
        .group_by(AnswerLog.learner_id, Tag.name)
    ).all()
    quizzes = session.scalars(
        select(Quiz)
        .join(Assignment, Assignment.quiz_id == Quiz.id)
        .where(Assignment.class_id == class_id)
        .order_by(Assignment.id)
    ).all()
    attempts = session.scalars(
        select(Attempt).where(
            Attempt.learner_id.in_(member_ids),
            Attempt.quiz_id.in_([q.id for q in quizzes]),
            Attempt.state == "submitted",
        )
    ).all()
    by_pair: dict[tuple[int, int], list[Attempt]] = {}
    for attempt in attempts:
        by_pair.setdefault((attempt.learner_id, attempt.quiz_id), []).append(attempt)
    grid: dict[int, dict[str, dict[str, float | int]]] = {}
    for learner_id, tag, answered, correct in cells:
        grid.setdefault(learner_id, {})[tag] = {
            "answered": answered,
            "accuracy": round((correct or 0.0) / answered, 4),
        }
    return ClassProgress(
        tags=sorted({tag for _, tag, _, _ in cells}),
        quizzes=[
            {
                "id": q.id,
                "title": q.title,
                "grading": q.grading,
                "archived": q.archived_at is not None,
            }
            for q in quizzes
        ],
        learners=[
            LearnerRow(
                learner_id=lid,
                display_name=name,
                email=email,
                tags=grid.get(lid, {}),
                grades={
                    q.id: grade_under(q.grading, by_pair.get((lid, q.id), [])) for q in quizzes
                },
                attempts={
                    q.id: _attempt_id(q.grading, by_pair.get((lid, q.id), [])) for q in quizzes
                },
            )
            for lid, name, email in learners
        ],
    )


def _attempt_id(method: str, attempts: list[Attempt]) -> int | None:
    graded = graded_attempt(method, attempts)
    return graded.id if graded else None


# A spreadsheet reads a cell starting with one of these as a formula (OWASP, CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_text(text: str) -> str:
    """Text a spreadsheet shows as text: a leading ' keeps `=HYPERLINK(...)` from running."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def gradebook_rows(session: Session, class_id: int, *, batch: int = 100) -> Iterator[list[str]]:
    """The gradebook as CSV rows: one per learner (in the class grid's order), one column
    per assigned quiz (percent under its method). Learners and their submitted attempts come
    from one query read `batch` rows at a time (a server-side cursor on PostgreSQL), so
    memory stays flat whatever the class size. Names, emails and titles come from users, so
    none may start a formula."""
    quizzes = session.execute(
        select(Quiz.id, Quiz.title, Quiz.grading)
        .join(Assignment, Assignment.quiz_id == Quiz.id)
        .where(Assignment.class_id == class_id)
        .order_by(Assignment.id)
    ).all()
    yield ["Learner", "Email"] + [spreadsheet_text(f"{q.title} (#{q.id})") for q in quizzes]
    rows = session.execute(
        select(
            User.id.label("learner_id"),
            User.display_name,
            User.email,
            Attempt.quiz_id,
            Attempt.number,
            Attempt.state,
            Attempt.score,
            Attempt.max_score,
        )
        .join(
            ClassMembership,
            and_(ClassMembership.user_id == User.id, ClassMembership.class_id == class_id),
        )
        .outerjoin(
            Attempt,
            and_(
                Attempt.learner_id == User.id,
                Attempt.state == "submitted",
                Attempt.quiz_id.in_([q.id for q in quizzes]),
            ),
        )
        .order_by(User.display_name, User.id),
        execution_options={"yield_per": batch},
    )
    for (_, name, email), learner_rows in groupby(
        rows, key=lambda row: (row.learner_id, row.display_name, row.email)
    ):
        by_quiz: dict[int, list[Any]] = {}
        for row in learner_rows:
            if row.quiz_id is not None:
                by_quiz.setdefault(row.quiz_id, []).append(row)
        grades = [grade_under(q.grading, by_quiz.get(q.id, [])) for q in quizzes]
        yield [spreadsheet_text(name), spreadsheet_text(email)] + [
            "" if grade is None else f"{grade:.2f}" for grade in grades
        ]
