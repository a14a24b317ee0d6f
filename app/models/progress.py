"""What each learner knows: every graded answer, and one FSRS card per learner and fact."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from app.domain.choices import ANSWER_SOURCES, in_check
from app.models.base import Base


class AnswerLog(Base):
    """One graded answer to one question, from a quiz or from practice."""

    __tablename__ = "answer_log"
    __table_args__ = (
        CheckConstraint(in_check("source", ANSWER_SOURCES), "source"),
        CheckConstraint("fraction >= 0 AND fraction <= 1", "fraction_range"),
        Index(None, "learner_id", "answered_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    learner_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    question_version_id: Mapped[int] = mapped_column(
        ForeignKey("question_versions.id", ondelete="RESTRICT"), index=True
    )
    source: Mapped[str] = mapped_column(String(10))
    # Share of the question's marks earned, 0..1.
    fraction: Mapped[float]
    answered_at: Mapped[datetime]
    # When the learner may learn how this answer went (a quiz with after_close feedback
    # keeps it hidden until it closes); progress counts it only from then on.
    visible_from: Mapped[datetime]


class FactReview(Base):
    """One FSRS review of a learner's card for a fact (the review log)."""

    __tablename__ = "fact_reviews"
    __table_args__ = (
        CheckConstraint("rating BETWEEN 1 AND 4", "rating_range"),
        CheckConstraint(in_check("source", ANSWER_SOURCES), "source"),
        Index(None, "learner_id", "fact_id", "reviewed_at"),
        Index(None, "learner_id", "applied", "visible_from"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    learner_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    fact_id: Mapped[int] = mapped_column(ForeignKey("facts.id", ondelete="CASCADE"), index=True)
    question_version_id: Mapped[int] = mapped_column(
        ForeignKey("question_versions.id", ondelete="RESTRICT"), index=True
    )
    source: Mapped[str] = mapped_column(String(10))
    rating: Mapped[int]
    fraction: Mapped[float]
    reviewed_at: Mapped[datetime]
    visible_from: Mapped[datetime]
    # Applied to the card once visible: a hidden result must not move the schedule either.
    applied: Mapped[bool] = mapped_column(default=False)


class FactCard(Base):
    """The learner's FSRS card for a fact: when it is due, how stable the memory is."""

    __tablename__ = "fact_cards"

    learner_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    fact_id: Mapped[int] = mapped_column(
        ForeignKey("facts.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    state: Mapped[int]
    step: Mapped[int | None]
    stability: Mapped[float | None]
    difficulty: Mapped[float | None]
    due: Mapped[datetime]
    last_review: Mapped[datetime | None]
    introduced_at: Mapped[datetime]
    # The type last asked about this fact, so practice varies the question type.
    last_question_type: Mapped[str | None] = mapped_column(String(20))


class PracticeState(Base):
    """What practice last served a learner: only that question can be answered."""

    __tablename__ = "practice_state"

    learner_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    question_id: Mapped[int | None] = mapped_column(ForeignKey("questions.id", ondelete="SET NULL"))
    question_version_id: Mapped[int | None] = mapped_column(
        ForeignKey("question_versions.id", ondelete="SET NULL")
    )
    fact_id: Mapped[int | None] = mapped_column(ForeignKey("facts.id", ondelete="SET NULL"))
    served_at: Mapped[datetime | None]
    # The fact answered last, which the next question avoids.
    last_fact_id: Mapped[int | None] = mapped_column(ForeignKey("facts.id", ondelete="SET NULL"))
