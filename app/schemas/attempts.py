"""Attempts as a learner sees them. No field here holds a key unless it sits in `result`,
which the service fills only when the quiz's feedback policy allows."""

from __future__ import annotations

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
