"""The live server and its clients, for the tests of tests/live (fixtures in conftest.py).

gunicorn serves wsgi:app in the production profile on a PostgreSQL database of its own, with
two sync workers on a free loopback port, in a process group of its own. Production cookies
are Secure, so over plain http a user signs in once with a cookie to mint a bearer token,
then sends `Authorization: Bearer ...`.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import requests

from app.domain.question_types import QUESTION_TYPES

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "tests" / "artifacts"
DEFAULT_SERVER_URL = "postgresql://postgres@127.0.0.1:5432/test"
# Live servers use Redis databases of their own: 15 belongs to the rest of the suite.
REDIS_DB_FUZZ = 14
REDIS_DB_CRASH = 13
# Access log lines: "<status> <method> <path>", enough to count requests and server errors.
ACCESS_LOG_FORMAT = '%(s)s %(m)s "%(U)s" "%(q)s"'
# Every live server started in this session, for the failure reports.
SERVERS: list[LiveServer] = []


def unavailable(reason: str) -> None:
    """The rule of tests/conftest.py: skipped without PostgreSQL, failed under CI=true."""
    if os.environ.get("CI") == "true":
        pytest.fail(f"PostgreSQL tests must run under CI=true, but {reason}")
    pytest.skip(f"PostgreSQL not available: {reason}")


# --- databases ------------------------------------------------------------------------------


def admin_url() -> Any:
    """The PostgreSQL server of TEST_DATABASE_URL, as a URL whose database is `postgres`."""
    from sqlalchemy.engine import make_url

    url = make_url(os.environ.get("TEST_DATABASE_URL") or DEFAULT_SERVER_URL)
    return url.set(drivername="postgresql", database="postgres")


def plain_url(url: Any) -> str:
    return url.render_as_string(hide_password=False)


def _redis_url(db: int) -> str:
    """A Redis database of the live tests, emptied; skips (fails under CI) without Redis."""
    import redis

    url = f"redis://127.0.0.1:6379/{db}"
    try:
        client = redis.Redis.from_url(url, socket_connect_timeout=3)
        client.flushdb()
        client.close()
    except redis.RedisError as error:
        unavailable(f"Redis at {url} is needed by the live server: {error}")
    return url


def production_env(database_url: str, redis_db: int) -> dict[str, str]:
    """The production profile's environment, migrated and loaded with the article's bank."""
    env = {
        **os.environ,
        "SOURCEQUIZ_ENV": "production",
        "SECRET_KEY": secrets.token_hex(32),  # 64 characters
        "DATABASE_URL": database_url,
        "REDIS_URL": _redis_url(redis_db),
        "PYTHONUNBUFFERED": "1",
    }
    env.pop("QUESTIONS_DIR", None)
    for command in (["db", "upgrade"], ["questions", "load"]):
        done = subprocess.run(
            [sys.executable, "-m", "flask", "--app", "wsgi", *command],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert done.returncode == 0, (
            f"flask {' '.join(command)} failed:\n{done.stdout}\n{done.stderr}"
        )
    return env


# --- gunicorn -------------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _without_control_socket() -> list[str]:
    """gunicorn 25+ opens a control socket at ~/.gunicorn/gunicorn.ctl, the same path for every
    instance: two live servers at once (or a developer's own gunicorn) would take it over."""
    from gunicorn.config import KNOWN_SETTINGS

    names = {setting.name for setting in KNOWN_SETTINGS}
    return ["--no-control-socket"] if "control_socket_disable" in names else []


@dataclass
class LiveServer:
    """gunicorn serving wsgi:app in a process group of its own (master and workers)."""

    env: dict[str, str]
    logs: Path
    port: int = field(default_factory=_free_port)
    process: subprocess.Popen[bytes] | None = None
    starts: int = 0

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def stderr_path(self) -> Path:
        return self.logs / f"gunicorn-{self.port}.stderr.log"

    @property
    def access_log_path(self) -> Path:
        return self.logs / f"gunicorn-{self.port}.access.log"

    def start(self, timeout: float = 60) -> None:
        assert self.process is None, "already running"
        self.starts += 1
        with open(self.stderr_path, "ab") as stderr:
            stderr.write(f"--- start {self.starts} ---\n".encode())
            stderr.flush()
            self.process = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "gunicorn",
                    "wsgi:app",
                    "--bind",
                    f"127.0.0.1:{self.port}",
                    "--workers",
                    "2",
                    "--worker-class",
                    "sync",
                    "--timeout",
                    "60",
                    "--graceful-timeout",
                    "5",
                    "--access-logfile",
                    str(self.access_log_path),
                    "--access-logformat",
                    ACCESS_LOG_FORMAT,
                    *_without_control_socket(),
                    "--error-logfile",
                    "-",
                ],
                cwd=ROOT,
                env=self.env,
                stdin=subprocess.DEVNULL,
                stdout=stderr,
                stderr=stderr,
                start_new_session=True,  # its own process group: os.killpg reaches every worker
            )
        if self not in SERVERS:
            SERVERS.append(self)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                self.process = None
                pytest.fail(f"gunicorn exited at start:\n{self.stderr_tail()}")
            with contextlib.suppress(requests.RequestException):
                if requests.get(self.url + "/healthz", timeout=2).status_code == 200:
                    return
            time.sleep(0.2)
        self.stop()
        pytest.fail(f"/healthz did not answer within {timeout} s:\n{self.stderr_tail()}")

    def kill(self) -> None:
        """SIGKILL the master and its workers at once: a crash, with no chance to clean up."""
        assert self.process is not None
        group = self.process.pid
        os.killpg(group, signal.SIGKILL)
        self.process.wait(timeout=10)
        self.process = None
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:  # the workers too, not only the master
            try:
                os.killpg(group, 0)
            except ProcessLookupError:
                return
            time.sleep(0.01)
        pytest.fail(f"processes of gunicorn's group {group} outlived SIGKILL")

    def stop(self) -> None:
        if self.process is None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=10)
        self.process = None

    def stderr_tail(self, lines: int = 200) -> str:
        if not self.stderr_path.exists():
            return "(no stderr yet)"
        text = self.stderr_path.read_text(errors="replace").splitlines()
        return "\n".join(text[-lines:])

    def access_log(self) -> list[str]:
        if not self.access_log_path.exists():
            return []
        # Lines end at "\n" alone: str.splitlines() also splits at U+0085 and U+2028, which a
        # fuzzed path may hold, and the fragment after would read as a status of its own.
        text = self.access_log_path.read_text(errors="replace")
        return [line for line in text.split("\n") if line]


# --- clients and the seeded world -----------------------------------------------------------


class Client:
    """requests against one live server, as one user's bearer token or as nobody."""

    def __init__(self, base: str) -> None:
        self.base, self.token = base, None
        self.token_id = self.spare_token_id = 0
        self.user: dict[str, Any] = {}
        self.http = requests.Session()
        self.cookie = self.csrf = ""

    def use_token(self, minted: dict[str, Any]) -> None:
        self.token, self.token_id = minted["token"], int(minted["id"])
        self.http.headers["Authorization"] = f"Bearer {self.token}"

    def mint_token(self, name: str) -> dict[str, Any]:
        """A new bearer token, through the cookie session of `sign_up`.

        The session cookie is Secure in production and `requests` keeps Secure cookies off
        plain http, so this request sends the Cookie header itself.
        """
        minted = requests.post(
            self.base + "/api/auth/tokens",
            json={"name": name},
            headers={"Cookie": f"session={self.cookie}", "X-CSRF-Token": self.csrf},
            timeout=30,
        )
        assert minted.status_code == 201, minted.text
        return dict(minted.json())

    def request(self, method: str, path: str, expect: int | None = None, **kwargs: Any) -> Any:
        kwargs.setdefault("timeout", 30)
        response = self.http.request(method, self.base + path, **kwargs)
        if expect is not None:
            assert response.status_code == expect, (
                f"{method} {path}: {response.status_code} {response.text[:2000]}"
            )
        return response

    def get(self, path: str, **kwargs: Any) -> Any:
        return self.request("GET", path, **kwargs)

    def post(self, path: str, **kwargs: Any) -> Any:
        return self.request("POST", path, **kwargs)

    def put(self, path: str, **kwargs: Any) -> Any:
        return self.request("PUT", path, **kwargs)


def sign_up(base: str, role: str, name: str) -> Client:
    """Register through the API, sign in once with the cookie, and use a bearer token.

    A second token, unused, is there for tests to revoke instead of the one they use.
    """
    email, password = f"{name}-{secrets.token_hex(4)}@live.example.test", secrets.token_hex(16)
    client = Client(base)
    client.post(
        "/api/auth/register",
        json={"email": email, "password": password, "display_name": name, "role": role},
        expect=201,
    )
    login = client.post("/api/auth/login", json={"email": email, "password": password}, expect=200)
    client.cookie = login.cookies.get("session") or ""
    assert client.cookie, f"login set no session cookie: {login.headers}"
    client.csrf, client.user = login.json()["csrf_token"], login.json()["user"]
    client.http.cookies.clear()
    client.spare_token_id = int(client.mint_token(f"spare ({name})")["id"])
    client.use_token(client.mint_token(f"live tests ({name})"))
    client.get("/api/auth/me", expect=200)
    return client


def one_question_of_each_type(teacher: Client) -> list[int]:
    ids = []
    for kind in QUESTION_TYPES:
        found = teacher.get(f"/api/questions?type={kind}&page_size=1", expect=200).json()
        assert found, f"the bank has no {kind} question"
        ids.append(int(found[0]["id"]))
    return ids


def classroom(teacher: Client, *learners: Client) -> int:
    made = teacher.post("/api/classes", json={"name": "Live 7B"}, expect=201).json()
    for learner in learners:
        learner.post("/api/classes/join", json={"join_code": made["join_code"]}, expect=200)
    return int(made["id"])


def assigned_quiz(teacher: Client, class_id: int, question_ids: list[int], **settings: Any) -> int:
    quiz = teacher.post(
        "/api/quizzes",
        json={"title": "Treaty quiz (live)", "question_ids": question_ids, **settings},
        expect=201,
    ).json()
    teacher.post(f"/api/quizzes/{quiz['id']}/assignments", json={"class_id": class_id}, expect=201)
    return int(quiz["id"])


@dataclass
class World:
    """A teacher with a class, a learner in it, quizzes of every question type, attempts."""

    server: LiveServer
    teacher: Client
    learner: Client
    class_id: int
    quiz_id: int
    attempt_id: int
    item_ids: list[int]
    submitted_attempt_id: int


def seed_world(server: LiveServer) -> World:
    teacher = sign_up(server.url, "teacher", "teacher")
    learner = sign_up(server.url, "learner", "learner")
    class_id = classroom(teacher, learner)
    questions = one_question_of_each_type(teacher)
    # One quiz answered to the end (review, statistics, progress and gradebook have data) ...
    done_quiz = assigned_quiz(teacher, class_id, questions, feedback="on_submit")
    done = learner.post(f"/api/quizzes/{done_quiz}/attempts", expect=201).json()
    numeric = next(item for item in done["items"] if item["type"] == "numeric")
    learner.put(
        f"/api/attempts/{done['id']}/responses/{numeric['id']}",
        json={"response": {"value": 1961}},
        expect=200,
    )
    learner.post(f"/api/attempts/{done['id']}/submit", expect=200)
    # ... and one in progress, with immediate feedback, one answer saved.
    quiz_id = assigned_quiz(teacher, class_id, questions, feedback="immediate")
    attempt = learner.post(f"/api/quizzes/{quiz_id}/attempts", expect=201).json()
    true_false = next(item for item in attempt["items"] if item["type"] == "true_false")
    learner.put(
        f"/api/attempts/{attempt['id']}/responses/{true_false['id']}",
        json={"response": {"value": True}},
        expect=200,
    )
    return World(
        server=server,
        teacher=teacher,
        learner=learner,
        class_id=class_id,
        quiz_id=quiz_id,
        attempt_id=int(attempt["id"]),
        item_ids=[int(item["id"]) for item in attempt["items"]],
        submitted_attempt_id=int(done["id"]),
    )
