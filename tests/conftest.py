"""Fixtures: `database_url` runs each database test on SQLite and on PostgreSQL.

PostgreSQL comes from TEST_DATABASE_URL. When it is unset or unreachable its tests are
skipped, and reported as such; under CI=true they fail instead, so CI never passes without
them.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient
from flask_migrate import upgrade

from app import create_app
from app.config import PROJECT_ROOT, normalise_database_url
from app.extensions import db as _db
from app.services.bank_loader import load_catalog
from app.services.catalog import build_catalog
from app.services.content_docs import Catalog

QUESTIONS_DIR = PROJECT_ROOT / "questions"


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
    app = create_app({"ENV_NAME": "testing", "SQLALCHEMY_DATABASE_URI": database_url})
    with app.app_context():
        upgrade()
        yield app
        _db.session.remove()
        _db.engine.dispose()


@pytest.fixture
def db(app: Flask) -> Iterator[Any]:
    """The database, emptied after each test."""
    yield _db
    _db.session.rollback()
    _db.session.remove()
    tables = [t.name for t in reversed(_db.metadata.sorted_tables)]
    with _db.engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            connection.execute(sa.text(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE"))
        else:
            for table in tables:
                connection.execute(sa.text(f"DELETE FROM {table}"))


@pytest.fixture
def client(app: Flask, db: Any) -> FlaskClient:
    return app.test_client()


@pytest.fixture(scope="session")
def catalog() -> Catalog:
    """The real content under questions/, validated once per session."""
    return build_catalog(QUESTIONS_DIR)


@pytest.fixture
def loaded_bank(db: Any, catalog: Catalog) -> Catalog:
    """The database with the article's source, facts and bank loaded."""
    load_catalog(db.session, catalog)
    return catalog


@pytest.fixture
def content_copy(tmp_path: Path) -> Path:
    """A writable copy of questions/ for tests that break it on purpose."""
    target = tmp_path / "questions"
    shutil.copytree(QUESTIONS_DIR, target)
    return target
