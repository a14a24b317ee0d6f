"""Sources: the shared article (public) and teachers' own (pasted or uploaded), with the
review of their drafted facts, their bank, and their revisions. Facts are answer keys:
teachers only."""

from __future__ import annotations

from typing import Any

from flask import url_for
from sqlalchemy import Select
from werkzeug.datastructures import FileStorage

from app.api.http import Blueprint, takes_article
from app.content.ingest import IngestedText, UnreadableSource, checked_text, text_of_upload
from app.errors import DomainError
from app.extensions import db
from app.models import Fact, Source
from app.pagination import SelectPage
from app.permissions import requires, signed_in, signed_in_or_none
from app.schemas.source import (
    BankPreviewSchema,
    FactCreateSchema,
    FactPatchSchema,
    FactQuerySchema,
    FactSchema,
    PublishedBankSchema,
    RevisionPasteSchema,
    SourceChangesSchema,
    SourceFileSchema,
    SourceMetaInputSchema,
    SourcePasteSchema,
    SourceQuerySchema,
    SourceSchema,
    SourceSummarySchema,
)
from app.services import sources

blp = Blueprint("sources", __name__, url_prefix="/api/sources", description="Source documents")


class UnreadableSourceError(DomainError):
    slug = "unreadable-source"

    def __init__(self, error: UnreadableSource, location: str, field: str) -> None:
        super().__init__(str(error), errors={location: {field: [str(error)]}})
        self.status = error.status


def _pasted(text: str) -> IngestedText:
    try:
        return IngestedText(checked_text(text))
    except UnreadableSource as error:
        raise UnreadableSourceError(error, "json", "text") from None


def _uploaded(upload: FileStorage) -> IngestedText:
    try:
        return text_of_upload(upload.filename or "", upload.read())
    except UnreadableSource as error:
        raise UnreadableSourceError(error, "files", "file") from None


def _created(source: Source) -> tuple[Source, int, dict[str, str]]:
    return source, 201, {"Location": url_for("sources.get_source", source_id=source.id)}


@blp.route("", methods=["GET"])
@blp.arguments(SourceQuerySchema, location="query")
@blp.response(200, SourceSummarySchema(many=True))
@blp.paginate(SelectPage)
def list_sources(query: dict[str, Any]) -> Select[Any]:
    """Sources you may read, the latest version of each: the shared ones, a teacher's own,
    and a learner's teachers' (metadata only)."""
    return sources.sources_query(signed_in_or_none(), query["mine"])


@blp.route("", methods=["POST"])
@requires("teacher")
@blp.arguments(SourcePasteSchema)
@blp.response(201, SourceSchema)
@takes_article
def paste_source(data: dict[str, Any]) -> tuple[Source, int, dict[str, str]]:
    """Add a source by pasting its text; its facts are drafted at once, as proposed.

    Up to `SOURCE_MAX_BYTES` (2 MiB) of body; the text between 200 and 200,000 characters."""
    article = _pasted(data.pop("text"))
    return _created(sources.create_source(db.session, signed_in(), data, article))


@blp.route("/upload", methods=["POST"])
@requires("teacher")
@blp.arguments(SourceMetaInputSchema, location="form")
@blp.arguments(SourceFileSchema, location="files")
@blp.response(201, SourceSchema)
@takes_article
def upload_source(
    meta: dict[str, Any], files: dict[str, FileStorage]
) -> tuple[Source, int, dict[str, str]]:
    """Add a source from a .txt file or a saved web page (.html): of a page, only the article
    is kept (no menus, share buttons, related links or comments), and the fields left empty
    take the page's own title, site name, author and date."""
    article = _uploaded(files["file"])
    return _created(sources.create_source(db.session, signed_in(), meta, article))


@blp.route("/<id:source_id>", methods=["GET"])
@blp.response(200, SourceSchema)
def get_source(source_id: int) -> Source:
    """One source with its full text (any version: attempts quote the one they asked)."""
    return sources.get_source(db.session, signed_in_or_none(), source_id)


@blp.route("/<id:source_id>/facts", methods=["GET"])
@requires("teacher")
@blp.arguments(FactQuerySchema, location="query")
@blp.response(200, FactSchema(many=True))
@blp.paginate(SelectPage)
def list_facts(query: dict[str, Any], source_id: int) -> Select[Any]:
    """The source's facts with their evidence (answer keys), in the source's order; a
    teacher's own source lists its drafted ones too (`status=proposed`)."""
    return sources.facts_query(
        db.session, signed_in(), source_id, query.get("status"), query.get("kind")
    )


@blp.route("/<id:source_id>/facts", methods=["POST"])
@requires("teacher")
@blp.arguments(FactCreateSchema)
@blp.response(201, FactSchema)
def add_fact(data: dict[str, Any], source_id: int) -> tuple[Fact, int]:
    """A fact of your own on a passage you selected (its offsets in the text): accepted."""
    return sources.add_fact(db.session, signed_in(), source_id, data), 201


@blp.route("/<id:source_id>/facts/<id:fact_id>", methods=["PATCH"])
@requires("teacher")
@blp.arguments(FactPatchSchema)
@blp.response(200, FactSchema)
def review_fact(changes: dict[str, Any], source_id: int, fact_id: int) -> Fact:
    """Accept, edit (statement, answer, fields, tags, distractors, passage) or reject a fact.
    A stale fact given a new passage is back to review (proposed), unless `status` says."""
    return sources.update_fact(db.session, signed_in(), source_id, fact_id, changes)


@blp.route("/<id:source_id>/bank", methods=["GET"])
@requires("teacher")
@blp.response(200, BankPreviewSchema)
def preview_bank(source_id: int) -> sources.BankPreview:
    """The questions publishing would make from the accepted facts, and what the generator
    or the quality lint leaves out, and why."""
    return sources.preview_bank(db.session, signed_in(), source_id)


@blp.route("/<id:source_id>/bank", methods=["PUT"])
@requires("teacher")
@blp.response(200, PublishedBankSchema)
def publish_bank(source_id: int) -> sources.PublishedBank:
    """Publish (or bring up to date) the source's bank: your quizzes may draw from it and
    your learners practise it. Questions keep their ids; changed ones get a new version."""
    return sources.publish_bank(db.session, signed_in(), source_id)


@blp.route("/<id:source_id>/revisions", methods=["POST"])
@requires("teacher")
@blp.arguments(RevisionPasteSchema)
@blp.response(201, SourceChangesSchema)
@takes_article
def revise_source(data: dict[str, Any], source_id: int) -> tuple[sources.SourceChanges, int]:
    """A new version of your source (pasted): facts whose evidence is gone become stale and
    their questions leave the published bank; see what changed."""
    return sources.create_revision(db.session, signed_in(), source_id, _pasted(data["text"])), 201


@blp.route("/<id:source_id>/revisions/upload", methods=["POST"])
@requires("teacher")
@blp.arguments(SourceFileSchema, location="files")
@blp.response(201, SourceChangesSchema)
@takes_article
def revise_source_upload(
    files: dict[str, FileStorage], source_id: int
) -> tuple[sources.SourceChanges, int]:
    """A new version of your source, from a .txt file or a saved web page."""
    article = _uploaded(files["file"])
    return sources.create_revision(db.session, signed_in(), source_id, article), 201


@blp.route("/<id:source_id>/changes", methods=["GET"])
@requires("teacher")
@blp.response(200, SourceChangesSchema)
def source_changes(source_id: int) -> sources.SourceChanges:
    """What this version changed from the one before: sentences, and stale facts."""
    return sources.source_changes(db.session, signed_in(), source_id)
