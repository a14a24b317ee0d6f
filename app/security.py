"""Authentication glue (session cookies and bearer tokens through Flask-Login, CSRF) and the
HTTP hygiene every response gets (body size limit, security headers).

A request with `Authorization: Bearer ...` is authenticated by that token alone; any other
request by the session cookie, and then every state-changing request must send the
`X-CSRF-Token` header that login returned. A session cookie names the user and their session
version; signing in, signing out and changing the password raise the version, which ends
every other session of that user at once (checked in the same query that loads the user).
"""

from __future__ import annotations

import hmac
import secrets

from flask import Flask, Response, current_app, request, session
from sqlalchemy import select

from app.errors import DomainError, problem
from app.extensions import db, login_manager
from app.models import User
from app.services.accounts import SessionClaim, new_session_version, user_for_token

CSRF_SESSION_KEY = "csrf_token"
CSRF_HEADER = "X-CSRF-Token"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
# They act for no signed-in user: login starts a new session, register touches none; LTI's
# login and launch come from the platform, proven by its signed id_token and the state
# cookie, and the deep-linking form sends its token in a form field, which its view checks.
CSRF_EXEMPT_ENDPOINTS = frozenset(
    {"auth.login", "auth.register", "lti.login", "lti.launch", "lti.deep_link_submit"}
)


def bearer_token() -> str | None:
    scheme, _, value = request.headers.get("Authorization", "").partition(" ")
    return value.strip() or None if scheme.lower() == "bearer" else None


def csrf_token() -> str:
    """This session's CSRF token, created on first use."""
    if CSRF_SESSION_KEY not in session:
        session[CSRF_SESSION_KEY] = secrets.token_urlsafe(32)
    return session[CSRF_SESSION_KEY]


def start_session(user: User) -> str:
    """Sign `user` in on a fresh session (nothing from before login survives), ending their
    other sessions; returns the CSRF token of this one."""
    from flask_login import login_user

    new_session_version(db.session, user)
    session.clear()
    login_user(user)
    return csrf_token()


def end_session(user: User) -> None:
    """Sign out: this cookie, and any copy of it, stops working."""
    from flask_login import logout_user

    new_session_version(db.session, user)
    logout_user()
    session.clear()


def _parse_session_id(session_id: str) -> SessionClaim | None:
    user_id, _, version = session_id.partition(":")
    if not (user_id.isdigit() and version.isdigit()) or len(user_id) > 10 or len(version) > 10:
        return None
    return SessionClaim(int(user_id), int(version))


def cookie_claim() -> SessionClaim | None:
    """The user and session version this request's signed cookie names, unchecked; None for
    a bearer-token request or one without a signed-in cookie."""
    session_id = session.get("_user_id")
    if bearer_token() is not None or not isinstance(session_id, str):
        return None
    return _parse_session_id(session_id)


@login_manager.user_loader
def load_session_user(session_id: str) -> User | None:
    claim = None if bearer_token() is not None else _parse_session_id(session_id)
    if claim is None:
        return None
    return db.session.scalar(
        select(User).where(User.id == claim.user_id, User.session_version == claim.session_version)
    )


@login_manager.request_loader
def load_token_user(_request: object) -> User | None:
    token = bearer_token()
    return user_for_token(db.session, token) if token else None


@login_manager.unauthorized_handler
def unauthorized() -> Response:
    return problem(401, "Sign in, or send a valid bearer token.", slug="unauthenticated")


def check_csrf() -> Response | None:
    if request.method in SAFE_METHODS or bearer_token() is not None:
        return None
    if request.endpoint in CSRF_EXEMPT_ENDPOINTS:
        return None
    if "_user_id" not in session:
        return None  # not signed in by cookie: nothing a forged request could use
    expected = session.get(CSRF_SESSION_KEY, "")
    given = request.headers.get(CSRF_HEADER, "")
    if not expected or not hmac.compare_digest(expected, given):
        return problem(403, f"Missing or wrong {CSRF_HEADER} header.", slug="csrf")
    return None


class PayloadTooLargeError(DomainError):
    status = 413
    slug = "payload-too-large"


def refuse_oversized_body() -> None:
    """413 before anything reads a body over the limit (werkzeug stops a chunked one too):
    `SOURCE_MAX_BYTES` for an operation that takes an article, `MAX_CONTENT_LENGTH` else."""
    view = current_app.view_functions.get(request.endpoint or "")
    limit = current_app.config[
        "SOURCE_MAX_BYTES" if getattr(view, "takes_article", False) else "MAX_CONTENT_LENGTH"
    ]
    request.max_content_length = limit
    if request.content_length is not None and request.content_length > limit:
        raise PayloadTooLargeError(f"The request body is larger than {limit:,} bytes.")


# The same for everyone and changed only by a deploy: the page may keep them a few minutes.
SHARED_DOCUMENTS = frozenset({"api-docs.openapi_json", "question_types.list_question_types"})


def security_headers(response: Response) -> Response:
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    if request.endpoint in SHARED_DOCUMENTS and response.status_code == 200:
        response.headers.setdefault("Cache-Control", "public, max-age=300")
    elif request.path.startswith("/api/") and not request.path.startswith("/api/docs"):
        # Answers hold keys, scores and tokens: no cache, shared or private, keeps them.
        response.headers.setdefault("Cache-Control", "no-store")
    if current_app.config["ENV_NAME"] == "production":
        response.headers.setdefault("Strict-Transport-Security", "max-age=31536000")
    return response


def init_app(app: Flask) -> None:
    """Registered before the rate limiter, so an oversized body is refused first."""
    login_manager.init_app(app)
    app.before_request(refuse_oversized_body)
    app.before_request(check_csrf)
    app.after_request(security_headers)
