"""Writes a validated `Catalog` into the database, and reads a bank back out.

Loading is an upsert keyed by slugs: loading the same files twice changes nothing; a question
whose content changed gets a new version and keeps the old ones (attempts point at them).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from app.content.documents import BankDoc, Catalog, FactDoc, QuestionDraft, SourceDoc
from app.models import Bank, Fact, Question, QuestionVersion, Source, Tag


@dataclass
class LoadReport:
    sources: int = 0
    facts: int = 0
    questions_created: int = 0
    versions_created: int = 0
    questions_unchanged: int = 0
    questions_retired: int = 0

    @property
    def changed(self) -> bool:
        return bool(self.questions_created or self.versions_created or self.questions_retired)


def _assign(obj: Any, values: dict[str, Any]) -> None:
    # Assign only what differs, so an unchanged row is not even marked dirty.
    for name, value in values.items():
        if getattr(obj, name) != value:
            setattr(obj, name, value)


def _upsert_source(session: Session, doc: SourceDoc, existing: Source | None) -> Source:
    source = existing or Source(slug=doc.slug)
    _assign(
        source,
        {
            "title": doc.title,
            "publisher": doc.publisher,
            "author": doc.author,
            "dateline": doc.dateline,
            "published_on": doc.published_on,
            "updated_local": doc.updated_local,
            "url": doc.url,
            "text": doc.text,
            "text_sha256": doc.text_sha256,
        },
    )
    session.add(source)
    return source


def _upsert_fact(session: Session, source: Source, doc: FactDoc, existing: Fact | None) -> Fact:
    fact = existing or Fact(source=source, slug=doc.slug)
    _assign(
        fact,
        {
            "kind": doc.kind,
            "statement": doc.statement,
            "fields": doc.fields,
            "evidence_start": doc.evidence_start,
            "evidence_end": doc.evidence_end,
            "evidence_text": doc.evidence_text,
            "position": doc.position,
            "status": "accepted",
            "tags": list(doc.tags),
            "difficulty": doc.difficulty,
        },
    )
    session.add(fact)
    return fact


def new_version(draft: QuestionDraft, number: int, facts: list[Fact]) -> QuestionVersion:
    return QuestionVersion(
        number=number,
        type=draft.type,
        prompt=draft.prompt,
        content=draft.content,
        answer_key=draft.answer_key,
        explanation=draft.explanation,
        difficulty=draft.difficulty,
        evidence=list(draft.evidence),
        authoring=draft.authoring,
        content_hash=draft.content_hash,
        facts=facts,
    )


def _load_bank(
    session: Session,
    doc: BankDoc,
    facts: dict[tuple[str, str], Fact],
    tags: dict[str, Tag],
    report: LoadReport,
    progress: Callable[[int], None],
) -> None:
    bank = session.scalar(select(Bank).where(Bank.slug == doc.slug)) or Bank(slug=doc.slug)
    _assign(bank, {"title": doc.title, "description": doc.description})
    session.add(bank)
    session.flush()
    existing = {
        q.slug: q
        for q in session.scalars(
            select(Question)
            .where(Question.bank_id == bank.id)
            .options(selectinload(Question.current), selectinload(Question.tags))
        )
    }
    for draft in doc.questions:
        question = existing.pop(draft.slug, None)
        draft_facts = [facts[key] for key in draft.facts]
        if question is None:
            question = Question(bank=bank, slug=draft.slug, latest_version=1, tags=[])
            question.versions = [new_version(draft, 1, draft_facts)]
            report.questions_created += 1
        elif question.current.content_hash != draft.content_hash:
            number = question.latest_version + 1
            version = new_version(draft, number, draft_facts)
            version.question_id = question.id
            session.add(version)
            question.latest_version = number
            report.versions_created += 1
        else:
            report.questions_unchanged += 1
        _assign(question, {"is_active": True})
        wanted = [tags[name] for name in draft.tags]
        if [t.name for t in question.tags] != sorted(draft.tags):
            question.tags = wanted
        session.add(question)
        progress(1)
    for retired in existing.values():
        if retired.is_active:
            retired.is_active = False
            report.questions_retired += 1


def load_catalog(
    session: Session, catalog: Catalog, progress: Callable[[int], None] = lambda _: None
) -> LoadReport:
    """Upsert the catalog's sources, facts, banks and questions in one transaction."""
    if not catalog.ok:
        raise ValueError("refusing to load content with problems; run `flask questions validate`")
    report = LoadReport()
    sources = {s.slug: s for s in session.scalars(select(Source))}
    facts: dict[tuple[str, str], Fact] = {
        (source_slug, f.slug): f
        for source_slug, f in session.execute(select(Source.slug, Fact).join(Fact.source)).all()
    }
    for doc in catalog.sources.values():
        sources[doc.slug] = _upsert_source(session, doc, sources.get(doc.slug))
        report.sources += 1
    for source_slug, fact_docs in catalog.facts.items():
        for doc in fact_docs:
            key = (source_slug, doc.slug)
            facts[key] = _upsert_fact(session, sources[source_slug], doc, facts.get(key))
            report.facts += 1
    session.flush()

    tags = _tags(
        session, {name for bank in catalog.banks for q in bank.questions for name in q.tags}
    )
    for bank in catalog.banks:
        _load_bank(session, bank, facts, tags, report, progress)
    session.flush()
    return report


def load_bank(session: Session, doc: BankDoc, facts: dict[tuple[str, str], Fact]) -> LoadReport:
    """Upsert one bank's questions (a teacher's source bank): `facts` by (source, fact) slug.
    The bank row must exist (its owner is the caller's to set)."""
    report = LoadReport()
    tags = _tags(session, {name for q in doc.questions for name in q.tags})
    _load_bank(session, doc, facts, tags, report, lambda _: None)
    session.flush()
    return report


def _tags(session: Session, names: set[str]) -> dict[str, Tag]:
    tags = {t.name: t for t in session.scalars(select(Tag).where(Tag.name.in_(names)))}
    for name in sorted(names - set(tags)):
        tags[name] = Tag(name=name)
        session.add(tags[name])
    return tags
