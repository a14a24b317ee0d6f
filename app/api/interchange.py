"""Moving questions between tools: a bank's or a quiz's questions as a GIFT file (Moodle) or a
QTI 3.0 content package, and a GIFT file or QTI package imported into a bank of your own.
Files hold answer keys: teachers only.

Evidence: an imported question this app already knows (one of its own exports coming back,
unchanged) keeps its facts and evidence; any other lands without evidence (`has_evidence`
false, listed in `needs_evidence`), in a bank of yours that learners do not practise, and
is anchored like any question of yours, with `PATCH /api/questions/<id>` (`facts`, or
`evidence` text found verbatim in a source). See `app.services.interchange`.
"""

from __future__ import annotations

from typing import Any

from flask import Response, request, url_for

from app.api.http import Blueprint, takes_article
from app.errors import InvalidContentError
from app.extensions import db
from app.permissions import requires, signed_in
from app.schemas.interchange import ExportSummarySchema, ImportQuerySchema, ImportResultSchema
from app.services import interchange
from app.services.interchange import ExportFile, ImportResult

blp = Blueprint(
    "interchange",
    __name__,
    description=(
        "Questions in and out as GIFT (Moodle) and QTI 3.0 files (teachers only). Every "
        "question of this app carries the words of a source that prove its answer, which "
        "neither format carries: an imported question the app knows (one of its own exports, "
        "unchanged) keeps its facts and evidence; any other lands without evidence in a bank "
        "of yours that learners do not practise, is listed in `needs_evidence`, and is "
        "anchored with PATCH /api/questions/<id> (`facts`, or `evidence` text found "
        "verbatim in a source)."
    ),
)

_GIFT_BODY = {"type": "string", "description": "A GIFT file, UTF-8"}
_QTI_BODY = {"type": "string", "contentMediaType": "application/zip"}


def _upload_body(raw_type: str, raw: dict[str, Any]) -> dict[str, Any]:
    """The request body of an import, for the OpenAPI document: a multipart upload (field
    `file`) or the file as the whole body."""
    return {
        "required": True,
        "content": {
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "properties": {"file": {"type": "string", "format": "binary"}},
                    "required": ["file"],
                }
            },
            raw_type: {"schema": raw},
        },
    }


def _download(exported: ExportFile) -> Response:
    return Response(
        exported.data,
        content_type=exported.media_type,
        headers={
            "Content-Disposition": f'attachment; filename="{exported.filename}"',
            "X-Export-Problems": str(len(exported.problems)),
        },
    )


def _uploaded() -> tuple[bytes, str | None]:
    """The file of an import and its name: a multipart field `file`, or the whole body."""
    if request.mimetype == "multipart/form-data":
        upload = request.files.get("file")
        if upload is None:
            raise InvalidContentError(
                "Send the file as the multipart field `file`, or as the whole request body.",
                errors={"files": {"file": ["Missing data for required field."]}},
            )
        return upload.read(), upload.filename or None
    return request.get_data(), None


def _imported(result: ImportResult) -> tuple[ImportResult, int, dict[str, str]]:
    location = url_for("questions.QuestionList", bank=result.bank.id)
    return result, 201, {"Location": location}


_EXPORT_HEADERS = {
    "Content-Disposition": {"schema": {"type": "string"}},
    "X-Export-Problems": {
        "description": "How many questions were left out or written without something; "
        "GET .../exports lists them",
        "schema": {"type": "string"},
    },
}


# --- exports ------------------------------------------------------------------------------


@blp.route("/api/banks/<id:bank_id>/gift", methods=["GET"])
@requires("teacher")
@blp.response(200, _GIFT_BODY, content_type="text/plain", headers=_EXPORT_HEADERS)
def export_bank_gift(bank_id: int) -> Response:
    """A bank's active questions as a GIFT file (Moodle's text format), to download.

    Types GIFT has no form for (find the evidence, ordering, a cloze of several blanks) are
    left out, and listed as `//` comments at the top of the file."""
    return _download(interchange.export_bank(db.session, signed_in(), bank_id, "gift"))


@blp.route("/api/banks/<id:bank_id>/qti", methods=["GET"])
@requires("teacher")
@blp.response(200, _QTI_BODY, content_type="application/zip", headers=_EXPORT_HEADERS)
def export_bank_qti(bank_id: int) -> Response:
    """A bank's active questions as a QTI 3.0 content package (zip: `imsmanifest.xml`, one
    `qti-assessment-item` per question, an assessment test). Find-the-evidence questions are
    left out (see `.../exports`)."""
    return _download(interchange.export_bank(db.session, signed_in(), bank_id, "qti"))


@blp.route("/api/banks/<id:bank_id>/exports", methods=["GET"])
@requires("teacher")
@blp.response(200, ExportSummarySchema(many=True))
def bank_exports(bank_id: int) -> list[ExportFile]:
    """What the GIFT file and the QTI package of the bank would hold, and what each leaves
    out or changes, question by question."""
    return interchange.bank_exports(db.session, signed_in(), bank_id)


@blp.route("/api/quizzes/<id:quiz_id>/gift", methods=["GET"])
@requires("teacher")
@blp.response(200, _GIFT_BODY, content_type="text/plain", headers=_EXPORT_HEADERS)
def export_quiz_gift(quiz_id: int) -> Response:
    """Your quiz's fixed questions, in its order, as a GIFT file (draw rules are reported)."""
    return _download(interchange.export_quiz(db.session, signed_in(), quiz_id, "gift"))


@blp.route("/api/quizzes/<id:quiz_id>/qti", methods=["GET"])
@requires("teacher")
@blp.response(200, _QTI_BODY, content_type="application/zip", headers=_EXPORT_HEADERS)
def export_quiz_qti(quiz_id: int) -> Response:
    """Your quiz's fixed questions, in its order, as a QTI 3.0 content package."""
    return _download(interchange.export_quiz(db.session, signed_in(), quiz_id, "qti"))


@blp.route("/api/quizzes/<id:quiz_id>/exports", methods=["GET"])
@requires("teacher")
@blp.response(200, ExportSummarySchema(many=True))
def quiz_exports(quiz_id: int) -> list[ExportFile]:
    """What the GIFT file and the QTI package of your quiz would hold and leave out."""
    return interchange.quiz_exports(db.session, signed_in(), quiz_id)


# --- imports ------------------------------------------------------------------------------


@blp.route("/api/banks/import/gift", methods=["POST"])
@requires("teacher")
@blp.arguments(ImportQuerySchema, location="query")
@blp.response(201, ImportResultSchema)
@blp.doc(requestBody=_upload_body("text/plain", _GIFT_BODY))
@takes_article
def import_gift(query: dict[str, Any]) -> tuple[ImportResult, int, dict[str, str]]:
    """Import a GIFT file (multipart field `file`, or the file as the body; up to
    `SOURCE_MAX_BYTES`) into a new bank of yours, or `bank` (one of yours).

    Multiple choice, true/false, short answer, numeric, matching and missing word are read;
    what the app cannot take (essays, partial credit it has no rule for, feedback on
    particular answers) is in `problems` with its line. Imported questions carry no
    evidence unless the app knows them (an export of its own, unchanged): anchor each of
    `needs_evidence` with PATCH /api/questions/<id> (`facts` or `evidence`). 422 when no
    question could be imported (nothing is written)."""
    teacher = signed_in()
    bank = interchange.import_target(db.session, teacher, query.get("bank"))
    data, filename = _uploaded()
    return _imported(
        interchange.import_gift(
            db.session, teacher, bank, data, title=query.get("title"), filename=filename
        )
    )


@blp.route("/api/banks/import/qti", methods=["POST"])
@requires("teacher")
@blp.arguments(ImportQuerySchema, location="query")
@blp.response(201, ImportResultSchema)
@blp.doc(requestBody=_upload_body("application/zip", _QTI_BODY))
@takes_article
def import_qti(query: dict[str, Any]) -> tuple[ImportResult, int, dict[str, str]]:
    """Import a QTI 3.0 content package (zip; multipart field `file`, or the body) into a
    new bank of yours, or `bank` (one of yours): the choice, text-entry, order, match and
    inline-choice items it lists; problems name their file. A package naming a file outside
    itself, holding a DOCTYPE, or unpacking past the limits is refused whole (422).
    Evidence as for a GIFT import: see `needs_evidence`."""
    teacher = signed_in()
    bank = interchange.import_target(db.session, teacher, query.get("bank"))
    data, filename = _uploaded()
    return _imported(
        interchange.import_qti(
            db.session, teacher, bank, data, title=query.get("title"), filename=filename
        )
    )
