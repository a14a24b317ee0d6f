"""Quizzes: what they ask and how; assignment to classes; a learner's view of them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from statistics import mean
from typing import Any

from sqlalchemy import Select, and_, exists, func, or_, select, union
from sqlalchemy.orm import Session, contains_eager, selectinload, with_expression

from app.domain.quiz_rules import settings_problems
from app.domain.visibility import scores_visible
from app.errors import ConflictError, InvalidContentError, NotFoundError
from app.models import (
    Assignment,
    Attempt,
    ClassMembership,
    Question,
    QuestionVersion,
    Quiz,
    QuizDrawRule,
    QuizQuestion,
    SchoolClass,
    Tag,
    User,
    question_version_facts,
)
from app.services.ownership import is_owned, owned_by, visible_bank_ids
from app.services.questions import asked_questions, conflicting_pairs
from app.services.writes import inserted

DEFAULT_SETTINGS: dict[str, Any] = {
    "time_limit_s": None,
    "max_attempts": None,
    "grading": "highest",
    "shuffle_questions": False,
    "shuffle_options": True,
    "feedback": "on_submit",
    "reveal_answers": "after_last_attempt",
    "opens_at": None,
    "closes_at": None,
}
SETTINGS = tuple(DEFAULT_SETTINGS)
# Changing these after an attempt exists would change what earlier attempts scored.
SCORING_FIELDS = frozenset({"question_ids", "points", "draw", "grading"})


def _invalid(field: str, message: str) -> InvalidContentError:
    return InvalidContentError(
        "The quiz is not valid; see errors.", errors={"json": {field: [message]}}
    )


def draw_candidates(bank_id: int, tag: str | None, difficulty: str | None) -> Select[Any]:
    """Ids of the active questions a draw rule may pick, in a stable order."""
    stmt = (
        select(Question.id)
        .join(Question.current)
        .where(Question.bank_id == bank_id, Question.is_active)
        .order_by(Question.id)
    )
    if difficulty:
        stmt = stmt.where(QuestionVersion.difficulty == difficulty)
    if tag:
        stmt = stmt.where(Question.tags.any(Tag.name == tag))
    return stmt


def _check_content(
    session: Session, teacher: User, data: dict[str, Any], current_ids: list[int] | None = None
) -> None:
    """`current_ids`: the questions a quiz being changed has, which `points` may name when
    `question_ids` is not sent."""
    banks = visible_bank_ids(session, teacher)
    ids = data.get("question_ids") or []
    if len(set(ids)) != len(ids):
        raise _invalid("question_ids", "A question is listed twice.")
    if ids:
        found = dict(
            session.execute(select(Question.id, Question.bank_id).where(Question.id.in_(ids))).all()
        )
        missing = [i for i in ids if found.get(i) not in banks]
        if missing:
            raise _invalid("question_ids", f"No question you can use has id {missing[0]}.")
    kept = ids if "question_ids" in data else (current_ids or [])
    unknown_points = set(data.get("points") or {}) - {str(i) for i in kept}
    if unknown_points:
        raise _invalid("points", f"Question {sorted(unknown_points)[0]} is not in question_ids.")
    for index, rule in enumerate(data.get("draw") or []):
        if rule["bank"] not in banks:
            raise _invalid("draw", f"Rule {index + 1}: no bank you can use has id {rule['bank']}.")
        candidates = draw_candidates(rule["bank"], rule["tag"], rule["difficulty"])
        available = session.scalar(select(func.count()).select_from(candidates.subquery()))
        if available < rule["count"]:
            raise _invalid(
                "draw", f"Rule {index + 1} asks for {rule['count']} questions; {available} match."
            )


def _apply_content(session: Session, quiz: Quiz, data: dict[str, Any]) -> None:
    if "question_ids" in data or "points" in data:
        ids = data.get("question_ids", [q.question_id for q in quiz.questions])
        # A question kept keeps its points unless new ones are sent for it.
        kept = {str(q.question_id): q.points for q in quiz.questions}
        points = {**kept, **(data.get("points") or {})}
        # The old rows go first: a question moved up a place would otherwise meet its own old
        # row under the (quiz, question) unique constraint.
        if quiz.questions:
            quiz.questions = []
            session.flush()
        quiz.questions = [
            QuizQuestion(position=i, question_id=qid, points=points.get(str(qid), 1.0))
            for i, qid in enumerate(ids)
        ]
    if "draw" in data:
        quiz.draw_rules = [
            QuizDrawRule(
                position=i,
                bank_id=rule["bank"],
                tag=rule["tag"],
                difficulty=rule["difficulty"],
                count=rule["count"],
                points=rule["points"],
            )
            for i, rule in enumerate(data["draw"])
        ]


def with_attempt_count() -> Any:
    """A loader option filling `Quiz.attempt_count` with one correlated count."""
    count = select(func.count()).where(Attempt.quiz_id == Quiz.id).correlate(Quiz).scalar_subquery()
    return with_expression(Quiz.attempt_count, count)


def quiz_loading() -> tuple[Any, ...]:
    """What a teacher's view of a quiz shows, loaded in a fixed number of queries: its
    questions (prompt and type of their current version), draw rules, classes assigned, and
    how many attempts it has."""
    return (
        selectinload(Quiz.questions)
        .selectinload(QuizQuestion.question)
        .selectinload(Question.current),
        selectinload(Quiz.draw_rules),
        selectinload(Quiz.assignments).selectinload(Assignment.school_class),
        with_attempt_count(),
    )


def owned_quiz(session: Session, teacher: User, quiz_id: int) -> Quiz:
    """One of the teacher's quizzes with what it asks, where it is assigned, and `warnings`
    about its fixed questions; 404 otherwise."""
    quiz = session.scalar(
        owned_by(Quiz, teacher)
        .where(Quiz.id == quiz_id)
        .options(*quiz_loading())
        # A quiz just changed in this session gets its count and collections read again.
        .execution_options(populate_existing=True)
    )
    if quiz is None:
        raise NotFoundError(f"Quiz {quiz_id} does not exist.")
    quiz.warnings = quiz_warnings(session, quiz)  # type: ignore[attr-defined]
    return quiz


def quiz_warnings(session: Session, quiz: Quiz) -> list[dict[str, Any]]:
    """Pairs of the quiz's fixed questions that every attempt asks together although they
    test the same fact or one gives the other away. Draws avoid such pairs by themselves;
    fixed questions are the teacher's choice, so they are told rather than refused."""
    views = asked_questions(session, [q.question_id for q in quiz.questions])
    return [{"questions": [a, b], "reason": reason} for a, b, reason in conflicting_pairs(views)]


def create_quiz(session: Session, teacher: User, data: dict[str, Any]) -> Quiz:
    _check_content(session, teacher, data)
    quiz = Quiz(owner_id=teacher.id, title=data["title"], questions=[], draw_rules=[])
    for name in SETTINGS:
        setattr(quiz, name, data.get(name, DEFAULT_SETTINGS[name]))
    _apply_content(session, quiz, {"draw": [], **data})
    session.add(quiz)
    session.flush()
    return owned_quiz(session, teacher, quiz.id)


def update_quiz(session: Session, teacher: User, quiz_id: int, data: dict[str, Any]) -> Quiz:
    """Change a quiz; once attempts exist, changes to what scores are refused (409)."""
    quiz = owned_quiz(session, teacher, quiz_id)
    attempted = session.scalar(select(exists().where(Attempt.quiz_id == quiz.id)))
    if attempted and SCORING_FIELDS & set(data):
        raise ConflictError(
            "Learners have attempted this quiz: its questions, points, draw rules and grading "
            "can no longer change. Copy it into a new quiz instead."
        )
    feedback = data.get("feedback", quiz.feedback)
    if attempted and "immediate" in (feedback, quiz.feedback) and feedback != quiz.feedback:
        # Answers checked under immediate feedback are locked, others are not: switching
        # would unlock answers whose results were shown, or show results of unlocked ones.
        raise ConflictError(
            "Learners have attempted this quiz: feedback can no longer change to or from "
            "immediate. Copy it into a new quiz instead."
        )
    _check_content(session, teacher, data, [q.question_id for q in quiz.questions])
    merged = {name: data.get(name, getattr(quiz, name)) for name in SETTINGS}
    merged["question_ids"] = data.get("question_ids", [q.question_id for q in quiz.questions])
    merged["draw"] = data.get("draw", quiz.draw_rules)
    problems = settings_problems(merged)
    if problems:
        raise InvalidContentError(
            "The quiz is not valid; see errors.",
            errors={"json": {field: [message] for field, message in problems.items()}},
        )
    if "title" in data:
        quiz.title = data["title"]
    for name in SETTINGS:
        setattr(quiz, name, merged[name])
    _apply_content(session, quiz, data)
    session.flush()
    return owned_quiz(session, teacher, quiz.id)


def owned_quizzes(teacher: User, archived: bool = False) -> Select[Any]:
    """The teacher's quizzes in use, or (`archived`) those put away."""
    shown = Quiz.archived_at.is_not(None) if archived else Quiz.archived_at.is_(None)
    return owned_by(Quiz, teacher).where(shown).options(*quiz_loading()).order_by(Quiz.id)


def assign_quiz(
    session: Session, teacher: User, quiz_id: int, class_id: int, due_at: datetime | None
) -> Assignment:
    quiz = owned_quiz(session, teacher, quiz_id)
    if quiz.archived_at is not None:
        raise ConflictError("This quiz is archived: unarchive it before assigning it.")
    if not is_owned(session, SchoolClass, class_id, teacher):
        raise _invalid("class_id", "Not one of your classes.")
    assignment = Assignment(quiz_id=quiz.id, class_id=class_id, due_at=due_at)
    if not inserted(session, assignment):
        raise ConflictError("This quiz is already assigned to this class.")
    return assignment


def facts_of_open_quizzes(learner_id: int, now: datetime) -> Select[Any]:
    """Ids of the facts tested by the quizzes this learner can still take: assigned to a class
    of theirs, not closed, with an attempt in progress or left. Fixed questions and every
    question a draw rule may pick count, at their current version."""
    used = (
        select(func.count())
        .where(Attempt.quiz_id == Quiz.id, Attempt.learner_id == learner_id)
        .correlate(Quiz)
        .scalar_subquery()
    )
    in_progress = exists().where(
        Attempt.quiz_id == Quiz.id,
        Attempt.learner_id == learner_id,
        Attempt.state == "in_progress",
    )
    open_quizzes = (
        select(Quiz.id)
        .join(Assignment, Assignment.quiz_id == Quiz.id)
        .join(ClassMembership, ClassMembership.class_id == Assignment.class_id)
        .where(
            ClassMembership.user_id == learner_id,
            Quiz.archived_at.is_(None),
            or_(Quiz.closes_at.is_(None), Quiz.closes_at > now),
            or_(Quiz.max_attempts.is_(None), used < Quiz.max_attempts, in_progress),
        )
    )
    fixed = select(QuizQuestion.question_id).where(QuizQuestion.quiz_id.in_(open_quizzes))
    drawable = (
        select(Question.id)
        .join(Question.current)
        .join(QuizDrawRule, QuizDrawRule.bank_id == Question.bank_id)
        .where(
            QuizDrawRule.quiz_id.in_(open_quizzes),
            Question.is_active,
            or_(
                QuizDrawRule.difficulty.is_(None),
                QuestionVersion.difficulty == QuizDrawRule.difficulty,
            ),
            or_(QuizDrawRule.tag.is_(None), Question.tags.any(Tag.name == QuizDrawRule.tag)),
        )
    )
    asked = union(fixed, drawable).subquery()
    return (
        select(question_version_facts.c.fact_id)
        .join(QuestionVersion, QuestionVersion.id == question_version_facts.c.question_version_id)
        .join(
            Question,
            and_(
                Question.id == QuestionVersion.question_id,
                Question.latest_version == QuestionVersion.number,
            ),
        )
        .where(Question.id.in_(select(asked.c[0])))
        .distinct()
    )


def is_assigned(session: Session, quiz_id: int, learner_id: int) -> bool:
    return bool(
        session.scalar(
            select(
                exists()
                .where(Assignment.quiz_id == quiz_id)
                .where(ClassMembership.class_id == Assignment.class_id)
                .where(ClassMembership.user_id == learner_id)
            )
        )
    )


# --- the learner's view ---------------------------------------------------------------------


def _submitted_in_order(attempts: list[Attempt]) -> list[Attempt]:
    return sorted((a for a in attempts if a.state == "submitted"), key=lambda a: a.number)


def _fraction(attempt: Attempt) -> float:
    return (attempt.score or 0.0) / attempt.max_score if attempt.max_score else 0.0


def grade_under(method: str, attempts: list[Attempt]) -> float | None:
    """The quiz grade (percent) of submitted attempts under a grading method."""
    done = _submitted_in_order(attempts)
    if not done:
        return None
    fractions = [_fraction(a) for a in done]
    pick = {
        "highest": max(fractions),
        "average": mean(fractions),
        "first": fractions[0],
        "last": fractions[-1],
    }[method]
    return round(100 * pick, 2)


def graded_attempt(method: str, attempts: list[Attempt]) -> Attempt | None:
    """The submitted attempt the grade under `method` comes from: the best (the first to
    reach it), the first or the last; for `average`, which no one attempt gives, the last."""
    done = _submitted_in_order(attempts)
    if not done:
        return None
    if method == "highest":
        return max(done, key=_fraction)
    return done[0] if method == "first" else done[-1]


@dataclass(frozen=True)
class MyAssignment:
    id: int
    class_id: int
    class_name: str
    due_at: datetime | None
    quiz: Quiz
    status: str
    attempts_used: int
    attempts_left: int | None
    in_progress_attempt_id: int | None
    last_submitted_attempt_id: int | None
    grade: float | None


def my_assignments(
    session: Session, learner_id: int, now: datetime, offset: int, limit: int
) -> tuple[list[MyAssignment], int]:
    """The learner's assignments with status and grade: two queries, whatever the count
    (three for a page past the last, which must still say how many there are)."""
    base = (
        select(Assignment, SchoolClass.name)
        .join(ClassMembership, ClassMembership.class_id == Assignment.class_id)
        .join(SchoolClass, SchoolClass.id == Assignment.class_id)
        .join(Quiz, Quiz.id == Assignment.quiz_id)
        .where(ClassMembership.user_id == learner_id, Quiz.archived_at.is_(None))
    )
    # The total rides on each row of the page (a window count), the quiz joined in.
    page = session.execute(
        base.add_columns(func.count().over().label("total"))
        .options(contains_eager(Assignment.quiz))
        .order_by(Assignment.due_at.is_(None), Assignment.due_at, Assignment.id)
        .offset(offset)
        .limit(limit)
    ).all()
    if page:
        total = page[0].total
    else:
        total = session.scalar(select(func.count()).select_from(base.subquery())) or 0
    rows = [(row[0], row[1]) for row in page]
    quiz_ids = {assignment.quiz_id for assignment, _ in rows}
    attempts: dict[int, list[Attempt]] = {}
    for attempt in session.scalars(
        select(Attempt).where(Attempt.learner_id == learner_id, Attempt.quiz_id.in_(quiz_ids))
    ):
        attempts.setdefault(attempt.quiz_id, []).append(attempt)

    result = []
    for assignment, class_name in rows:
        quiz, mine = assignment.quiz, attempts.get(assignment.quiz_id, [])
        open_attempt = next((a for a in mine if a.state == "in_progress"), None)
        if open_attempt is not None:
            status = "in_progress"
        elif any(a.state == "submitted" for a in mine):
            status = "submitted"
        elif quiz.closes_at is not None and now >= quiz.closes_at:
            status = "closed"
        else:
            status = "not_started"
        result.append(
            MyAssignment(
                id=assignment.id,
                class_id=assignment.class_id,
                class_name=class_name,
                due_at=assignment.due_at,
                quiz=quiz,
                status=status,
                attempts_used=len(mine),
                attempts_left=None if quiz.max_attempts is None else quiz.max_attempts - len(mine),
                in_progress_attempt_id=open_attempt.id if open_attempt else None,
                last_submitted_attempt_id=max(
                    (a.id for a in mine if a.state == "submitted"), default=None
                ),
                grade=grade_under(quiz.grading, mine) if scores_visible(quiz, now) else None,
            )
        )
    return result, total
