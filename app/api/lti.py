"""LTI 1.3 endpoints (app/services/lti.py says what each checks):

- `GET /lti/jwks`: the tool's public keys.
- `GET|POST /lti/login`: OIDC third-party login initiation; redirects to the platform.
- `POST /lti/launch`: the platform's id_token; signs its user in and redirects to the page.
- `GET /lti/deep-link`: the instructor picks one of their quizzes;
  `POST /lti/deep-link`: the signed LtiDeepLinkingResponse, posted to the platform by the
  browser.

They are browser navigations from the LMS, not JSON API calls: plain Flask views (outside
the OpenAPI document) whose refusals are the same problem documents as everywhere.
"""

from __future__ import annotations

import hmac
from html import escape
from typing import Any
from urllib.parse import urlsplit

from flask import Blueprint, Response, current_app, jsonify, redirect, request, session, url_for
from itsdangerous import BadSignature, URLSafeTimedSerializer
from sqlalchemy import select

from app.clock import now
from app.errors import DomainError, NotFoundError
from app.extensions import db
from app.models import Quiz
from app.permissions import signed_in
from app.security import CSRF_SESSION_KEY, csrf_token, start_session
from app.services.lti import (
    DEEP_LINKING,
    DeepLinkRequest,
    LtiBadRequest,
    deep_link_request,
    deep_linking_response,
    login_request,
    resource_link_launch,
    tool_jwks,
    user_for_launch,
    validate_id_token,
)

blp = Blueprint("lti", __name__, url_prefix="/lti")

STATE_COOKIE = "sq-lti-state-"
# From login initiation to launch: the platform's sign-in page sits in between.
STATE_MAX_AGE_S = 600
DEEP_LINK_KEY = "lti_deep_link"


class LtiMissingState(DomainError):
    status = 400
    slug = "lti-missing-state"


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="lti-state")


def _launch_url() -> str:
    return url_for("lti.launch", _external=True)


def _html(body: str, *, title: str, csp: str, status: int = 200) -> Response:
    page = (
        '<!doctype html><html lang="en"><head><meta charset="utf-8">'
        f"<title>{escape(title)}</title>"
        '<link rel="stylesheet" href="/static/css/app.css"></head>'
        f'<body><main class="container">{body}</main></body></html>'
    )
    response = Response(page, status=status, mimetype="text/html")
    response.headers["Content-Security-Policy"] = csp
    response.headers["Cache-Control"] = "no-store"
    response.headers["Referrer-Policy"] = "same-origin"
    return response


@blp.get("/jwks")
def jwks() -> Response:
    """The tool's public key set, for platforms to verify what it signs."""
    response = jsonify(tool_jwks(db.session))
    response.headers["Cache-Control"] = "public, max-age=300"
    return response


@blp.route("/login", methods=["GET", "POST"])
def login() -> Response:
    """OIDC login initiation: remember state and nonce in this browser, go to the platform."""
    params = request.values if request.method == "GET" else request.form
    found = login_request(db.session, {k: str(v) for k, v in params.items()}, _launch_url())
    response = redirect(found.url, code=302)
    value = _serializer().dumps({"nonce": found.nonce, "platform": found.platform_id})
    # The launch comes back as a cross-site POST: only a SameSite=None cookie (which must be
    # Secure) goes with it. Over plain HTTP (development) the browser's default applies.
    secure = request.is_secure
    response.set_cookie(
        STATE_COOKIE + found.state,
        value,
        max_age=STATE_MAX_AGE_S,
        path="/lti/",
        secure=secure,
        httponly=True,
        samesite="None" if secure else None,
    )
    response.headers["Cache-Control"] = "no-store"
    return response


def _expected_nonce(state: str) -> str:
    if not state:
        raise LtiMissingState("The launch has no state: start it from the platform.")
    cookie = request.cookies.get(STATE_COOKIE + state)
    if not cookie:
        raise LtiMissingState(
            "Missing state: this browser did not start this launch (no state cookie; "
            "cookies may be blocked, or the launch took over 10 minutes)."
        )
    try:
        payload: Any = _serializer().loads(cookie, max_age=STATE_MAX_AGE_S)
    except BadSignature:
        raise LtiMissingState("The launch's state cookie is invalid or expired.") from None
    nonce = payload.get("nonce") if isinstance(payload, dict) else None
    if not isinstance(nonce, str):
        raise LtiMissingState("The launch's state cookie is invalid.")
    return nonce


@blp.post("/launch")
def launch() -> Response:
    """The platform's id_token: checked, its user signed in, then the page they asked for."""
    id_token, state = request.form.get("id_token", ""), request.form.get("state", "")
    if not id_token:
        raise LtiBadRequest("The launch has no id_token: it must come from an LTI platform.")
    expected = _expected_nonce(state)
    checked = validate_id_token(db.session, id_token, expected, now())
    user = user_for_launch(db.session, checked)
    if checked.message_type == DEEP_LINKING:
        pending = deep_link_request(checked, user)
        start_session(user)
        session[DEEP_LINK_KEY] = pending.as_dict()
        target = url_for("lti.deep_link_page")
    else:
        landed = resource_link_launch(db.session, checked, user, current_app.config["SECRET_KEY"])
        start_session(user)
        target = landed.page
    response = redirect(target, code=302)
    response.delete_cookie(STATE_COOKIE + state, path="/lti/")
    return response


def _pending() -> DeepLinkRequest:
    pending = DeepLinkRequest.from_dict(session.get(DEEP_LINK_KEY))
    if pending is None:
        raise LtiBadRequest("No deep-linking request is in progress: start it from the LMS.")
    return pending


PAGE_CSP = (
    "default-src 'none'; style-src 'self'; form-action 'self'; base-uri 'none'; "
    "frame-ancestors 'none'"
)


@blp.get("/deep-link")
def deep_link_page() -> Response:
    """The instructor's quizzes, to pick the one the course gets."""
    teacher = signed_in("teacher")
    _pending()
    quizzes = db.session.execute(
        select(Quiz.id, Quiz.title)
        .where(Quiz.owner_id == teacher.id, Quiz.archived_at.is_(None))
        .order_by(Quiz.id)
    ).all()
    token = escape(csrf_token())
    if quizzes:
        choices = "".join(
            f'<li><label><input type="radio" name="quiz_id" value="{q.id}" required> '
            f"{escape(q.title)}</label></li>"
            for q in quizzes
        )
        form = (
            f'<form method="post" action="{url_for("lti.deep_link_submit")}">'
            f'<input type="hidden" name="csrf_token" value="{token}">'
            f'<ul class="list">{choices}</ul><button>Place this quiz</button></form>'
        )
    else:
        form = (
            '<p>You have no quiz yet. <a href="/#/quiz/new" target="_blank">Build one in '
            "Sourcequiz</a>, then reload this page.</p>"
        )
    return _html(
        f"<h1>Place a Sourcequiz quiz</h1><p>Signed in as {escape(teacher.display_name)}. "
        f"Learners get the quiz you pick, and their grades come back to the course.</p>{form}",
        title="Place a Sourcequiz quiz",
        csp=PAGE_CSP,
    )


@blp.post("/deep-link")
def deep_link_submit() -> Response:
    """The picked quiz as a signed deep-linking response, which the browser posts back to the
    platform (a form it submits by itself, or with one click without JavaScript)."""
    teacher = signed_in("teacher")
    pending = _pending()
    expected = session.get(CSRF_SESSION_KEY, "")
    if not expected or not hmac.compare_digest(expected, request.form.get("csrf_token", "")):
        raise LtiBadRequest("Missing or wrong csrf_token: reload the page and pick again.")
    raw = request.form.get("quiz_id", "")
    if not raw.isdigit() or len(raw) > 10:
        raise LtiBadRequest("Pick a quiz (quiz_id).")
    quiz = db.session.scalar(
        select(Quiz).where(
            Quiz.id == int(raw), Quiz.owner_id == teacher.id, Quiz.archived_at.is_(None)
        )
    )
    if quiz is None:
        raise NotFoundError(f"Quiz {raw} does not exist.")
    signed = deep_linking_response(
        db.session, pending, quiz, _launch_url(), current_app.config["SECRET_KEY"], now()
    )
    session.pop(DEEP_LINK_KEY, None)
    target = urlsplit(pending.return_url)
    origin = f"{target.scheme}://{target.netloc}"
    return _html(
        f'<form id="lti-return" method="post" action="{escape(pending.return_url)}">'
        f'<input type="hidden" name="JWT" value="{escape(signed)}">'
        f"<p>Placing {escape(quiz.title)} in your course…</p>"
        "<noscript><button>Back to the course</button></noscript></form>"
        '<script src="/static/js/lti-return.js"></script>',
        title="Back to the course",
        csp=(
            "default-src 'none'; script-src 'self'; style-src 'self'; "
            f"form-action {origin}; base-uri 'none'; frame-ancestors 'none'"
        ),
    )
