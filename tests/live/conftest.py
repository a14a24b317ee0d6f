"""Fixtures of the live tests: the real app under gunicorn, in the production profile.

Each server gets a database that `make_database` creates (`sourcequiz_live_<random>`, on the
server that TEST_DATABASE_URL names, never that database itself) and drops afterwards;
`production_env` runs `flask db upgrade` and `flask questions load` on it. Without
PostgreSQL (or Redis) these tests are skipped; under CI=true they fail. When a test fails,
the tail of its live server's stderr is attached to the report; the logs stay in
tests/artifacts/live-*/.
"""

from __future__ import annotations

import secrets
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from live_support import (
    ARTIFACTS,
    REDIS_DB_FUZZ,
    SERVERS,
    LiveServer,
    World,
    admin_url,
    plain_url,
    production_env,
    seed_world,
    unavailable,
)


@pytest.fixture(scope="session")
def make_database() -> Iterator[Any]:
    """`make_database()` creates an empty database and returns its URL; all are dropped after."""
    import psycopg

    admin = admin_url()
    try:
        connection = psycopg.connect(plain_url(admin), autocommit=True, connect_timeout=5)
    except psycopg.OperationalError as error:
        unavailable(f"cannot connect to {admin.render_as_string()}: {error}")
    made: list[str] = []

    def make() -> str:
        name = f"sourcequiz_live_{secrets.token_hex(6)}"
        connection.execute(f'CREATE DATABASE "{name}"')
        made.append(name)
        return plain_url(admin.set(database=name))

    try:
        yield make
    finally:
        for name in made:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        connection.close()


@pytest.fixture(scope="session")
def start_server() -> Iterator[Any]:
    """`start_server(env)` starts a LiveServer; every one is stopped after the session.

    Their logs go to tests/artifacts/live-<random>/ (ignored by git), where they stay after the
    run for whoever reads a failure.
    """
    ARTIFACTS.mkdir(exist_ok=True)
    logs = Path(tempfile.mkdtemp(prefix="live-", dir=ARTIFACTS))
    servers: list[LiveServer] = []

    def start(env: dict[str, str]) -> LiveServer:
        server = LiveServer(env=env, logs=logs)
        servers.append(server)
        server.start()
        return server

    yield start
    for server in servers:
        server.stop()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Iterator[None]:
    outcome = yield
    report = outcome.get_result()
    if report.failed:
        used = [
            value if isinstance(value, LiveServer) else value.server
            for value in getattr(item, "funcargs", {}).values()
            if isinstance(value, LiveServer)
            or isinstance(getattr(value, "server", None), LiveServer)
        ]
        for server in used or SERVERS:
            report.sections.append(
                (f"gunicorn stderr ({server.url}, last lines)", server.stderr_tail(80))
            )


@pytest.fixture(scope="session")
def live_server(make_database: Any, start_server: Any) -> LiveServer:
    """The production app under gunicorn on a fresh database, for the whole session."""
    return start_server(production_env(make_database(), REDIS_DB_FUZZ))


@pytest.fixture(scope="session")
def world(live_server: LiveServer) -> World:
    return seed_world(live_server)
