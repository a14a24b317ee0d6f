"""Reads content back out: every loaded question with its key and evidence (JSON), and a
teacher's source with its facts and bank as the TOML files of `questions/`."""

from __future__ import annotations

import re
from typing import Any

import tomli_w
from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from app.content.documents import BankDoc, FactDoc, SourceDoc
from app.content.source_bank import GENERATOR
from app.models import Question, Source


def export_questions(session: Session) -> list[dict[str, Any]]:
    """Every active question at its latest version, with its key and evidence."""
    source_ids: dict[str, int] = {
        slug: id_ for slug, id_ in session.execute(select(Source.slug, Source.id))
    }
    questions = session.scalars(
        select(Question)
        .where(Question.is_active)
        .options(
            selectinload(Question.current),
            selectinload(Question.tags),
            selectinload(Question.bank),
        )
        .order_by(Question.bank_id, Question.id)
    )
    return [
        {
            "id": q.id,
            "bank": q.bank.slug,
            "slug": q.slug,
            "version": q.latest_version,
            "type": q.current.type,
            "prompt": q.current.prompt,
            "content": q.current.content,
            "answer_key": q.current.answer_key,
            "explanation": q.current.explanation,
            "tags": [t.name for t in q.tags],
            "difficulty": q.current.difficulty,
            "evidence": [
                {**span, "source_id": source_ids.get(span["source"])} for span in q.current.evidence
            ],
        }
        for q in questions
    ]


def source_files(
    source: SourceDoc, facts: list[FactDoc], bank: BankDoc, exclude: list[str]
) -> dict[str, str]:
    """A teacher's source as the content files kept in git (path under questions/ -> text):
    its metadata and text, its facts, and a bank that generates what the published one
    asks (`exclude`: the generated questions the lint left out)."""
    meta = {
        key: value
        for key, value in {
            "title": source.title,
            "publisher": source.publisher,
            "author": source.author,
            "published_on": source.published_on,
            "url": source.url,
        }.items()
        if value is not None
    }
    bank_file: dict[str, Any] = {
        "title": bank.title,
        "description": bank.description,
        "sources": [source.slug],
    }
    # The settings a teacher's source bank is generated with, so the files make the same bank.
    bank_file["generator"] = {**GENERATOR, **({"exclude": sorted(exclude)} if exclude else {})}
    return {
        f"sources/{source.slug}.toml": tomli_w.dumps(meta),
        f"sources/{source.slug}.txt": source.text,
        f"facts/{source.slug}.toml": tomli_w.dumps(
            {"fact": [_fact_table(source.text, f) for f in facts]}, multiline_strings=True
        ),
        f"banks/{bank.slug}.toml": tomli_w.dumps(bank_file),
    }


def _fact_table(text: str, fact: FactDoc) -> dict[str, Any]:
    table: dict[str, Any] = {
        "id": fact.slug,
        "kind": fact.kind,
        "statement": fact.statement,
        "evidence": fact.evidence_text,
    }
    # Which occurrence of the evidence, where the text has it more than once (counted as
    # `locate_evidence` counts them).
    starts = [m.start() for m in re.finditer(re.escape(fact.evidence_text), text)]
    if len(starts) > 1 and fact.evidence_start in starts:
        table["occurrence"] = starts.index(fact.evidence_start) + 1
    table["tags"] = list(fact.tags)
    table["difficulty"] = fact.difficulty
    table.update({k: v for k, v in fact.fields.items() if v not in (None, [])})
    return table
