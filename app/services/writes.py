"""Writes that meet other requests: INSERT ... ON CONFLICT, and inserts that a unique
constraint may refuse. Services flush; the request (or the CLI command) commits once."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Table, case, literal, update
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


# Rows per statement, so that a statement's bound parameters stay within SQLite's and
# PostgreSQL's limits however many rows a batch (closing a whole class's attempts) holds.
ROWS_PER_STATEMENT = 500


def _chunks(rows: Sequence[dict[str, Any]]) -> list[Sequence[dict[str, Any]]]:
    return [rows[at : at + ROWS_PER_STATEMENT] for at in range(0, len(rows), ROWS_PER_STATEMENT)]


def insert_rows(session: Session, stmt: Any, rows: Sequence[dict[str, Any]]) -> None:
    """Run an INSERT (or upsert) `stmt` for `rows` as multi-row statements. Handing the rows
    to one execute would run the statement once per row (psycopg's executemany), and a
    submit's answers, reviews and cards are dozens of rows."""
    for chunk in _chunks(rows):
        session.execute(stmt.values(list(chunk)))


def update_rows(session: Session, table: Table, rows: Sequence[dict[str, Any]]) -> None:
    """Set each row's columns by its "id" (every row naming the same columns): one UPDATE
    per chunk, each column `CASE id WHEN ... THEN ... END`, portable to SQLite."""
    for chunk in _chunks(rows):
        columns = [name for name in chunk[0] if name != "id"]
        values = {
            name: case(
                {row["id"]: literal(row[name], table.c[name].type) for row in chunk},
                value=table.c.id,
            )
            for name in columns
        }
        session.execute(
            update(table).where(table.c.id.in_([row["id"] for row in chunk])).values(values)
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
