"""Fixtures: `database_url` runs each database test on SQLite and on PostgreSQL.

PostgreSQL comes from TEST_DATABASE_URL. When it is unset or unreachable its tests are
skipped, and reported as such; under CI=true they fail instead, so CI never passes without
them.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient
from flask_migrate import upgrade
from sqlalchemy.orm import Session

from app import create_app
from app.config import PROJECT_ROOT, normalise_database_url
from app.content.documents import Catalog
from app.content.load import load_catalog
from app.content.read import read_catalog
from app.extensions import db as _db
from app.extensions import limiter

QUESTIONS_DIR = PROJECT_ROOT / "questions"


def pytest_terminal_summary(terminalreporter: Any) -> None:
    """One line per test family (authorisation, schemathesis, bad inputs, saves lost)."""
    from summary import LINES

    if LINES:
        terminalreporter.section("test families")
        for family, lines in LINES.items():
            for line in lines:
                terminalreporter.write_line(f"{family}: {line}")


def _postgres_unavailable(reason: str) -> None:
    if os.environ.get("CI") == "true":
        pytest.fail(f"PostgreSQL tests must run under CI=true, but {reason}")
    pytest.skip(f"PostgreSQL not available: {reason}")


@pytest.fixture(scope="session", params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path_factory.mktemp('sqlite')}/test.sqlite3"
    raw = os.environ.get("TEST_DATABASE_URL")
    if not raw:
        _postgres_unavailable("TEST_DATABASE_URL is not set")
    url = normalise_database_url(raw)
    engine = sa.create_engine(url)
    try:
        with engine.begin() as connection:
            # A clean schema: the migrations, not leftovers, must build every table.
            connection.execute(sa.text("DROP SCHEMA public CASCADE"))
            connection.execute(sa.text("CREATE SCHEMA public"))
    except sa.exc.OperationalError as error:
        _postgres_unavailable(f"cannot connect to {engine.url!r}: {error.orig}")
    finally:
        engine.dispose()
    return url


@pytest.fixture(scope="session")
def app(database_url: str) -> Iterator[Flask]:
    """The app on a migrated database.

    No app context stays pushed: each test request must get its own, as in production
    (a shared one would share `g`, and with it the signed-in user, between requests).
    """
    app = create_app({"ENV_NAME": "testing", "SQLALCHEMY_DATABASE_URI": database_url})
    with app.app_context():
        upgrade()
    yield app
    with app.app_context():
        _db.engine.dispose()


@dataclass
class Database:
    """What tests use to look at the database: its engine and a plain session."""

    engine: sa.Engine
    session: Session


@pytest.fixture
def db(app: Flask) -> Iterator[Database]:
    """The database, emptied after each test."""
    with app.app_context():
        engine = _db.engine
    session = Session(engine)
    yield Database(engine, session)
    session.close()
    limiter.reset()
    tables = [t.name for t in reversed(_db.metadata.sorted_tables)]
    with engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            connection.execute(sa.text(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE"))
        else:
            for table in tables:
                connection.execute(sa.text(f"DELETE FROM {table}"))


@pytest.fixture
def client(app: Flask, db: Database) -> FlaskClient:
    return app.test_client()


@pytest.fixture(scope="session")
def catalog() -> Catalog:
    """The real content under questions/, validated once per session."""
    return read_catalog(QUESTIONS_DIR)


@pytest.fixture
def loaded_bank(db: Any, catalog: Catalog) -> Catalog:
    """The database with the article's source, facts and bank loaded."""
    load_catalog(db.session, catalog)
    db.session.commit()  # services flush; the caller commits
    return catalog


@pytest.fixture
def content_copy(tmp_path: Path) -> Path:
    """A writable copy of questions/ for tests that break it on purpose."""
    target = tmp_path / "questions"
    shutil.copytree(QUESTIONS_DIR, target)
    return target


class Actor:
    """A signed-in person with their own cookie jar; writes send the CSRF token."""

    def __init__(self, client: FlaskClient, user: dict[str, Any], csrf: str, password: str):
        self.client, self.user, self.csrf, self.password = client, user, csrf, password

    @property
    def id(self) -> int:
        return int(self.user["id"])

    def get(self, path: str, **kwargs: Any) -> Any:
        return self.client.get(path, **kwargs)

    def _write(self, method: str, path: str, **kwargs: Any) -> Any:
        headers = {"X-CSRF-Token": self.csrf, **kwargs.pop("headers", {})}
        return self.client.open(path, method=method, headers=headers, **kwargs)

    def post(self, path: str, **kwargs: Any) -> Any:
        return self._write("POST", path, **kwargs)

    def patch(self, path: str, **kwargs: Any) -> Any:
        return self._write("PATCH", path, **kwargs)

    def delete(self, path: str, **kwargs: Any) -> Any:
        return self._write("DELETE", path, **kwargs)


@pytest.fixture
def sign_up(app: Flask, db: Any) -> Any:
    """`sign_up(role, name)` registers through the API and signs in with a fresh client."""
    made: list[int] = []

    def make(role: str, name: str | None = None) -> Actor:
        name = name or f"{role}{len(made) + 1}"
        email, password = f"{name}@example.test", f"{name}-long-password"
        client = app.test_client()
        registered = client.post(
            "/api/auth/register",
            json={"email": email, "password": password, "display_name": name, "role": role},
        )
        assert registered.status_code == 201, registered.get_json()
        login = client.post("/api/auth/login", json={"email": email, "password": password})
        assert login.status_code == 200, login.get_json()
        made.append(1)
        body = login.get_json()
        return Actor(client, body["user"], body["csrf_token"], password)

    return make


@pytest.fixture
def teacher(sign_up: Any) -> Actor:
    return sign_up("teacher", "teacher")


@pytest.fixture
def learner(sign_up: Any) -> Actor:
    return sign_up("learner", "learner")


@pytest.fixture
def count_queries(db: Any) -> Any:
    """`with count_queries() as queries:` ... `len(queries)` SQL statements ran."""
    from contextlib import contextmanager

    @contextmanager
    def counting() -> Iterator[list[str]]:
        statements: list[str] = []

        def record(*args: Any) -> None:
            statements.append(args[2])

        sa.event.listen(db.engine, "before_cursor_execute", record)
        try:
            yield statements
        finally:
            sa.event.remove(db.engine, "before_cursor_execute", record)

    return counting


class FakeClock:
    """A controllable clock: `clock.advance(seconds=61)`."""

    def __init__(self, start: datetime) -> None:
        self.current = start

    def __call__(self) -> datetime:
        return self.current

    def advance(self, **delta: float) -> None:
        self.current += timedelta(**delta)


@pytest.fixture
def clock(app: Flask, monkeypatch: pytest.MonkeyPatch) -> FakeClock:
    fake = FakeClock(datetime(2026, 3, 2, 9, 0, tzinfo=UTC))
    monkeypatch.setitem(app.config, "CLOCK", fake)
    return fake
