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

from app.errors import DomainError, ForbiddenError
from app.extensions import db
from app.models import User
from app.services.ownership import owned

T = TypeVar("T")


class UnauthenticatedError(DomainError):
    status = 401
    slug = "unauthenticated"


def signed_in() -> User:
    """The signed-in user (cookie or bearer token), or 401."""
    if not current_user.is_authenticated:
        raise UnauthenticatedError("Sign in, or send a valid bearer token.")
    return current_user._get_current_object()  # type: ignore[no-any-return]


def signed_in_or_none() -> User | None:
    """The signed-in user, or None: for what anyone may read and a user may read more of."""
    return current_user._get_current_object() if current_user.is_authenticated else None


def requires(role: str | None = None) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Refuse the view unless someone (with `role`, if given) is signed in."""

    def decorator(view: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(view)
        def guarded(*args: Any, **kwargs: Any) -> Any:
            user = signed_in()
            if role is not None and user.role != role:
                raise ForbiddenError(f"Only a {role} can do this.")
            return view(*args, **kwargs)

        return guarded

    return decorator


def owned_by_current(model: type[T], ident: int) -> T:
    """The `model` row `ident` if the signed-in user owns it; 404 otherwise."""
    return owned(db.session, model, ident, signed_in())
