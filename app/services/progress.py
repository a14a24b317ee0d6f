"""Learner progress: every graded answer feeds the learner's FSRS cards and mastery figures.

Mastery of a fact = accuracy on it (share of marks earned over every answer) x the FSRS
probability of still recalling it 30 days from now: high only for a fact answered well and
held in a memory that lasts, so it rises with practice spaced over time, not with cramming.
Retrievability now is reported beside it. Mastery of a tag = the mean mastery of the facts
tested by the questions with that tag, beside the accuracy over those answers.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from app.domain import scheduling
from app.domain.visibility import scores_visible
from app.models import (
    AnswerLog,
    Attempt,
    Fact,
    FactCard,
    FactReview,
    Quiz,
    Tag,
    question_tags,
    question_version_facts,
)
from app.models.content import QuestionVersion
from app.services.quizzes import grade_under
from app.services.writes import begin_writing, upsert


@dataclass(frozen=True)
class GradedAnswer:
    question_version_id: int
    question_type: str
    fraction: float
    fact_ids: tuple[int, ...]
    elapsed: timedelta | None = None


def facts_of_versions(session: Session, version_ids: Iterable[int]) -> dict[int, tuple[int, ...]]:
    """Version id -> the ids of the facts it tests (one query)."""
    found: dict[int, list[int]] = {}
    rows = session.execute(
        select(question_version_facts.c.question_version_id, question_version_facts.c.fact_id)
        .where(question_version_facts.c.question_version_id.in_(set(version_ids)))
        .order_by(question_version_facts.c.fact_id)
    )
    for version_id, fact_id in rows:
        found.setdefault(version_id, []).append(fact_id)
    return {k: tuple(v) for k, v in found.items()}


def record_answers(
    session: Session,
    learner_id: int,
    answers: list[GradedAnswer],
    source: str,
    answered_at: datetime,
    visible_from: datetime,
) -> None:
    """Log graded answers and the fact reviews they make; one statement per table.

    Reviews move the learner's cards once visible (`apply_visible_reviews`).
    """
    if not answers:
        return
    session.execute(
        AnswerLog.__table__.insert(),  # type: ignore[attr-defined]
        [
            {
                "learner_id": learner_id,
                "question_version_id": a.question_version_id,
                "source": source,
                "fraction": a.fraction,
                "answered_at": answered_at,
                "visible_from": visible_from,
            }
            for a in answers
        ],
    )
    reviews = [
        {
            "learner_id": learner_id,
            "fact_id": fact_id,
            "question_version_id": a.question_version_id,
            "source": source,
            "rating": int(scheduling.rating_for(a.fraction, a.elapsed)),
            "fraction": a.fraction,
            "reviewed_at": answered_at,
            "visible_from": visible_from,
            "applied": False,
        }
        for a in answers
        for fact_id in a.fact_ids
    ]
    if reviews:
        session.execute(FactReview.__table__.insert(), reviews)  # type: ignore[attr-defined]


def load_cards(
    session: Session, learner_id: int, fact_ids: Iterable[int] | None = None
) -> dict[int, FactCard]:
    stmt = select(FactCard).where(FactCard.learner_id == learner_id)
    if fact_ids is not None:
        stmt = stmt.where(FactCard.fact_id.in_(set(fact_ids)))
    return {card.fact_id: card for card in session.scalars(stmt)}


def card_state(card: FactCard) -> scheduling.CardState:
    return scheduling.CardState(
        card.state, card.step, card.stability, card.difficulty, card.due, card.last_review
    )


def apply_visible_reviews(
    session: Session,
    learner_id: int,
    now: datetime,
    question_types: dict[int, str] | None = None,
) -> None:
    """Move the learner's cards by every review that has become visible; three statements.

    `question_types` (fact id -> type) records which question type was last asked.
    """
    pending = session.execute(
        select(FactReview.id, FactReview.fact_id, FactReview.rating, FactReview.reviewed_at)
        .where(
            FactReview.learner_id == learner_id,
            FactReview.applied.is_(False),
            FactReview.visible_from <= now,
        )
        .order_by(FactReview.reviewed_at, FactReview.id)
    ).all()
    if not pending:
        return
    begin_writing(session)  # a request reading outside a transaction writes inside one
    cards = load_cards(session, learner_id, {r.fact_id for r in pending})
    states = {fact_id: card_state(card) for fact_id, card in cards.items()}
    introduced = {fact_id: card.introduced_at for fact_id, card in cards.items()}
    for row in pending:
        state = states.get(row.fact_id) or scheduling.new_card(row.reviewed_at)
        introduced.setdefault(row.fact_id, row.reviewed_at)
        states[row.fact_id] = scheduling.review(
            state, scheduling.Rating(row.rating), row.reviewed_at
        )
    types = question_types or {}
    rows = [
        {
            "learner_id": learner_id,
            "fact_id": fact_id,
            "introduced_at": introduced[fact_id],
            "last_question_type": types.get(
                fact_id, cards[fact_id].last_question_type if fact_id in cards else None
            ),
            **state.__dict__,
        }
        for fact_id, state in states.items()
    ]
    columns = [
        "state",
        "step",
        "stability",
        "difficulty",
        "due",
        "last_review",
        "last_question_type",
    ]
    session.execute(
        upsert(session, FactCard, [FactCard.learner_id, FactCard.fact_id], columns), rows
    )
    session.execute(
        update(FactReview)
        .where(FactReview.id.in_([r.id for r in pending]))
        .values(applied=True)
        .execution_options(synchronize_session=False)
    )


# --- what the learner sees -------------------------------------------------------------------


@dataclass(frozen=True)
class Mastery:
    answered: int
    correct: float
    accuracy: float
    last_seen: datetime | None
    retrievability: float
    mastery: float


@dataclass(frozen=True)
class FactProgress:
    fact_id: int
    statement: str
    source_id: int
    due: datetime | None
    mastery: Mastery


@dataclass(frozen=True)
class TagProgress:
    tag: str
    mastery: Mastery


@dataclass(frozen=True)
class QuizGrade:
    quiz_id: int
    title: str
    grade: float | None
    submitted_at: datetime | None


@dataclass(frozen=True)
class Progress:
    tags: list[TagProgress]
    facts: list[FactProgress]
    quizzes: list[QuizGrade]
    active_days: list[date]
    streak_days: int


MASTERY_HORIZON = timedelta(days=30)


def _mastery(
    answered: int,
    correct: float,
    last: datetime | None,
    card: scheduling.CardState | None,
    now: datetime,
) -> Mastery:
    accuracy = correct / answered if answered else 0.0
    lasting = scheduling.retrievability(card, now + MASTERY_HORIZON)
    return Mastery(
        answered=answered,
        correct=round(correct, 4),
        accuracy=round(accuracy, 4),
        last_seen=last,
        retrievability=round(scheduling.retrievability(card, now), 4),
        mastery=round(accuracy * lasting, 4),
    )


def streak(days: list[date], today: date) -> int:
    """Consecutive active days ending today (or yesterday, if today has no activity yet)."""
    active = set(days)
    day = today if today in active else today - timedelta(days=1)
    count = 0
    while day in active:
        count += 1
        day -= timedelta(days=1)
    return count


def fact_progress(
    rows: list[tuple[int, str, int, int, float | None, datetime | None]],
    cards: dict[int, scheduling.CardState],
    now: datetime,
) -> list[FactProgress]:
    """(fact id, statement, source id, answered, marks, last answered) per fact -> progress."""
    return [
        FactProgress(
            fact_id=fact_id,
            statement=statement,
            source_id=source_id,
            due=cards[fact_id].due if fact_id in cards else None,
            mastery=_mastery(answered, correct or 0.0, last, cards.get(fact_id), now),
        )
        for fact_id, statement, source_id, answered, correct, last in rows
    ]


def tag_progress(
    rows: list[tuple[str, int, float | None, datetime | None]],
    facts_by_tag: dict[str, set[int]],
    facts: list[FactProgress],
) -> list[TagProgress]:
    """(tag, answered, marks, last answered) per tag -> progress: accuracy over its answers;
    mastery and recall as the means over the facts its questions tested."""
    by_id = {f.fact_id: f for f in facts}
    tags = []
    for tag, answered, correct, last in rows:
        tested = [by_id[f] for f in sorted(facts_by_tag.get(tag, ())) if f in by_id]
        mastery = [f.mastery.mastery for f in tested] + [0.0] * (
            len(facts_by_tag.get(tag, ())) - len(tested)
        )
        recall = [f.mastery.retrievability for f in tested]
        accuracy = (correct or 0.0) / answered if answered else 0.0
        tags.append(
            TagProgress(
                tag=tag,
                mastery=Mastery(
                    answered=answered,
                    correct=round(correct or 0.0, 4),
                    accuracy=round(accuracy, 4),
                    last_seen=last,
                    retrievability=round(sum(recall) / len(recall), 4) if recall else 0.0,
                    mastery=round(sum(mastery) / len(mastery), 4) if mastery else 0.0,
                ),
            )
        )
    return tags


def quiz_grades(
    attempts: list[Attempt], quizzes: dict[int, Quiz], now: datetime
) -> list[QuizGrade]:
    """Submitted attempts (oldest first) -> one grade per quiz, hidden until scores show."""
    by_quiz: dict[int, list[Attempt]] = {}
    for attempt in attempts:
        by_quiz.setdefault(attempt.quiz_id, []).append(attempt)
    return [
        QuizGrade(
            quiz_id=quiz_id,
            title=quizzes[quiz_id].title,
            grade=grade_under(quizzes[quiz_id].grading, mine)
            if scores_visible(quizzes[quiz_id], now)
            else None,
            submitted_at=mine[-1].submitted_at,
        )
        for quiz_id, mine in by_quiz.items()
    ]


def learner_progress(session: Session, learner_id: int, now: datetime) -> Progress:
    """Mastery per fact and tag, quiz grades over time, streak: aggregated in SQL, six queries.

    Reviews that became visible must be applied first (`apply_visible_reviews`)."""
    visible = (AnswerLog.learner_id == learner_id) & (AnswerLog.visible_from <= now)
    cards = {fact_id: card_state(card) for fact_id, card in load_cards(session, learner_id).items()}
    facts = fact_progress(_fact_rows(session, learner_id, now), cards, now)
    tags = tag_progress(_tag_rows(session, visible), _facts_by_tag(session, visible), facts)
    attempts = list(
        session.scalars(
            select(Attempt)
            .where(Attempt.learner_id == learner_id, Attempt.state == "submitted")
            .order_by(Attempt.submitted_at)
        )
    )
    quizzes = {
        q.id: q
        for q in session.scalars(select(Quiz).where(Quiz.id.in_({a.quiz_id for a in attempts})))
    }
    active_days = _active_days(session, visible)
    return Progress(
        tags=tags,
        facts=facts,
        quizzes=quiz_grades(attempts, quizzes, now),
        active_days=active_days,
        streak_days=streak(active_days, now.date()),
    )


def _fact_rows(session: Session, learner_id: int, now: datetime) -> list[Any]:
    return list(
        session.execute(
            select(
                FactReview.fact_id,
                Fact.statement,
                Fact.source_id,
                func.count(FactReview.id),
                func.sum(FactReview.fraction),
                func.max(FactReview.reviewed_at),
            )
            .join(Fact, Fact.id == FactReview.fact_id)
            .where(FactReview.learner_id == learner_id, FactReview.visible_from <= now)
            .group_by(FactReview.fact_id, Fact.statement, Fact.source_id, Fact.position)
            .order_by(Fact.source_id, Fact.position)
        ).all()
    )


def _answers_by_tag() -> Any:
    return (
        select()
        .select_from(AnswerLog)
        .join(QuestionVersion, QuestionVersion.id == AnswerLog.question_version_id)
        .join(question_tags, question_tags.c.question_id == QuestionVersion.question_id)
        .join(Tag, Tag.id == question_tags.c.tag_id)
    )


def _tag_rows(session: Session, visible: Any) -> list[Any]:
    return list(
        session.execute(
            _answers_by_tag()
            .add_columns(
                Tag.name,
                func.count(AnswerLog.id),
                func.sum(AnswerLog.fraction),
                func.max(AnswerLog.answered_at),
            )
            .where(visible)
            .group_by(Tag.name)
            .order_by(Tag.name)
        ).all()
    )


def _facts_by_tag(session: Session, visible: Any) -> dict[str, set[int]]:
    rows = session.execute(
        _answers_by_tag()
        .add_columns(Tag.name, question_version_facts.c.fact_id)
        .join(
            question_version_facts,
            question_version_facts.c.question_version_id == AnswerLog.question_version_id,
        )
        .where(visible)
        .distinct()
    )
    facts_by_tag: dict[str, set[int]] = {}
    for tag, fact_id in rows:
        facts_by_tag.setdefault(tag, set()).add(fact_id)
    return facts_by_tag


def _active_days(session: Session, visible: Any) -> list[date]:
    answered_on = (
        func.date(AnswerLog.answered_at)  # stored as naive UTC text
        if session.get_bind().dialect.name == "sqlite"
        else func.date(func.timezone("UTC", AnswerLog.answered_at))
    )
    return sorted(
        value if isinstance(value, date) else date.fromisoformat(value)
        for value in session.scalars(select(answered_on).where(visible).group_by(answered_on))
    )
