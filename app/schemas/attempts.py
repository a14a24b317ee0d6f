"""Attempts as a learner sees them. No field here holds a key unless it sits in `result`,
which the service fills only when the quiz's feedback policy allows."""

from __future__ import annotations

from typing import Any

import marshmallow as ma


class EvidenceSchema(ma.Schema):
    source_id = ma.fields.Integer(allow_none=True)
    start = ma.fields.Integer()
    end = ma.fields.Integer()
    text = ma.fields.String()
    sentences = ma.fields.List(
        ma.fields.Integer(),
        metadata={"description": "Indices of the source's sentences the evidence lies in"},
    )


class ItemResultSchema(ma.Schema):
    score = ma.fields.Float()
    points = ma.fields.Float()
    correct = ma.fields.Boolean()
    detail = ma.fields.List(ma.fields.Dict())
    correct_answer = ma.fields.Dict(
        allow_none=True, metadata={"description": "Null until the quiz reveals answers"}
    )
    explanation = ma.fields.String(allow_none=True)
    evidence = ma.fields.List(ma.fields.Nested(EvidenceSchema), allow_none=True)


class AttemptItemSchema(ma.Schema):
    id = ma.fields.Integer()
    position = ma.fields.Integer()
    type = ma.fields.String()
    prompt = ma.fields.String()
    content = ma.fields.Dict(metadata={"description": "What to show: options, items, blanks"})
    points = ma.fields.Float()
    response = ma.fields.Dict(allow_none=True)
    saved_at = ma.fields.AwareDateTime(allow_none=True)
    locked = ma.fields.Boolean(
        metadata={"description": "True once the answer can no longer change (checked or submitted)"}
    )
    result = ma.fields.Nested(
        ItemResultSchema,
        allow_none=True,
        metadata={"description": "Null until the feedback policy shows it"},
    )


class AttemptSchema(ma.Schema):
    id = ma.fields.Integer()
    quiz_id = ma.fields.Integer()
    quiz_title = ma.fields.String()
    learner_id = ma.fields.Integer()
    learner_name = ma.fields.String(metadata={"description": "The learner's display name"})
    number = ma.fields.Integer()
    state = ma.fields.String(metadata={"description": "in_progress or submitted"})
    started_at = ma.fields.AwareDateTime()
    deadline = ma.fields.AwareDateTime(allow_none=True)
    submitted_at = ma.fields.AwareDateTime(allow_none=True)
    max_score = ma.fields.Float()
    score = ma.fields.Float(allow_none=True, metadata={"description": "Null until shown"})
    feedback = ma.fields.String()
    reveal_answers = ma.fields.String()
    answers_revealed = ma.fields.Boolean(
        metadata={"description": "Whether shown results include correct answers and evidence"}
    )
    items = ma.fields.List(ma.fields.Nested(AttemptItemSchema))

    def dump(self, obj: Any, *, many: bool | None = None) -> Any:
        """One attempt is dumped by hand: reading, resuming and submitting an attempt are hot
        paths, and marshmallow's field-by-field dump was a tenth of their time. The document
        is the one the fields above describe (tests compare the two on every shape)."""
        if (self.many if many is None else many) or self.only or self.exclude:
            return super().dump(obj, many=many)
        return attempt_document(obj)


def _iso(moment: Any) -> str | None:
    return None if moment is None else moment.isoformat()


def _float(value: Any) -> float | None:
    return None if value is None else float(value)


_EVIDENCE_KEYS = tuple(EvidenceSchema._declared_fields)


def _result_document(result: Any) -> dict[str, Any] | None:
    if result is None:
        return None
    evidence = result.evidence
    return {
        "score": _float(result.score),
        "points": _float(result.points),
        "correct": result.correct,
        "detail": [dict(part) for part in result.detail],
        "correct_answer": result.correct_answer,
        "explanation": result.explanation,
        "evidence": None
        if evidence is None
        else [{key: span[key] for key in _EVIDENCE_KEYS if key in span} for span in evidence],
    }


def attempt_document(view: Any) -> dict[str, Any]:
    """`AttemptSchema`'s document of an `AttemptView`, built directly."""
    return {
        "id": view.id,
        "quiz_id": view.quiz_id,
        "quiz_title": view.quiz_title,
        "learner_id": view.learner_id,
        "learner_name": view.learner_name,
        "number": view.number,
        "state": view.state,
        "started_at": _iso(view.started_at),
        "deadline": _iso(view.deadline),
        "submitted_at": _iso(view.submitted_at),
        "max_score": _float(view.max_score),
        "score": _float(view.score),
        "feedback": view.feedback,
        "reveal_answers": view.reveal_answers,
        "answers_revealed": view.answers_revealed,
        "items": [
            {
                "id": item.id,
                "position": item.position,
                "type": item.type,
                "prompt": item.prompt,
                "content": item.content,
                "points": _float(item.points),
                "response": item.response,
                "saved_at": _iso(item.saved_at),
                "locked": item.locked,
                "result": _result_document(item.result),
            }
            for item in view.items
        ],
    }


class ResponseInputSchema(ma.Schema):
    # Its keys and values depend on the item's type; `grading.response_problem` checks them.
    response = ma.fields.Dict(
        required=True,
        metadata={"description": 'Shaped by the item\'s type, e.g. {"choice": "o1a2b3c4"}'},
    )


class SavedResponseSchema(ma.Schema):
    item_id = ma.fields.Integer()
    saved_at = ma.fields.AwareDateTime()
    result = ma.fields.Nested(ItemResultSchema, allow_none=True)
