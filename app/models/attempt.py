"""Attempts: what one learner was asked (frozen at start), what they answered, their score."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    ForeignKey,
    Index,
    String,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.domain.choices import ATTEMPT_STATES, in_check
from app.models.base import Base
from app.models.quiz import Points, Quiz
from app.models.user import User


class Attempt(Base):
    __tablename__ = "attempts"
    __table_args__ = (
        # Attempt numbers are unique per learner and quiz, and never above the quiz's limit
        # copied here at start: two simultaneous starts cannot exceed it.
        UniqueConstraint("quiz_id", "learner_id", "number"),
        CheckConstraint("number >= 1", "number_positive"),
        CheckConstraint("attempt_limit IS NULL OR number <= attempt_limit", "within_limit"),
        CheckConstraint(in_check("state", ATTEMPT_STATES), "state"),
        # At most one unfinished attempt per learner and quiz: a second start resumes it.
        Index(
            "uq_attempts_one_in_progress",
            "quiz_id",
            "learner_id",
            unique=True,
            sqlite_where=text("state = 'in_progress'"),
            postgresql_where=text("state = 'in_progress'"),
        ),
        Index(None, "learner_id", "quiz_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    quiz_id: Mapped[int] = mapped_column(ForeignKey("quizzes.id", ondelete="CASCADE"))
    learner_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    number: Mapped[int]
    attempt_limit: Mapped[int | None]
    # Every random choice of the attempt (draws, orders) comes from this seed.
    seed: Mapped[int] = mapped_column(BigInteger)
    state: Mapped[str] = mapped_column(String(12), default="in_progress")
    started_at: Mapped[datetime]
    deadline: Mapped[datetime | None]
    submitted_at: Mapped[datetime | None]
    score: Mapped[float | None] = mapped_column(Points)
    max_score: Mapped[float] = mapped_column(Points)

    quiz: Mapped[Quiz] = relationship(lazy="raise")
    learner: Mapped[User] = relationship(lazy="raise")
    items: Mapped[list[AttemptItem]] = relationship(
        lazy="raise", order_by="AttemptItem.position", cascade="all, delete-orphan"
    )


class AttemptItem(Base):
    """One question as this attempt asked it: version, shown content and points, frozen."""

    __tablename__ = "attempt_items"
    __table_args__ = (UniqueConstraint("attempt_id", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    attempt_id: Mapped[int] = mapped_column(ForeignKey("attempts.id", ondelete="CASCADE"))
    position: Mapped[int]
    question_version_id: Mapped[int] = mapped_column(
        ForeignKey("question_versions.id", ondelete="RESTRICT"), index=True
    )
    # The version's content as shown to this learner (options in this attempt's order).
    content: Mapped[dict[str, Any]]
    points: Mapped[float] = mapped_column(Points)
    # Filled when the attempt is graded.
    score: Mapped[float | None] = mapped_column(Points)
    grade_detail: Mapped[dict[str, Any] | None]


class Response(Base):
    """The learner's latest answer to an item; saved on every change (last write wins)."""

    __tablename__ = "responses"

    attempt_item_id: Mapped[int] = mapped_column(
        ForeignKey("attempt_items.id", ondelete="CASCADE"), primary_key=True
    )
    response: Mapped[dict[str, Any]]
    saved_at: Mapped[datetime]
