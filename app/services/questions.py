"""The teachers' question bank: browsing, and questions of their own with versions."""

from __future__ import annotations

import secrets
from collections.abc import Iterable
from dataclasses import dataclass, replace
from itertools import combinations
from typing import Any

from marshmallow import ValidationError
from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session, contains_eager, selectinload, with_expression

from app.content.documents import QuestionDraft
from app.content.drafts import build_draft, load_authoring
from app.content.evidence import locate_evidence
from app.content.load import new_version
from app.domain.giveaways import Asked, conflicts, gives_away
from app.domain.question_types import QuestionProblem
from app.domain.sentences import sentences_of_span, split_sentences
from app.errors import ForbiddenError, InvalidContentError, NotFoundError
from app.models import (
    Bank,
    Fact,
    Question,
    QuestionVersion,
    Source,
    Tag,
    User,
    question_version_facts,
)
from app.services.ownership import bank_visible_to, is_owned, source_visible_to

# A source's bank is rebuilt from its facts on every publish: a change made to one of its
# questions would be undone.
SOURCE_BANK_EDITS = (
    "This bank is made from a source's facts: edit the facts and publish again, or write the "
    "question in your own bank."
)


@dataclass(frozen=True)
class QuestionFilters:
    bank: int | None = None
    tag: str | None = None
    type: str | None = None
    difficulty: str | None = None
    q: str | None = None


def visible_banks(teacher: User) -> Select[Any]:
    count = (
        select(func.count())
        .where(Question.bank_id == Bank.id, Question.is_active)
        .correlate(Bank)
        .scalar_subquery()
    )
    return (
        select(Bank)
        .where(bank_visible_to(teacher))
        .options(with_expression(Bank.question_count, count))
        .order_by(Bank.id)
    )


def facts_of_source(session: Session, source_id: int) -> Select[Any]:
    if session.get(Source, source_id) is None:
        raise NotFoundError(f"Source {source_id} does not exist.")
    return select(Fact).where(Fact.source_id == source_id).order_by(Fact.position)


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def question_query(teacher: User, filters: QuestionFilters) -> Select[Any]:
    """Active questions a teacher may see, at their latest version, in a constant number of
    queries however many rows a page holds."""
    stmt = (
        select(Question)
        .join(Question.bank)
        .join(Question.current)
        .where(Question.is_active, bank_visible_to(teacher))
        .options(contains_eager(Question.current), selectinload(Question.tags))
        .order_by(Question.id)
    )
    if filters.bank is not None:
        stmt = stmt.where(Question.bank_id == filters.bank)
    if filters.type:
        stmt = stmt.where(QuestionVersion.type == filters.type)
    if filters.difficulty:
        stmt = stmt.where(QuestionVersion.difficulty == filters.difficulty)
    if filters.tag:
        stmt = stmt.where(Question.tags.any(Tag.name == filters.tag))
    if filters.q:
        pattern = f"%{_escape_like(filters.q.lower())}%"
        stmt = stmt.where(func.lower(QuestionVersion.prompt).like(pattern, escape="\\"))
    return stmt


def get_question(session: Session, teacher: User, question_id: int) -> Question:
    """A question the teacher may see, with its versions; 404 otherwise."""
    question = session.scalar(
        select(Question)
        .join(Question.bank)
        .where(Question.id == question_id, bank_visible_to(teacher))
        .options(
            selectinload(Question.current),
            selectinload(Question.tags),
            selectinload(Question.versions),
        )
    )
    if question is None:
        raise NotFoundError(f"Question {question_id} does not exist.")
    return question


def _personal_bank(session: Session, teacher: User) -> Bank:
    slug = f"teacher-{teacher.id}"
    bank = session.scalar(select(Bank).where(Bank.slug == slug))
    if bank is None:
        bank = Bank(slug=slug, title=f"{teacher.display_name}'s questions", owner_id=teacher.id)
        session.add(bank)
        session.flush()
    return bank


def _evidence_spans(
    session: Session, teacher: User, fact_ids: list[int], evidence: dict[str, Any] | None
) -> tuple[list[dict[str, Any]], list[Fact]]:
    facts = (
        list(
            session.scalars(
                select(Fact)
                .join(Fact.source)
                .where(Fact.id.in_(fact_ids), source_visible_to(teacher))
                .options(selectinload(Fact.source))
            )
        )
        if fact_ids
        else []
    )
    missing = sorted(set(fact_ids) - {f.id for f in facts})
    if missing:
        raise _invalid({"facts": [f"No fact has id {', '.join(map(str, missing))}."]})
    by_id = {f.id: f for f in facts}
    ordered = [by_id[i] for i in dict.fromkeys(fact_ids)]
    spans = [
        {
            "source": f.source.slug,
            "fact": f.slug,
            "start": f.evidence_start,
            "end": f.evidence_end,
            "text": f.evidence_text,
            "sentences": sentences_of_span(
                split_sentences(f.source.text), f.evidence_start, f.evidence_end
            ),
        }
        for f in ordered
    ]
    if evidence:
        source = session.scalar(
            select(Source).where(Source.id == evidence["source_id"], source_visible_to(teacher))
        )
        if source is None:
            raise _invalid({"evidence": {"source_id": ["No source has this id."]}})
        span = locate_evidence(source.text, evidence["text"], evidence.get("occurrence"))
        if isinstance(span, str):
            raise _invalid({"evidence": {"text": [span]}})
        spans.append(
            {
                "source": source.slug,
                "fact": None,
                "start": span[0],
                "end": span[1],
                "text": evidence["text"],
                "sentences": sentences_of_span(split_sentences(source.text), *span),
            }
        )
    return spans, ordered


def _invalid(messages: dict[str, Any]) -> InvalidContentError:
    return InvalidContentError("The question is not valid; see errors.", errors={"json": messages})


def draft_question(
    session: Session, teacher: User, slug: str, fields: dict[str, Any]
) -> tuple[QuestionDraft, list[Fact]]:
    """A teacher's question as it would be stored, with the facts proving it: its fields
    checked exactly like a bank file's, its evidence resolved from `facts` (ids) and
    `evidence` (text found verbatim in a source). InvalidContentError (422) otherwise."""
    fields = dict(fields)
    fact_ids = fields.pop("facts", None) or []
    evidence = fields.pop("evidence", None)
    fields.pop("bank", None)
    spans, facts = _evidence_spans(session, teacher, fact_ids, evidence)
    try:
        data = load_authoring({**fields, "id": slug, "facts": []})
        draft = build_draft(
            data, spans, tuple((f.source.slug, f.slug) for f in facts), generated=False
        )
    except ValidationError as error:
        raise _invalid(error.messages) from None  # type: ignore[arg-type]
    except QuestionProblem as problem:
        raise _invalid({"_schema": [str(problem)]}) from None
    # Kept as the teacher wrote it (fact ids, evidence text) so a later edit starts from it.
    authoring = {**draft.authoring, "facts": fact_ids, "evidence": evidence}
    return replace(draft, authoring=authoring), facts


def _tags(session: Session, names: tuple[str, ...]) -> list[Tag]:
    tags = {t.name: t for t in session.scalars(select(Tag).where(Tag.name.in_(names)))}
    for name in names:
        if name not in tags:
            tags[name] = Tag(name=name)
            session.add(tags[name])
    return [tags[n] for n in sorted(names)]


def create_question(session: Session, teacher: User, fields: dict[str, Any]) -> Question:
    """A teacher's own question, validated exactly like a bank file's."""
    if fields.get("bank") is not None:
        if not is_owned(session, Bank, fields["bank"], teacher):
            raise _invalid({"bank": ["Not one of your banks."]})
        bank = session.get_one(Bank, fields["bank"])
        if bank.published:
            raise _invalid({"bank": [SOURCE_BANK_EDITS]})
    else:
        bank = _personal_bank(session, teacher)
    slug = new_question_slug()
    draft, facts = draft_question(session, teacher, slug, fields)
    question = store_question(session, bank, slug, draft, facts)
    return get_question(session, teacher, question.id)


def new_question_slug() -> str:
    return f"q-{secrets.token_hex(5)}"


def store_question(
    session: Session, bank: Bank, slug: str, draft: QuestionDraft, facts: list[Fact]
) -> Question:
    """A new question of `bank` at its first version (flushed, not reloaded)."""
    question = Question(bank_id=bank.id, slug=slug, latest_version=1)
    question.tags = _tags(session, draft.tags)
    question.versions = [new_version(draft, 1, facts)]
    session.add(question)
    session.flush()
    return question


def edit_question(
    session: Session, teacher: User, question_id: int, changes: dict[str, Any]
) -> Question:
    """A new version of the teacher's own question; earlier versions stay as they were."""
    question = get_question(session, teacher, question_id)
    if not is_owned(session, Bank, question.bank_id, teacher):
        raise ForbiddenError(
            "Questions of a shared bank are edited in its file under questions/ and reloaded."
        )
    if session.scalar(select(Bank.published).where(Bank.id == question.bank_id)):
        raise ForbiddenError(SOURCE_BANK_EDITS)
    current = question.current
    fields = {**current.authoring, **changes}
    if "type" in changes and changes["type"] != current.type:
        # A new type brings its own fields; the old type's ones would be refused.
        keep = {"prompt", "tags", "difficulty", "explanation", "facts", "evidence"}
        fields = {k: v for k, v in current.authoring.items() if k in keep} | changes
    draft, facts = draft_question(session, teacher, question.slug, fields)
    if draft.content_hash != current.content_hash:
        number = question.latest_version + 1
        version = new_version(draft, number, facts)
        version.question_id = question.id
        session.add(version)
        question.latest_version = number
    question.tags = _tags(session, draft.tags)
    session.flush()
    session.expire(question)
    return get_question(session, teacher, question_id)


NAME_KINDS = frozenset({"quote", "entity"})


def asked_questions(session: Session, question_ids: Iterable[int]) -> dict[int, Asked]:
    """Question id -> its current version as the giveaway checks see it (two queries)."""
    ids = set(question_ids)
    if not ids:
        return {}
    versions = session.execute(
        select(Question.id, QuestionVersion).join(Question.current).where(Question.id.in_(ids))
    ).all()
    kinds: dict[int, set[str]] = {}
    facts: dict[int, set[int]] = {}
    for version_id, fact_id, kind in session.execute(
        select(question_version_facts.c.question_version_id, Fact.id, Fact.kind)
        .join(Fact, Fact.id == question_version_facts.c.fact_id)
        .where(question_version_facts.c.question_version_id.in_([v.id for _, v in versions]))
    ):
        facts.setdefault(version_id, set()).add(fact_id)
        kinds.setdefault(version_id, set()).add(kind)
    statements = dict(
        session.execute(
            select(Fact.id, Fact.statement).where(
                Fact.id.in_({f for fs in facts.values() for f in fs})
            )
        ).all()
    )
    return {
        qid: Asked(
            slug=f"“{_shortened(version.prompt)}”",
            type=version.type,
            prompt=version.prompt,
            content=version.content,
            key=version.answer_key,
            facts=frozenset(statements[f] for f in facts.get(version.id, ())),
            evidence=tuple(span["text"] for span in version.evidence),
            answer_is_a_name=version.type == "single_choice"
            and bool(kinds.get(version.id))
            and kinds[version.id] <= NAME_KINDS,
            sentences=frozenset(i for span in version.evidence for i in span.get("sentences", [])),
        )
        for qid, version in versions
    }


def conflicting_pairs(views: dict[int, Asked]) -> list[tuple[int, int, str]]:
    """(question, question, why) for every pair that must not share an attempt; where one
    gives the other away, it comes first."""
    found = []
    for (a_id, a), (b_id, b) in combinations(sorted(views.items()), 2):
        reason = conflicts(a, b)
        if reason is None:
            continue
        backwards = gives_away(b, a) is not None and gives_away(a, b) is None
        found.append((b_id, a_id, reason) if backwards else (a_id, b_id, reason))
    return found


def _shortened(text: str, length: int = 70) -> str:
    return text if len(text) <= length else text[: length - 1].rstrip() + "…"
