"""Registration, sign-in (session cookie), sign-out, and personal bearer tokens."""

from __future__ import annotations

from typing import Any

from flask import current_app, request
from flask.views import MethodView
from flask_limiter.util import get_remote_address
from sqlalchemy import Select

from app.api.http import Blueprint, UnacceptableJSON, load_json_body
from app.extensions import db, limiter
from app.models import ApiToken, User
from app.pagination import SelectPage
from app.permissions import UnauthenticatedError, requires, signed_in
from app.schemas.auth import (
    IssuedTokenSchema,
    LoginSchema,
    PasswordChangeSchema,
    RegisterSchema,
    SessionSchema,
    TokenInputSchema,
    TokenSchema,
    UserSchema,
)
from app.security import bearer_token, csrf_token, end_session, start_session
from app.services import accounts
from app.services.ownership import owned_by

blp = Blueprint("auth", __name__, url_prefix="/api/auth", description="Accounts and sign-in")


def _login_email() -> str:
    # Runs after the body's size was checked (security.refuse_oversized_body), before the
    # view parses it again; a body that is not JSON counts under the empty email.
    try:
        body = load_json_body(request.get_data(cache=True))
    except (UnacceptableJSON, ValueError):
        return ""
    email = body.get("email") if isinstance(body, dict) else None
    return accounts.normalise_email(email)[:254] if isinstance(email, str) else ""


def _account_key() -> str:
    return "login-account:" + _login_email()


def _pair_key() -> str:
    return f"login-pair:{_login_email()}|{get_remote_address()}"


def _failed(response: Any) -> bool:
    return response.status_code == 401


@blp.route("/register", methods=["POST"])
@blp.arguments(RegisterSchema)
@blp.response(201, UserSchema)
def register(data: dict[str, Any]) -> User:
    """Create a teacher or learner account."""
    return accounts.register_user(db.session, **data)


@blp.route("/login", methods=["POST"])
@limiter.limit(
    lambda: current_app.config["LOGIN_FAILURE_LIMIT_PER_PAIR"],
    key_func=_pair_key,
    deduct_when=_failed,
)
@limiter.limit(
    lambda: current_app.config["LOGIN_FAILURE_LIMIT_PER_ACCOUNT"],
    key_func=_account_key,
    deduct_when=_failed,
)
@limiter.limit(
    lambda: current_app.config["LOGIN_FAILURE_LIMIT_PER_ADDRESS"],
    deduct_when=_failed,
)
@blp.arguments(LoginSchema)
@blp.response(200, SessionSchema)
@blp.alt_response(401, description="Wrong email or password")
@blp.alt_response(429, description="Too many failed attempts; see Retry-After")
def login(data: dict[str, Any]) -> dict[str, Any]:
    """Sign in: sets the session cookie and returns the CSRF token for later requests.

    Signing in ends your other sessions (other browsers signed in as you)."""
    try:
        user = accounts.authenticate(db.session, data["email"], data["password"])
    except accounts.InvalidCredentials:
        raise UnauthenticatedError("Wrong email or password.") from None
    return {"user": user, "csrf_token": start_session(user)}


@blp.route("/logout", methods=["POST"])
@requires()
@blp.response(204)
def logout() -> None:
    """Sign out: this session, and any copy of its cookie, ends."""
    end_session(signed_in())


@blp.route("/password", methods=["POST"])
@requires()
@limiter.limit(
    lambda: current_app.config["LOGIN_FAILURE_LIMIT_PER_PAIR"],
    key_func=lambda: f"password-change:{signed_in().id}",
    deduct_when=lambda response: response.status_code == 403,
)
@blp.arguments(PasswordChangeSchema)
@blp.response(200, SessionSchema)
@blp.alt_response(403, description="The current password is wrong")
def change_password(data: dict[str, Any]) -> dict[str, Any]:
    """Change your password. Every other session ends; this one goes on with a new CSRF token
    (a bearer token's caller gets `csrf_token: null` and keeps the token)."""
    user = signed_in()
    accounts.change_password(db.session, user, data["current_password"], data["new_password"])
    if bearer_token():
        accounts.new_session_version(db.session, user)
        return {"user": user, "csrf_token": None}
    return {"user": user, "csrf_token": start_session(user)}


@blp.route("/me", methods=["GET"])
@requires()
@blp.response(200, SessionSchema)
def me() -> dict[str, Any]:
    """The signed-in user, and (for cookie sessions) the CSRF token."""
    user = signed_in()
    return {"user": user, "csrf_token": None if bearer_token() else csrf_token()}


@blp.route("/tokens")
class Tokens(MethodView):
    @requires()
    @blp.response(200, TokenSchema(many=True))
    @blp.paginate(SelectPage)
    def get(self) -> Select[Any]:
        """Your personal API tokens (never their secrets)."""
        user = signed_in()
        return owned_by(ApiToken, user).order_by(ApiToken.id)

    @requires()
    @blp.arguments(TokenInputSchema)
    @blp.response(201, IssuedTokenSchema)
    def post(self, data: dict[str, Any]) -> accounts.IssuedToken:
        """Create a bearer token for scripts; its secret is in this response only."""
        return accounts.issue_token(db.session, signed_in(), data["name"])


@blp.route("/tokens/<id:token_id>")
class TokenById(MethodView):
    @requires()
    @blp.response(204)
    def delete(self, token_id: int) -> None:
        """Revoke a token: requests with it get 401 from now on."""
        accounts.revoke_token(db.session, signed_in(), token_id)
