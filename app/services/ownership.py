"""Who owns what, as scoped queries: every service asks here whether a row is a person's.

- `owned(session, Model, id, user)`: the row if `user` owns it, else 404 (someone else's
  object answers as if it did not exist, so ids reveal nothing about other people's data).
- `owned_by(Model, user)`: a `select()` of the rows `user` owns.
- `bank_visible_to(user)` / `source_visible_to(user)`: banks and sources a person may read
  (and draw or practise from): the shared ones (loaded from questions/, no owner), a
  teacher's own, and for a learner those of the teachers of their classes.

A model's owner is its `owner_id` column, or `user_id` for what belongs to a person's
account (tokens).
"""

from __future__ import annotations

from typing import Any, TypeVar

from sqlalchemy import ColumnElement, Select, and_, exists, or_, select
from sqlalchemy.orm import Session

from app.errors import NotFoundError
from app.models import ApiToken, Bank, ClassMembership, SchoolClass, Source, User

T = TypeVar("T")


def owner_column(model: Any) -> Any:
    return model.user_id if model is ApiToken else model.owner_id


def owned_by(model: type[T], user: User) -> Select[tuple[T]]:
    return select(model).where(owner_column(model) == user.id)


def owned(session: Session, model: type[T], ident: int, user: User, *options: Any) -> T:
    """The `model` row `ident` if `user` owns it (loader `options` applied); 404 otherwise."""
    row = session.scalar(
        owned_by(model, user).where(model.id == ident).options(*options)  # type: ignore[attr-defined]
    )
    if row is None:
        raise NotFoundError(f"{_name(model)} {ident} does not exist.")
    return row


def is_owned(session: Session, model: Any, ident: int, user: User) -> bool:
    return (
        session.scalar(select(model.id).where(model.id == ident, owner_column(model) == user.id))
        is not None
    )


def _teachers_of(user: User) -> Select[tuple[int]]:
    return (
        select(SchoolClass.owner_id)
        .join(ClassMembership, ClassMembership.class_id == SchoolClass.id)
        .where(ClassMembership.user_id == user.id)
    )


def _readable(
    owner_id: Any, user: User | None, published: ColumnElement[bool] | None = None
) -> ColumnElement[bool]:
    if user is None:
        return owner_id.is_(None)
    if user.role == "learner":
        theirs = owner_id.in_(_teachers_of(user))
        return or_(owner_id.is_(None), theirs if published is None else and_(theirs, published))
    return or_(owner_id.is_(None), owner_id == user.id)


def bank_visible_to(user: User) -> ColumnElement[bool]:
    """SQL: the bank is shared, the user's own, or (a learner) one their teacher published
    (a teacher's bank of their own questions stays theirs)."""
    return _readable(Bank.owner_id, user, Bank.published)


def source_visible_to(user: User | None) -> ColumnElement[bool]:
    """SQL: the source is shared (anyone, signed in or not), the teacher's own, or (a
    learner) one of their teachers' whose bank is published: its text is what their
    questions quote. A draft under review is its teacher's alone."""
    published = exists().where(
        Bank.slug == Source.lineage, Bank.owner_id == Source.owner_id, Bank.published
    )
    return _readable(Source.owner_id, user, published)


def visible_bank_ids(session: Session, user: User) -> set[int]:
    return set(session.scalars(select(Bank.id).where(bank_visible_to(user))))


def _name(model: Any) -> str:
    return {"SchoolClass": "Class", "ApiToken": "Token"}.get(model.__name__, model.__name__)
