"""Fixtures: `database_url` runs each database test on SQLite and on PostgreSQL.

PostgreSQL comes from TEST_DATABASE_URL. When it is unset or unreachable its tests are
skipped, and reported as such; under CI=true they fail instead, so CI never passes without
them. Under pytest-xdist each worker has a database of its own on that server, named after
it (`test_gw0`, `test_gw1`, ... for `.../test`), created when missing.

How a test meets the database:

- Each database is migrated and loaded with the article's bank once per session (per worker),
  and that is what every test finds.
- A test runs inside one outer transaction, rolled back at its end: the app's `db.session`
  (during test-client requests and CLI commands run through `app.test_cli_runner()`) and the
  test's own `db.session` share its connection, and every commit they make is a SAVEPOINT
  released inside it (`join_transaction_mode="create_savepoint"`). So both a service that
  commits and a request boundary that commits work, and nothing stays behind.
- A module that builds one world for all its tests uses `module_db` (see test_permissions.py):
  the world is built once inside a module-wide transaction, and each test runs in a SAVEPOINT
  of it, rolled back at the test's end.
- A test that needs real commits (threads with their own connections, a second connection
  that must see a commit, CLI commands that need an empty database) is marked
  `@pytest.mark.commits`: it starts from empty tables, its sessions commit for real, and the
  tables are emptied after it (the bank is loaded again before the next test that expects
  it). Those tests run after the others of their database.
"""

from __future__ import annotations

import contextlib
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
from flask_sqlalchemy.session import Session as FlaskSession
from flask_sqlalchemy.session import _app_ctx_id
from sqlalchemy import inspection
from sqlalchemy.orm import Session, scoped_session, sessionmaker

from app import create_app
from app.config import PROJECT_ROOT, normalise_database_url
from app.content.documents import Catalog
from app.content.load import load_catalog
from app.content.read import read_catalog
from app.extensions import db as _db
from app.extensions import limiter

QUESTIONS_DIR = PROJECT_ROOT / "questions"
# Statements that stand in for BEGIN and COMMIT while a test runs inside one transaction;
# `count_queries` leaves them out, as it never saw BEGIN or COMMIT.
TRANSACTION_BOOKKEEPING = ("SAVEPOINT", "RELEASE SAVEPOINT", "ROLLBACK TO SAVEPOINT")


# --- the families' summary, also under pytest-xdist -------------------------------------------


def pytest_terminal_summary(terminalreporter: Any) -> None:
    """One line per test family (authorisation, schemathesis, bad inputs, saves lost)."""
    from summary import LINES

    if LINES:
        terminalreporter.section("test families")
        for family, lines in LINES.items():
            for line in lines:
                terminalreporter.write_line(f"{family}: {line}")


def pytest_sessionfinish(session: pytest.Session) -> None:
    """An xdist worker hands its summary lines to the controller, which prints them."""
    workeroutput = getattr(session.config, "workeroutput", None)
    if workeroutput is not None:
        from summary import LINES

        workeroutput["summary_lines"] = [[f, line] for f, lines in LINES.items() for line in lines]


@pytest.hookimpl(optionalhook=True)
def pytest_testnodedown(node: Any, error: Any) -> None:
    from summary import record

    for family, line in getattr(node, "workeroutput", {}).get("summary_lines", []):
        record(family, line)


# --- the order of the run ---------------------------------------------------------------------


def _database_param(item: pytest.Item) -> str | None:
    callspec = getattr(item, "callspec", None)
    return callspec.params.get("database_url") if callspec else None


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """After pytest has grouped the tests by database: those marked `commits` run after the
    other tests of their database, so the bank they wipe is loaded again at most once."""
    last: dict[str, int] = {}
    for index, item in enumerate(items):
        param = _database_param(item)
        if param is not None and item.get_closest_marker("commits") is None:
            last[param] = index

    def position(pair: tuple[int, pytest.Item]) -> tuple[float, int]:
        index, item = pair
        param = _database_param(item)
        if param in last and item.get_closest_marker("commits") is not None:
            return (last[param] + 0.5, index)
        return (index, index)

    items[:] = [item for _, item in sorted(enumerate(items), key=position)]


# Tests that share one xdist worker (`--dist loadgroup`, as `make test` runs): the
# Schemathesis runs share one gunicorn world, and their last test reads its access log; the
# browser tests share one Chromium. By path, as pytest-xdist 3.8 cannot see `xdist_group`
# marks under pytest 9.2 (it renames the node ids, which pytest 9.2 no longer allows).
XDIST_GROUPS = {"tests/live/test_schemathesis.py": "schemathesis", "tests/e2e/": "e2e"}


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_make_scheduler(config: pytest.Config, log: Any) -> Any:
    if config.getoption("dist") != "loadgroup":
        return None
    from xdist.scheduler import LoadScopeScheduling

    class LoadGroupByPath(LoadScopeScheduling):
        """`loadgroup`: one unit per group of XDIST_GROUPS (the largest first), and one per
        test elsewhere, handed to whichever worker is free."""

        def _split_scope(self, nodeid: str) -> str:
            for prefix, group in XDIST_GROUPS.items():
                if nodeid.startswith(prefix):
                    return group
            return nodeid

    return LoadGroupByPath(config, log)


# How much the other xdist workers step back for the Schemathesis worker (see below; 0: not).
NICE = int(os.environ.get("SOURCEQUIZ_TEST_NICE", "5"))
_NICED: list[bool] = []


def pytest_runtest_setup(item: pytest.Item) -> None:
    """Under xdist, a worker whose first test is not a Schemathesis run lowers its CPU
    priority a little for the whole run: that unit is the longest and ends the run, and the
    others, many short tests, still finish before it."""
    if os.environ.get("PYTEST_XDIST_WORKER") and not _NICED:
        _NICED.append(True)
        if not item.nodeid.startswith("tests/live/test_schemathesis.py"):
            os.nice(NICE)


# --- databases --------------------------------------------------------------------------------


def _postgres_unavailable(reason: str) -> None:
    if os.environ.get("CI") == "true":
        pytest.fail(f"PostgreSQL tests must run under CI=true, but {reason}")
    pytest.skip(f"PostgreSQL not available: {reason}")


def _worker_database(url: sa.URL) -> sa.URL:
    """Under pytest-xdist, the worker's own database on the same server (created if missing)."""
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    if not worker:
        return url
    own = url.set(database=f"{url.database}_{worker}")
    admin = sa.create_engine(
        url.set(database="postgres"),
        isolation_level="AUTOCOMMIT",
        connect_args={"connect_timeout": 5},
    )
    try:
        with admin.connect() as connection:
            exists = connection.scalar(
                sa.text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": own.database}
            )
            if not exists:
                connection.exec_driver_sql(f'CREATE DATABASE "{own.database}"')
    finally:
        admin.dispose()
    return own


def _postgresql_url() -> str:
    """The PostgreSQL database of this session (or worker), with an empty public schema."""
    raw = os.environ.get("TEST_DATABASE_URL")
    if not raw:
        raise _Unavailable("TEST_DATABASE_URL is not set")
    url = sa.make_url(normalise_database_url(raw))
    try:
        url = _worker_database(url)
        engine = sa.create_engine(url, connect_args={"connect_timeout": 5})
        try:
            with engine.begin() as connection:
                # A clean schema: the migrations, not leftovers, must build every table.
                connection.execute(sa.text("DROP SCHEMA public CASCADE"))
                connection.execute(sa.text("CREATE SCHEMA public"))
        finally:
            engine.dispose()
    except sa.exc.OperationalError as error:
        raise _Unavailable(f"cannot connect to {url!r}: {error.orig}") from None
    return url.render_as_string(hide_password=False)


class _Unavailable(Exception):
    pass


@dataclass
class _DatabaseState:
    """One database of the session: its app, and whether it holds the bank (`bank` is False
    after a `commits` test emptied it)."""

    url: str
    app: Flask
    engine: sa.Engine
    catalog: Catalog
    bank: bool = False
    module_connection: sa.Connection | None = None

    def wipe(self) -> None:
        tables = [t.name for t in reversed(_db.metadata.sorted_tables)]
        with self.engine.begin() as connection:
            if connection.dialect.name == "postgresql":
                connection.execute(
                    sa.text(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE")
                )
            else:
                for table in tables:
                    connection.execute(sa.text(f"DELETE FROM {table}"))
        self.bank = False

    def ensure_bank(self) -> None:
        """The article's bank, committed: what every test that does not commit finds."""
        if not self.bank:
            with Session(self.engine) as session:
                load_catalog(session, self.catalog)
                session.commit()
            self.bank = True


class _Databases:
    """The session's databases, each made (migrated, loaded) the first time a test needs it
    and kept until the session ends, however the tests of the two alternate."""

    def __init__(self, tmp_path_factory: pytest.TempPathFactory, catalog: Catalog) -> None:
        self.tmp_path_factory, self.catalog = tmp_path_factory, catalog
        self.states: dict[str, _DatabaseState] = {}
        self.unavailable: dict[str, str] = {}

    def get(self, backend: str) -> _DatabaseState:
        if backend in self.unavailable:
            _postgres_unavailable(self.unavailable[backend])
        if backend not in self.states:
            if backend == "sqlite":
                url = f"sqlite:///{self.tmp_path_factory.mktemp('sqlite')}/test.sqlite3"
            else:
                try:
                    url = _postgresql_url()
                except _Unavailable as error:
                    self.unavailable[backend] = str(error)
                    _postgres_unavailable(str(error))
            app = create_app({"ENV_NAME": "testing", "SQLALCHEMY_DATABASE_URI": url})
            with app.app_context():
                upgrade()
                engine = _db.engine
            state = _DatabaseState(url, app, engine, self.catalog)
            app.extensions["sourcequiz-test-database"] = state
            state.ensure_bank()
            self.states[backend] = state
        return self.states[backend]

    def close(self) -> None:
        for state in self.states.values():
            state.engine.dispose()


def _state(app: Flask) -> _DatabaseState:
    return app.extensions["sourcequiz-test-database"]  # type: ignore[no-any-return]


@pytest.fixture(scope="session")
def catalog() -> Catalog:
    """The real content under questions/, validated once per session."""
    return read_catalog(QUESTIONS_DIR)


@pytest.fixture(scope="session")
def _databases(tmp_path_factory: pytest.TempPathFactory, catalog: Catalog) -> Iterator[_Databases]:
    databases = _Databases(tmp_path_factory, catalog)
    yield databases
    databases.close()


@pytest.fixture(scope="session", params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, _databases: _Databases) -> str:
    return _databases.get(request.param).url


@pytest.fixture(scope="session")
def app(database_url: str, _databases: _Databases) -> Flask:
    """The app on a migrated database that holds the article's bank.

    No app context stays pushed: each test request must get its own, as in production
    (a shared one would share `g`, and with it the signed-in user, between requests).
    """
    return next(state.app for state in _databases.states.values() if state.url == database_url)


# --- one transaction per test -----------------------------------------------------------------


class _ConnectionSession(FlaskSession):
    """The app's session class, on the test's connection instead of the app's engine."""

    def get_bind(self, mapper: Any = None, clause: Any = None, bind: Any = None, **kw: Any) -> Any:
        return bind if bind is not None else self.bind


@contextlib.contextmanager
def _outer_transaction(engine: sa.Engine) -> Iterator[sa.Connection]:
    """A connection in a transaction that is rolled back at the end, and the app's
    `db.session` bound to it for as long."""
    connection = engine.connect()
    raw = connection.connection.driver_connection
    sqlite = connection.dialect.name == "sqlite"
    if sqlite:
        # pysqlite's own transaction handling would commit around SAVEPOINTs; with it off,
        # the transaction is ours: BEGIN here, SAVEPOINTs inside, ROLLBACK at the end.
        legacy = raw.isolation_level
        raw.isolation_level = None
    outer = connection.begin()
    if sqlite:
        connection.exec_driver_sql("BEGIN")
    options = dict(_db.session.session_factory.kw)
    options.update(bind=connection, join_transaction_mode="create_savepoint")
    original = _db.session
    _db.session = scoped_session(
        sessionmaker(class_=_ConnectionSession, **options), scopefunc=_app_ctx_id
    )
    try:
        yield connection
    finally:
        _db.session = original
        if outer.is_active:
            outer.rollback()
        if sqlite:
            raw.isolation_level = legacy
        connection.close()


class _SharedEngine:
    """`db.engine` for a test inside one transaction: `connect()` and `begin()` give that
    transaction's connection (another one would not see the test's rows, and on SQLite would
    wait for its lock), `sa.inspect()` inspects it, event listeners go to the engine; the
    rest is the engine's."""

    def __init__(self, engine: sa.Engine, connection: sa.Connection) -> None:
        self._engine, self._connection = engine, connection

    def connect(self) -> Any:
        return contextlib.nullcontext(self._connection)

    def begin(self) -> Any:
        return self._connection.begin_nested()

    @property
    def _has_events(self) -> bool:  # set by sa.event.listen(db.engine, ...)
        return bool(self._engine._has_events)

    @_has_events.setter
    def _has_events(self, value: bool) -> None:
        self._engine._has_events = value

    def __getattr__(self, name: str) -> Any:
        return getattr(self._engine, name)


inspection._inspects(_SharedEngine)(lambda shared: sa.inspect(shared._connection))


@dataclass
class Database:
    """What tests use to look at the database: its engine and a plain session."""

    engine: Any
    session: Session
    # True in a test marked `commits`: its sessions commit for real.
    commits: bool = False


@pytest.fixture(scope="module")
def module_db(app: Flask) -> Iterator[None]:
    """One transaction for a whole module: what its module-scoped fixtures build is rolled
    back after its last test, and each test runs in a SAVEPOINT of it."""
    state = _state(app)
    state.ensure_bank()
    with _outer_transaction(state.engine) as connection:
        state.module_connection = connection
        try:
            yield
        finally:
            state.module_connection = None


@pytest.fixture
def db(app: Flask, request: pytest.FixtureRequest) -> Iterator[Database]:
    """The database as the test finds it (the bank loaded), rolled back after the test;
    emptied before and after a test marked `commits`."""
    state = _state(app)
    if request.node.get_closest_marker("commits") is not None:
        state.wipe()
        session = Session(state.engine)
        try:
            yield Database(state.engine, session, commits=True)
        finally:
            session.close()
            limiter.reset()
            state.wipe()
        return
    if state.module_connection is not None:
        connection = state.module_connection
        test_transaction = connection.begin_nested()
        session = Session(bind=connection, join_transaction_mode="create_savepoint")
        try:
            yield Database(_SharedEngine(state.engine, connection), session)
        finally:
            session.close()
            if test_transaction.is_active:
                test_transaction.rollback()
            limiter.reset()
        return
    state.ensure_bank()
    with _outer_transaction(state.engine) as connection:
        session = Session(bind=connection, join_transaction_mode="create_savepoint")
        try:
            yield Database(_SharedEngine(state.engine, connection), session)
        finally:
            session.close()
    limiter.reset()


@pytest.fixture
def client(app: Flask, db: Database) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def loaded_bank(db: Database, catalog: Catalog) -> Catalog:
    """The database with the article's source, facts and bank loaded (loaded once per
    session; a test marked `commits` loads it itself, and commits)."""
    if db.commits:
        load_catalog(db.session, catalog)
        db.session.commit()
    return catalog


@pytest.fixture
def content_copy(tmp_path: Path) -> Path:
    """A writable copy of questions/ for tests that break it on purpose."""
    target = tmp_path / "questions"
    shutil.copytree(QUESTIONS_DIR, target)
    return target


# --- people -----------------------------------------------------------------------------------


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

    def put(self, path: str, **kwargs: Any) -> Any:
        return self._write("PUT", path, **kwargs)

    def delete(self, path: str, **kwargs: Any) -> Any:
        return self._write("DELETE", path, **kwargs)


def sign_up_actor(app: Flask, role: str, name: str) -> Actor:
    """Register `name` through the API and sign in with a fresh client."""
    email, password = f"{name}@example.test", f"{name}-long-password"
    client = app.test_client()
    registered = client.post(
        "/api/auth/register",
        json={"email": email, "password": password, "display_name": name, "role": role},
    )
    assert registered.status_code == 201, registered.get_json()
    login = client.post("/api/auth/login", json={"email": email, "password": password})
    assert login.status_code == 200, login.get_json()
    body = login.get_json()
    return Actor(client, body["user"], body["csrf_token"], password)


@pytest.fixture(scope="session")
def make_actor() -> Any:
    """`make_actor(app, role, name)`: `sign_up` for module-scoped fixtures (with `module_db`)."""
    return sign_up_actor


@pytest.fixture
def sign_up(app: Flask, db: Any) -> Any:
    """`sign_up(role, name)` registers through the API and signs in with a fresh client."""
    made: list[int] = []

    def make(role: str, name: str | None = None) -> Actor:
        name = name or f"{role}{len(made) + 1}"
        actor = sign_up_actor(app, role, name)
        made.append(1)
        return actor

    return make


@pytest.fixture
def teacher(sign_up: Any) -> Actor:
    return sign_up("teacher", "teacher")


@pytest.fixture
def learner(sign_up: Any) -> Actor:
    return sign_up("learner", "learner")


@pytest.fixture
def postgres_only(database_url: str) -> None:
    """For tests of row locks and concurrent transactions: SQLite runs one writer at a time."""
    if not database_url.startswith("postgresql"):
        pytest.skip("row locks and concurrent transactions are tested on PostgreSQL")


@pytest.fixture
def count_queries(db: Any) -> Any:
    """`with count_queries() as queries:` ... `len(queries)` SQL statements ran (the
    SAVEPOINTs that stand in for BEGIN and COMMIT inside a test's transaction left out)."""
    from contextlib import contextmanager

    @contextmanager
    def counting() -> Iterator[list[str]]:
        statements: list[str] = []

        def record(*args: Any) -> None:
            if not args[2].startswith(TRANSACTION_BOOKKEEPING):
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
