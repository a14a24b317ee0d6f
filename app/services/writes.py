"""Writes that meet other requests: INSERT ... ON CONFLICT, and inserts that a unique
constraint may refuse. Services flush; the request (or the CLI command) commits once.

The hot paths may also run outside a transaction (autocommit), where each of their
statements holds on its own: `statement_by_statement` for the save, `begin_reading` and
`begin_writing` for reads that sometimes write."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import Connection, Engine
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, scoped_session


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


def _current(session: Session) -> Session:
    # Flask-SQLAlchemy hands services its scoped session: ask the request's own session.
    return session.registry() if isinstance(session, scoped_session) else session


def begin_reading(session: Session) -> None:
    """Begin the session's work on an autocommit connection, so a request that usually only
    reads spares the BEGIN and COMMIT round trips. Before it writes it calls `begin_writing`.
    Nothing changes when the session is not bound to an engine (a test's transaction) or has
    begun already."""
    current = _current(session)
    if not current.in_transaction() and isinstance(current.get_bind(), Engine):
        current.connection(execution_options={"isolation_level": "AUTOCOMMIT"})


def begin_writing(session: Session) -> None:
    """After `begin_reading`, what follows runs in a transaction (nothing changes if it
    already does). Objects read before are expired: load again what the writes need."""
    current = _current(session)
    if current.in_transaction():
        options = current.connection().get_execution_options()
        if options.get("isolation_level") == "AUTOCOMMIT":
            current.commit()


@contextmanager
def statement_by_statement(session: Session) -> Iterator[Connection]:
    """A connection whose statements each commit on their own (autocommit), for a hot path
    whose rules hold statement by statement: it spares the BEGIN and COMMIT round trips.
    Only while the session is bound to an engine and has not begun a transaction; otherwise
    (a request that has read already, a command's batch, a test's transaction) the
    session's own connection, in its transaction."""
    current = _current(session)
    bind = current.get_bind()
    if current.in_transaction() or not isinstance(bind, Engine):
        yield session.connection()
        return
    with bind.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        yield connection
