"""Shapes of the TOML files under `questions/` (sources, facts, banks).

Shape only: whether evidence is found in its source, or a question's key fits its options, is
checked by `app.content.read`, which reports the file and line of each offender.
"""

from __future__ import annotations

from marshmallow import RAISE, Schema, ValidationError, fields, validate, validates_schema

from app.models.content import DIFFICULTIES, FACT_KINDS, QUESTION_TYPES
from app.schemas.fields import (
    StrictBoolean,
    StrictInteger,
    StrictNumber,
    TomlDate,
    TomlLocalDateTime,
)
from app.schemas.fields import Text as CleanText

SLUG = validate.Regexp(r"^[a-z0-9]+(?:--?[a-z0-9]+)*$", error="Must be a slug: a-z, 0-9 and '-'.")
NonEmpty = validate.Length(min=1)


# Content is kept exactly as written (no stripping), but never blank, never with a control
# character, and bounded, whether it comes from a file or a teacher's request.
MAX_CONTENT_TEXT = 10_000
# Fewer items would make the shown order give the answer away (two items: one swap).
MIN_ORDERING_ITEMS = 3


def Text(**kwargs: object) -> fields.String:
    return CleanText(max_length=MAX_CONTENT_TEXT, multiline=True, strip=False, **kwargs)  # type: ignore[arg-type]


def TextList(**kwargs: object) -> fields.List:
    return fields.List(Text(), **kwargs)  # type: ignore[arg-type]


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


class DateFactSchema(FactBaseSchema):
    event = Text(required=True)
    year = StrictInteger(load_default=None)


class ClauseFactSchema(FactBaseSchema):
    document = Text(required=True)
    cloze = Text(load_default=None)
    false_statements = TextList(load_default=list)


class QuoteFactSchema(FactBaseSchema):
    speaker = fields.String(required=True, validate=SLUG)
    words = Text(required=True)
    direct = StrictBoolean(required=True)


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
    distractors = TextList(load_default=list)
    false_statements = TextList(load_default=list)

    @validates_schema
    def question_and_answer_together(self, data: dict, **kwargs: object) -> None:
        given = [k for k in ("question", "answer", "answer_kind") if data.get(k) is not None]
        if given and len(given) != 3:
            raise ValidationError("question, answer and answer_kind go together.")


FACT_SCHEMAS: dict[str, type[FactBaseSchema]] = {
    "date": DateFactSchema,
    "clause": ClauseFactSchema,
    "quote": QuoteFactSchema,
    "entity": EntityFactSchema,
    "definition": DefinitionFactSchema,
    "event": EventFactSchema,
}
FACT_COMMON_FIELDS = frozenset(FactBaseSchema().fields) - {"timeline", "timeline_label"}


class QuestionBaseSchema(StrictSchema):
    """A question as written in a bank file (and as the generator writes it)."""

    id = fields.String(required=True, validate=SLUG)
    type = fields.String(required=True, validate=validate.OneOf(QUESTION_TYPES))
    prompt = Text(required=True)
    facts = fields.List(fields.String(validate=SLUG), load_default=list)
    tags = fields.List(fields.String(validate=SLUG), required=True, validate=NonEmpty)
    difficulty = fields.String(required=True, validate=validate.OneOf(DIFFICULTIES))
    explanation = Text(required=True)


class SingleChoiceSchema(QuestionBaseSchema):
    options = TextList(required=True)
    answer = fields.String(required=True)


class MultipleChoiceSchema(QuestionBaseSchema):
    options = TextList(required=True)
    answers = fields.List(fields.String(), required=True)


class TrueFalseSchema(QuestionBaseSchema):
    answer = StrictBoolean(required=True)


class NumericSchema(QuestionBaseSchema):
    answer = StrictNumber(required=True)
    tolerance = StrictNumber(load_default=0)
    unit = Text(load_default=None)


class ShortTextSchema(QuestionBaseSchema):
    accepted = TextList(required=True, validate=NonEmpty)


class MatchingSchema(QuestionBaseSchema):
    pairs = fields.List(fields.Tuple((Text(), Text())), required=True)
    distractors = TextList(load_default=list)


class OrderingSchema(QuestionBaseSchema):
    items = TextList(required=True, validate=validate.Length(min=MIN_ORDERING_ITEMS))


class ClozeSchema(QuestionBaseSchema):
    text = Text(required=True)


class FindEvidenceSchema(QuestionBaseSchema):
    pass


QUESTION_SCHEMAS: dict[str, type[QuestionBaseSchema]] = {
    "single_choice": SingleChoiceSchema,
    "multiple_choice": MultipleChoiceSchema,
    "true_false": TrueFalseSchema,
    "numeric": NumericSchema,
    "short_text": ShortTextSchema,
    "matching": MatchingSchema,
    "ordering": OrderingSchema,
    "cloze": ClozeSchema,
    "find_evidence": FindEvidenceSchema,
}


class GeneratorSchema(StrictSchema):
    timelines = StrictInteger(load_default=4, validate=validate.Range(min=0))
    timeline_size = StrictInteger(load_default=4, validate=validate.Range(min=MIN_ORDERING_ITEMS))
    matchings = StrictInteger(load_default=3, validate=validate.Range(min=0))
    matching_size = StrictInteger(load_default=4, validate=validate.Range(min=2))
    multiple_choice_per_document = StrictInteger(load_default=2, validate=validate.Range(min=0))
    choices = StrictInteger(load_default=4, validate=validate.Range(min=2))
    exclude = fields.List(fields.String(), load_default=list)


class BankFileSchema(StrictSchema):
    title = Text(required=True)
    description = fields.String(load_default="")
    sources = fields.List(fields.String(validate=SLUG), required=True, validate=NonEmpty)
    generator = fields.Nested(GeneratorSchema, load_default=lambda: GeneratorSchema().load({}))
    question = fields.List(fields.Dict(), load_default=list)
