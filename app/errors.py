"""One error format for the whole API: RFC 9457 problem details.

Services raise `DomainError` subclasses; webargs/flask-smorest validation failures and every
other HTTP error are turned into the same shape by `ProblemApi.handle_http_exception`.
"""

from __future__ import annotations

import contextlib
import logging
from http import HTTPStatus
from typing import Any

import marshmallow as ma
from flask import Flask, Response, current_app, json
from flask_smorest import Api
from flask_smorest.spec import prepare_response
from sqlalchemy.exc import DBAPIError, IntegrityError, InterfaceError, OperationalError
from werkzeug.exceptions import HTTPException

PROBLEM_MIMETYPE = "application/problem+json"
DATABASE_RETRY_AFTER_S = 5
log = logging.getLogger(__name__)


class ProblemSchema(ma.Schema):
    """RFC 9457 problem details (documentation only; responses are built by `problem`)."""

    type = ma.fields.String(metadata={"description": "URI reference naming the kind of problem"})
    title = ma.fields.String(metadata={"description": "Short summary of the kind of problem"})
    status = ma.fields.Integer(metadata={"description": "HTTP status code"})
    detail = ma.fields.String(metadata={"description": "What went wrong this time"})
    errors = ma.fields.Dict(
        metadata={"description": "Validation messages keyed by location (json, query, ...)"}
    )


class DomainError(Exception):
    """A rule of the domain refused the operation; maps to a 4xx problem."""

    status: int = 400
    slug: str = "bad-request"

    def __init__(self, detail: str, *, errors: dict[str, Any] | None = None) -> None:
        super().__init__(detail)
        self.detail = detail
        self.errors = errors


class NotFoundError(DomainError):
    status = 404
    slug = "not-found"


class ForbiddenError(DomainError):
    status = 403
    slug = "forbidden"


class ConflictError(DomainError):
    status = 409
    slug = "conflict"


class InvalidContentError(DomainError):
    status = 422
    slug = "invalid-content"


def problem(
    status: int,
    detail: str | None = None,
    *,
    slug: str | None = None,
    errors: dict[str, Any] | None = None,
    headers: dict[str, str] | None = None,
) -> Response:
    """Build an `application/problem+json` response."""
    body: dict[str, Any] = {
        "type": f"/problems/{slug}" if slug else "about:blank",
        "title": HTTPStatus(status).phrase,
        "status": status,
    }
    if detail:
        body["detail"] = detail
    if errors:
        body["errors"] = errors
    response = Response(json.dumps(body), status=status, mimetype=PROBLEM_MIMETYPE)
    response.headers.update(headers or {})
    return response


def _rollback() -> None:
    # An error never leaves half-written rows behind, whatever the view had flushed.
    from app.extensions import db

    db.session.rollback()


class ProblemApi(Api):
    """flask-smorest's Api, answering every HTTP error with problem details, and documenting
    them as `application/problem+json`."""

    ERROR_SCHEMA = ProblemSchema

    def handle_http_exception(self, error: HTTPException) -> Response:  # type: ignore[override]
        _rollback()
        status = error.code or 500
        data = getattr(error, "data", None) or {}
        errors = data.get("errors") or data.get("messages")
        if status >= 500:
            original = getattr(error, "original_exception", None)
            if original is not None:
                log.exception("unhandled error", exc_info=original)
            detail = "The server failed to handle this request."
        elif errors:
            detail = "The request did not validate; see errors for each field."
        else:
            detail = data.get("message") or error.description
        slug = "validation-error" if errors else None
        # The exception's own headers (Allow on a 405, ...), but not its HTML content type.
        headers = {k: v for k, v in error.get_headers() if k.lower() != "content-type"}
        headers.update(data.get("headers") or {})
        return problem(status, detail, slug=slug, errors=errors, headers=headers)

    def _register_responses(self) -> None:
        # flask-smorest's own, but with the content type errors are sent with.
        for status in HTTPStatus:
            response: dict[str, Any] = {"description": status.phrase}
            if not (100 <= status < 200) and status not in (204, 304):
                response["schema"] = self.ERROR_SCHEMA
            prepare_response(response, self.spec, PROBLEM_MIMETYPE)
            self.spec.components.response(status.name, response, lazy=True)
        response = {"description": "Default error response", "schema": self.ERROR_SCHEMA}
        prepare_response(response, self.spec, PROBLEM_MIMETYPE)
        self.spec.components.response("DEFAULT_ERROR", response, lazy=True)

    def _register_pagination_header(self) -> None:
        # Sent as JSON text in a header, so documented as a string (a header has no object).
        self.spec.components.header(
            "PAGINATION",
            {
                "description": "Pagination metadata as a JSON object in text: total, "
                "total_pages, first_page, last_page, page, previous_page, next_page",
                "schema": {"type": "string"},
            },
            lazy=True,
        )


def register_error_handlers(app: Flask) -> None:
    @app.errorhandler(DomainError)
    def handle_domain_error(error: DomainError) -> Response:
        _rollback()
        return problem(error.status, error.detail, slug=error.slug, errors=error.errors)

    @app.errorhandler(IntegrityError)
    def handle_integrity_error(error: IntegrityError) -> Response:
        _rollback()
        detail = "The change conflicts with existing data."
        if current_app.debug:
            detail += f" ({error.orig})"
        return problem(409, detail, slug="conflict")

    @app.errorhandler(OperationalError)
    @app.errorhandler(InterfaceError)
    def handle_database_unavailable(error: DBAPIError) -> Response:
        # The database is down, restarting or overloaded: say so, and when to try again.
        log.warning("database unavailable: %s", error.orig)
        with contextlib.suppress(DBAPIError):
            _rollback()
        return problem(
            503,
            "The database is unavailable; try again shortly.",
            slug="database-unavailable",
            headers={"Retry-After": str(DATABASE_RETRY_AFTER_S)},
        )
