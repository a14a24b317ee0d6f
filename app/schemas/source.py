"""Sources and their facts: the shared article and teachers' own (pasted or uploaded),
with the review of drafted facts, the bank preview and revisions."""

from __future__ import annotations

import marshmallow as ma
from flask_smorest.fields import Upload
from marshmallow import validate

from app.content.ingest import MAX_SOURCE_CHARS
from app.domain.choices import DIFFICULTIES, FACT_KINDS, FACT_STATUSES
from app.domain.question_types.base import SLUG
from app.schemas.fields import BoundedInteger, Text
from app.schemas.questions import BankSchema


class SourceSummarySchema(ma.Schema):
    id = ma.fields.Integer(dump_only=True)
    slug = ma.fields.String()
    title = ma.fields.String()
    publisher = ma.fields.String()
    author = ma.fields.String(allow_none=True)
    dateline = ma.fields.String(allow_none=True)
    published_on = ma.fields.Date(allow_none=True)
    updated_local = ma.fields.String(
        allow_none=True,
        metadata={"description": "Update time as printed by the source; no time zone given"},
    )
    url = ma.fields.String(allow_none=True)
    owner_id = ma.fields.Integer(
        allow_none=True, metadata={"description": "The teacher who added it; null if shared"}
    )
    revision = ma.fields.Integer(metadata={"description": "1 for the first version"})
    previous_id = ma.fields.Integer(
        allow_none=True, metadata={"description": "The version this one revises"}
    )
    newer_id = ma.fields.Integer(
        allow_none=True,
        metadata={"description": "The version that revises this one (this one is read-only)"},
    )


class SentenceSchema(ma.Schema):
    start = ma.fields.Integer()
    end = ma.fields.Integer()


class SourceSchema(SourceSummarySchema):
    text = ma.fields.String(metadata={"description": "Full text; evidence offsets index it"})
    text_sha256 = ma.fields.String()
    sentences = ma.fields.List(
        ma.fields.Nested(SentenceSchema),
        metadata={
            "description": "The text's sentences (code-point offsets, end exclusive), in order: "
            "a find-the-evidence answer selects them by index"
        },
    )


class SourceQuerySchema(ma.Schema):
    mine = ma.fields.Boolean(
        load_default=False, metadata={"description": "Only the sources you added (teachers)"}
    )


class SourceMetaInputSchema(ma.Schema):
    """What the source is. From an uploaded page, what is left out is taken from the page
    (its title, site name, author and date) where it says."""

    title = Text(max_length=300)
    publisher = Text(max_length=200)
    author = Text(max_length=200, load_default=None)
    published_on = ma.fields.Date(load_default=None)
    url = ma.fields.Url(load_default=None, validate=validate.Length(max=500))


class SourcePasteSchema(SourceMetaInputSchema):
    title = Text(max_length=300, required=True)
    publisher = Text(max_length=200, required=True)
    text = Text(
        max_length=MAX_SOURCE_CHARS,
        multiline=True,
        required=True,
        metadata={
            "description": "The article's text, pasted: paragraphs separated by a blank line"
        },
    )


class SourceFileSchema(ma.Schema):
    file = Upload(
        required=True,
        metadata={"description": "A .txt file (UTF-8) or a saved web page (.html)"},
    )


class RevisionPasteSchema(ma.Schema):
    text = Text(max_length=MAX_SOURCE_CHARS, multiline=True, required=True)


class FactQuerySchema(ma.Schema):
    status = ma.fields.String(validate=validate.OneOf(FACT_STATUSES))
    kind = ma.fields.String(validate=validate.OneOf(FACT_KINDS))


class FactSchema(ma.Schema):
    """A fact with its evidence: an answer key (teachers only)."""

    id = ma.fields.Integer()
    slug = ma.fields.String()
    kind = ma.fields.String()
    status = ma.fields.String(
        metadata={
            "description": "proposed (drafted, not reviewed), accepted (asked), rejected, or "
            "stale (its evidence is not in this version of the source)"
        }
    )
    statement = ma.fields.String()
    answer = ma.fields.String(
        allow_none=True, metadata={"description": "Its answer in a word or two (year, speaker)"}
    )
    fields = ma.fields.Dict(metadata={"description": "The fields of its kind"})
    tags = ma.fields.List(ma.fields.String())
    difficulty = ma.fields.String()
    evidence_start = ma.fields.Integer()
    evidence_end = ma.fields.Integer()
    evidence_text = ma.fields.String()


_TAGS = ma.fields.List(
    ma.fields.String(validate=[validate.Length(max=60), SLUG]), validate=validate.Length(1, 10)
)
_OFFSET = {"minimum": 0, "maximum": MAX_SOURCE_CHARS}


class FactEditSchema(ma.Schema):
    """What a teacher changes on a fact: what is sent replaces, the rest is kept. The
    result is checked by the schema of the fact's kind, as the content files are."""

    statement = Text(max_length=2000)
    answer = Text(
        max_length=500,
        metadata={"description": "The year, the speaker, the expansion, the number, the person"},
    )
    fields = ma.fields.Dict(
        keys=ma.fields.String(validate=validate.Length(max=40)),
        validate=validate.Length(max=20),
        metadata={"description": "Fields of the kind (event, words, role...), as in facts files"},
    )
    tags = _TAGS
    difficulty = ma.fields.String(validate=validate.OneOf(DIFFICULTIES))
    claim = Text(
        max_length=500,
        allow_none=True,
        metadata={"description": "What a learner proves by selecting the passage (optional)"},
    )
    distractors = ma.fields.List(Text(max_length=300), validate=validate.Length(max=10))
    evidence_start = BoundedInteger(**_OFFSET)
    evidence_end = BoundedInteger(**_OFFSET)


class FactPatchSchema(FactEditSchema):
    status = ma.fields.String(validate=validate.OneOf(["proposed", "accepted", "rejected"]))

    @ma.validates_schema
    def changes_something(self, data: dict, **kwargs: object) -> None:
        if not data:
            raise ma.ValidationError("Send at least one field to change.")


class FactCreateSchema(FactEditSchema):
    kind = ma.fields.String(required=True, validate=validate.OneOf(FACT_KINDS))
    statement = Text(max_length=2000, required=True)
    evidence_start = BoundedInteger(required=True, **_OFFSET)
    evidence_end = BoundedInteger(required=True, **_OFFSET)


class LeftOutSchema(ma.Schema):
    subject = ma.fields.String(metadata={"description": "A question id, or a fact id"})
    reason = ma.fields.String()


class DraftQuestionSchema(ma.Schema):
    id = ma.fields.String(attribute="slug")
    type = ma.fields.String()
    prompt = ma.fields.String()
    content = ma.fields.Dict()
    answer_key = ma.fields.Dict()
    explanation = ma.fields.String()
    difficulty = ma.fields.String()
    tags = ma.fields.List(ma.fields.String())
    facts = ma.fields.Function(lambda q: [slug for _source, slug in q.facts])


class BankPreviewSchema(ma.Schema):
    source_id = ma.fields.Integer(attribute="source.id")
    slug = ma.fields.String(attribute="bank.slug")
    title = ma.fields.String(attribute="bank.title")
    questions = ma.fields.List(ma.fields.Nested(DraftQuestionSchema), attribute="bank.questions")
    left_out = ma.fields.List(
        ma.fields.Nested(LeftOutSchema),
        metadata={"description": "What the generator or the quality lint would not ask, and why"},
    )


class PublishedBankSchema(ma.Schema):
    bank = ma.fields.Nested(BankSchema)
    created = ma.fields.Integer(attribute="report.questions_created")
    new_versions = ma.fields.Integer(attribute="report.versions_created")
    unchanged = ma.fields.Integer(attribute="report.questions_unchanged")
    retired = ma.fields.Integer(attribute="report.questions_retired")
    left_out = ma.fields.List(ma.fields.Nested(LeftOutSchema))


class SentenceChangeSchema(ma.Schema):
    change = ma.fields.String(metadata={"description": "changed, added or removed"})
    before = ma.fields.List(ma.fields.String())
    after = ma.fields.List(ma.fields.String())


class SourceChangesSchema(ma.Schema):
    source = ma.fields.Nested(SourceSummarySchema)
    previous = ma.fields.Nested(SourceSummarySchema, allow_none=True)
    sentences = ma.fields.List(ma.fields.Nested(SentenceChangeSchema))
    stale = ma.fields.List(
        ma.fields.Nested(FactSchema),
        metadata={"description": "Facts whose evidence this version no longer holds"},
    )
    to_check = ma.fields.List(
        ma.fields.Nested(FactSchema),
        metadata={"description": "Facts whose evidence stands in a sentence this version changed"},
    )
