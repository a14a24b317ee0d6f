"""Spaced-repetition practice: the most due fact's question, and its answer.

Facts tested by a quiz the learner can still take are left out (`held_back`): practice shows
answers and evidence at once, which that quiz may not yet show.

Which fact comes next: among the facts that have an active question in the bank (with the
tag, if given), the card most overdue; else a new fact, in the bank's order, while fewer than
the daily limit of new facts were introduced by practice today (UTC; a quiz's answers do not
use them up, and a fact met in a quiz comes back as a review, not as new); never the fact
answered last, when another will do. Which question: one testing that fact alone where there
is one, of another type than last time where the fact has several.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import UTC, datetime, time
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.domain.question_types import grade_response, present_content, response_problem
from app.domain.scheduling import rating_for
from app.errors import ConflictError, InvalidContentError, NotFoundError
from app.models import (
    Bank,
    Fact,
    FactCard,
    FactReview,
    PracticeState,
    Question,
    QuestionVersion,
    Tag,
    User,
    question_version_facts,
)
from app.services.attempts import (
    ItemResult,
    evidence_with_source_ids,
    item_result,
    source_locations,
)
from app.services.ownership import bank_visible_to
from app.services.progress import (
    GradedAnswer,
    apply_visible_reviews,
    facts_of_versions,
    load_cards,
    record_answers,
)
from app.services.quizzes import facts_of_open_quizzes


@dataclass(frozen=True)
class PracticeQuestion:
    question_id: int
    version: int
    type: str
    prompt: str
    content: dict[str, Any]
    is_new: bool
    due: datetime | None


@dataclass(frozen=True)
class PracticeNext:
    question: PracticeQuestion | None
    next_due: datetime | None
    new_today: int
    new_per_day: int
    held_back: int


@dataclass(frozen=True)
class PracticeFeedback:
    result: ItemResult
    rating: str
    next_due: datetime | None


def _candidates(session: Session, bank_id: int, tag: str | None) -> list[tuple[int, int, str, int]]:
    """(fact id, question id, question type, fact position) for the bank's active questions."""
    stmt = (
        select(Fact.id, Question.id, QuestionVersion.type, Fact.position)
        .select_from(Question)
        .join(Question.current)
        .join(
            question_version_facts,
            question_version_facts.c.question_version_id == QuestionVersion.id,
        )
        .join(Fact, Fact.id == question_version_facts.c.fact_id)
        .where(Question.bank_id == bank_id, Question.is_active)
        .order_by(Fact.source_id, Fact.position, Question.id)
    )
    if tag:
        stmt = stmt.where(Question.tags.any(Tag.name == tag))
    return [tuple(row) for row in session.execute(stmt)]  # type: ignore[misc]


def _shown_content(session: Session, version: QuestionVersion) -> dict[str, Any]:
    """The content as practice shows it (options in the bank's order, ordering items in one
    shuffle per version), the same when served and graded."""
    return present_content(
        version.type,
        version.content,
        random.Random(version.id),
        False,
        source_locations(session, [version]),
    )


def _state(session: Session, learner_id: int) -> PracticeState:
    state = session.get(PracticeState, learner_id)
    if state is None:
        state = PracticeState(learner_id=learner_id)
        session.add(state)
    return state


@dataclass(frozen=True)
class PracticeOptions:
    """What practice may ask: facts in the bank's order, and per fact its questions
    (question id, type), those about the fact alone first."""

    fact_order: list[int]
    questions: dict[int, list[tuple[int, str]]]
    held_back: int


def practice_options(
    candidates: list[tuple[int, int, str, int]], held: set[int]
) -> PracticeOptions:
    """(fact, question, type, position) rows -> what practice may ask, leaving out every
    question that touches a fact of `held` (tested by a quiz still open for the learner)."""
    held_questions = {question_id for fact_id, question_id, _, _ in candidates if fact_id in held}
    held_back = len({fact_id for fact_id, _, _, _ in candidates if fact_id in held})
    rows = [row for row in candidates if row[1] not in held_questions]
    facts_per_question: dict[int, int] = {}
    for _fact_id, question_id, _type, _position in rows:
        facts_per_question[question_id] = facts_per_question.get(question_id, 0) + 1
    fact_order: dict[int, int] = {}
    questions: dict[int, list[tuple[int, str]]] = {}
    for fact_id, question_id, question_type, _position in rows:
        fact_order.setdefault(fact_id, len(fact_order))
        questions.setdefault(fact_id, []).append((question_id, question_type))
    # A question about this fact alone, where there is one: one answer, one card moved.
    for fact_id, options in questions.items():
        alone = [q for q in options if facts_per_question[q[0]] == 1]
        questions[fact_id] = alone or options
    return PracticeOptions(list(fact_order), questions, held_back)


def choose_fact(
    fact_order: list[int],
    cards: dict[int, FactCard],
    last_fact_id: int | None,
    new_today: int,
    new_per_day: int,
    now: datetime,
) -> tuple[int | None, datetime | None]:
    """The fact to ask now (most overdue first, then new ones in order within the day's
    limit, never the last one twice unless nothing else is left), and when the next card
    falls due."""
    due = sorted((c.due, c.fact_id) for c in cards.values() if c.due <= now)
    fresh = [f for f in fact_order if f not in cards] if new_today < new_per_day else []
    choices = [f for _, f in due] + fresh
    choices = [f for f in choices if f != last_fact_id] or choices
    upcoming = min((c.due for c in cards.values() if c.due > now), default=None)
    return (choices[0] if choices else None), upcoming


def choose_question(
    options: list[tuple[int, str]], last_type: str | None, rng: random.Random
) -> int:
    """One of the fact's questions, of another type than last time where there is one."""
    other_types = [q for q in options if q[1] != last_type]
    question_id, _ = rng.choice(other_types or options)
    return question_id


def next_question(
    session: Session,
    learner: User,
    bank_id: int,
    tag: str | None,
    now: datetime,
    new_per_day: int,
) -> PracticeNext:
    """The question to practise now, recorded as the one the learner may answer.

    Reviews that became visible must be applied first (`apply_visible_reviews`)."""
    if session.scalar(select(Bank.id).where(Bank.id == bank_id, bank_visible_to(learner))) is None:
        raise NotFoundError(f"No bank you may practise has id {bank_id}.")
    held = set(session.scalars(facts_of_open_quizzes(learner.id, now)))
    options = practice_options(_candidates(session, bank_id, tag), held)
    cards = load_cards(session, learner.id, options.fact_order)
    state = _state(session, learner.id)
    new_today = _new_facts_today(session, learner.id, now)
    fact_id, upcoming = choose_fact(
        options.fact_order, cards, state.last_fact_id, new_today, new_per_day, now
    )
    if fact_id is None:
        return PracticeNext(None, upcoming, new_today, new_per_day, options.held_back)

    card = cards.get(fact_id)
    question_id = choose_question(
        options.questions[fact_id],
        card.last_question_type if card else None,
        random.Random(f"{learner.id}:{fact_id}:{now.date()}"),
    )
    version = session.scalars(
        select(QuestionVersion).join(Question.current).where(Question.id == question_id)
    ).one()
    state.question_id, state.question_version_id = question_id, version.id
    state.fact_id, state.served_at = fact_id, now
    return PracticeNext(
        PracticeQuestion(
            question_id=question_id,
            version=version.number,
            type=version.type,
            prompt=version.prompt,
            content=_shown_content(session, version),
            is_new=card is None,
            due=card.due if card else None,
        ),
        upcoming,
        new_today,
        new_per_day,
        options.held_back,
    )


def _new_facts_today(session: Session, learner_id: int, now: datetime) -> int:
    """How many new facts practice introduced today (UTC): the cards introduced today whose
    first review came from practice. A quiz's answers make cards too, but they must not use
    up the day's new facts, or practice would have nothing to offer right after a quiz."""
    start_of_day = datetime.combine(now.date(), time(), tzinfo=UTC)
    # A card is introduced at its first review's time: that review is the one at that time.
    introduced_by_practice = (
        select(FactReview.id)
        .where(
            FactReview.learner_id == FactCard.learner_id,
            FactReview.fact_id == FactCard.fact_id,
            FactReview.reviewed_at == FactCard.introduced_at,
            FactReview.source == "practice",
        )
        .exists()
    )
    return (
        session.scalar(
            select(func.count())
            .select_from(FactCard)
            .where(
                FactCard.learner_id == learner_id,
                FactCard.introduced_at >= start_of_day,
                introduced_by_practice,
            )
        )
        or 0
    )


def answer(
    session: Session, learner: User, question_id: int, response: Any, now: datetime
) -> PracticeFeedback:
    """Grade the question practice served, schedule its facts, and give the feedback."""
    state = session.get(PracticeState, learner.id)
    if state is None or state.question_id != question_id or state.question_version_id is None:
        raise ConflictError("Answer the question that /api/practice/next gave you.")
    version = session.get(QuestionVersion, state.question_version_id)
    content = _shown_content(session, version)
    problem = response_problem(version.type, content, response)
    if problem is not None:
        raise InvalidContentError(problem, errors={"json": {"response": [problem]}})
    grade = grade_response(version.type, content, version.answer_key, response)
    elapsed = now - state.served_at if state.served_at else None
    facts = facts_of_versions(session, [version.id]).get(version.id, ())
    record_answers(
        session,
        learner.id,
        [GradedAnswer(version.id, version.type, grade.fraction, facts, elapsed)],
        "practice",
        now,
        now,
    )
    apply_visible_reviews(session, learner.id, now, {fact_id: version.type for fact_id in facts})
    state.last_fact_id, state.question_id, state.question_version_id = state.fact_id, None, None
    session.flush()
    cards = load_cards(session, learner.id, facts)
    result = item_result(
        version.type,
        content,
        version.answer_key,
        response,
        1.0,
        version.explanation,
        evidence_with_source_ids(session, version.evidence) if version.evidence else [],
    )
    return PracticeFeedback(
        result=result,
        rating=rating_for(grade.fraction, elapsed).name,
        next_due=min((c.due for c in cards.values()), default=None),
    )
