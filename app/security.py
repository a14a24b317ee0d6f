"""Authentication glue: session cookies and bearer tokens through Flask-Login, and CSRF.

A request with `Authorization: Bearer ...` is authenticated by that token alone; any other
request by the session cookie, and then every state-changing request must send the
`X-CSRF-Token` header that login returned.
"""

from __future__ import annotations

import hmac
import secrets

from flask import Flask, Response, request, session

from app.errors import problem
from app.extensions import db, login_manager
from app.models import User
from app.services.accounts import user_for_token

CSRF_SESSION_KEY = "csrf_token"
CSRF_HEADER = "X-CSRF-Token"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
# They act for no signed-in user: login starts a new session, register touches none.
CSRF_EXEMPT_ENDPOINTS = frozenset({"auth.login", "auth.register"})


def bearer_token() -> str | None:
    scheme, _, value = request.headers.get("Authorization", "").partition(" ")
    return value.strip() or None if scheme.lower() == "bearer" else None


def csrf_token() -> str:
    """This session's CSRF token, created on first use."""
    if CSRF_SESSION_KEY not in session:
        session[CSRF_SESSION_KEY] = secrets.token_urlsafe(32)
    return session[CSRF_SESSION_KEY]


def start_session(user: User) -> str:
    """Sign `user` in on a fresh session (nothing from before login survives); a CSRF token."""
    from flask_login import login_user

    session.clear()
    login_user(user)
    return csrf_token()


@login_manager.user_loader
def load_session_user(user_id: str) -> User | None:
    if bearer_token() is not None or not user_id.isdigit():
        return None
    return db.session.get(User, int(user_id))


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


def init_app(app: Flask) -> None:
    login_manager.init_app(app)
    app.before_request(check_csrf)
