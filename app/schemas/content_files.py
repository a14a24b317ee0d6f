"""Shapes of the TOML files under `questions/` (sources, facts, banks).

Shape only: whether evidence is found in its source, or a question's key fits its options, is
checked by `app.content.read`, which reports the file and line of each offender.
"""

from __future__ import annotations

from marshmallow import RAISE, Schema, ValidationError, fields, validate, validates_schema

from app.domain.choices import DIFFICULTIES, FACT_KINDS
from app.domain.question_types.base import SLUG, NonEmpty, Text, TextList
from app.domain.question_types.ordering import MIN_ORDERING_ITEMS
from app.schemas.fields import (
    StrictBoolean,
    StrictInteger,
    StrictNumber,
    TomlDate,
    TomlLocalDateTime,
)


class StrictSchema(Schema):
    class Meta:
        unknown = RAISE


class SourceMetaSchema(StrictSchema):
    title = Text(required=True)
    publisher = Text(required=True)
    author = Text(load_default=None)
    dateline = Text(load_default=None)
    published_on = TomlDate(load_default=None)
    updated_local = TomlLocalDateTime(load_default=None)
    url = fields.Url(load_default=None)


class FactBaseSchema(StrictSchema):
    id = fields.String(required=True, validate=SLUG)
    kind = fields.String(required=True, validate=validate.OneOf(FACT_KINDS))
    statement = Text(required=True)
    evidence = Text(required=True)
    occurrence = StrictInteger(load_default=None, validate=validate.Range(min=1))
    tags = fields.List(fields.String(validate=SLUG), required=True, validate=NonEmpty)
    difficulty = fields.String(load_default="medium", validate=validate.OneOf(DIFFICULTIES))
    # Facts with a timeline key can be put in order with one another (ordering questions).
    timeline = Text(load_default=None)
    timeline_label = Text(load_default=None)
    # Find the evidence: `claim` is what the learner proves (a paraphrase or a question that
    # never copies six words in a row of the passage); without one, or with
    # find_evidence = false (the fact is stated in more than one place), no such question.
    claim = Text(load_default=None)
    find_evidence = StrictBoolean(load_default=True)
    # About the page rather than the story (byline, update time, photo credit): asked only
    # when the bank's generator settings say metadata = true.
    metadata = StrictBoolean(load_default=False)
    # Wrong answers worth offering beside those the generator finds (other facts' answers).
    distractors = TextList(load_default=list)


class DateFactSchema(FactBaseSchema):
    event = Text(required=True)
    year = StrictInteger(load_default=None)


class ClauseFactSchema(FactBaseSchema):
    document = Text(required=True)
    cloze = Text(load_default=None)
    false_statements = TextList(load_default=list)


class QuoteFactSchema(FactBaseSchema):
    # The id of the speaker's entity fact, or (drafted from a teacher's article) their name.
    speaker = fields.String(load_default=None, validate=SLUG)
    speaker_name = Text(load_default=None)
    words = Text(required=True)
    direct = StrictBoolean(required=True)

    @validates_schema
    def names_its_speaker(self, data: dict, **kwargs: object) -> None:
        if not data.get("speaker") and not data.get("speaker_name"):
            raise ValidationError("Give speaker (an entity fact's id) or speaker_name.")


class EntityFactSchema(FactBaseSchema):
    name = Text(required=True)
    role = Text(required=True)
    entity_type = fields.String(
        required=True, validate=validate.OneOf(["person", "organisation", "country"])
    )


class DefinitionFactSchema(FactBaseSchema):
    term = Text(required=True)
    expansion = Text(required=True)
    variants = TextList(load_default=list)


class EventFactSchema(FactBaseSchema):
    question = Text(load_default=None)
    answer = Text(load_default=None)
    answer_kind = Text(load_default=None)
    false_statements = TextList(load_default=list)

    @validates_schema
    def question_and_answer_together(self, data: dict, **kwargs: object) -> None:
        given = [k for k in ("question", "answer", "answer_kind") if data.get(k) is not None]
        if given and len(given) != 3:
            raise ValidationError("question, answer and answer_kind go together.")


class NumberFactSchema(FactBaseSchema):
    """A quantity the text gives: "$3.2 billion in loans", "two months after"."""

    value = StrictNumber(required=True)
    unit = Text(load_default=None)
    counts = Text(required=True)  # what the number counts or measures


class ListFactSchema(FactBaseSchema):
    """Places or parties the text names together: "Chile, Peru and Bolivia"."""

    items = TextList(required=True, validate=validate.Length(min=2))
    of = Text(required=True)  # what the items are


FACT_SCHEMAS: dict[str, type[FactBaseSchema]] = {
    "date": DateFactSchema,
    "clause": ClauseFactSchema,
    "quote": QuoteFactSchema,
    "entity": EntityFactSchema,
    "definition": DefinitionFactSchema,
    "event": EventFactSchema,
    "number": NumberFactSchema,
    "list": ListFactSchema,
}
# Kept in a fact's `fields` for the generator: the rest are columns of their own.
FACT_COMMON_FIELDS = frozenset(FactBaseSchema().fields) - {
    "timeline",
    "timeline_label",
    "claim",
    "find_evidence",
    "metadata",
    "distractors",
}


class GeneratorSchema(StrictSchema):
    timelines = StrictInteger(load_default=4, validate=validate.Range(min=0))
    timeline_size = StrictInteger(load_default=4, validate=validate.Range(min=MIN_ORDERING_ITEMS))
    matchings = StrictInteger(load_default=3, validate=validate.Range(min=0))
    matching_size = StrictInteger(load_default=4, validate=validate.Range(min=2))
    # One "select all that are true" per document: two over the same clauses would be twins.
    multiple_choice_per_document = StrictInteger(load_default=1, validate=validate.Range(min=0))
    choices = StrictInteger(load_default=4, validate=validate.Range(min=2))
    exclude = fields.List(fields.String(), load_default=list)
    # Ask about the page too (facts marked metadata: byline, update time, photo credit).
    metadata = StrictBoolean(load_default=False)
    # Where too few names make a fair choice ("who said it" with two speakers), ask for the
    # name as a short answer instead. A teacher's source has few people; the article's bank
    # is written with enough of them.
    short_answers = StrictBoolean(load_default=False)


class BankFileSchema(StrictSchema):
    title = Text(required=True)
    description = fields.String(load_default="")
    sources = fields.List(fields.String(validate=SLUG), required=True, validate=NonEmpty)
    generator = fields.Nested(GeneratorSchema, load_default=lambda: GeneratorSchema().load({}))
    question = fields.List(fields.Dict(), load_default=list)
