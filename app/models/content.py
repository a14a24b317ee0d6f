"""Sources, facts, banks and versioned questions."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import (
    CheckConstraint,
    Column,
    ForeignKey,
    Index,
    String,
    Table,
    Text,
    UniqueConstraint,
    and_,
    false,
    select,
)
from sqlalchemy.orm import (
    Mapped,
    aliased,
    column_property,
    mapped_column,
    query_expression,
    relationship,
)

from app.domain.choices import DIFFICULTIES, FACT_KINDS, FACT_STATUSES, in_check
from app.domain.facts import fact_answer
from app.domain.question_types import QUESTION_TYPES
from app.domain.sentences import split_sentences
from app.models.base import Base, TimestampMixin


class Source(TimestampMixin, Base):
    """A document that facts are taken from; its text is the reference for evidence offsets."""

    __tablename__ = "sources"
    __table_args__ = (UniqueConstraint("lineage", "revision"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(120), unique=True)
    title: Mapped[str] = mapped_column(String(300))
    publisher: Mapped[str] = mapped_column(String(200))
    author: Mapped[str | None] = mapped_column(String(200))
    dateline: Mapped[str | None] = mapped_column(String(200))
    published_on: Mapped[date | None]
    # As printed by the source ("2024-06-20T11:34"); the source names no time zone.
    updated_local: Mapped[str | None] = mapped_column(String(40))
    url: Mapped[str | None] = mapped_column(String(500))
    text: Mapped[str] = mapped_column(Text)
    text_sha256: Mapped[str] = mapped_column(String(64))
    # A teacher's own source (pasted or uploaded); None for those loaded from questions/.
    owner_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="RESTRICT"), index=True
    )
    # A revision is a new source row: the old one stays, for the attempts that quoted it.
    previous_id: Mapped[int | None] = mapped_column(ForeignKey("sources.id", ondelete="SET NULL"))
    revision: Mapped[int] = mapped_column(default=1, server_default="1")
    # The first version's slug, shared by all its revisions (and the slug of their bank).
    lineage: Mapped[str | None] = mapped_column(String(120))

    facts: Mapped[list[Fact]] = relationship(
        back_populates="source", lazy="raise", order_by="Fact.position"
    )

    @property
    def sentences(self) -> list[dict[str, int]]:
        """The text's sentences as spans: what find-the-evidence answers select by index."""
        return [{"start": start, "end": end} for start, end in split_sentences(self.text)]


class Fact(TimestampMixin, Base):
    """One checkable statement of a source, with the span of the source that proves it."""

    __tablename__ = "facts"
    __table_args__ = (
        UniqueConstraint("source_id", "slug"),
        CheckConstraint("evidence_start >= 0 AND evidence_end > evidence_start", "evidence_span"),
        CheckConstraint(in_check("kind", FACT_KINDS), "kind"),
        CheckConstraint(in_check("status", FACT_STATUSES), "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    source_id: Mapped[int] = mapped_column(ForeignKey("sources.id", ondelete="CASCADE"))
    slug: Mapped[str] = mapped_column(String(120))
    kind: Mapped[str] = mapped_column(String(20), index=True)
    statement: Mapped[str] = mapped_column(Text)
    fields: Mapped[dict[str, Any]]
    evidence_start: Mapped[int]
    evidence_end: Mapped[int]
    evidence_text: Mapped[str] = mapped_column(Text)
    # Order of the facts file: practice introduces new facts in this order.
    position: Mapped[int]
    # Only accepted facts become questions; see app.domain.choices.FACT_STATUSES.
    status: Mapped[str] = mapped_column(String(10), default="accepted", server_default="accepted")
    tags: Mapped[list[Any]] = mapped_column(default=list, server_default="[]")
    difficulty: Mapped[str] = mapped_column(String(10), default="medium", server_default="medium")

    @property
    def answer(self) -> str | None:
        """The fact's answer in a word or two (a year, a speaker): what the review page shows."""
        return fact_answer(self.kind, self.fields)

    source: Mapped[Source] = relationship(back_populates="facts", lazy="raise")


class Bank(TimestampMixin, Base):
    """A set of questions: from the content files (no owner) or a teacher's own."""

    __tablename__ = "banks"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(120), unique=True)
    title: Mapped[str] = mapped_column(String(300))
    description: Mapped[str] = mapped_column(Text, default="")
    owner_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="RESTRICT"), index=True
    )
    # A teacher's bank their learners may practise (one built from their source); a bank of
    # their own questions is not.
    published: Mapped[bool] = mapped_column(default=False, server_default=false())
    # Filled by queries that ask for it, never lazily.
    question_count: Mapped[int | None] = query_expression()


class Tag(Base):
    __tablename__ = "tags"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(60), unique=True)


question_tags = Table(
    "question_tags",
    Base.metadata,
    Column("question_id", ForeignKey("questions.id", ondelete="CASCADE"), primary_key=True),
    Column("tag_id", ForeignKey("tags.id", ondelete="CASCADE"), primary_key=True, index=True),
)

question_version_facts = Table(
    "question_version_facts",
    Base.metadata,
    Column(
        "question_version_id",
        ForeignKey("question_versions.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    Column("fact_id", ForeignKey("facts.id", ondelete="RESTRICT"), primary_key=True, index=True),
)


class Question(TimestampMixin, Base):
    """A stable identity for a question; its content lives in immutable versions."""

    __tablename__ = "questions"
    __table_args__ = (
        UniqueConstraint("bank_id", "slug"),
        CheckConstraint("latest_version >= 1", "latest_version_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    bank_id: Mapped[int] = mapped_column(ForeignKey("banks.id", ondelete="RESTRICT"))
    slug: Mapped[str] = mapped_column(String(160))
    latest_version: Mapped[int] = mapped_column(default=1)
    # A question dropped from its bank file is retired, never deleted: attempts point at it.
    is_active: Mapped[bool] = mapped_column(default=True)

    bank: Mapped[Bank] = relationship(lazy="raise")
    tags: Mapped[list[Tag]] = relationship(
        secondary=question_tags, lazy="raise", order_by="Tag.name"
    )
    versions: Mapped[list[QuestionVersion]] = relationship(
        back_populates="question", lazy="raise", order_by="QuestionVersion.number"
    )
    current: Mapped[QuestionVersion] = relationship(
        primaryjoin=lambda: and_(
            QuestionVersion.question_id == Question.id,
            QuestionVersion.number == Question.latest_version,
        ),
        viewonly=True,
        uselist=False,
        lazy="raise",
    )


class QuestionVersion(TimestampMixin, Base):
    """What a question asked at one point in time; never updated once written.

    `content` is what a learner may see; `answer_key` and `evidence` are what they may not
    see before the feedback policy allows, kept in separate columns so no serialiser can
    leak a key by forgetting to drop a field.
    """

    __tablename__ = "question_versions"
    __table_args__ = (
        UniqueConstraint("question_id", "number"),
        CheckConstraint("number >= 1", "number_positive"),
        CheckConstraint(in_check("type", QUESTION_TYPES), "type"),
        CheckConstraint(in_check("difficulty", DIFFICULTIES), "difficulty"),
        Index(None, "type", "difficulty"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    question_id: Mapped[int] = mapped_column(ForeignKey("questions.id", ondelete="CASCADE"))
    number: Mapped[int]
    type: Mapped[str] = mapped_column(String(20))
    prompt: Mapped[str] = mapped_column(Text)
    content: Mapped[dict[str, Any]]
    answer_key: Mapped[dict[str, Any]]
    explanation: Mapped[str] = mapped_column(Text)
    difficulty: Mapped[str] = mapped_column(String(10))
    # [{"source": slug, "fact": slug, "start": int, "end": int, "text": str}], frozen here
    # so that editing a fact later never changes what an earlier version showed.
    evidence: Mapped[list[Any]]
    # The question as its author wrote it (bank-file form), so an edit can start from it.
    authoring: Mapped[dict[str, Any]]
    content_hash: Mapped[str] = mapped_column(String(64))

    question: Mapped[Question] = relationship(back_populates="versions", lazy="raise")
    facts: Mapped[list[Fact]] = relationship(secondary=question_version_facts, lazy="raise")


# The version that revises a source, if any: read with the source itself (one SELECT), so a
# page can tell an old version (read-only, kept for the attempts that quoted it).
_newer_source = aliased(Source)
Source.newer_id = column_property(
    select(_newer_source.id)
    .where(_newer_source.previous_id == Source.id)
    .correlate_except(_newer_source)
    .limit(1)
    .scalar_subquery()
)
