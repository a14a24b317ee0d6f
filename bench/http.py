"""HTTP benchmark: Sourcequiz under gunicorn on PostgreSQL against a floor app, with wrk.

    .venv/bin/python bench/http.py [--workers 2] [--duration 10] [--connections 16]
                                   [--database-url postgresql://postgres@127.0.0.1:5432/...]

One command (issue 14): it empties its PostgreSQL database (created if missing), runs
`flask db upgrade` and `flask questions load` on it, seeds a class of learners and a
20-question quiz of mixed types in-process, signs the learners in (session cookie and CSRF
token each) and starts their attempts. Then it starts Sourcequiz (`gunicorn wsgi:app`) and the
floor (`bench/floor.py`: Flask, the same session cookie, one upsert through psycopg 3) with the
same gunicorn settings (gunicorn.conf.py, sync workers) on free loopback ports, and drives
each scenario with wrk for --duration seconds, a floor run just before each (rounds
interleaved), and prints one table: requests/s, p50/p95/p99, the ratio to the floor and the
issue's target, met or MISSED. A scenario with more than 1 % errors (non-2xx, socket errors)
fails the run: a fast error is not a result. A second table holds the scaling targets
(statistics, gradebook memory, `flask questions load`), measured in-process after the servers
stop. `--profile` samples a worker with py-spy under each missed scenario and summarises it.

Why wrk rather than locust: on this 2-core machine the load generator competes with the two
gunicorn workers and PostgreSQL for CPU. wrk is C on epoll and needs a few percent of a core
for thousands of requests per second, where locust (Python, gevent) would need a core of its
own to keep up and would then measure itself. wrk's Lua scripts (bench/wrk/requests.lua) give
each connection its own state, so every connection acts for its own learners with their own
cookie, CSRF token, attempt and items: realistic requests that never conflict.

Needs wrk on the PATH (Debian/Ubuntu: `apt-get install -y wrk`), PostgreSQL, and for
--profile py-spy in the venv (`.venv/bin/pip install py-spy`). Figures depend on the machine;
bench/RESULTS.md holds one run and the machine it ran on.
"""

from __future__ import annotations

import sys
from pathlib import Path

# Run as a script, this file's directory comes first on sys.path, and this file is named
# http.py: `import http` (werkzeug, urllib, psycopg do) would find it instead of the standard
# library's package. The project root takes its place (imported as bench.http, nothing moves).
if Path(sys.path[0] or ".").resolve() == Path(__file__).resolve().parent:
    sys.path[0] = str(Path(__file__).resolve().parent.parent)

import argparse
import gc
import http.client
import importlib.util
import json
import math
import os
import secrets
import shutil
import socket
import statistics
import subprocess
import tempfile
import threading
import time
import tomllib
import tracemalloc
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from types import ModuleType
from typing import Any, TextIO

import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from app import create_app
from app.config import normalise_database_url
from app.domain.question_types import QUESTION_TYPES
from app.extensions import db
from bench import floor
from tests.api.quiz_helpers import some_answer

BENCH_DIR = Path(__file__).resolve().parent
PROJECT_ROOT = BENCH_DIR.parent
DEFAULT_DATABASE_URL = "postgresql://postgres@127.0.0.1:5432/sourcequiz_bench_http"
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/0"
LUA_SCRIPT = BENCH_DIR / "wrk" / "requests.lua"
# The learners sign in with this User-Agent and wrk sends it: Flask-Login's session protection
# hashes the client's address and agent into the session, and on a mismatch it would rewrite
# the cookie on every response.
USER_AGENT = "sourcequiz-bench/1"
PASSWORD = "benchmark-password"
QUIZ_SIZE = 20
ERROR_LIMIT = 0.01  # more errors than this share of requests fails the scenario
# Fresh attempts prepared for a submit run, per save the save run made in as long: grading 20
# items costs several saves, so this is headroom (Bench.run_submit prepares more if it is not).
SUBMIT_HEADROOM = 0.4

TARGET_SAVE_RATIO = 0.6
TARGET_SAVE_TAIL = 4.0  # p99 at most this many times its own p50
TARGET_SUBMIT_RATIO = 0.3
TARGET_READ_RATIO = 0.5
TARGET_STATISTICS_GROWTH = 12.0
TARGET_STATISTICS_SECONDS = 2.0
TARGET_GRADEBOOK_GROWTH = 1.5  # "flat": a grid held in memory grows ~10x from 100 to 1,000
TARGET_LOAD_GROWTH = 12.0


def say(message: str) -> None:
    """Progress, on stderr: the table alone goes to stdout."""
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


# --- the database and the app's own commands --------------------------------------------------


def prepare_database(url: str) -> None:
    """Create the database if it is missing, then empty it (it is the benchmark's own)."""
    target = sa.engine.make_url(url)
    maintenance = target.set(database="postgres")
    engine = sa.create_engine(maintenance, isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        exists = connection.scalar(
            sa.text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": target.database}
        )
        if not exists:
            connection.execute(sa.text(f'CREATE DATABASE "{target.database}"'))
    engine.dispose()
    reset_schema(url)


def reset_schema(url: str) -> None:
    """An empty database: bench/run.py's reset, the one way the benchmarks start afresh."""
    inprocess_bench().reset_postgres(url)


def server_env(url: str, secret_key: str, redis_url: str) -> dict[str, str]:
    """The environment of production as app/config.py reads it."""
    env = {
        **os.environ,
        "SOURCEQUIZ_ENV": "production",
        "DATABASE_URL": url,
        "SECRET_KEY": secret_key,
        "PYTHONUNBUFFERED": "1",
    }
    env.pop("REDIS_URL", None)
    if redis_url:
        env["REDIS_URL"] = redis_url
    return env


def flask_command(env: dict[str, str], *args: str) -> float:
    """Run `flask --app wsgi ARGS` as an operator would; its wall time in seconds."""
    start = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "flask", "--app", "wsgi", *args],
        cwd=PROJECT_ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    elapsed = time.perf_counter() - start
    if done.returncode != 0:
        sys.exit(f"flask {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}")
    return elapsed


# --- seeding, in-process, through the API ------------------------------------------------------


@dataclass
class Account:
    """A signed-in user: the test client that seeds, and what wrk sends as them."""

    user_id: int
    client: FlaskClient
    cookie: str
    csrf: str

    @property
    def headers(self) -> dict[str, str]:
        return {"X-CSRF-Token": self.csrf}

    def call(self, method: str, path: str, expect: int | tuple[int, ...], **kw: Any) -> Any:
        """One request through the test client; anything unexpected stops the benchmark."""
        response = self.client.open(path, method=method, headers=self.headers, **kw)
        expected = expect if isinstance(expect, tuple) else (expect,)
        if response.status_code not in expected:
            sys.exit(f"seeding: {method} {path} -> {response.status_code}: {response.get_data()!r}")
        return response.get_json()


def sign_up(app: Flask, email: str, role: str) -> Account:
    client = app.test_client()
    client.environ_base["HTTP_USER_AGENT"] = USER_AGENT
    body = {"email": email, "password": PASSWORD, "display_name": email, "role": role}
    registered = client.post("/api/auth/register", json=body)
    if registered.status_code != 201:
        sys.exit(f"seeding: register {email} -> {registered.status_code}")
    login = client.post("/api/auth/login", json={"email": email, "password": PASSWORD})
    if login.status_code != 200:
        sys.exit(f"seeding: login {email} -> {login.status_code}")
    cookie = client.get_cookie("session")
    if cookie is None:
        sys.exit("seeding: login set no `session` cookie; does the app still use Flask's?")
    return Account(
        registered.get_json()["id"], client, cookie.value, login.get_json()["csrf_token"]
    )


@dataclass
class Seed:
    teacher: Account
    quiz_id: int
    bank_id: int
    question_ids: list[int]
    learners: list[Account]
    attempts: list[dict[str, Any]]  # each learner's attempt of the quiz, as they see it
    submitters: list[Account]
    submit_quiz_id: int
    submit_template_id: int


def mixed_questions(teacher: Account, size: int) -> list[int]:
    """`size` bank questions, the types taken in turn (as many types as the bank has)."""
    by_type = {
        kind: [
            q["id"] for q in teacher.call("GET", f"/api/questions?type={kind}&page_size=100", 200)
        ]
        for kind in QUESTION_TYPES
    }
    picked: list[int] = []
    for rank in range(max(len(ids) for ids in by_type.values())):
        picked += [ids[rank] for ids in by_type.values() if rank < len(ids)]
    if len(picked) < size:
        sys.exit(f"seeding: the bank has {len(picked)} questions; the quiz needs {size}")
    return picked[:size]


def new_class(teacher: Account, name: str) -> tuple[int, str]:
    created = teacher.call("POST", "/api/classes", 201, json={"name": name})
    return created["id"], created["join_code"]


def assigned_quiz(teacher: Account, class_id: int, title: str, question_ids: list[int]) -> int:
    quiz = teacher.call(
        "POST", "/api/quizzes", 201, json={"title": title, "question_ids": question_ids}
    )
    teacher.call("POST", f"/api/quizzes/{quiz['id']}/assignments", 201, json={"class_id": class_id})
    return int(quiz["id"])


def class_of_learners(app: Flask, prefix: str, count: int, join_code: str) -> list[Account]:
    learners = [sign_up(app, f"{prefix}-{n}@bench.test", "learner") for n in range(count)]
    for learner in learners:
        learner.call("POST", "/api/classes/join", 200, json={"join_code": join_code})
    return learners


def answered_attempt(learner: Account, quiz_id: int) -> int:
    """An attempt started and all its items answered through the API; its id."""
    attempt = learner.call("POST", f"/api/quizzes/{quiz_id}/attempts", 201)
    for item in attempt["items"]:
        learner.call(
            "PUT",
            f"/api/attempts/{attempt['id']}/responses/{item['id']}",
            200,
            json={"response": some_answer(item)},
        )
    return int(attempt["id"])


def seed(app: Flask, learners: int) -> Seed:
    """A teacher; class A (`learners` learners) with a 20-question quiz of mixed types and an
    earlier quiz each learner has submitted (so progress and assignments have history); class B
    (as many learners) whose fresh, fully answered attempts the submit scenario submits."""
    teacher = sign_up(app, "teacher@bench.test", "teacher")
    question_ids = mixed_questions(teacher, QUIZ_SIZE)
    class_a, code_a = new_class(teacher, "Benchmark class")
    class_b, code_b = new_class(teacher, "Benchmark class (submits)")
    earlier_quiz = assigned_quiz(teacher, class_a, "Earlier quiz", question_ids)
    quiz_id = assigned_quiz(teacher, class_a, "Benchmark quiz", question_ids)
    submit_quiz = assigned_quiz(teacher, class_b, "Submit quiz", question_ids)

    say(f"seeding: {learners} learners in class A, {learners} in class B")
    class_a_learners = class_of_learners(app, "learner", learners, code_a)
    submitters = class_of_learners(app, "submitter", learners, code_b)

    # The earlier quiz: one learner answers it through the API, the others get copies of that
    # attempt; then every learner submits theirs through the API (grading, answer log, cards).
    template = answered_attempt(class_a_learners[0], earlier_quiz)
    copies = clone_attempts(
        app, template, [earlier_quiz], [a.user_id for a in class_a_learners[1:]]
    )
    ids = {class_a_learners[0].user_id: template} | {learner: a for a, learner in copies}
    for learner in class_a_learners:
        learner.call("POST", f"/api/attempts/{ids[learner.user_id]}/submit", 200)

    attempts = [
        learner.call("POST", f"/api/quizzes/{quiz_id}/attempts", 201)
        for learner in class_a_learners
    ]
    banks = class_a_learners[0].call("GET", "/api/banks", 200)
    submit_template = answered_attempt(submitters[0], submit_quiz)
    return Seed(
        teacher=teacher,
        quiz_id=quiz_id,
        bank_id=int(banks[0]["id"]),
        question_ids=question_ids,
        learners=class_a_learners,
        attempts=attempts,
        submitters=submitters,
        submit_quiz_id=submit_quiz,
        submit_template_id=submit_template,
    )


# --- bulk copies, for what the API would take minutes to make ---------------------------------


def _columns(table: str, replace: dict[str, str], alias: str) -> tuple[str, str]:
    """The INSERT column list of `table` (its models' columns but a serial id) and the SELECT
    list copying them from `alias`, with `replace` giving some columns other values."""
    columns = [c for c in db.metadata.tables[table].columns if c.name != "id"]
    names = ", ".join(f'"{c.name}"' for c in columns)
    values = ", ".join(replace.get(c.name, f'{alias}."{c.name}"') for c in columns)
    return names, values


def clone_quizzes(app: Flask, template: int, copies: int) -> list[int]:
    """`copies` copies of a quiz: its questions, draw rules and assignments with it."""
    with app.app_context():
        return _clone_quizzes(template, copies)


def _clone_quizzes(template: int, copies: int) -> list[int]:
    names, values = _columns("quizzes", {"title": "s.title || ' #' || g.n"}, "s")
    ids = list(
        db.session.scalars(
            sa.text(
                f"INSERT INTO quizzes ({names}) SELECT {values} FROM quizzes s, "
                "generate_series(1, :copies) AS g(n) WHERE s.id = :template RETURNING id"
            ),
            {"copies": copies, "template": template},
        )
    )
    for table in ("quiz_questions", "quiz_draw_rules", "assignments"):
        names, values = _columns(table, {"quiz_id": "n.id"}, "s")
        db.session.execute(
            sa.text(
                f"INSERT INTO {table} ({names}) SELECT {values} FROM {table} s "
                "CROSS JOIN unnest(CAST(:ids AS integer[])) AS n(id) WHERE s.quiz_id = :template"
            ),
            {"ids": ids, "template": template},
        )
    db.session.commit()
    return ids


def clone_attempts(
    app: Flask, template: int, quiz_ids: list[int], learner_ids: list[int]
) -> list[tuple[int, int]]:
    """Copies of an attempt (its items, as frozen at start, and its saved responses) for every
    learner in every quiz given (quizzes of the same questions and settings): what starting
    the quiz and answering every item through the API would have made, the same seed and
    all. Returns (attempt id, learner id) pairs."""
    with app.app_context():
        return _clone_attempts(template, quiz_ids, learner_ids)


def _clone_attempts(
    template: int, quiz_ids: list[int], learner_ids: list[int]
) -> list[tuple[int, int]]:
    names, values = _columns("attempts", {"quiz_id": "q.id", "learner_id": "l.id"}, "s")
    made = db.session.execute(
        sa.text(
            f"INSERT INTO attempts ({names}) SELECT {values} FROM attempts s "
            "CROSS JOIN unnest(CAST(:quizzes AS integer[])) AS q(id) "
            "CROSS JOIN unnest(CAST(:learners AS integer[])) AS l(id) "
            "WHERE s.id = :template RETURNING id, learner_id"
        ),
        {"quizzes": quiz_ids, "learners": learner_ids, "template": template},
    ).all()
    ids = [attempt_id for attempt_id, _ in made]
    names, values = _columns("attempt_items", {"attempt_id": "n.id"}, "s")
    db.session.execute(
        sa.text(
            f"INSERT INTO attempt_items ({names}) SELECT {values} FROM attempt_items s "
            "CROSS JOIN unnest(CAST(:ids AS integer[])) AS n(id) WHERE s.attempt_id = :template"
        ),
        {"ids": ids, "template": template},
    )
    names, values = _columns("responses", {"attempt_item_id": "ni.id"}, "s")
    db.session.execute(
        sa.text(
            f"INSERT INTO responses ({names}) SELECT {values} FROM responses s "
            "JOIN attempt_items si ON si.id = s.attempt_item_id "
            "JOIN attempt_items ni ON ni.position = si.position "
            "WHERE si.attempt_id = :template AND ni.attempt_id = ANY(CAST(:ids AS integer[]))"
        ),
        {"ids": ids, "template": template},
    )
    db.session.commit()
    analyze()
    return [(attempt_id, learner_id) for attempt_id, learner_id in made]


def analyze() -> None:
    """Fresh planner statistics after a bulk load, as autovacuum would soon have."""
    with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.execute(sa.text("ANALYZE"))


# --- what wrk sends ----------------------------------------------------------------------------


def request_line(thread: int, method: str, path: str, who: Account, body: Any = None) -> str:
    """A line of bench/wrk/requests.lua's file. Reads carry no CSRF token, as the app's pages
    send none on them."""
    csrf = who.csrf if method not in {"GET", "HEAD"} else ""
    payload = "" if body is None else json.dumps(body, separators=(",", ":"), ensure_ascii=False)
    return "\t".join([str(thread), method, path, who.cookie, csrf, payload])


def save_lines(seed: Seed, connections: int, prefix: str) -> list[str]:
    """Every learner answers every item of their attempt; learner n is thread n % connections's.
    `prefix` "/floor" sends the same requests to the floor app."""
    lines = []
    for position in range(QUIZ_SIZE):
        for n, (learner, attempt) in enumerate(zip(seed.learners, seed.attempts, strict=True)):
            item = attempt["items"][position]
            path = f"{prefix}/attempts/{attempt['id']}/responses/{item['id']}"
            body = {"response": some_answer(item)}
            lines.append(request_line(n % connections, "PUT", path, learner, body))
    return lines


def per_learner_lines(
    seed: Seed, connections: int, method: str, path: Callable[[int], str]
) -> list[str]:
    return [
        request_line(n % connections, method, path(n), learner)
        for n, learner in enumerate(seed.learners)
    ]


@dataclass
class Scenario:
    key: str
    label: str
    kind: str  # floor, save, submit or read: which target applies
    lines: list[str] = field(default_factory=list)
    mode: str = "cycle"
    server: str = "app"


def scenarios(seed: Seed, connections: int) -> list[Scenario]:
    attempt = [a["id"] for a in seed.attempts]
    return [
        Scenario(
            "floor",
            "floor (Flask + cookie + one psycopg upsert)",
            "floor",
            save_lines(seed, connections, "/floor"),
            server="floor",
        ),
        Scenario(
            "save",
            "save a response: PUT /api/attempts/<id>/responses/<item>",
            "save",
            save_lines(seed, connections, "/api"),
        ),
        Scenario(
            "start",
            "start an attempt (resumes it): POST /api/quizzes/<id>/attempts",
            "read",
            per_learner_lines(
                seed, connections, "POST", lambda n: f"/api/quizzes/{seed.quiz_id}/attempts"
            ),
        ),
        Scenario(
            "read",
            "read it: GET /api/attempts/<id>",
            "read",
            per_learner_lines(seed, connections, "GET", lambda n: f"/api/attempts/{attempt[n]}"),
        ),
        Scenario(
            "assignments",
            "GET /api/me/assignments",
            "read",
            per_learner_lines(seed, connections, "GET", lambda n: "/api/me/assignments"),
        ),
        Scenario(
            "progress",
            "GET /api/me/progress",
            "read",
            per_learner_lines(seed, connections, "GET", lambda n: "/api/me/progress"),
        ),
        Scenario(
            "practice",
            "GET /api/practice/next?bank=<id>",
            "read",
            per_learner_lines(
                seed, connections, "GET", lambda n: f"/api/practice/next?bank={seed.bank_id}"
            ),
        ),
        Scenario(
            "submit",
            "submit 20 answered items: POST /api/attempts/<id>/submit",
            "submit",
            mode="once",
        ),
    ]


def prepare_submits(app: Flask, seed: Seed, connections: int, wanted: int) -> list[str]:
    """At least `wanted` fresh attempts of class B, every item answered: copies of the quiz
    (one in-progress attempt per learner and quiz is all the app allows) and of an attempt
    answered through the API. Submitting is possible once per attempt, so wrk sends each
    line once ("once" mode)."""
    learners = {s.user_id: n for n, s in enumerate(seed.submitters)}
    quizzes = clone_quizzes(app, seed.submit_quiz_id, math.ceil(wanted / len(learners)))
    made = clone_attempts(app, seed.submit_template_id, quizzes, list(learners))
    accounts = {s.user_id: s for s in seed.submitters}
    return [
        request_line(
            learners[learner] % connections, "POST", f"/api/attempts/{a}/submit", accounts[learner]
        )
        for a, learner in sorted(made)
    ]


# --- servers -----------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class Server:
    name: str
    port: int
    process: subprocess.Popen[bytes]
    log: Path

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def workers(self) -> list[int]:
        """The pids of gunicorn's workers (the master's children)."""
        pid = self.process.pid
        text = Path(f"/proc/{pid}/task/{pid}/children").read_text()
        return [int(child) for child in text.split()]


@contextmanager
def gunicorn(
    name: str, app_spec: str, env: dict[str, str], workers: int, scratch: Path, health: str
) -> Iterator[Server]:
    """The repo's gunicorn settings (gunicorn.conf.py), sync workers, on a free loopback port."""
    port = free_port()
    log = scratch / f"{name}.log"
    command = [
        sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py",
        "--workers", str(workers), "--worker-class", "sync", "--bind", f"127.0.0.1:{port}",
        app_spec,
    ]  # fmt: skip
    with log.open("wb") as out:
        process = subprocess.Popen(
            command, cwd=PROJECT_ROOT, env=env, stdout=out, stderr=subprocess.STDOUT
        )
    server = Server(name, port, process, log)
    try:
        deadline = time.monotonic() + 60
        while True:
            if process.poll() is not None:
                sys.exit(f"{name}: gunicorn exited ({process.returncode}):\n{log.read_text()}")
            try:
                status, _, _ = fetch(server, "GET", health)
                if status == 200 and len(server.workers()) == workers:
                    break
            except OSError:
                pass
            if time.monotonic() > deadline:
                sys.exit(f"{name}: not ready after 60 s:\n{log.read_text()}")
            time.sleep(0.2)
        yield server
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def fetch(
    server: Server, method: str, path: str, headers: dict[str, str] | None = None, body: str = ""
) -> tuple[int, dict[str, str], bytes]:
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=30)
    try:
        connection.request(method, path, body=body.encode() or None, headers=headers or {})
        response = connection.getresponse()
        return response.status, dict(response.getheaders()), response.read()
    finally:
        connection.close()


def replay(server: Server, line: str) -> tuple[int, dict[str, str], bytes]:
    """One line of a requests file, sent the way requests.lua sends it."""
    _, method, path, cookie, csrf, body = line.split("\t")
    headers = {"User-Agent": USER_AGENT, "Cookie": f"session={cookie}"}
    if csrf:
        headers["X-CSRF-Token"] = csrf
    if body:
        headers["Content-Type"] = "application/json"
    return fetch(server, method, path, headers, body)


def check_sessions(app_server: Server, floor_server: Server, plan: list[Scenario]) -> None:
    """Before any load: the cookies work on both servers and the app leaves them unchanged
    (a Set-Cookie on every response would be a cost of this setup, not of the app)."""
    for scenario in plan:
        if not scenario.lines:
            continue
        server = floor_server if scenario.server == "floor" else app_server
        status, headers, body = replay(server, scenario.lines[0])
        if status >= 300:
            sys.exit(f"{scenario.key}: {status} {body[:500]!r}")
        if any(k.lower() == "set-cookie" for k in headers):
            sys.exit(f"{scenario.key}: the response rewrites the session cookie: {headers}")


# --- wrk -----------------------------------------------------------------------------------------


@dataclass
class Run:
    requests: int
    seconds: float
    errors: int  # non-2xx/3xx responses and socket errors
    p50: float  # milliseconds
    p95: float
    p99: float
    exhausted: int  # threads that ran out of lines ("once" mode)

    @property
    def rate(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    @property
    def error_share(self) -> float:
        return self.errors / self.requests if self.requests else 1.0


def wrk(
    server: Server, lines: list[str], mode: str, connections: int, seconds: float, scratch: Path
) -> Run:
    """One wrk run: a thread per connection, each connection owning its learners' lines."""
    requests_file = scratch / "requests.tsv"
    requests_file.write_text("\n".join(lines) + "\n", encoding="utf-8")
    command = [
        "wrk", "-t", str(connections), "-c", str(connections), "-d", f"{seconds:g}s",
        "--timeout", "5s", "-s", str(LUA_SCRIPT), server.url, "--", str(requests_file), mode,
    ]  # fmt: skip
    done = subprocess.run(command, capture_output=True, text=True, timeout=seconds + 120)
    found = [line for line in done.stdout.splitlines() if line.startswith("WRK_JSON ")]
    if done.returncode != 0 or not found:
        sys.exit(f"wrk failed ({done.returncode}):\n{done.stdout}\n{done.stderr}")
    data = json.loads(found[-1].removeprefix("WRK_JSON "))
    errors = sum(data[k] for k in ("connect", "read", "write", "status", "timeout"))
    return Run(
        requests=data["requests"],
        seconds=data["duration_us"] / 1e6,
        errors=errors,
        p50=data["p50_us"] / 1000,
        p95=data["p95_us"] / 1000,
        p99=data["p99_us"] / 1000,
        exhausted=data["exhausted"],
    )


@dataclass
class Row:
    scenario: Scenario
    runs: list[Run] = field(default_factory=list)
    floors: list[Run] = field(default_factory=list)  # the floor run just before each run
    failure: str | None = None

    def median(self, attribute: str) -> float:
        return statistics.median(getattr(run, attribute) for run in self.runs)

    @property
    def ratio(self) -> float:
        return statistics.median(
            r.rate / f.rate for r, f in zip(self.runs, self.floors, strict=True)
        )

    def verdict(self) -> tuple[str, str]:
        """(target, "met" / "MISSED" / a failure)."""
        kind = self.scenario.kind
        if kind == "floor":
            target, met = "", True
        elif kind == "save":
            target = f"≥ {TARGET_SAVE_RATIO}x, p99 ≤ {TARGET_SAVE_TAIL:g}x p50"
            tail = self.median("p99") / self.median("p50")
            met = self.ratio >= TARGET_SAVE_RATIO and tail <= TARGET_SAVE_TAIL
        elif kind == "submit":
            target, met = f"≥ {TARGET_SUBMIT_RATIO}x", self.ratio >= TARGET_SUBMIT_RATIO
        else:
            target, met = f"≥ {TARGET_READ_RATIO}x", self.ratio >= TARGET_READ_RATIO
        if self.failure:
            return target, f"FAILED: {self.failure}"
        return target, "—" if kind == "floor" else "met" if met else "MISSED"


@dataclass
class Bench:
    """What the runs share: the seeding app, the seed, both servers, the options."""

    app: Flask
    seed: Seed
    servers: dict[str, Server]
    args: argparse.Namespace
    scratch: Path

    def wrk(self, server: str, lines: list[str], mode: str = "cycle", seconds: float = 0) -> Run:
        return wrk(
            self.servers[server],
            lines,
            mode,
            self.args.connections,
            seconds or self.args.duration,
            self.scratch,
        )

    def measure(self, plan: list[Scenario]) -> list[Row]:
        """Rounds of (floor, scenario) for each scenario, so every figure has a floor measured
        just before it, under the same conditions (the database as big, the machine as warm)."""
        rows = {s.key: Row(s) for s in plan}
        floor_lines = plan[0].lines
        say(f"warming up both servers ({self.args.warmup:g} s each)")
        for scenario in plan[:2]:
            self.wrk(scenario.server, scenario.lines, seconds=self.args.warmup)
        for round_number in range(1, self.args.rounds + 1):
            for scenario in plan[1:]:
                row = rows[scenario.key]
                if scenario.kind == "submit":
                    floor_run, run = self.run_submit(scenario, rows["save"])
                else:
                    floor_run = self.wrk("floor", floor_lines)
                    if self.args.warmup:
                        self.wrk("app", scenario.lines, seconds=self.args.warmup)
                    run = self.wrk("app", scenario.lines)
                rows["floor"].runs.append(floor_run)
                row.floors.append(floor_run)
                row.runs.append(run)
                self.check_errors(rows["floor"], floor_run)
                self.check_errors(row, run)
                say(
                    f"round {round_number} {scenario.key}: {run.rate:,.0f}/s, p50 {run.p50:.1f} ms,"
                    f" p99 {run.p99:.1f} ms (floor {floor_run.rate:,.0f}/s)"
                )
        rows["floor"].floors = list(rows["floor"].runs)
        return list(rows.values())

    def run_submit(self, scenario: Scenario, save: Row) -> tuple[Run, Run]:
        """(floor run, submit run) on fresh attempts, as many as SUBMIT_HEADROOM says; if a
        connection still runs out, the run is repeated with twice as many (an idle connection
        would understate the rate)."""
        save_rate = max(r.rate for r in save.runs)
        wanted = max(200, math.ceil(save_rate * self.args.duration * SUBMIT_HEADROOM))
        for _ in range(3):
            say(f"preparing {wanted:,} fresh, fully answered attempts to submit")
            scenario.lines = prepare_submits(self.app, self.seed, self.args.connections, wanted)
            floor_run = self.wrk("floor", self.floor_lines)
            run = self.wrk("app", scenario.lines, "once")
            if not run.exhausted:
                return floor_run, run
            wanted *= 2
        sys.exit("submit: connections kept running out of fresh attempts")

    @property
    def floor_lines(self) -> list[str]:
        return save_lines(self.seed, self.args.connections, "/floor")

    def check_errors(self, row: Row, run: Run) -> None:
        """More than 1 % errors fails the scenario, loudly, with what one request answers."""
        if run.requests and run.error_share <= ERROR_LIMIT:
            return
        row.failure = f"{run.errors:,} errors in {run.requests:,} requests"
        sample = ""
        if row.scenario.lines:
            status, _, body = replay(self.servers[row.scenario.server], row.scenario.lines[-1])
            sample = f"; one of its requests now answers {status}: {body[:300]!r}"
        say(f"!!! {row.scenario.key}: {row.failure}{sample}")

    def profile(self, rows: list[Row]) -> dict[str, list[str]]:
        """For each missed scenario: wrk again for --duration while py-spy samples one worker
        (idle time included: a wait on PostgreSQL is time the request takes)."""
        profiles = {}
        for row in rows:
            if row.verdict()[1] != "MISSED":
                continue
            lines = row.scenario.lines
            if row.scenario.kind == "submit":
                wanted = math.ceil(row.median("rate") * self.args.duration * 2)
                lines = prepare_submits(self.app, self.seed, self.args.connections, wanted)
            raw = self.scratch / f"profile-{row.scenario.key}.txt"
            worker = self.servers["app"].workers()[0]
            say(f"profiling {row.scenario.key} (worker {worker})")
            # Into the run: wrk's connections all busy, the last run's requests gone.
            sampled = sample_later(worker, raw, max(1, int(self.args.duration) - 2), delay=1)
            self.wrk("app", lines, row.scenario.mode)
            done = sampled()
            if done.returncode != 0 or not raw.exists():
                profiles[row.scenario.key] = [f"py-spy failed: {done.stderr[-500:]}"]
            else:
                profiles[row.scenario.key] = summarise_profile(raw)
        return profiles


# --- profiles ------------------------------------------------------------------------------------


def py_spy() -> str:
    found = shutil.which("py-spy", path=str(Path(sys.executable).parent)) or shutil.which("py-spy")
    if not found:
        sys.exit("--profile needs py-spy: .venv/bin/pip install py-spy")
    return found


def sample_later(
    pid: int, raw: Path, seconds: int, delay: float
) -> Callable[[], subprocess.CompletedProcess[str]]:
    """py-spy on `pid` for `seconds` after `delay` seconds, in a thread (py-spy's raw format,
    idle time included: a wait on PostgreSQL is time the request takes); returns the wait."""
    done: list[subprocess.CompletedProcess[str]] = []

    def run() -> None:
        time.sleep(delay)
        command = [
            py_spy(), "record", "--idle", "--format", "raw", "--rate", "200",
            "--duration", str(seconds), "--pid", str(pid), "--output", str(raw),
        ]  # fmt: skip
        done.append(subprocess.run(command, capture_output=True, text=True))

    thread = threading.Thread(target=run)
    thread.start()

    def wait() -> subprocess.CompletedProcess[str]:
        thread.join()
        return done[0]

    return wait


def summarise_profile(raw: Path, top: int = 10) -> list[str]:
    """py-spy's raw (collapsed) stacks, as shares of the samples: own time (the leaf frame)
    by package, then the top `top` functions by own time, then the project's functions (app/)
    by inclusive time."""
    own: Counter[str] = Counter()
    packages: Counter[str] = Counter()
    inclusive: Counter[str] = Counter()
    total = 0
    for line in raw.read_text().splitlines():
        stack, _, count_text = line.rpartition(" ")
        if not stack or not count_text.isdigit():
            continue
        count = int(count_text)
        total += count
        frames = [_frame(frame) for frame in stack.split(";")]
        own[frames[-1]] += count
        packages[_package(frames[-1])] += count
        for name in set(frames):
            if _package(name) == "app":
                inclusive[name] += count
    if not total:
        return ["(no samples)"]

    def share(n: int) -> str:
        return f"{100 * n / total:5.1f}%"

    by_package = ", ".join(f"{name} {share(n).strip()}" for name, n in packages.most_common(8))
    lines = [f"{total} samples. Own time by package: {by_package}."]
    lines.append("Own time (the function itself, not what it calls):")
    lines += [f"  {share(n)}  {name}" for name, n in own.most_common(top)]
    lines.append("Inclusive time, the project's functions (app/):")
    lines += [f"  {share(n)}  {name}" for name, n in inclusive.most_common(top)]
    return lines


def _package(frame: str) -> str:
    """The top-level package (or standard-library module) of a summarised frame."""
    where = frame.rpartition(" (")[2].rstrip(")")
    return where.split("/", 1)[0].removesuffix(".py")


def _frame(frame: str) -> str:
    """'function (path/file.py:123)' without its line number, the path from its package."""
    name, _, where = frame.partition(" (")
    where = where.rstrip(")").rsplit(":", 1)[0]
    for marker in ("site-packages/", str(PROJECT_ROOT) + "/"):
        if marker in where:
            where = where.split(marker, 1)[1]
    return f"{name} ({where})"


# --- scaling targets -----------------------------------------------------------------------------


@dataclass
class Scaled:
    label: str
    figures: str
    target: str
    met: bool


def inprocess_bench() -> ModuleType:
    """bench/run.py, the in-process benchmark, as a module."""
    spec = importlib.util.spec_from_file_location("bench_run", BENCH_DIR / "run.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def statistics_growth(app: Flask, sizes: list[int]) -> Scaled:
    """bench/run.py's item analysis over synthetic submitted attempts of a 10-question quiz,
    its timer replaced to keep the median of its three requests per size."""
    run = inprocess_bench()
    medians: list[float] = []

    def timed(label: str, repeat: int, action: Callable[[], Any]) -> None:
        samples = []
        for _ in range(repeat):
            start = time.perf_counter()
            response = action()
            samples.append(time.perf_counter() - start)
            if getattr(response, "status_code", 200) != 200:
                sys.exit(f"{label}: {response.status_code}")
        medians.append(statistics.median(samples))

    run.timed = timed
    with app.app_context():
        run.bench_statistics(app, sizes)
        db.session.remove()
    small, large = medians
    growth = large / small
    return Scaled(
        f"statistics, {sizes[1]:,} vs {sizes[0]:,} attempts",
        f"{large:.3f} s vs {small:.3f} s ({growth:.1f}x)",
        f"≤ {TARGET_STATISTICS_GROWTH:g}x and < {TARGET_STATISTICS_SECONDS:g} s",
        growth <= TARGET_STATISTICS_GROWTH and large < TARGET_STATISTICS_SECONDS,
    )


def gradebook_memory(app: Flask, seeded: Seed, sizes: list[int]) -> Scaled:
    """Peak Python memory (tracemalloc) of GET /api/classes/<id>/gradebook.csv, the body read
    as a client reads a stream and dropped, for classes of `sizes` learners, each learner with
    a graded attempt of three quizzes and 20 answers in the log."""
    teacher = seeded.teacher
    classes = []
    for size in [min(sizes), *sizes]:  # a warm-up class first (imports, caches)
        class_id, _ = new_class(teacher, f"Gradebook {size}")
        quizzes = [
            assigned_quiz(teacher, class_id, f"Gradebook quiz {n}", seeded.question_ids[:10])
            for n in range(3)
        ]
        with app.app_context():
            fill_class(class_id, quizzes, size)
        classes.append((size, class_id))
    with app.app_context():
        analyze()
    peaks = []
    for size, class_id in classes:
        gc.collect()
        tracemalloc.start()
        response = teacher.client.get(f"/api/classes/{class_id}/gradebook.csv", buffered=False)
        if response.status_code != 200:
            sys.exit(f"gradebook: {response.status_code}")
        rows = sum(chunk.count(b"\n") for chunk in response.iter_encoded())
        response.close()
        peaks.append(tracemalloc.get_traced_memory()[1])
        tracemalloc.stop()
        if rows < size:
            sys.exit(f"gradebook: {rows} rows for {size} learners")
    small, large = peaks[1], peaks[2]
    growth = large / small
    return Scaled(
        f"gradebook memory (peak), {sizes[1]:,} vs {sizes[0]:,} learners",
        f"{large / 2**20:.2f} MiB vs {small / 2**20:.2f} MiB ({growth:.1f}x)",
        f"flat: ≤ {TARGET_GRADEBOOK_GROWTH:g}x",
        growth <= TARGET_GRADEBOOK_GROWTH,
    )


def fill_class(class_id: int, quiz_ids: list[int], size: int) -> None:
    """`size` learners in bulk: members of the class, each with a graded attempt of each quiz
    and 20 answers in the answer log (the progress grid's tags)."""
    from app.models import AnswerLog, Attempt, ClassMembership, QuestionVersion, User

    moment = datetime.now(UTC) - timedelta(days=1)
    versions = db.session.scalars(
        sa.select(QuestionVersion.id).order_by(QuestionVersion.id).limit(QUIZ_SIZE)
    ).all()
    users = db.session.scalars(
        sa.insert(User).returning(User.id),
        [
            {
                "email": f"gradebook-{class_id}-{n}@bench.test",
                "password_hash": "x",
                "display_name": f"Learner {n:05d}",
                "role": "learner",
            }
            for n in range(size)
        ],
    ).all()
    db.session.execute(
        sa.insert(ClassMembership), [{"class_id": class_id, "user_id": u} for u in users]
    )
    db.session.execute(
        sa.insert(Attempt),
        [
            {
                "quiz_id": q,
                "learner_id": u,
                "number": 1,
                "seed": n,
                "state": "submitted",
                "started_at": moment,
                "submitted_at": moment,
                "max_score": 10.0,
                "score": float(n % 11),
            }
            for n, u in enumerate(users)
            for q in quiz_ids
        ],
    )
    db.session.execute(
        sa.insert(AnswerLog),
        [
            {
                "learner_id": u,
                "question_version_id": v,
                "source": "quiz",
                "fraction": float((n + k) % 2),
                "answered_at": moment,
                "visible_from": moment,
            }
            for n, u in enumerate(users)
            for k, v in enumerate(versions)
        ],
    )
    db.session.commit()


def generated_bank(root: Path, size: int) -> Path:
    """A content directory: the repo's source and facts, and a bank of `size` hand-written
    questions (true/false, numeric, single choice, short text in turn) on those facts; the
    bank's generator is off but for what it cannot skip (~80 questions from the facts)."""
    shutil.rmtree(root, ignore_errors=True)
    for part in ("sources", "facts"):
        shutil.copytree(PROJECT_ROOT / "questions" / part, root / part)
    facts = [
        fact["id"]
        for path in sorted((root / "facts").glob("*.toml"))
        for fact in tomllib.loads(path.read_text())["fact"]
        if not fact.get("metadata")
    ]
    sources = sorted(p.stem for p in (root / "sources").glob("*.toml"))
    lines = [
        f'title = "Generated bank of {size} questions"',
        f"sources = {json.dumps(sources)}",
        "",
        "[generator]",
        "timelines = 0",
        "matchings = 0",
        "multiple_choice_per_document = 0",
        "",
    ]
    for n in range(size):
        kind = ("true_false", "numeric", "single_choice", "short_text")[n % 4]
        question = {
            "true_false": [
                f'prompt = "True or false: generated statement {n} holds."',
                "answer = true",
            ],
            "numeric": [
                f'prompt = "Generated question {n}: which number is it?"',
                f"answer = {n}",
                "tolerance = 0",
            ],
            "single_choice": [
                f'prompt = "Generated question {n}: which option is right?"',
                f'options = ["Right {n}", "Wrong {n} a", "Wrong {n} b", "Wrong {n} c"]',
                f'answer = "Right {n}"',
            ],
            "short_text": [
                f'prompt = "Generated question {n}: type the words."',
                f'accepted = ["right {n}"]',
            ],
        }[kind]
        lines += [
            "[[question]]",
            f'id = "generated-{n}"',
            f'type = "{kind}"',
            f'facts = ["{facts[n % len(facts)]}"]',
            'tags = ["generated"]',
            'difficulty = "medium"',
            f'explanation = "Explanation {n}."',
            *question,
            "",
        ]
    (root / "banks").mkdir()
    (root / "banks" / "generated.toml").write_text("\n".join(lines), encoding="utf-8")
    return root


def load_growth(
    url: str, env: dict[str, str], sizes: list[int], scratch: Path, profile: bool
) -> tuple[Scaled, list[str] | None]:
    """`flask questions load` of a generated bank into an empty database, per size: the wall
    time of the command (with its ~1 s of start-up, the same for both)."""
    seconds = []
    for size in sizes:
        content = generated_bank(scratch / f"bank-{size}", size)
        reset_schema(url)
        flask_command(env, "db", "upgrade")
        say(f"timing flask questions load of {size:,} questions")
        seconds.append(flask_command(env, "questions", "load", "--dir", str(content)))
    small, large = seconds
    growth = large / small
    result = Scaled(
        f"`flask questions load`, {sizes[1]:,} vs {sizes[0]:,} questions",
        f"{large:.1f} s vs {small:.1f} s ({growth:.1f}x)",
        f"≤ {TARGET_LOAD_GROWTH:g}x",
        growth <= TARGET_LOAD_GROWTH,
    )
    summary = None
    if profile and not result.met:
        reset_schema(url)
        flask_command(env, "db", "upgrade")
        raw = scratch / "profile-load.txt"
        say(f"profiling flask questions load of {sizes[1]:,} questions")
        command = [
            py_spy(), "record", "--idle", "--format", "raw", "--rate", "50",
            "--output", str(raw), "--",
            sys.executable, "-m", "flask", "--app", "wsgi", "questions", "load",
            "--dir", str(scratch / f"bank-{sizes[1]}"),
        ]  # fmt: skip
        done = subprocess.run(command, cwd=PROJECT_ROOT, env=env, capture_output=True, text=True)
        summary = (
            summarise_profile(raw) if raw.exists() else [f"py-spy failed: {done.stderr[-500:]}"]
        )
    return result, summary


# --- the report ----------------------------------------------------------------------------------


def table(rows: list[Row]) -> list[str]:
    out = [
        "| scenario | requests/s | p50 ms | p95 ms | p99 ms | x floor | target | result |",
        "|---|--:|--:|--:|--:|--:|---|---|",
    ]
    for row in rows:
        target, result = row.verdict()
        out.append(
            f"| {row.scenario.label} | {row.median('rate'):,.0f} | {row.median('p50'):.1f} | "
            f"{row.median('p95'):.1f} | {row.median('p99'):.1f} | {row.ratio:.2f}x | "
            f"{target} | {result} |"
        )
    return out


def scaling_table(results: list[Scaled]) -> list[str]:
    out = ["| scaling | figures | target | result |", "|---|---|---|---|"]
    out += [
        f"| {r.label} | {r.figures} | {r.target} | {'met' if r.met else 'MISSED'} |"
        for r in results
    ]
    return out


def machine(url: str) -> list[str]:
    """What the figures depend on: the machine, the software, the code measured."""
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        "?",
    )
    memory_kb = next(
        int(line.split()[1])
        for line in Path("/proc/meminfo").read_text().splitlines()
        if line.startswith("MemTotal:")
    )
    engine = sa.create_engine(url)
    with engine.connect() as connection:
        postgres = connection.scalar(sa.text("SHOW server_version"))
    engine.dispose()

    def git(*args: str) -> str:
        done = subprocess.run(["git", *args], cwd=PROJECT_ROOT, capture_output=True, text=True)
        return done.stdout.strip()

    changed = git("status", "--porcelain", "--", "app", "wsgi.py", "gunicorn.conf.py")
    dirty = f" + {len(changed.splitlines())} uncommitted change(s) under app/" if changed else ""
    return [
        f"machine: {os.cpu_count()} CPUs ({cpu}), {memory_kb / 2**20:.1f} GiB RAM; "
        f"PostgreSQL {postgres}; Python {sys.version.split()[0]}; wrk {wrk_version()}",
        f"code: commit {git('rev-parse', '--short', 'HEAD')}{dirty}",
    ]


def wrk_version() -> str:
    done = subprocess.run(["wrk", "--version"], capture_output=True, text=True)
    words = (done.stdout + done.stderr).split()
    return words[1] if len(words) > 1 else "?"


def report(
    about: list[str],
    rows: list[Row],
    scaled: list[Scaled],
    profiles: dict[str, list[str]],
    args: argparse.Namespace,
    out: TextIO,
) -> None:
    floor_rates = [run.rate for run in rows[0].runs]
    print("\n" + "\n".join(about), file=out)
    print(
        f"gunicorn {args.workers} sync workers per app, wrk {args.connections} connections on "
        f"loopback, {args.duration:g} s per run, {args.rounds} round(s); floor "
        f"{min(floor_rates):,.0f}–{max(floor_rates):,.0f} requests/s over {len(floor_rates)} runs "
        "(x floor: each scenario against the floor run just before it).\n",
        file=out,
    )
    print("\n".join(table(rows)), file=out)
    if max(floor_rates) > 1.25 * min(floor_rates):
        print(
            "\nThe floor varied by more than 25 % between runs: something else was using the "
            "machine, and the ratios are less sure. Run again on a quiet machine, or with "
            "--rounds 3 (medians).",
            file=out,
        )
    if scaled:
        print("\n" + "\n".join(scaling_table(scaled)), file=out)
    for key, lines in profiles.items():
        print(f"\nProfile under {key}:\n" + "\n".join(lines), file=out)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", type=int, default=2, help="gunicorn sync workers per app")
    parser.add_argument("--duration", type=float, default=10, help="seconds per wrk run")
    parser.add_argument("--connections", type=int, default=16, help="wrk connections")
    parser.add_argument("--learners", type=int, default=64, help="learners per class")
    parser.add_argument("--rounds", type=int, default=1, help="rounds of every scenario")
    parser.add_argument("--warmup", type=float, default=1, help="unrecorded seconds before a run")
    parser.add_argument("--database-url", default=DEFAULT_DATABASE_URL, help="emptied first")
    parser.add_argument("--redis-url", default=DEFAULT_REDIS_URL, help="'' for none")
    parser.add_argument("--statistics", type=int, nargs=2, default=[1000, 10000], metavar="N")
    parser.add_argument("--gradebook", type=int, nargs=2, default=[100, 1000], metavar="N")
    parser.add_argument("--load", type=int, nargs=2, default=[1000, 10000], metavar="N")
    parser.add_argument("--no-scaling", action="store_true", help="HTTP scenarios only")
    parser.add_argument(
        "--only",
        type=lambda text: set(text.split(",")),
        default=set(),
        help="these scenarios only (comma-separated keys: start,read,assignments,progress,"
        "practice,submit; floor and save always run), for trying a change",
    )
    parser.add_argument("--profile", action="store_true", help="py-spy under missed targets")
    args = parser.parse_args()
    if not shutil.which("wrk"):
        sys.exit("wrk is not installed: apt-get install -y wrk (Debian/Ubuntu), brew install wrk")
    if args.learners < args.connections:
        sys.exit("--learners must be at least --connections: each connection owns learners")
    if args.profile:
        py_spy()

    started = time.monotonic()
    url = normalise_database_url(args.database_url)
    secret_key = secrets.token_urlsafe(48)
    env = server_env(url, secret_key, args.redis_url)
    say(f"database {sa.engine.make_url(url).render_as_string(hide_password=True)} (emptied)")
    prepare_database(url)
    flask_command(env, "db", "upgrade")
    flask_command(env, "questions", "load")
    floor.create_table(url)
    about, load_before = machine(url), os.getloadavg()[0]
    if load_before > 1:
        say(f"the machine is busy (load average {load_before:.1f}): figures will be low")
    # The seeding app: the same database and signing key; the testing profile only for its
    # cheap password hashing (the servers never check these passwords) and plain-HTTP cookies.
    app = create_app(
        {"ENV_NAME": "testing", "SECRET_KEY": secret_key, "SQLALCHEMY_DATABASE_URI": url}
    )
    with tempfile.TemporaryDirectory(prefix="bench-http-") as scratch_dir:
        scratch = Path(scratch_dir)
        seeded = seed(app, args.learners)
        plan = scenarios(seeded, args.connections)
        if args.only:
            # The floor and save stay: every figure is a ratio to the floor, submit's size
            # comes from the save's rate.
            plan = [s for s in plan if s.key in {"floor", "save", *args.only}]
        profiles: dict[str, list[str]] = {}
        with (
            gunicorn("app", "wsgi:app", env, args.workers, scratch, "/healthz") as app_server,
            gunicorn(
                "floor", "bench.floor:app", env, args.workers, scratch, "/floor/health"
            ) as floor_server,
        ):
            check_sessions(app_server, floor_server, plan)
            bench = Bench(app, seeded, {"app": app_server, "floor": floor_server}, args, scratch)
            rows = bench.measure(plan)
            if args.profile:
                profiles = bench.profile(rows)
        scaled: list[Scaled] = []
        if not args.no_scaling:
            say("statistics: seeding and timing (bench/run.py)")
            scaled.append(statistics_growth(app, args.statistics))
            say("gradebook: seeding and measuring")
            scaled.append(gradebook_memory(app, seeded, args.gradebook))
            with app.app_context():
                db.engine.dispose()
            result, load_profile = load_growth(url, env, args.load, scratch, args.profile)
            scaled.append(result)
            if load_profile:
                profiles["flask questions load"] = load_profile
    about.append(f"load average (1 min) before the run: {load_before:.2f} (of other processes)")
    report(about, rows, scaled, profiles, args, sys.stdout)
    say(f"done in {time.monotonic() - started:.0f} s")
    return 1 if any(row.failure for row in rows) else 0


if __name__ == "__main__":
    sys.exit(main())
