"""Teachers' views of the bank. Every schema here carries answer keys: teachers only.

A learner's view of a question is a different class (with the attempts), so a key cannot
reach a learner through a forgotten `exclude`.
"""

from __future__ import annotations

import marshmallow as ma
from marshmallow import INCLUDE, validate

from app.domain.choices import DIFFICULTIES
from app.domain.question_types import QUESTION_TYPES
from app.schemas.fields import BoundedInteger, Id, Text


class BankSchema(ma.Schema):
    id = ma.fields.Integer()
    slug = ma.fields.String()
    title = ma.fields.String()
    description = ma.fields.String()
    owner_id = ma.fields.Integer(
        allow_none=True, metadata={"description": "null for banks loaded from questions/"}
    )
    published = ma.fields.Boolean(
        metadata={"description": "A teacher's bank their learners may practise (from a source)"}
    )
    question_count = ma.fields.Integer(metadata={"description": "Active questions"})


class QuestionQuerySchema(ma.Schema):
    bank = Id(strict=False, metadata={"description": "Bank id"})
    tag = Text(max_length=60)
    type = ma.fields.String(validate=validate.OneOf(QUESTION_TYPES))
    difficulty = ma.fields.String(validate=validate.OneOf(DIFFICULTIES))
    q = Text(max_length=200, metadata={"description": "Text in the prompt"})


class EvidenceSpanSchema(ma.Schema):
    source = ma.fields.String(metadata={"description": "Source slug"})
    fact = ma.fields.String(allow_none=True)
    start = ma.fields.Integer()
    end = ma.fields.Integer()
    text = ma.fields.String()
    sentences = ma.fields.List(
        ma.fields.Integer(),
        metadata={"description": "Indices of the source's sentences the evidence lies in"},
    )


class VersionSummarySchema(ma.Schema):
    number = ma.fields.Integer()
    type = ma.fields.String()
    prompt = ma.fields.String()
    created_at = ma.fields.AwareDateTime()


class TeacherQuestionSchema(ma.Schema):
    id = ma.fields.Integer()
    bank_id = ma.fields.Integer()
    slug = ma.fields.String()
    version = ma.fields.Integer(attribute="latest_version")
    type = ma.fields.String(attribute="current.type")
    prompt = ma.fields.String(attribute="current.prompt")
    content = ma.fields.Dict(attribute="current.content")
    answer_key = ma.fields.Dict(attribute="current.answer_key")
    explanation = ma.fields.String(attribute="current.explanation")
    difficulty = ma.fields.String(attribute="current.difficulty")
    evidence = ma.fields.List(ma.fields.Nested(EvidenceSpanSchema), attribute="current.evidence")
    has_evidence = ma.fields.Function(lambda q: bool(q.current.evidence))
    tags = ma.fields.Function(lambda q: [t.name for t in q.tags])
    is_active = ma.fields.Boolean()


class TeacherQuestionDetailSchema(TeacherQuestionSchema):
    versions = ma.fields.List(ma.fields.Nested(VersionSummarySchema))


class EvidenceInputSchema(ma.Schema):
    source_id = Id(required=True)
    # Verbatim from the source: kept as given, spaces included.
    text = Text(required=True, max_length=5000, multiline=True, strip=False)
    occurrence = BoundedInteger(load_default=None, minimum=1, maximum=10_000)


class QuestionInputSchema(ma.Schema):
    """A teacher's question, in the same fields as a bank file's [[question]].

    The fields of its type (`options` and `answer` for single_choice, ...) are checked by
    the same schema as the bank files. Evidence comes from `facts` (ids), or from
    `evidence` (text found verbatim in a source), or the question has none.
    """

    class Meta:
        unknown = INCLUDE

    type = ma.fields.String(required=True, validate=validate.OneOf(QUESTION_TYPES))
    bank = Id(metadata={"description": "One of your banks; default: your own"})
    facts = ma.fields.List(Id(), load_default=list, validate=validate.Length(max=50))
    evidence = ma.fields.Nested(EvidenceInputSchema, load_default=None)


class QuestionPatchSchema(ma.Schema):
    """Any field of `QuestionInputSchema`; what is sent replaces, the rest is kept."""

    class Meta:
        unknown = INCLUDE

    type = ma.fields.String(validate=validate.OneOf(QUESTION_TYPES))
    facts = ma.fields.List(Id(), validate=validate.Length(max=50))
    evidence = ma.fields.Nested(EvidenceInputSchema, allow_none=True)
