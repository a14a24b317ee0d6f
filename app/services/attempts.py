"""Attempts: start (freeze what is asked), save responses, submit (grade once), and what a
viewer may see of them under the quiz's feedback policy.

Feedback policy, for a learner (the quiz's teacher sees everything, always):

| policy      | an item's result (correctness, key, explanation, evidence) | score, review |
|-------------|-------------------------------------------------------------|---------------|
| immediate   | once the item is answered                                   | on submit     |
| on_submit   | on submit                                                   | on submit     |
| after_close | once the quiz's closes_at has passed (and it is submitted)  | same          |
"""

from __future__ import annotations

import copy
import random
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, selectinload

from app.errors import ConflictError, InvalidContentError, NotFoundError
from app.models import (
    Attempt,
    AttemptItem,
    Question,
    QuestionVersion,
    Quiz,
    Response,
    Source,
    User,
)
from app.services.grading import grade_response, ideal_response, response_problem
from app.services.progress import (
    GradedAnswer,
    apply_visible_reviews,
    facts_of_versions,
    record_answers,
)
from app.services.quizzes import draw_candidates, is_assigned, scores_visible
from app.services.upsert import upsert

# Responses arriving this long after the deadline still count (network latency, clock skew).
DEADLINE_GRACE = timedelta(seconds=5)


# --- what a viewer may see ------------------------------------------------------------------


def item_result_visible(quiz: Quiz, attempt: Attempt, answered: bool, now: datetime) -> bool:
    if quiz.feedback == "immediate":
        return attempt.state == "submitted" or answered
    return score_visible(quiz, attempt, now)


def score_visible(quiz: Quiz, attempt: Attempt, now: datetime) -> bool:
    return attempt.state == "submitted" and scores_visible(quiz, now)


@dataclass(frozen=True)
class ItemResult:
    score: float
    points: float
    correct: bool
    detail: list[dict[str, Any]]
    correct_answer: dict[str, Any]
    explanation: str
    evidence: list[dict[str, Any]]


@dataclass(frozen=True)
class ItemView:
    id: int
    position: int
    type: str
    prompt: str
    content: dict[str, Any]
    points: float
    response: dict[str, Any] | None
    saved_at: datetime | None
    result: ItemResult | None


@dataclass(frozen=True)
class AttemptView:
    id: int
    quiz_id: int
    quiz_title: str
    learner_id: int
    number: int
    state: str
    started_at: datetime
    deadline: datetime | None
    submitted_at: datetime | None
    max_score: float
    score: float | None
    feedback: str
    items: list[ItemView]


@dataclass(frozen=True)
class SavedResponse:
    item_id: int
    saved_at: datetime
    result: ItemResult | None


def evidence_with_source_ids(session: Session, spans: list[dict[str, Any]]) -> list[dict[str, Any]]:
    slugs = {span["source"] for span in spans}
    ids = dict(session.execute(select(Source.slug, Source.id).where(Source.slug.in_(slugs))).all())
    return [{**span, "source_id": ids.get(span["source"])} for span in spans]


def item_result(
    question_type: str,
    content: dict[str, Any],
    key: dict[str, Any],
    response: dict[str, Any] | None,
    points: float,
    explanation: str,
    evidence: list[dict[str, Any]],
) -> ItemResult:
    grade = grade_response(question_type, content, key, response)
    return ItemResult(
        score=round(points * grade.fraction, 4),
        points=points,
        correct=grade.correct,
        detail=grade.parts,
        correct_answer=ideal_response(question_type, key),
        explanation=explanation,
        evidence=evidence,
    )


# --- start -----------------------------------------------------------------------------------


def present_content(
    question_type: str,
    content: dict[str, Any],
    key: dict[str, Any],
    rng: random.Random,
    shuffle_options: bool,
    sources: dict[str, tuple[int, int]],
) -> dict[str, Any]:
    """The content as this attempt shows it: options in its own order, source located."""
    shown = copy.deepcopy(content)
    if shuffle_options:
        for name in ("options", "prompts", "items"):
            if name in shown:
                rng.shuffle(shown[name])
    if question_type == "ordering" and [i["id"] for i in shown["items"]] == key["order"]:
        shown["items"] = shown["items"][1:] + shown["items"][:1]
    if question_type == "find_evidence":
        source_id, length = sources[shown["source"]]
        shown |= {"source_id": source_id, "source_length": length}
    return shown


def source_locations(session: Session) -> dict[str, tuple[int, int]]:
    """Source slug -> (id, text length): what find-the-evidence items need to be shown."""
    rows = session.execute(select(Source.slug, Source.id, func.length(Source.text)))
    return {slug: (source_id, length) for slug, source_id, length in rows}


def _pick_questions(session: Session, quiz: Quiz, rng: random.Random) -> list[tuple[int, float]]:
    chosen = [(q.question_id, q.points) for q in quiz.questions]
    taken = {qid for qid, _ in chosen}
    for rule in quiz.draw_rules:
        candidates = [
            qid
            for qid in session.scalars(draw_candidates(rule.bank_id, rule.tag, rule.difficulty))
            if qid not in taken
        ]
        for qid in rng.sample(candidates, min(rule.count, len(candidates))):
            chosen.append((qid, rule.points))
            taken.add(qid)
    if quiz.shuffle_questions:
        rng.shuffle(chosen)
    return chosen


def _open_attempt(session: Session, quiz_id: int, learner_id: int) -> Attempt | None:
    return session.scalar(
        select(Attempt).where(
            Attempt.quiz_id == quiz_id,
            Attempt.learner_id == learner_id,
            Attempt.state == "in_progress",
        )
    )


def start_attempt(
    session: Session, learner: User, quiz_id: int, now: datetime
) -> tuple[Attempt, bool]:
    """Start an attempt, or resume the unfinished one: (attempt, whether it is new).

    The database holds the limits: attempt numbers are unique and bounded by the limit
    copied onto the row, and only one attempt per learner and quiz can be in progress, so
    simultaneous starts cannot exceed either.
    """
    quiz = session.scalar(
        select(Quiz)
        .where(Quiz.id == quiz_id)
        .options(selectinload(Quiz.questions), selectinload(Quiz.draw_rules))
    )
    if quiz is None or not is_assigned(session, quiz_id, learner.id):
        raise NotFoundError(f"Quiz {quiz_id} is not assigned to you.")
    if quiz.opens_at is not None and now < quiz.opens_at:
        raise ConflictError(f"This quiz opens at {quiz.opens_at.isoformat()}.")
    unfinished = _open_attempt(session, quiz.id, learner.id)
    if unfinished is not None and not finalise_if_overdue(session, unfinished, now):
        return unfinished, False
    if quiz.closes_at is not None and now >= quiz.closes_at:
        raise ConflictError(f"This quiz closed at {quiz.closes_at.isoformat()}.")
    used = session.scalar(
        select(func.count()).where(Attempt.quiz_id == quiz.id, Attempt.learner_id == learner.id)
    )
    if quiz.max_attempts is not None and used >= quiz.max_attempts:
        # A simultaneous start may have just made the attempt that reached the limit.
        winner = _open_attempt(session, quiz.id, learner.id)
        if winner is not None:
            return winner, False
        raise ConflictError(f"You have used all {quiz.max_attempts} attempt(s) of this quiz.")

    seed = secrets.randbits(62)
    rng = random.Random(seed)
    chosen = _pick_questions(session, quiz, rng)
    versions = dict(
        session.execute(
            select(Question.id, QuestionVersion)
            .join(Question.current)
            .where(Question.id.in_([qid for qid, _ in chosen]))
        ).all()
    )
    sources = source_locations(session)
    deadline = now + timedelta(seconds=quiz.time_limit_s) if quiz.time_limit_s else None
    if quiz.closes_at is not None:
        deadline = min(deadline or quiz.closes_at, quiz.closes_at)
    items = []
    for position, (qid, points) in enumerate(chosen):
        version = versions[qid]
        content = present_content(
            version.type, version.content, version.answer_key, rng, quiz.shuffle_options, sources
        )
        items.append(
            AttemptItem(
                position=position,
                question_version_id=version.id,
                content=content,
                points=points,
            )
        )
    attempt = Attempt(
        quiz_id=quiz.id,
        learner_id=learner.id,
        number=used + 1,
        attempt_limit=quiz.max_attempts,
        seed=seed,
        state="in_progress",
        started_at=now,
        deadline=deadline,
        max_score=sum(points for _, points in chosen),
        items=items,
    )
    session.add(attempt)
    try:
        session.commit()
    except IntegrityError:
        # A simultaneous start won: resume its attempt, or report the limit it reached.
        session.rollback()
        winner = _open_attempt(session, quiz.id, learner.id)
        if winner is None:
            raise ConflictError("You have used all attempts of this quiz.") from None
        return winner, False
    return attempt, True


# --- read ------------------------------------------------------------------------------------


def attempt_for(session: Session, viewer: User, attempt_id: int) -> Attempt:
    """The attempt if `viewer` is its learner or its quiz's teacher; 404 otherwise."""
    attempt = session.scalar(
        select(Attempt)
        .where(Attempt.id == attempt_id)
        .options(selectinload(Attempt.quiz))
        .execution_options(populate_existing=True)
    )
    if attempt is None or viewer.id not in (attempt.learner_id, attempt.quiz.owner_id):
        raise NotFoundError(f"Attempt {attempt_id} does not exist.")
    return attempt


def is_overdue(attempt: Attempt, now: datetime) -> bool:
    return (
        attempt.state == "in_progress"
        and attempt.deadline is not None
        and now > attempt.deadline + DEADLINE_GRACE
    )


def finalise_if_overdue(session: Session, attempt: Attempt, now: datetime) -> bool:
    """Submit an attempt whose time ran out; True if it was (or already is) finished."""
    if is_overdue(attempt, now):
        submit_attempt(session, attempt, now)
    return attempt.state == "submitted"


def attempt_view(session: Session, viewer: User, attempt: Attempt, now: datetime) -> AttemptView:
    """The attempt as `viewer` may see it now (one query for its items)."""
    quiz = attempt.quiz
    is_teacher = viewer.id == quiz.owner_id
    rows = session.execute(
        select(
            AttemptItem,
            QuestionVersion.type,
            QuestionVersion.prompt,
            QuestionVersion.answer_key,
            QuestionVersion.explanation,
            QuestionVersion.evidence,
            Response.response,
            Response.saved_at,
        )
        .join(QuestionVersion, QuestionVersion.id == AttemptItem.question_version_id)
        .outerjoin(Response, Response.attempt_item_id == AttemptItem.id)
        .where(AttemptItem.attempt_id == attempt.id)
        .order_by(AttemptItem.position)
    ).all()
    spans = [span for row in rows for span in row.evidence]
    evidence = evidence_with_source_ids(session, spans) if spans else []
    by_fact = {(e["source"], e["fact"], e["start"]): e for e in evidence}
    items = []
    for row in rows:
        item = row.AttemptItem
        result = None
        if is_teacher or item_result_visible(quiz, attempt, row.response is not None, now):
            result = item_result(
                row.type,
                item.content,
                row.answer_key,
                row.response,
                item.points,
                row.explanation,
                [by_fact[(s["source"], s["fact"], s["start"])] for s in row.evidence],
            )
        items.append(
            ItemView(
                id=item.id,
                position=item.position,
                type=row.type,
                prompt=row.prompt,
                content=item.content,
                points=item.points,
                response=row.response,
                saved_at=row.saved_at,
                result=result,
            )
        )
    show_score = is_teacher or score_visible(quiz, attempt, now)
    return AttemptView(
        id=attempt.id,
        quiz_id=quiz.id,
        quiz_title=quiz.title,
        learner_id=attempt.learner_id,
        number=attempt.number,
        state=attempt.state,
        started_at=attempt.started_at,
        deadline=attempt.deadline,
        submitted_at=attempt.submitted_at,
        max_score=attempt.max_score,
        score=attempt.score if show_score else None,
        feedback=quiz.feedback,
        items=items,
    )


def review(session: Session, viewer: User, attempt: Attempt, now: datetime) -> AttemptView:
    """Answers, correct answers and evidence: for the learner once the policy allows."""
    if viewer.id != attempt.quiz.owner_id and not score_visible(attempt.quiz, attempt, now):
        if attempt.state != "submitted":
            raise ConflictError("The review opens once the attempt is submitted.")
        raise ConflictError(
            f"The review of this quiz opens when it closes, at "
            f"{attempt.quiz.closes_at.isoformat() if attempt.quiz.closes_at else 'its close'}."
        )
    return attempt_view(session, viewer, attempt, now)


# --- save and submit -------------------------------------------------------------------------


def save_response(
    session: Session,
    learner: User,
    attempt_id: int,
    item_id: int,
    response: Any,
    now: datetime,
) -> SavedResponse:
    """Save one answer at once (last write wins): one query to load, one upsert."""
    row = session.execute(
        select(
            Attempt.learner_id,
            Attempt.state,
            Attempt.deadline,
            Quiz.feedback,
            AttemptItem.content,
            AttemptItem.points,
            QuestionVersion.type,
            QuestionVersion.answer_key,
            QuestionVersion.explanation,
            QuestionVersion.evidence,
        )
        .select_from(AttemptItem)
        .join(Attempt, Attempt.id == AttemptItem.attempt_id)
        .join(Quiz, Quiz.id == Attempt.quiz_id)
        .join(QuestionVersion, QuestionVersion.id == AttemptItem.question_version_id)
        .where(AttemptItem.id == item_id, AttemptItem.attempt_id == attempt_id)
    ).one_or_none()
    if row is None or row.learner_id != learner.id:
        raise NotFoundError(f"Attempt {attempt_id} has no item {item_id}.")
    if row.state != "in_progress":
        raise ConflictError("This attempt is submitted; its answers can no longer change.")
    if row.deadline is not None and now > row.deadline + DEADLINE_GRACE:
        raise ConflictError("Time is up for this attempt; the answer was not saved.")
    problem = response_problem(row.type, row.content, response)
    if problem is not None:
        raise InvalidContentError(problem, errors={"json": {"response": [problem]}})
    session.execute(
        upsert(session, Response, [Response.attempt_item_id], ["response", "saved_at"]),
        {"attempt_item_id": item_id, "response": response, "saved_at": now},
    )
    session.commit()
    result = None
    if row.feedback == "immediate":
        result = item_result(
            row.type,
            row.content,
            row.answer_key,
            response,
            row.points,
            row.explanation,
            evidence_with_source_ids(session, row.evidence) if row.evidence else [],
        )
    return SavedResponse(item_id=item_id, saved_at=now, result=result)


def submit_attempt(session: Session, attempt: Attempt, now: datetime) -> Attempt:
    """Grade and close the attempt exactly once; later or concurrent calls change nothing.

    All items are graded in memory from one query; the scores are written in one statement
    per table, and only by the caller whose conditional update closed the attempt.
    """
    if attempt.state == "submitted":
        return attempt
    rows = session.execute(
        select(
            AttemptItem.id,
            AttemptItem.content,
            AttemptItem.points,
            AttemptItem.question_version_id,
            QuestionVersion.type,
            QuestionVersion.answer_key,
            Response.response,
        )
        .join(QuestionVersion, QuestionVersion.id == AttemptItem.question_version_id)
        .outerjoin(Response, Response.attempt_item_id == AttemptItem.id)
        .where(AttemptItem.attempt_id == attempt.id)
    ).all()
    scored, answers = [], []
    facts = facts_of_versions(session, {row.question_version_id for row in rows})
    for row in rows:
        grade = grade_response(row.type, row.content, row.answer_key, row.response)
        answers.append(
            GradedAnswer(
                row.question_version_id,
                row.type,
                grade.fraction,
                facts.get(row.question_version_id, ()),
            )
        )
        scored.append(
            {
                "id": row.id,
                "score": round(row.points * grade.fraction, 4),
                "grade_detail": {"score": grade.score, "max": grade.max, "parts": grade.parts},
            }
        )
    submitted_at = min(now, attempt.deadline) if attempt.deadline else now
    closed = session.execute(
        update(Attempt)
        .where(Attempt.id == attempt.id, Attempt.state == "in_progress")
        .values(
            state="submitted",
            submitted_at=submitted_at,
            score=round(sum(s["score"] for s in scored), 4),
        )
        .execution_options(synchronize_session=False)
    )
    if closed.rowcount == 1 and scored:  # type: ignore[attr-defined]
        session.execute(update(AttemptItem), scored)
        # Progress and the learner's practice schedule learn from it once the learner may.
        quiz = session.get(Quiz, attempt.quiz_id)
        hidden_until = quiz.closes_at if quiz and quiz.feedback == "after_close" else None
        record_answers(
            session,
            attempt.learner_id,
            answers,
            "quiz",
            submitted_at,
            max(submitted_at, hidden_until) if hidden_until else submitted_at,
        )
        apply_visible_reviews(session, attempt.learner_id, now)
    # With rowcount 0 another request submitted it first: nothing was written, keep its result.
    session.commit()
    session.refresh(attempt, ["state", "submitted_at", "score"])
    return attempt
