"""Reads the loaded bank back out: every active question with its key and evidence."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

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
