"""Accounts, passwords and personal API tokens."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from app.errors import ConflictError, ForbiddenError
from app.models import ApiToken, User
from app.models.base import utcnow
from app.services.ownership import owned
from app.services.writes import inserted

_hasher = PasswordHasher()
# Verified when the email is unknown, so that a miss costs as long as a wrong password.
_dummy_hash = _hasher.hash("not a password of anyone")


@dataclass(frozen=True)
class SessionClaim:
    """Who a request acts for, before the database has confirmed it: the user id and session
    version a signed cookie names. A hot path checks it inside its own query instead of
    loading the user first; `session_version` None means already confirmed (a bearer token's
    user, or a user object in hand)."""

    user_id: int
    session_version: int | None

    @classmethod
    def of(cls, user: User) -> SessionClaim:
        return cls(user.id, None)

    def holds(self, user_id: int, current_version: int) -> bool:
        """True if this claim is the user `user_id` on their current session."""
        return user_id == self.user_id and self.session_version in (None, current_version)


def configure_password_hashing(time_cost: int, memory_cost: int) -> None:
    """Set argon2's cost (the defaults are argon2-cffi's; tests use a cheap one)."""
    global _hasher, _dummy_hash
    if (_hasher.time_cost, _hasher.memory_cost) != (time_cost, memory_cost):
        _hasher = PasswordHasher(time_cost=time_cost, memory_cost=memory_cost)
        _dummy_hash = _hasher.hash("not a password of anyone")


TOKEN_PREFIX = "sq_"


class InvalidCredentials(Exception):
    """Wrong email or wrong password: deliberately not told apart."""


class WrongPasswordError(ForbiddenError):
    slug = "wrong-password"


def normalise_email(email: str) -> str:
    return email.strip().lower()


def register_user(
    session: Session, *, email: str, password: str, display_name: str, role: str
) -> User:
    """Create an account; 409 if the email is taken (whatever its case)."""
    user = User(
        email=normalise_email(email),
        password_hash=_hasher.hash(password),
        display_name=display_name.strip(),
        role=role,
    )
    if not inserted(session, user):
        raise ConflictError("An account with this email already exists.")
    return user


def authenticate(session: Session, email: str, password: str) -> User:
    """The user with this email and password, or InvalidCredentials."""
    user = session.scalar(select(User).where(User.email == normalise_email(email)))
    try:
        _hasher.verify(user.password_hash if user else _dummy_hash, password)
    except (VerificationError, InvalidHashError):
        raise InvalidCredentials() from None
    if user is None:
        raise InvalidCredentials()
    if _hasher.check_needs_rehash(user.password_hash):
        user.password_hash = _hasher.hash(password)
    return user


def new_session_version(session: Session, user: User) -> None:
    """Raise the user's session version, ending every session signed with the old one."""
    # In SQL, so two sign-ins at once cannot both keep the old version; the ORM copies the
    # new value onto `user` (synchronize_session="fetch").
    session.execute(
        update(User)
        .where(User.id == user.id)
        .values(session_version=User.session_version + 1)
        .execution_options(synchronize_session="fetch")
    )


def change_password(session: Session, user: User, current: str, new: str) -> None:
    """Set a new password once the current one is proven; the caller starts a new session,
    which ends every other one."""
    try:
        _hasher.verify(user.password_hash, current)
    except (VerificationError, InvalidHashError):
        raise WrongPasswordError("The current password is wrong.") from None
    user.password_hash = _hasher.hash(new)


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class IssuedToken:
    token: ApiToken
    secret: str  # shown once, never stored


def issue_token(session: Session, user: User, name: str) -> IssuedToken:
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(user_id=user.id, name=name, token_hash=hash_token(secret), prefix=secret[:10])
    session.add(token)
    session.flush()
    return IssuedToken(token, secret)


def revoke_token(session: Session, user: User, token_id: int, now: datetime | None = None) -> None:
    token = owned(session, ApiToken, token_id, user)
    if token.revoked_at is None:
        token.revoked_at = now or utcnow()


def user_for_token(session: Session, secret: str) -> User | None:
    """The owner of a live token, in one query."""
    return session.scalar(
        select(User)
        .join(ApiToken, ApiToken.user_id == User.id)
        .where(ApiToken.token_hash == hash_token(secret), ApiToken.revoked_at.is_(None))
    )
