"""Writes that meet other requests: INSERT ... ON CONFLICT, and inserts that a unique
constraint may refuse. Services flush; the request (or the CLI command) commits once."""

from __future__ import annotations

from typing import Any

from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session


def upsert(session: Session, model: Any, keys: list[Any], update: list[str]) -> Any:
    """An insert of `model` that, on a conflict over `keys`, sets the `update` columns."""
    insert = postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert
    stmt = insert(model)
    return stmt.on_conflict_do_update(
        index_elements=keys, set_={name: getattr(stmt.excluded, name) for name in update}
    )


def inserted(session: Session, row: Any) -> bool:
    """Insert `row` in a savepoint: False, with nothing written and the request's transaction
    still usable, when a unique constraint refuses it (a concurrent request got there first)."""
    try:
        with session.begin_nested():
            session.add(row)
    except IntegrityError:
        return False
    return True
