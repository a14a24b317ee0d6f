"""Attempts: start (freeze what is asked), save responses, submit (grade once), and what a
viewer may see of them under the quiz's feedback policy.

What a learner may see follows the quiz's `feedback` and `reveal_answers` settings, by the
one policy in `app.domain.visibility`.

Save and submit serialise on the attempt: a save takes a share lock on the attempt row
(PostgreSQL) and inserts only while the attempt is in progress (one conditional statement,
which also serialises on SQLite's write lock); a submit first closes the attempt, then reads
the answers. So every answer acknowledged with 200 is graded, and one that lost the race
gets 409.
"""

from __future__ import annotations

import functools
import random
import secrets
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import and_, bindparam, case, exists, func, literal, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session, joinedload, selectinload

from app.domain.giveaways import conflicts
from app.domain.question_types import (
    grade_response,
    ideal_response,
    present_content,
    response_problem,
)
from app.domain.sentences import split_sentences
from app.domain.visibility import (
    answers_revealed,
    item_locked,
    item_result_visible,
    results_visible_from,
    reveal_counts_attempts,
    score_visible,
)
from app.errors import ConflictError, ForbiddenError, InvalidContentError, NotFoundError
from app.models import (
    Assignment,
    Attempt,
    AttemptItem,
    ClassMembership,
    Question,
    QuestionVersion,
    Quiz,
    Response,
    Source,
    User,
)
from app.services.accounts import SessionClaim
from app.services.lti_scores import enqueue_lti_scores
from app.services.progress import (
    GradedAnswer,
    apply_visible_reviews,
    facts_of_versions,
    record_answers,
)
from app.services.questions import asked_questions
from app.services.quizzes import draw_candidates, is_assigned
from app.services.writes import (
    begin_reading,
    begin_writing,
    inserted,
    statement_by_statement,
)
from app.services.xapi import enqueue_graded_attempts

# Responses arriving this long after the deadline still count (network latency, clock skew).
DEADLINE_GRACE = timedelta(seconds=5)


# --- what a viewer may see ------------------------------------------------------------------


@dataclass(frozen=True)
class ItemResult:
    score: float
    points: float
    correct: bool
    detail: list[dict[str, Any]]
    # None until the quiz's reveal_answers setting lets the learner see them.
    correct_answer: dict[str, Any] | None
    explanation: str | None
    evidence: list[dict[str, Any]] | None


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
    # Immediate feedback: the item was checked and can no longer change.
    locked: bool
    result: ItemResult | None


@dataclass(frozen=True)
class AttemptView:
    id: int
    quiz_id: int
    quiz_title: str
    learner_id: int
    learner_name: str
    number: int
    state: str
    started_at: datetime
    deadline: datetime | None
    submitted_at: datetime | None
    max_score: float
    score: float | None
    feedback: str
    reveal_answers: str
    answers_revealed: bool
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
    reveal: bool = True,
) -> ItemResult:
    """The result of one answer; with `reveal`, its correct answer, explanation, evidence."""
    grade = grade_response(question_type, content, key, response)
    return ItemResult(
        score=round(points * grade.fraction, 4),
        points=points,
        correct=grade.correct,
        detail=grade.parts,
        correct_answer=ideal_response(question_type, key) if reveal else None,
        explanation=explanation if reveal else None,
        evidence=evidence if reveal else None,
    )


# --- start -----------------------------------------------------------------------------------


def source_locations(
    session: Session, versions: Iterable[QuestionVersion]
) -> dict[str, tuple[int, int]]:
    """Source slug -> (id, number of sentences) of the sources these versions' items show
    (find-the-evidence): only those, however many sources teachers have added."""
    slugs = {v.content["source"] for v in versions if v.content.get("source")}
    if not slugs:
        return {}
    rows = session.execute(
        select(Source.slug, Source.id, Source.text).where(Source.slug.in_(slugs))
    )
    return {slug: (source_id, len(split_sentences(text))) for slug, source_id, text in rows}


def pick_questions(
    fixed: list[tuple[int, float]],
    draws: list[tuple[list[int], int, float]],
    rng: random.Random,
    shuffle: bool,
    clash: Callable[[int, int], bool] = lambda _a, _b: False,
) -> list[tuple[int, float]]:
    """(question id, points) an attempt asks: the fixed questions, then for each draw rule
    (its candidates, count, points) candidates in a random order, each taken unless it
    clashes with one already taken (tests the same fact, or one gives the other away); in
    the quiz's order or shuffled. A rule short of clash-free candidates asks fewer."""
    chosen = list(fixed)
    taken = [qid for qid, _ in chosen]
    for candidates, count, points in draws:
        free = [qid for qid in candidates if qid not in taken]
        picked = 0
        for qid in rng.sample(free, len(free)):
            if picked == count:
                break
            if any(clash(qid, other) for other in taken):
                continue
            chosen.append((qid, points))
            taken.append(qid)
            picked += 1
    if shuffle:
        rng.shuffle(chosen)
    return chosen


def deadline_for(quiz: Quiz, now: datetime) -> datetime | None:
    """The time limit from now, cut short by the quiz's close."""
    deadline = now + timedelta(seconds=quiz.time_limit_s) if quiz.time_limit_s else None
    if quiz.closes_at is not None:
        deadline = min(deadline or quiz.closes_at, quiz.closes_at)
    return deadline


def start_refusal(quiz: Quiz, attempts_used: int, now: datetime) -> str | None:
    """Why a new attempt cannot start now (before the open, after the close, no attempt
    left), or None."""
    if quiz.opens_at is not None and now < quiz.opens_at:
        return f"This quiz opens at {quiz.opens_at.isoformat()}."
    if quiz.closes_at is not None and now >= quiz.closes_at:
        return f"This quiz closed at {quiz.closes_at.isoformat()}."
    if quiz.max_attempts is not None and attempts_used >= quiz.max_attempts:
        return f"You have used all {quiz.max_attempts} attempt(s) of this quiz."
    return None


def _open_attempt(session: Session, quiz_id: int, learner_id: int) -> Attempt | None:
    return session.scalar(
        select(Attempt).where(
            Attempt.quiz_id == quiz_id,
            Attempt.learner_id == learner_id,
            Attempt.state == "in_progress",
        )
    )


def _assigned_quiz(session: Session, learner: User, quiz_id: int) -> Quiz:
    quiz = session.scalar(
        select(Quiz)
        .where(Quiz.id == quiz_id)
        .options(selectinload(Quiz.questions), selectinload(Quiz.draw_rules))
    )
    if quiz is None or not is_assigned(session, quiz_id, learner.id):
        raise NotFoundError(f"Quiz {quiz_id} is not assigned to you.")
    if quiz.archived_at is not None:
        raise ConflictError("Your teacher has archived this quiz: it can no longer be taken.")
    return quiz


def _frozen_items(
    session: Session, chosen: list[tuple[int, float]], rng: random.Random, shuffle_options: bool
) -> list[AttemptItem]:
    """The items as this attempt asks them: each question's current version, its content as
    shown (this attempt's order of options), and its points."""
    versions = dict(
        session.execute(
            select(Question.id, QuestionVersion)
            .join(Question.current)
            .where(Question.id.in_([qid for qid, _ in chosen]))
        ).all()
    )
    sources = source_locations(session, versions.values())
    return [
        AttemptItem(
            position=position,
            question_version_id=versions[qid].id,
            content=present_content(
                versions[qid].type, versions[qid].content, rng, shuffle_options, sources
            ),
            points=points,
        )
        for position, (qid, points) in enumerate(chosen)
    ]


def start_attempt(
    session: Session, learner: User, quiz_id: int, now: datetime
) -> tuple[Attempt, bool]:
    """Start an attempt, or resume the unfinished one: (attempt, whether it is new).

    The database holds the limits: attempt numbers are unique and bounded by the limit
    copied onto the row, and only one attempt per learner and quiz can be in progress, so
    simultaneous starts cannot exceed either (the loser resumes the winner's attempt).
    """
    quiz = _assigned_quiz(session, learner, quiz_id)
    unfinished = _open_attempt(session, quiz.id, learner.id)
    if unfinished is not None and not finalise_if_overdue(session, unfinished, now):
        return unfinished, False
    used = session.scalar(
        select(func.count()).where(Attempt.quiz_id == quiz.id, Attempt.learner_id == learner.id)
    )
    refusal = start_refusal(quiz, used or 0, now)
    if refusal is not None:
        # A simultaneous start may have just made the attempt that reached the limit.
        winner = _open_attempt(session, quiz.id, learner.id) if used else None
        if winner is not None:
            return winner, False
        raise ConflictError(refusal)

    seed = secrets.randbits(62)
    rng = random.Random(seed)
    draws = [
        (
            list(session.scalars(draw_candidates(rule.bank_id, rule.tag, rule.difficulty))),
            rule.count,
            rule.points,
        )
        for rule in quiz.draw_rules
    ]
    fixed = [(q.question_id, q.points) for q in quiz.questions]
    views = asked_questions(
        session, {qid for qid, _ in fixed} | {qid for ids, _, _ in draws for qid in ids}
    )
    chosen = pick_questions(
        fixed,
        draws,
        rng,
        quiz.shuffle_questions,
        lambda a, b: conflicts(views[a], views[b], quiz.feedback == "immediate") is not None,
    )
    attempt = Attempt(
        quiz_id=quiz.id,
        learner_id=learner.id,
        number=(used or 0) + 1,
        attempt_limit=quiz.max_attempts,
        seed=seed,
        state="in_progress",
        started_at=now,
        deadline=deadline_for(quiz, now),
        max_score=sum(points for _, points in chosen),
        items=_frozen_items(session, chosen, rng, quiz.shuffle_options),
    )
    if not inserted(session, attempt):
        # A simultaneous start won: resume its attempt, or report the limit it reached.
        winner = _open_attempt(session, quiz.id, learner.id)
        if winner is None:
            raise ConflictError("You have used all attempts of this quiz.")
        return winner, False
    return attempt, True


# --- read ------------------------------------------------------------------------------------


def attempt_for(session: Session, viewer: SessionClaim, attempt_id: int) -> Attempt:
    """The attempt, with its quiz and learner, if `viewer` is its learner or its quiz's
    teacher on their current session: one query. 404 otherwise."""
    row = session.execute(
        _attempt_by_id(checks_session=viewer.session_version is not None),
        {"attempt_id": attempt_id, "user_id": viewer.user_id},
    ).one_or_none()
    if row is None or not _viewer_holds(viewer, row[0], row[1]):
        raise NotFoundError(f"Attempt {attempt_id} does not exist.")
    return row[0]


def _session_version(*, checks_session: bool) -> Any:
    """SQL: the current session version of the user `:user_id` (NULL when the caller has
    already checked the user)."""
    if not checks_session:
        return literal(None).label("session_version")
    return (
        select(User.session_version)
        .where(User.id == bindparam("user_id"))
        .scalar_subquery()
        .label("session_version")
    )


@functools.cache
def _attempt_by_id(*, checks_session: bool) -> Any:
    return (
        select(Attempt, _session_version(checks_session=checks_session))
        .where(Attempt.id == bindparam("attempt_id"))
        .options(joinedload(Attempt.quiz), joinedload(Attempt.learner))
        .execution_options(populate_existing=True)
    )


@functools.cache
def _unfinished_attempt(*, checks_session: bool) -> Any:
    learner_id = bindparam("user_id", type_=Attempt.__table__.c.learner_id.type)
    return (
        select(
            Attempt,
            _still_assigned(learner_id),
            _session_version(checks_session=checks_session),
        )
        .where(
            Attempt.quiz_id == bindparam("quiz_id"),
            Attempt.learner_id == learner_id,
            Attempt.state == "in_progress",
        )
        .options(joinedload(Attempt.quiz), joinedload(Attempt.learner))
        .execution_options(populate_existing=True)
    )


def _viewer_holds(viewer: SessionClaim, attempt: Attempt, version: int | None) -> bool:
    return any(
        viewer.holds(user_id, version) for user_id in (attempt.learner_id, attempt.quiz.owner_id)
    )


def attempt_to_show(
    session: Session, viewer: SessionClaim, attempt_id: int, now: datetime
) -> AttemptView:
    """The attempt as `viewer` may see it now, submitted first if its time ran out. Read
    outside a transaction when the request has begun none: only an overdue attempt writes."""
    begin_reading(session)
    attempt = attempt_for(session, viewer, attempt_id)
    if is_overdue(attempt, now):
        begin_writing(session)
        attempt = attempt_for(session, viewer, attempt_id)
        finalise_if_overdue(session, attempt, now)
    return attempt_view(session, viewer.user_id, attempt, now)


def resumable_attempt(
    session: Session, learner: SessionClaim, quiz_id: int, now: datetime
) -> Attempt | None:
    """The learner's unfinished attempt at the quiz when it can simply go on (the quiz still
    assigned to them and in use, time left, their session current), in one query; None when
    anything else must be decided (`start_attempt` decides it)."""
    row = session.execute(
        _unfinished_attempt(checks_session=learner.session_version is not None),
        {"quiz_id": quiz_id, "user_id": learner.user_id},
    ).one_or_none()
    if row is None:
        return None
    attempt, assigned, version = row
    if not assigned or attempt.quiz.archived_at is not None or is_overdue(attempt, now):
        return None
    return attempt if learner.holds(attempt.learner_id, version) else None


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


def close_overdue_attempts(
    session: Session,
    now: datetime,
    *,
    quiz_ids: Any = None,
    learner_ids: Any = None,
) -> int:
    """Grade every attempt whose time ran out (of these quizzes / learners, if given), so that
    whoever reads results next sees them; the number closed. One query when there are none.

    `quiz_ids` and `learner_ids` are lists of ids or `select()`s of ids.
    """
    stmt = select(Attempt.id).where(
        Attempt.state == "in_progress",
        Attempt.deadline.is_not(None),
        Attempt.deadline < now - DEADLINE_GRACE,
    )
    if quiz_ids is not None:
        stmt = stmt.where(Attempt.quiz_id.in_(quiz_ids))
    if learner_ids is not None:
        stmt = stmt.where(Attempt.learner_id.in_(learner_ids))
    overdue = list(session.scalars(stmt))
    if not overdue:
        return 0
    return len(grade_and_close(session, overdue, now))


@functools.cache
def _session_and_overdue(*, checks_session: bool) -> Any:
    """The user `:user_id`'s role and session version beside their overdue attempts' ids: one
    row with a NULL id when none is overdue, no row when there is no such user."""
    return (
        select(
            User.role,
            _session_version(checks_session=checks_session),
            Attempt.id.label("attempt_id"),
        )
        .select_from(User)
        .outerjoin(
            Attempt,
            and_(
                Attempt.learner_id == User.id,
                Attempt.state == "in_progress",
                Attempt.deadline.is_not(None),
                Attempt.deadline < bindparam("overdue_before"),
            ),
        )
        .where(User.id == bindparam("user_id"))
    )


def close_own_overdue_attempts(session: Session, learner: SessionClaim, now: datetime) -> int:
    """`close_overdue_attempts` for the signed-in learner, their session and role confirmed in
    the same query (404 if they do not hold). A request reading outside a transaction
    (`begin_reading`) switches to one only if an attempt must be closed. The number closed."""
    rows = session.execute(
        _session_and_overdue(checks_session=learner.session_version is not None),
        {"user_id": learner.user_id, "overdue_before": now - DEADLINE_GRACE},
    ).all()
    if (
        not rows
        or rows[0].role != "learner"
        or not learner.holds(learner.user_id, rows[0].session_version)
    ):
        raise NotFoundError("No such learner.")
    overdue = [row.attempt_id for row in rows if row.attempt_id is not None]
    if not overdue:
        return 0
    begin_writing(session)
    return len(grade_and_close(session, overdue, now))


def close_overdue_in_class(session: Session, class_id: int, now: datetime) -> int:
    """`close_overdue_attempts` for a class: its learners' attempts at its assigned quizzes."""
    return close_overdue_attempts(
        session,
        now,
        quiz_ids=select(Assignment.quiz_id).where(Assignment.class_id == class_id),
        learner_ids=select(ClassMembership.user_id).where(ClassMembership.class_id == class_id),
    )


def close_attempts_in_progress(session: Session, quiz_id: int, now: datetime) -> int:
    """Submit, as they stand, the quiz's attempts in progress (the quiz is archived): every
    answer saved so far is graded, and none can be saved after. The number closed."""
    ids = list(
        session.scalars(
            select(Attempt.id).where(Attempt.quiz_id == quiz_id, Attempt.state == "in_progress")
        )
    )
    return len(grade_and_close(session, ids, now)) if ids else 0


def close_attempts_no_longer_assigned(session: Session, quiz_id: int, now: datetime) -> int:
    """Submit, as they stand, the quiz's attempts in progress whose learner it is no longer
    assigned to (unassigned from their class): they could not be saved or submitted any
    more, and the answers the server acknowledged must still be graded. The number closed."""
    ids = list(
        session.scalars(
            select(Attempt.id).where(
                Attempt.quiz_id == quiz_id,
                Attempt.state == "in_progress",
                ~_still_assigned(Attempt.learner_id),
            )
        )
    )
    return len(grade_and_close(session, ids, now)) if ids else 0


def attempts_used(session: Session, attempt: Attempt) -> int:
    return (
        session.scalar(
            select(func.count()).where(
                Attempt.quiz_id == attempt.quiz_id, Attempt.learner_id == attempt.learner_id
            )
        )
        or 0
    )


def _revealed(session: Session, attempt: Attempt, now: datetime) -> bool:
    """`answers_revealed` for the attempt's learner, counting their attempts only where the
    quiz's policy turns on the count."""
    quiz = attempt.quiz
    used = attempts_used(session, attempt) if reveal_counts_attempts(quiz) else 0
    return answers_revealed(quiz, used, now)


@functools.cache
def _attempt_items(*, with_keys: bool) -> Any:
    """An attempt's items in order, each with its version's type and prompt, the response,
    and (`with_keys`) the answer key, explanation and evidence: built once per process."""
    keys = (
        (QuestionVersion.answer_key, QuestionVersion.explanation, QuestionVersion.evidence)
        if with_keys
        else (
            literal(None).label("answer_key"),
            literal(None).label("explanation"),
            literal(None).label("evidence"),
        )
    )
    return (
        select(
            AttemptItem.id,
            AttemptItem.position,
            AttemptItem.content,
            AttemptItem.points,
            QuestionVersion.type,
            QuestionVersion.prompt,
            *keys,
            Response.response,
            Response.saved_at,
        )
        .join(QuestionVersion, QuestionVersion.id == AttemptItem.question_version_id)
        .outerjoin(Response, Response.attempt_item_id == AttemptItem.id)
        .where(AttemptItem.attempt_id == bindparam("attempt_id"))
        .order_by(AttemptItem.position)
    )


def attempt_view(session: Session, viewer_id: int, attempt: Attempt, now: datetime) -> AttemptView:
    """The attempt as the user `viewer_id` may see it now (one query for its items)."""
    quiz = attempt.quiz
    is_teacher = viewer_id == quiz.owner_id
    submitted = attempt.state == "submitted"
    revealed = is_teacher or _revealed(session, attempt, now)
    # No item's result shows (an attempt in progress, results held back): keys stay unread.
    shows_results = is_teacher or item_result_visible(quiz, submitted, True, now)
    rows = session.execute(
        _attempt_items(with_keys=shows_results), {"attempt_id": attempt.id}
    ).all()
    spans = [span for row in rows for span in row.evidence] if revealed and shows_results else []
    evidence = evidence_with_source_ids(session, spans) if spans else []
    by_fact = {(e["source"], e["fact"], e["start"]): e for e in evidence}
    items = []
    for row in rows:
        answered = row.response is not None
        result = None
        if is_teacher or item_result_visible(quiz, submitted, answered, now):
            result = item_result(
                row.type,
                row.content,
                row.answer_key,
                row.response,
                row.points,
                row.explanation,
                [by_fact[(s["source"], s["fact"], s["start"])] for s in row.evidence]
                if revealed
                else [],
                reveal=revealed,
            )
        items.append(
            ItemView(
                id=row.id,
                position=row.position,
                type=row.type,
                prompt=row.prompt,
                content=row.content,
                points=row.points,
                response=row.response,
                saved_at=row.saved_at,
                locked=item_locked(quiz, submitted, answered),
                result=result,
            )
        )
    show_score = is_teacher or score_visible(quiz, submitted, now)
    return AttemptView(
        id=attempt.id,
        quiz_id=quiz.id,
        quiz_title=quiz.title,
        learner_id=attempt.learner_id,
        learner_name=attempt.learner.display_name,
        number=attempt.number,
        state=attempt.state,
        started_at=attempt.started_at,
        deadline=attempt.deadline,
        submitted_at=attempt.submitted_at,
        max_score=attempt.max_score,
        score=attempt.score if show_score else None,
        feedback=quiz.feedback,
        reveal_answers=quiz.reveal_answers,
        answers_revealed=revealed,
        items=items,
    )


def review(session: Session, viewer_id: int, attempt: Attempt, now: datetime) -> AttemptView:
    """Answers and results (correct answers and evidence as `reveal_answers` allows): for the
    learner once the feedback policy shows the score."""
    submitted = attempt.state == "submitted"
    if viewer_id != attempt.quiz.owner_id and not score_visible(attempt.quiz, submitted, now):
        if attempt.state != "submitted":
            raise ConflictError("The review opens once the attempt is submitted.")
        raise ConflictError(
            f"The review of this quiz opens when it closes, at "
            f"{attempt.quiz.closes_at.isoformat() if attempt.quiz.closes_at else 'its close'}."
        )
    return attempt_view(session, viewer_id, attempt, now)


# --- save and submit -------------------------------------------------------------------------


class ItemLockedError(ConflictError):
    slug = "item-locked"


class AttemptClosedError(ConflictError):
    slug = "attempt-closed"


class NotAssignedError(ForbiddenError):
    slug = "not-assigned"


def _still_assigned(learner_id: Any) -> Any:
    """SQL: the attempt's quiz is assigned to a class the learner is (still) in."""
    return (
        exists()
        .where(Assignment.quiz_id == Attempt.quiz_id)
        .where(ClassMembership.class_id == Assignment.class_id)
        .where(ClassMembership.user_id == learner_id)
    )


@functools.cache
def _save_target() -> Any:
    """The item to save with its attempt, quiz, question version, whether it is answered and
    still assigned, and its learner's session version: one statement, built once per
    process (the save is the hottest path)."""
    learner_id = bindparam("learner_id", type_=Attempt.__table__.c.learner_id.type)
    return (
        select(
            Attempt.learner_id,
            User.session_version,
            Attempt.state,
            Attempt.deadline,
            Attempt.number,
            Quiz.feedback,
            Quiz.reveal_answers,
            Quiz.max_attempts,
            Quiz.closes_at,
            AttemptItem.content,
            AttemptItem.points,
            QuestionVersion.type,
            QuestionVersion.answer_key,
            QuestionVersion.explanation,
            QuestionVersion.evidence,
            Response.attempt_item_id.is_not(None).label("answered"),
            _still_assigned(learner_id).label("assigned"),
        )
        .select_from(AttemptItem)
        .join(Attempt, Attempt.id == AttemptItem.attempt_id)
        .join(User, User.id == Attempt.learner_id)
        .join(Quiz, Quiz.id == Attempt.quiz_id)
        .join(QuestionVersion, QuestionVersion.id == AttemptItem.question_version_id)
        .outerjoin(Response, Response.attempt_item_id == AttemptItem.id)
        .where(
            AttemptItem.id == bindparam("item_id"),
            AttemptItem.attempt_id == bindparam("attempt_id"),
        )
    )


def save_response(
    session: Session,
    learner: SessionClaim,
    attempt_id: int,
    item_id: int,
    response: Any,
    now: datetime,
) -> SavedResponse:
    """Save one answer at once: one query to load what the answer is checked against (and
    confirm the learner's session), one conditional upsert that share-locks the attempt.
    Last write wins, except under immediate feedback, where the first answer is final.

    Each statement holds on its own (the upsert re-checks the attempt's state under its
    lock; the rest it was checked against never changes), so they run statement by
    statement when the request has not begun a transaction: no BEGIN or COMMIT round trip."""
    # Core, not the ORM: its statement handling was a good share of this hot path's time.
    with statement_by_statement(session) as connection:
        row = connection.execute(
            _save_target(),
            {"item_id": item_id, "attempt_id": attempt_id, "learner_id": learner.user_id},
        ).one_or_none()
        if row is None or not learner.holds(row.learner_id, row.session_version):
            raise NotFoundError(f"Attempt {attempt_id} has no item {item_id}.")
        if row.state != "in_progress":
            raise AttemptClosedError("This attempt is submitted; its answers can no longer change.")
        if row.deadline is not None and now > row.deadline + DEADLINE_GRACE:
            raise AttemptClosedError("Time is up for this attempt; the answer was not saved.")
        if not row.assigned:
            raise NotAssignedError(
                "This quiz is no longer assigned to you; the answer was not saved."
            )
        immediate = row.feedback == "immediate"
        if immediate and row.answered:
            raise ItemLockedError(_LOCKED)
        problem = response_problem(row.type, row.content, response)
        if problem is not None:
            raise InvalidContentError(problem, errors={"json": {"response": [problem]}})
        saved = connection.execute(
            _insert_while_in_progress(connection.dialect.name, overwrite=not immediate),
            {
                "attempt_id": attempt_id,
                "attempt_item_id": item_id,
                "response": response,
                "saved_at": now,
            },
        ).first()
    if saved is None:
        if immediate and _answered(session, item_id):
            raise ItemLockedError(_LOCKED)
        raise AttemptClosedError("This attempt was submitted; the answer was not saved.")
    result = None
    if immediate:
        revealed = answers_revealed(row, row.number, now)
        result = item_result(
            row.type,
            row.content,
            row.answer_key,
            response,
            row.points,
            row.explanation,
            evidence_with_source_ids(session, row.evidence) if revealed and row.evidence else [],
            reveal=revealed,
        )
    return SavedResponse(item_id=item_id, saved_at=now, result=result)


_LOCKED = "This answer was checked and its result shown; it can no longer change."


def _answered(session: Session, item_id: int) -> bool:
    return session.get(Response, item_id) is not None


@functools.cache
def _insert_while_in_progress(dialect_name: str, *, overwrite: bool) -> Any:
    """INSERT INTO responses SELECT ... WHERE the attempt is in progress, then on a conflict
    overwrite the answer (or, under immediate feedback, keep the first). The state check sits
    in the same statement, so it holds under SQLite's write lock as under PostgreSQL's.
    Built once per dialect and mode."""
    table = Response.__table__
    dialect = postgresql if dialect_name == "postgresql" else sqlite
    values = select(
        bindparam("attempt_item_id", type_=table.c.attempt_item_id.type),
        bindparam("response", type_=table.c.response.type),
        bindparam("saved_at", type_=table.c.saved_at.type),
    ).where(
        # The share lock makes a submit wait for this answer to commit, and then grade it; a
        # submit that closed the attempt first makes this insert nothing (PostgreSQL).
        select(Attempt.id)
        .where(Attempt.id == bindparam("attempt_id"), Attempt.state == "in_progress")
        .with_for_update(read=True)
        .exists(),
    )
    stmt = dialect.insert(table).from_select(["attempt_item_id", "response", "saved_at"], values)
    if not overwrite:
        stmt = stmt.on_conflict_do_nothing(index_elements=["attempt_item_id"])
    else:
        stmt = stmt.on_conflict_do_update(
            index_elements=["attempt_item_id"],
            set_={"response": stmt.excluded.response, "saved_at": stmt.excluded.saved_at},
        )
    # A row comes back only when the answer was written.
    return stmt.returning(table.c.attempt_item_id)


def submit_own_attempt(session: Session, learner: User, attempt: Attempt, now: datetime) -> Attempt:
    """The learner submits: only while the quiz is still assigned to them (or already done)."""
    if attempt.state != "submitted" and not is_assigned(session, attempt.quiz_id, learner.id):
        raise NotAssignedError("This quiz is no longer assigned to you; it cannot be submitted.")
    return submit_attempt(session, attempt, now)


def submit_attempt(session: Session, attempt: Attempt, now: datetime) -> Attempt:
    """Grade and close the attempt exactly once; later or concurrent calls change nothing."""
    if attempt.state != "submitted":
        grade_and_close(session, [attempt.id], now)
    session.refresh(attempt, ["state", "submitted_at", "score"])
    return attempt


def grade_and_close(session: Session, attempt_ids: list[int], now: datetime) -> list[int]:
    """Close these attempts if still in progress, then grade them; the ids this call closed.

    The close comes first, in one conditional UPDATE: it takes each attempt's row lock, so
    a save still running commits before the answers are read, and a later one finds the
    attempt closed (409). Only the caller that closed an attempt grades it: scored once. All
    items are graded in memory from one query; scores are written in one statement per table.
    """
    closed_at = case(
        (and_(Attempt.deadline.is_not(None), Attempt.deadline < now), Attempt.deadline),
        else_=literal(now, Attempt.__table__.c.submitted_at.type),
    )
    closed = session.execute(
        update(Attempt)
        .where(Attempt.id.in_(attempt_ids), Attempt.state == "in_progress")
        .values(state="submitted", submitted_at=closed_at)
        .returning(Attempt.id, Attempt.learner_id, Attempt.quiz_id, Attempt.submitted_at)
        .execution_options(synchronize_session=False)
    ).all()
    if not closed:
        return []
    rows = session.execute(
        select(
            AttemptItem.id,
            AttemptItem.attempt_id,
            AttemptItem.content,
            AttemptItem.points,
            AttemptItem.question_version_id,
            QuestionVersion.type,
            QuestionVersion.answer_key,
            Response.response,
        )
        .join(QuestionVersion, QuestionVersion.id == AttemptItem.question_version_id)
        .outerjoin(Response, Response.attempt_item_id == AttemptItem.id)
        .where(AttemptItem.attempt_id.in_([c.id for c in closed]))
    ).all()
    facts = facts_of_versions(session, {row.question_version_id for row in rows})
    scored: list[dict[str, Any]] = []
    answers: dict[int, list[GradedAnswer]] = {}
    totals: dict[int, float] = {c.id: 0.0 for c in closed}
    for row in rows:
        grade = grade_response(row.type, row.content, row.answer_key, row.response)
        score = round(row.points * grade.fraction, 4)
        totals[row.attempt_id] += score
        answers.setdefault(row.attempt_id, []).append(
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
                "score": score,
                "grade_detail": {"score": grade.score, "max": grade.max, "parts": grade.parts},
            }
        )
    if scored:
        session.execute(update(AttemptItem), scored)
    session.execute(
        update(Attempt), [{"id": aid, "score": round(total, 4)} for aid, total in totals.items()]
    )
    # Progress and practice schedules learn from the answers once the learner may see them.
    quizzes = {
        quiz.id: quiz
        for quiz in session.execute(
            select(
                Quiz.id, Quiz.feedback, Quiz.reveal_answers, Quiz.max_attempts, Quiz.closes_at
            ).where(Quiz.id.in_({c.quiz_id for c in closed}))
        )
    }
    for attempt in closed:
        record_answers(
            session,
            attempt.learner_id,
            answers.get(attempt.id, []),
            "quiz",
            attempt.submitted_at,
            results_visible_from(quizzes[attempt.quiz_id], attempt.submitted_at),
        )
    for learner_id in {c.learner_id for c in closed}:
        apply_visible_reviews(session, learner_id, now)
    # Learning records for the LRS, in this transaction: sent only if grading commits.
    enqueue_graded_attempts(session, [c.id for c in closed], now)
    # Grades for the LMS line items (LTI AGS), likewise: sent after commit by their sender.
    enqueue_lti_scores(session, [c.id for c in closed], now)
    return [c.id for c in closed]
