from __future__ import annotations

import marshmallow as ma


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
