"""GIFT and QTI files in and out: what an import takes and answers, what an export reports.
Imported questions are shown with their keys: teachers only."""

from __future__ import annotations

import marshmallow as ma

from app.schemas.fields import Id, Text
from app.schemas.questions import TeacherQuestionSchema


class ImportQuerySchema(ma.Schema):
    bank = Id(
        strict=False,
        metadata={
            "description": "One of your banks (not a source's) to add the questions to; "
            "default: a new bank of your own"
        },
    )
    title = Text(max_length=300, metadata={"description": "The new bank's title"})


class ImportedBankSchema(ma.Schema):
    id = ma.fields.Integer()
    slug = ma.fields.String()
    title = ma.fields.String()


class ImportProblemSchema(ma.Schema):
    line = ma.fields.Integer(
        allow_none=True, metadata={"description": "GIFT: the question's first line"}
    )
    file = ma.fields.String(
        allow_none=True,
        metadata={"description": "QTI: the file in the package; empty for the whole package"},
    )
    title = ma.fields.String(allow_none=True, metadata={"description": "The question's title"})
    message = ma.fields.String()


class ImportResultSchema(ma.Schema):
    bank = ma.fields.Nested(ImportedBankSchema)
    questions = ma.fields.List(ma.fields.Nested(TeacherQuestionSchema))
    needs_evidence = ma.fields.List(
        ma.fields.Integer(),
        metadata={
            "description": "Imported questions with no evidence yet: anchor each with PATCH "
            "/api/questions/<id> (`facts` or `evidence`)"
        },
    )
    problems = ma.fields.List(
        ma.fields.Nested(ImportProblemSchema),
        metadata={"description": "What was not imported, or imported with another reading"},
    )


class ExportProblemSchema(ma.Schema):
    question_id = ma.fields.Integer(
        allow_none=True, metadata={"description": "null for a quiz's draw rule"}
    )
    slug = ma.fields.String(allow_none=True)
    message = ma.fields.String()


class ExportSummarySchema(ma.Schema):
    format = ma.fields.String(metadata={"description": "gift or qti"})
    filename = ma.fields.String()
    media_type = ma.fields.String()
    written = ma.fields.Integer(metadata={"description": "Questions the file holds"})
    problems = ma.fields.List(
        ma.fields.Nested(ExportProblemSchema),
        metadata={"description": "Questions left out, or written without something"},
    )
