"""One path from a question as written (bank file or API) to a storable `QuestionDraft`."""

from __future__ import annotations

from typing import Any

from marshmallow import ValidationError

from app.content.documents import QuestionDraft
from app.domain.question_types import QUESTION_TYPES, REGISTRY, compile_question_body


def load_authoring(raw: dict[str, Any]) -> dict[str, Any]:
    """Check a question's fields against the schema of its type; raise ValidationError."""
    kind = REGISTRY.get(raw.get("type"))  # type: ignore[arg-type]
    if kind is None:
        raise ValidationError({"type": [f"Must be one of: {', '.join(QUESTION_TYPES)}."]})
    return kind.authoring_schema().load(raw)


def build_draft(
    data: dict[str, Any],
    evidence: list[dict[str, Any]],
    facts: tuple[tuple[str, str], ...],
    *,
    generated: bool,
) -> QuestionDraft:
    """Compile loaded fields and resolved evidence; raise QuestionProblem if they misfit."""
    body = compile_question_body({**data, "evidence": evidence})
    return QuestionDraft(
        slug=data["id"],
        type=data["type"],
        prompt=data["prompt"],
        content=body.content,
        answer_key=body.answer_key,
        explanation=data["explanation"],
        difficulty=data["difficulty"],
        tags=tuple(sorted(set(data["tags"]))),
        facts=facts,
        evidence=tuple(evidence),
        generated=generated,
        authoring={k: v for k, v in data.items() if k != "id"},
    )
