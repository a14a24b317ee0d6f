"""Loading rows by id with one error for 'not there'."""

from __future__ import annotations

from typing import Any, TypeVar

from app.errors import NotFoundError
from app.extensions import db

T = TypeVar("T")


def get_or_404(model: type[T], ident: Any) -> T:
    """The row of `model` with primary key `ident`, or a 404 problem."""
    row = db.session.get(model, ident)
    if row is None:
        raise NotFoundError(f"{model.__name__} {ident} does not exist.")
    return row
