"""Quizzes (what is asked and under which settings) and their assignment to classes."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, Float, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, query_expression, relationship

from app.domain.choices import FEEDBACK_POLICIES, GRADING_METHODS, REVEAL_POLICIES, in_check
from app.models.base import Base, TimestampMixin
from app.models.classes import SchoolClass
from app.models.content import Question

Points = Float()  # points and scores: fractions of a point are common


class Quiz(TimestampMixin, Base):
    __tablename__ = "quizzes"
    __table_args__ = (
        CheckConstraint(in_check("grading", GRADING_METHODS), "grading"),
        CheckConstraint(in_check("feedback", FEEDBACK_POLICIES), "feedback"),
        CheckConstraint(in_check("reveal_answers", REVEAL_POLICIES), "reveal_answers"),
        CheckConstraint("time_limit_s IS NULL OR time_limit_s > 0", "time_limit_positive"),
        CheckConstraint("max_attempts IS NULL OR max_attempts > 0", "max_attempts_positive"),
        CheckConstraint("opens_at IS NULL OR closes_at IS NULL OR closes_at > opens_at", "window"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    owner_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="RESTRICT"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    time_limit_s: Mapped[int | None]
    max_attempts: Mapped[int | None]
    grading: Mapped[str] = mapped_column(String(10), default="highest")
    shuffle_questions: Mapped[bool] = mapped_column(default=False)
    shuffle_options: Mapped[bool] = mapped_column(default=True)
    feedback: Mapped[str] = mapped_column(String(12), default="on_submit")
    reveal_answers: Mapped[str] = mapped_column(
        String(20), default="after_last_attempt", server_default="after_last_attempt"
    )
    opens_at: Mapped[datetime | None]
    closes_at: Mapped[datetime | None]
    # Put away by its teacher: out of their list and their learners' (attempts are kept).
    archived_at: Mapped[datetime | None]

    questions: Mapped[list[QuizQuestion]] = relationship(
        lazy="raise", order_by="QuizQuestion.position", cascade="all, delete-orphan"
    )
    draw_rules: Mapped[list[QuizDrawRule]] = relationship(
        lazy="raise", order_by="QuizDrawRule.position", cascade="all, delete-orphan"
    )
    assignments: Mapped[list[Assignment]] = relationship(
        lazy="raise", order_by="Assignment.id", viewonly=True
    )
    # Filled by queries that ask for it (`with_attempt_count`), never lazily.
    attempt_count: Mapped[int | None] = query_expression()


class QuizQuestion(Base):
    """A question every attempt asks, at its latest version when the attempt starts."""

    __tablename__ = "quiz_questions"
    __table_args__ = (
        UniqueConstraint("quiz_id", "question_id"),
        CheckConstraint("points > 0", "points_positive"),
    )

    quiz_id: Mapped[int] = mapped_column(
        ForeignKey("quizzes.id", ondelete="CASCADE"), primary_key=True
    )
    position: Mapped[int] = mapped_column(primary_key=True)
    question_id: Mapped[int] = mapped_column(
        ForeignKey("questions.id", ondelete="RESTRICT"), index=True
    )
    points: Mapped[float] = mapped_column(Points, default=1.0)

    question: Mapped[Question] = relationship(lazy="raise", viewonly=True)


class QuizDrawRule(Base):
    """`count` questions drawn at random per attempt from a bank, by tag and difficulty."""

    __tablename__ = "quiz_draw_rules"
    __table_args__ = (
        CheckConstraint("count > 0", "count_positive"),
        CheckConstraint("points > 0", "points_positive"),
    )

    quiz_id: Mapped[int] = mapped_column(
        ForeignKey("quizzes.id", ondelete="CASCADE"), primary_key=True
    )
    position: Mapped[int] = mapped_column(primary_key=True)
    bank_id: Mapped[int] = mapped_column(ForeignKey("banks.id", ondelete="RESTRICT"), index=True)
    tag: Mapped[str | None] = mapped_column(String(60))
    difficulty: Mapped[str | None] = mapped_column(String(10))
    count: Mapped[int]
    points: Mapped[float] = mapped_column(Points, default=1.0)


class Assignment(TimestampMixin, Base):
    __tablename__ = "assignments"
    __table_args__ = (UniqueConstraint("quiz_id", "class_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    quiz_id: Mapped[int] = mapped_column(ForeignKey("quizzes.id", ondelete="CASCADE"))
    class_id: Mapped[int] = mapped_column(ForeignKey("classes.id", ondelete="CASCADE"), index=True)
    due_at: Mapped[datetime | None]

    quiz: Mapped[Quiz] = relationship(lazy="raise")
    school_class: Mapped[SchoolClass] = relationship(lazy="raise")
