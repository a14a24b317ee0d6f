"""A teacher's own sources: add one, review the facts drafted from it, publish its bank, and
bring a new version of it.

- A source is created with the extractor's candidates stored as `proposed` facts. The
  teacher accepts, edits or rejects each, or adds one by selecting a passage; a fact is
  checked against the schema of its kind (the files' facts pass the same one) whenever it is
  accepted or edited.
- The bank of a source is built from its accepted facts by the files' generator and lint
  (`app.content.source_bank`), previewed, then published: a bank owned by the teacher, with
  the slug of the source's lineage, that their quizzes draw from and their learners practise.
- A revision is a new source row (the old one stays: attempts quote it). Facts whose
  evidence is still there verbatim move to it; the others are `stale`, their questions
  leave the published bank (new draws and practice), and the teacher decides.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from collections.abc import Collection
from dataclasses import dataclass
from typing import Any

from marshmallow import ValidationError
from sqlalchemy import Select, exists, func, select
from sqlalchemy.orm import Session, aliased

from app.content.documents import BankDoc, FactDoc, SourceDoc
from app.content.export import source_files
from app.content.extract import Candidate, extract_candidates
from app.content.generate import blank_number
from app.content.ingest import IngestedText
from app.content.lint import quote_form_problem
from app.content.load import LoadReport, load_bank
from app.content.read import fact_fields
from app.content.revisions import (
    SentenceChange,
    changed_sentences,
    reanchor,
    sentence_changes,
)
from app.content.source_bank import LeftOut, SourceBank, build_source_bank
from app.domain.choices import FACT_KINDS
from app.domain.facts import DEFAULT_TAGS, with_answer
from app.domain.sentences import sentences_of_span, split_sentences
from app.errors import ConflictError, InvalidContentError, NotFoundError
from app.models import Bank, Fact, Source, User
from app.schemas.content_files import FACT_COMMON_FIELDS, FACT_SCHEMAS
from app.services.ownership import owned_by, source_visible_to

# What a request may change on a fact, beside its kind's own `fields`.
EDITABLE = ("statement", "tags", "difficulty", "claim", "distractors")


@dataclass(frozen=True)
class BankPreview:
    source: Source
    bank: BankDoc
    left_out: list[LeftOut]


@dataclass(frozen=True)
class PublishedBank:
    bank: Bank
    report: LoadReport
    left_out: list[LeftOut]


@dataclass(frozen=True)
class SourceChanges:
    source: Source
    previous: Source | None
    sentences: list[SentenceChange]
    stale: list[Fact]
    # Facts whose evidence is still there, in a sentence the new version changed: the words
    # proving them stand, but what is around them may say something else now.
    to_check: list[Fact]


# Reading --------------------------------------------------------------------------------


def sources_query(user: User | None, mine: bool = False) -> Select[Any]:
    """Sources a person may read, the latest version of each: shared ones, a teacher's own,
    a learner's teachers'. `mine`: a teacher's own only."""
    newer = aliased(Source)
    stmt = (
        select(Source)
        .where(source_visible_to(user), ~exists().where(newer.previous_id == Source.id))
        .order_by(Source.id)
    )
    if mine and user is not None:
        stmt = stmt.where(Source.owner_id == user.id)
    return stmt


def get_source(session: Session, user: User | None, source_id: int) -> Source:
    source = session.scalar(select(Source).where(Source.id == source_id, source_visible_to(user)))
    if source is None:
        raise NotFoundError(f"Source {source_id} does not exist.")
    return source


def facts_query(
    session: Session, user: User, source_id: int, status: str | None, kind: str | None
) -> Select[Any]:
    """The facts of a source the teacher may read, in the source's order."""
    get_source(session, user, source_id)
    stmt = select(Fact).where(Fact.source_id == source_id).order_by(Fact.position, Fact.id)
    if status:
        stmt = stmt.where(Fact.status == status)
    if kind:
        stmt = stmt.where(Fact.kind == kind)
    return stmt


def _latest_own(session: Session, teacher: User, source_id: int) -> Source:
    """The teacher's source, if it is the latest version (older ones are kept as they were),
    locked for this transaction: a review and a new version of one source never interleave
    (a fact accepted while its evidence is being moved away)."""
    source = session.scalar(
        owned_by(Source, teacher).where(Source.id == source_id).with_for_update(of=Source)
    )
    if source is None:
        raise NotFoundError(f"Source {source_id} does not exist.")
    newer = session.scalar(select(Source.id).where(Source.previous_id == source.id))
    if newer is not None:
        raise ConflictError(
            f"Source {source_id} has a newer version ({newer}); review and publish that one."
        )
    return source


# Creating -------------------------------------------------------------------------------


def _sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _slug_of(title: str) -> str:
    words = re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-")[:60].strip("-") or "source"
    return f"{words}-s{secrets.token_hex(3)}"  # never all digits, like a personal bank's


def create_source(
    session: Session, teacher: User, meta: dict[str, Any], article: IngestedText
) -> Source:
    """The teacher's new source, its text the article's, with its drafted facts proposed.
    Fields the teacher left empty take what the page says of itself, where it does."""
    values = {**article.metadata, **{k: v for k, v in meta.items() if v is not None}}
    missing = [name for name in ("title", "publisher") if not values.get(name)]
    if missing:
        raise InvalidContentError(
            "Say what the source is.",
            errors={"json": {name: ["Missing data for required field."] for name in missing}},
        )
    slug = _slug_of(values["title"])
    source = Source(
        slug=slug,
        lineage=slug,
        revision=1,
        owner_id=teacher.id,
        title=values["title"],
        publisher=values["publisher"],
        author=values.get("author"),
        published_on=values.get("published_on"),
        url=values.get("url"),
        text=article.text,
        text_sha256=_sha256(article.text),
    )
    session.add(source)
    session.flush()
    _propose(session, source, extract_candidates(article.text), first_position=0)
    return source


def _fact_input(candidate: Candidate, slug: str) -> dict[str, Any]:
    """A candidate in the files' form, to be checked by its kind's schema."""
    return {
        "id": slug,
        "kind": candidate.kind,
        "statement": candidate.statement,
        "evidence": candidate.evidence_text,
        "tags": [DEFAULT_TAGS[candidate.kind]],
        **candidate.fields,
    }


def _propose(
    session: Session,
    source: Source,
    candidates: list[Candidate],
    first_position: int,
    taken: Collection[str] = (),
) -> int:
    """Store the candidates (those the kind's schema takes) as proposed facts."""
    stored = 0
    counters: dict[str, int] = {}
    for candidate in candidates:
        if candidate.kind not in FACT_KINDS:
            continue
        counters[candidate.kind] = counters.get(candidate.kind, 0) + 1
        slug = f"{candidate.kind}-{counters[candidate.kind]}"
        while slug in taken:
            counters[candidate.kind] += 1
            slug = f"{candidate.kind}-{counters[candidate.kind]}"
        raw = _fact_input(candidate, slug)
        if raw.get("direct") and quote_form_problem(raw.get("words", ""), source.text):
            raw["direct"] = False  # a fragment is shown as reported speech
        try:
            data = FACT_SCHEMAS[candidate.kind]().load(raw)
        except ValidationError:
            continue  # a draft the schema refuses would only fail the teacher later
        session.add(
            Fact(
                source_id=source.id,
                slug=slug,
                kind=candidate.kind,
                statement=data["statement"],
                fields=fact_fields(data),
                evidence_start=candidate.evidence_start,
                evidence_end=candidate.evidence_end,
                evidence_text=candidate.evidence_text,
                position=first_position + stored,
                status="proposed",
                tags=data["tags"],
                difficulty=data["difficulty"],
            )
        )
        stored += 1
    session.flush()
    return stored


# Reviewing ------------------------------------------------------------------------------


def _invalid(messages: Any) -> InvalidContentError:
    return InvalidContentError("The fact is not valid; see errors.", errors={"json": messages})


def _checked(fact: Fact, fields: dict[str, Any], values: dict[str, Any]) -> dict[str, Any]:
    """The fact as its kind's schema loads it (the files' facts pass the same one)."""
    raw = {
        **{k: v for k, v in fields.items() if v is not None},
        "id": fact.slug,
        "kind": fact.kind,
        "statement": values.get("statement", fact.statement),
        "evidence": fact.evidence_text,
        "tags": list(dict.fromkeys(values.get("tags", fact.tags))),  # each once
        "difficulty": values.get("difficulty", fact.difficulty),
    }
    for name in ("claim", "distractors"):
        if name in values:
            raw[name] = values[name]
    if raw.get("claim") is None:
        raw.pop("claim", None)
    try:
        return FACT_SCHEMAS[fact.kind]().load(raw)
    except ValidationError as error:
        raise _invalid(error.messages) from None


def _anchor(fact: Fact, source: Source, start: int, end: int) -> None:
    if not 0 <= start < end <= len(source.text) or not source.text[start:end].strip():
        raise _invalid(
            {"evidence_end": [f"Select a passage within the text (0 to {len(source.text)})."]}
        )
    fact.evidence_start, fact.evidence_end = start, end
    fact.evidence_text = source.text[start:end]


def update_fact(
    session: Session, teacher: User, source_id: int, fact_id: int, changes: dict[str, Any]
) -> Fact:
    """Accept, edit, re-anchor or reject one fact of the teacher's latest source version.

    A stale fact given a new passage is back to review (proposed): its answer may not be what
    the new passage says, so it is asked again only once the teacher accepts it (in the same
    request, with `status`, or later). A fact is accepted only with its evidence verbatim at
    its offsets in this version."""
    source = _latest_own(session, teacher, source_id)
    fact = session.scalar(select(Fact).where(Fact.id == fact_id, Fact.source_id == source.id))
    if fact is None:
        raise NotFoundError(f"Source {source_id} has no fact {fact_id}.")
    if changes.get("status") == "stale":
        raise _invalid({"status": ["A fact becomes stale only when its evidence is gone."]})
    reanchored = "evidence_start" in changes or "evidence_end" in changes
    if reanchored:
        if not ("evidence_start" in changes and "evidence_end" in changes):
            raise _invalid({"evidence_end": ["Give the passage's start and end together."]})
        _anchor(fact, source, changes["evidence_start"], changes["evidence_end"])
    status = changes.get("status") or (
        "proposed" if fact.status == "stale" and reanchored else fact.status
    )
    held = source.text[fact.evidence_start : fact.evidence_end] == fact.evidence_text
    if fact.status == "stale" and not reanchored and status != "rejected":
        raise _invalid(
            {"status": ["Its evidence is not in this version: select its passage again, or "
                        "reject it."]}
        )  # fmt: skip
    if status == "accepted" and not held:
        raise _invalid({"status": ["Its evidence is not in this version: select it again."]})
    data = _checked(fact, _edited_fields(fact, changes), changes)
    fact.statement, fact.fields = data["statement"], fact_fields(data)
    fact.tags, fact.difficulty = data["tags"], data["difficulty"]
    if status == "accepted":
        _answer_in_evidence(fact)
    fact.status = status
    session.flush()
    return fact


def _answer_in_evidence(fact: Fact) -> None:
    """A date's year and a number's figure must be in the passage that proves them (a fact
    moved to a new passage keeps its old answer until the teacher changes it)."""
    year, value = fact.fields.get("year"), fact.fields.get("value")
    if fact.kind == "date" and year is not None and str(year) not in fact.evidence_text:
        raise _invalid({"answer": [f"The year {year} is not in its passage: correct it."]})
    if fact.kind == "number" and value is not None and not blank_number(fact.evidence_text, value):
        raise _invalid({"answer": [f"The figure {value} is not in its passage: correct it."]})


def _edited_fields(fact: Fact, changes: dict[str, Any]) -> dict[str, Any]:
    given = changes.get("fields") or {}
    columns = sorted(set(given) & FACT_COMMON_FIELDS)
    if columns:
        raise _invalid({"fields": [f"Not fields of the kind: {', '.join(columns)}."]})
    fields = {**fact.fields, **given}
    if changes.get("answer") is None:
        return fields
    try:
        return with_answer(fact.kind, fields, changes["answer"])
    except ValueError as error:
        raise _invalid({"answer": [str(error)]}) from None


def add_fact(session: Session, teacher: User, source_id: int, data: dict[str, Any]) -> Fact:
    """A fact of the teacher's own, on a passage they selected: accepted at once."""
    source = _latest_own(session, teacher, source_id)
    position = session.scalar(select(func.max(Fact.position)).where(Fact.source_id == source.id))
    count = session.scalar(select(func.count()).where(Fact.source_id == source.id)) or 0
    fact = Fact(
        source_id=source.id,
        slug=f"own-{count + 1}-{secrets.token_hex(2)}",
        kind=data["kind"],
        statement=data["statement"],
        fields={},
        evidence_start=0,
        evidence_end=1,
        evidence_text="",
        position=(position if position is not None else -1) + 1,
        status="accepted",
        tags=data.get("tags") or [DEFAULT_TAGS[data["kind"]]],
        difficulty=data.get("difficulty", "medium"),
    )
    _anchor(fact, source, data["evidence_start"], data["evidence_end"])
    fields = _edited_fields(fact, data)
    checked = _checked(fact, fields, data)
    fact.fields, fact.tags = fact_fields(checked), checked["tags"]
    _answer_in_evidence(fact)
    session.add(fact)
    session.flush()
    return fact


# The bank -------------------------------------------------------------------------------


def _source_doc(source: Source) -> SourceDoc:
    return SourceDoc(
        slug=source.slug,
        title=source.title,
        publisher=source.publisher,
        author=source.author,
        dateline=source.dateline,
        published_on=source.published_on,
        updated_local=source.updated_local,
        url=source.url,
        text=source.text,
    )


def fact_doc(source: Source, fact: Fact) -> FactDoc:
    """A stored fact as the generator reads the files' ones."""
    return FactDoc(
        source=source.slug,
        slug=fact.slug,
        kind=fact.kind,
        statement=fact.statement,
        fields=fact.fields,
        evidence_start=fact.evidence_start,
        evidence_end=fact.evidence_end,
        evidence_text=fact.evidence_text,
        evidence_sentences=tuple(
            sentences_of_span(split_sentences(source.text), fact.evidence_start, fact.evidence_end)
        ),
        position=fact.position,
        tags=tuple(fact.tags),
        difficulty=fact.difficulty,
        path=f"source {source.slug}",
        line=None,
    )


def _accepted(session: Session, source: Source) -> list[Fact]:
    return list(
        session.scalars(
            select(Fact)
            .where(Fact.source_id == source.id, Fact.status == "accepted")
            .order_by(Fact.position, Fact.id)
        )
    )


def _build(session: Session, source: Source) -> tuple[SourceBank, list[Fact]]:
    facts = _accepted(session, source)
    built = build_source_bank(
        source.lineage or source.slug,
        source.title,
        _source_doc(source),
        [fact_doc(source, f) for f in facts],
    )
    return built, facts


def preview_bank(session: Session, teacher: User, source_id: int) -> BankPreview:
    """The questions publishing would make now, and what it would leave out and why."""
    source = _latest_own(session, teacher, source_id)
    built, _facts = _build(session, source)
    return BankPreview(source, built.bank, built.left_out)


def publish_bank(session: Session, teacher: User, source_id: int) -> PublishedBank:
    source = _latest_own(session, teacher, source_id)
    return _publish(session, teacher, source, require_questions=True)


def _publish(
    session: Session, teacher: User, source: Source, require_questions: bool
) -> PublishedBank:
    built, facts = _build(session, source)
    doc = built.bank
    if require_questions and not doc.questions:
        raise InvalidContentError(
            "No question can be made from the accepted facts yet: accept more facts (see "
            "left_out in the preview for why others were not asked)."
        )
    bank = session.scalar(select(Bank).where(Bank.slug == doc.slug))
    if bank is not None and bank.owner_id != teacher.id:
        raise ConflictError(f"A bank named {doc.slug!r} exists already; it is not this source's.")
    if bank is None:
        bank = Bank(slug=doc.slug, owner_id=teacher.id, title=doc.title, published=True)
        session.add(bank)
    bank.title, bank.description, bank.published = doc.title, doc.description, True
    session.flush()
    report = load_bank(session, doc, {(source.slug, f.slug): f for f in facts})
    return PublishedBank(bank, report, built.left_out)


def published_bank(session: Session, source: Source) -> Bank | None:
    return session.scalar(select(Bank).where(Bank.slug == (source.lineage or source.slug)))


# Revisions ------------------------------------------------------------------------------


def create_revision(
    session: Session, teacher: User, source_id: int, article: IngestedText
) -> SourceChanges:
    """The new version of the teacher's source: facts moved to it where their evidence still
    is, stale where it is not; new candidates proposed for what the new text adds. A
    published bank follows at once, so stale facts' questions leave draws and practice."""
    old = _latest_own(session, teacher, source_id)
    if article.text == old.text:
        raise ConflictError("The text is the same as this version's: nothing to revise.")
    new = Source(
        slug=f"{old.lineage}--r{old.revision + 1}",
        lineage=old.lineage,
        revision=old.revision + 1,
        previous_id=old.id,
        owner_id=teacher.id,
        title=old.title,
        publisher=old.publisher,
        author=old.author,
        published_on=old.published_on,
        url=old.url,
        text=article.text,
        text_sha256=_sha256(article.text),
    )
    session.add(new)
    session.flush()
    facts = list(
        session.scalars(select(Fact).where(Fact.source_id == old.id).order_by(Fact.position))
    )
    # The facts move to the new version (their ids stay: practice cards and question
    # versions point at them); the old version keeps only its text, for the attempts.
    for fact in facts:
        start = reanchor(fact.evidence_text, fact.evidence_start, old.text, new.text)
        fact.source_id = new.id
        if start is not None:
            fact.evidence_start, fact.evidence_end = start, start + len(fact.evidence_text)
        elif fact.status != "rejected":
            fact.status = "stale"
    session.flush()
    _propose_new_passages(session, new, facts)
    if published_bank(session, new) is not None:
        _publish(session, teacher, new, require_questions=False)
    return source_changes(session, teacher, new.id)


def _propose_new_passages(session: Session, source: Source, facts: list[Fact]) -> None:
    """Candidates of the new text whose evidence overlaps no fact it already has."""
    spans = [(f.evidence_start, f.evidence_end) for f in facts if f.status != "stale"]
    fresh = [
        c
        for c in extract_candidates(source.text)
        if not any(c.evidence_start < end and start < c.evidence_end for start, end in spans)
    ]
    last = max((f.position for f in facts), default=-1)
    _propose(session, source, fresh, last + 1, {f.slug for f in facts})


def source_changes(session: Session, user: User, source_id: int) -> SourceChanges:
    """What a version changed from the one before: its sentences, and the stale facts."""
    source = get_source(session, user, source_id)
    previous = session.get(Source, source.previous_id) if source.previous_id else None
    facts = list(
        session.scalars(
            select(Fact).where(Fact.source_id == source.id).order_by(Fact.position, Fact.id)
        )
    )
    changed = changed_sentences(previous.text, source.text) if previous else set()
    spans = split_sentences(source.text)
    return SourceChanges(
        source=source,
        previous=previous,
        sentences=sentence_changes(previous.text, source.text) if previous else [],
        stale=[f for f in facts if f.status == "stale"],
        to_check=[
            f
            for f in facts
            if f.status in ("accepted", "proposed")
            and changed & set(sentences_of_span(spans, f.evidence_start, f.evidence_end))
        ],
    )


def export_source(session: Session, source_id: int) -> dict[str, str]:
    """A teacher's source (the latest version of it), its accepted facts and its bank as the
    content files of `questions/` (path -> text), for `flask questions export --source`."""
    source = session.get(Source, source_id)
    if source is None or source.owner_id is None:
        raise NotFoundError(f"No teacher's source has id {source_id}.")
    built, facts = _build(session, source)
    return source_files(
        _source_doc(source), [fact_doc(source, f) for f in facts], built.bank, built.excluded
    )
