"""A teacher's changes to a quiz once it is made: copy it, take it away from a class, put
it away (archive) and back. Attempts are never deleted: grades and reviews stay."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete
from sqlalchemy.orm import Session

from app.errors import NotFoundError
from app.models import Assignment, Quiz, QuizDrawRule, QuizQuestion, User
from app.services.attempts import close_attempts_in_progress, close_attempts_no_longer_assigned
from app.services.quizzes import SETTINGS, owned_quiz

TITLE_LENGTH = 200  # Quiz.title
COPY_SUFFIX = " (copy)"


def copy_title(title: str) -> str:
    """'Treaty quiz' -> 'Treaty quiz (copy)', cut so that it still fits the column."""
    return title[: TITLE_LENGTH - len(COPY_SUFFIX)].rstrip() + COPY_SUFFIX


def duplicate_quiz(session: Session, teacher: User, quiz_id: int) -> Quiz:
    """A copy of one of the teacher's quizzes: the same questions, points, draw rules and
    settings, assigned to no class, with no attempts, so everything in it can change."""
    original = owned_quiz(session, teacher, quiz_id)
    copy = Quiz(
        owner_id=teacher.id,
        title=copy_title(original.title),
        questions=[
            QuizQuestion(position=q.position, question_id=q.question_id, points=q.points)
            for q in original.questions
        ],
        draw_rules=[
            QuizDrawRule(
                position=rule.position,
                bank_id=rule.bank_id,
                tag=rule.tag,
                difficulty=rule.difficulty,
                count=rule.count,
                points=rule.points,
            )
            for rule in original.draw_rules
        ],
    )
    for name in SETTINGS:
        setattr(copy, name, getattr(original, name))
    session.add(copy)
    session.flush()
    return owned_quiz(session, teacher, copy.id)


def unassign_quiz(
    session: Session, teacher: User, quiz_id: int, class_id: int, now: datetime
) -> None:
    """Take one of the teacher's quizzes away from a class: its learners no longer see it or
    start it. Attempts stay (grades and reviews); one in progress is submitted as it stands,
    unless the learner still has the quiz through another class."""
    quiz = owned_quiz(session, teacher, quiz_id)
    removed = session.execute(
        delete(Assignment).where(Assignment.quiz_id == quiz.id, Assignment.class_id == class_id)
    )
    if removed.rowcount == 0:  # type: ignore[attr-defined]
        raise NotFoundError(f"Quiz {quiz_id} is not assigned to class {class_id}.")
    close_attempts_no_longer_assigned(session, quiz.id, now)


def archive_quiz(session: Session, teacher: User, quiz_id: int, now: datetime) -> Quiz:
    """Put a quiz away: out of the teacher's list of quizzes in use and out of their learners'
    assignments, and no longer startable. Attempts in progress are submitted as they stand.
    Archiving an archived quiz changes nothing."""
    quiz = owned_quiz(session, teacher, quiz_id)
    if quiz.archived_at is None:
        quiz.archived_at = now
        session.flush()
        close_attempts_in_progress(session, quiz.id, now)
    return owned_quiz(session, teacher, quiz.id)


def unarchive_quiz(session: Session, teacher: User, quiz_id: int) -> Quiz:
    """Bring an archived quiz back: its classes see it again, under its settings."""
    quiz = owned_quiz(session, teacher, quiz_id)
    quiz.archived_at = None
    session.flush()
    return owned_quiz(session, teacher, quiz.id)
