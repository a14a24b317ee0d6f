"""Who may do what: the one place every view asks.

| rule                              | anonymous | wrong role | not the owner |
|-----------------------------------|-----------|------------|---------------|
| `@requires()` (any signed-in user) | 401       | -          | -             |
| `@requires("teacher")`            | 401       | 403        | -             |
| `owned_by_current(Model, id)`     | -         | -          | 404           |

Ownership itself (what "owns" means, for every model) is `app.services.ownership`; services
use it directly, views through `owned_by_current`.

`@requires` sits above `@blp.arguments`, so a request is refused before its body is read.
Someone else's object answers 404, not 403, so ids reveal nothing about other people's data.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, TypeVar

from flask_login import current_user
from werkzeug.exceptions import HTTPException

from app.errors import DomainError, ForbiddenError
from app.extensions import db
from app.models import User
from app.security import cookie_claim
from app.services.accounts import SessionClaim
from app.services.ownership import owned

T = TypeVar("T")


class UnauthenticatedError(DomainError):
    status = 401
    slug = "unauthenticated"


def signed_in(role: str | None = None) -> User:
    """The signed-in user (cookie or bearer token), or 401; with `role`, 403 for another."""
    if not current_user.is_authenticated:
        raise UnauthenticatedError("Sign in, or send a valid bearer token.")
    user: User = current_user._get_current_object()
    if role is not None and user.role != role:
        raise ForbiddenError(f"Only a {role} can do this.")
    return user


def signed_in_or_none() -> User | None:
    """The signed-in user, or None: for what anyone may read and a user may read more of."""
    return current_user._get_current_object() if current_user.is_authenticated else None


def requires(
    role: str | None = None, *, session_checked_in_query: bool = False
) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Refuse the view unless someone (with `role`, if given) is signed in.

    `session_checked_in_query`: for a hot path whose service checks the cookie's claim
    (`session_claim()`) in its own query, so no query loads the user first. Whatever that
    view refuses (its 404 for a claim its query did not confirm, a body's 422) is checked
    here afterwards, so a dead session still gets 401 and a wrong role 403, as everywhere.
    """

    def decorator(view: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(view)
        def guarded(*args: Any, **kwargs: Any) -> Any:
            if session_checked_in_query and cookie_claim() is not None:
                try:
                    return view(*args, **kwargs)
                except (DomainError, HTTPException):
                    signed_in(role)
                    raise
            signed_in(role)
            return view(*args, **kwargs)

        return guarded

    return decorator


def session_claim() -> SessionClaim:
    """Who the request acts for, in a view declared `session_checked_in_query`: the cookie's
    claim for its service to confirm, or the already checked bearer-token user."""
    return cookie_claim() or SessionClaim.of(signed_in())


def owned_by_current(model: type[T], ident: int) -> T:
    """The `model` row `ident` if the signed-in user owns it; 404 otherwise."""
    return owned(db.session, model, ident, signed_in())
