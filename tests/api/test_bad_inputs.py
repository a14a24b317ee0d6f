"""A corpus of bad input (issue 9, faults 3, 4 and 12): every request gets a 4xx problem
document, and no table gains, loses or changes a row count.

What broke before: ids of 2^31 and more (PostgreSQL integer overflow), `?page=` beyond bigint,
NUL bytes and lone surrogates in string fields, JSON nested 1,000 deep, a numeric answer of
4,000 digits, bodies of any size, whitespace-only names, `time_limit_s: 1.9` stored as 1.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import pytest
import sqlalchemy as sa
from quiz_helpers import NEW_QUESTION, assigned_quiz, classroom, one_of_each_type
from summary import record

from app.extensions import db as flask_db

BIG_IDS = [2**31, 2**63, 10**30]
NUL, SURROGATE = "a\x00b", "a\ud800b"


@dataclass(frozen=True)
class Bad:
    name: str
    who: str  # anonymous, learner, teacher
    method: str
    path: str
    body: Any = None  # a JSON value, or bytes sent as they are
    content_type: str = "application/json"


def _json(value: Any) -> bytes:
    # ensure_ascii: a lone surrogate goes out as the escape \ud800, as an attacker sends it.
    return json.dumps(value, ensure_ascii=True).encode()


def corpus(ids: dict[str, Any], max_body: int) -> list[Bad]:
    attempt, item, quiz = ids["attempt"], ids["items"], ids["quiz"]
    cases: list[Bad] = []
    add = cases.append

    # 3: sizes. Anonymous first: nobody needs an account to send a large body.
    huge = b'{"email": "' + b"a" * (max_body + 1) + b'", "password": "x"}'
    for path in ("/api/auth/login", "/api/auth/register"):
        add(Bad(f"oversized body to {path}", "anonymous", "POST", path, huge))
    add(Bad("oversized quiz", "teacher", "POST", "/api/quizzes", huge))
    add(
        Bad(
            "oversized answer",
            "learner",
            "PUT",
            f"/api/attempts/{attempt}/responses/{item['short_text']}",
            huge,
        )
    )

    # 4: ids too large for any row, in paths, bodies and queries.
    for big in BIG_IDS:
        for path in (
            f"/api/sources/{big}",
            f"/api/sources/{big}/facts",
            f"/api/questions/{big}",
            f"/api/classes/{big}",
            f"/api/classes/{big}/progress",
            f"/api/quizzes/{big}",
            f"/api/quizzes/{big}/statistics",
            f"/api/attempts/{big}",
            f"/api/attempts/{big}/review",
        ):
            who = "learner" if path.startswith("/api/attempts") else "teacher"
            add(Bad(f"id {big} in {path}", who, "GET", path))
        add(Bad(f"id {big} to submit", "learner", "POST", f"/api/attempts/{big}/submit", {}))
        add(Bad(f"id {big} to start", "learner", "POST", f"/api/quizzes/{big}/attempts", {}))
        add(
            Bad(
                f"item id {big}",
                "learner",
                "PUT",
                f"/api/attempts/{attempt}/responses/{big}",
                {"response": {"value": True}},
            )
        )
        add(Bad(f"token id {big}", "teacher", "DELETE", f"/api/auth/tokens/{big}"))
        add(
            Bad(
                f"member id {big}",
                "teacher",
                "DELETE",
                f"/api/classes/{ids['class']}/members/{big}",
            )
        )
        add(
            Bad(
                f"question id {big} in a quiz",
                "teacher",
                "POST",
                "/api/quizzes",
                {"title": "q", "question_ids": [big]},
            )
        )
        add(
            Bad(
                f"bank id {big} in a draw rule",
                "teacher",
                "POST",
                "/api/quizzes",
                {"title": "q", "draw": [{"bank": big, "count": 1}]},
            )
        )
        add(
            Bad(
                f"class id {big} in an assignment",
                "teacher",
                "POST",
                f"/api/quizzes/{quiz}/assignments",
                {"class_id": big},
            )
        )
        add(
            Bad(
                f"fact id {big} in a question",
                "teacher",
                "POST",
                "/api/questions",
                {**NEW_QUESTION, "facts": [big]},
            )
        )
        add(Bad(f"bank {big} in a query", "teacher", "GET", f"/api/questions?bank={big}"))
        add(Bad(f"practice bank {big}", "learner", "GET", f"/api/practice/next?bank={big}"))
        add(Bad(f"page {big}", "teacher", "GET", f"/api/questions?page={big}"))
        add(Bad(f"page {big} of sources", "anonymous", "GET", f"/api/sources?page={big}"))
    add(Bad("page beyond bigint", "learner", "GET", f"/api/me/assignments?page={2**64}"))
    add(Bad("page size 0", "teacher", "GET", "/api/classes?page_size=0"))

    # 4: NUL bytes and lone surrogates in every kind of string field.
    for label, bad in (("NUL", NUL), ("lone surrogate", SURROGATE)):
        register = {
            "email": "new@example.test",
            "password": "a-long-password",
            "display_name": "New",
            "role": "learner",
        }
        for field in ("email", "password", "display_name", "role"):
            add(
                Bad(
                    f"{label} in register.{field}",
                    "anonymous",
                    "POST",
                    "/api/auth/register",
                    _json({**register, field: bad}),
                )
            )
        for field in ("email", "password"):
            login = {"email": "ann@example.test", "password": "a-long-password", field: bad}
            add(
                Bad(
                    f"{label} in login.{field}",
                    "anonymous",
                    "POST",
                    "/api/auth/login",
                    _json(login),
                )
            )
        for who, method, path, body in (
            ("teacher", "POST", "/api/classes", {"name": bad}),
            ("learner", "POST", "/api/classes/join", {"join_code": bad}),
            ("teacher", "POST", "/api/auth/tokens", {"name": bad}),
            (
                "teacher",
                "POST",
                "/api/auth/password",
                {"current_password": bad, "new_password": "another long passphrase"},
            ),
            ("teacher", "POST", "/api/quizzes", {"title": bad, "question_ids": [ids["question"]]}),
            (
                "teacher",
                "POST",
                "/api/quizzes",
                {"title": "q", "draw": [{"bank": ids["bank"], "tag": bad, "count": 1}]},
            ),
            ("teacher", "PATCH", f"/api/quizzes/{quiz}", {"title": bad}),
            ("teacher", "POST", "/api/questions", {**NEW_QUESTION, "prompt": bad}),
            ("teacher", "POST", "/api/questions", {**NEW_QUESTION, "explanation": bad}),
            (
                "teacher",
                "POST",
                "/api/questions",
                {**NEW_QUESTION, "evidence": {"source_id": ids["source"], "text": bad}},
            ),
            (
                "learner",
                "PUT",
                f"/api/attempts/{attempt}/responses/{item['short_text']}",
                {"response": {"text": bad}},
            ),
            (
                "learner",
                "PUT",
                f"/api/attempts/{attempt}/responses/{item['cloze']}",
                {"response": {"blanks": [bad] * ids["blanks"]}},
            ),
            (
                "learner",
                "PUT",
                f"/api/attempts/{attempt}/responses/{item['single_choice']}",
                {"response": {"choice": bad}},
            ),
        ):
            add(Bad(f"{label} in {method} {path} {sorted(body)}", who, method, path, _json(body)))
    # A query string arrives percent-encoded; werkzeug reads invalid UTF-8 there (a lone
    # surrogate's bytes) as U+FFFD, so of the two only NUL can reach a query field.
    for path in (
        "/api/questions?tag=a%00b",
        "/api/questions?q=a%00b",
        f"/api/practice/next?bank={ids['bank']}&tag=a%00b",
    ):
        who = "learner" if "practice" in path else "teacher"
        add(Bad(f"NUL in query {path}", who, "GET", path))
    add(
        Bad(
            "invalid UTF-8 in a body",
            "anonymous",
            "POST",
            "/api/auth/login",
            b'{"email": "\xed\xa0\x80"}',
        )
    )

    # 4: shapes of JSON no field can hold.
    deep = b"[" * 1000 + b'"x"' + b"]" * 1000
    add(Bad("JSON nested 1,000 deep", "anonymous", "POST", "/api/auth/login", deep))
    add(
        Bad(
            "JSON nested 1,000 deep in an answer",
            "learner",
            "PUT",
            f"/api/attempts/{attempt}/responses/{item['numeric']}",
            b'{"response": ' + deep + b"}",
        )
    )
    add(Bad("JSON nested 100,000 deep", "anonymous", "POST", "/api/auth/register", b"[" * 100_000))
    numeric = f"/api/attempts/{attempt}/responses/{item['numeric']}"
    for label, raw in (
        ("4,000 digits", "9" * 4000),
        ("5,000 digits", "9" * 5000),
        ("1e999", "1e999"),
        ("NaN", "NaN"),
        ("-Infinity", "-Infinity"),
        ("1e300", "1e300"),
    ):
        add(
            Bad(
                f"numeric answer of {label}",
                "learner",
                "PUT",
                numeric,
                b'{"response": {"value": ' + raw.encode() + b"}}",
            )
        )

    # 12: blank names, fractional and boolean numbers, wrong types.
    for who, method, path, body in (
        (
            "anonymous",
            "POST",
            "/api/auth/register",
            {
                "email": "b@example.test",
                "password": "a-long-password",
                "display_name": "   ",
                "role": "learner",
            },
        ),
        ("teacher", "POST", "/api/classes", {"name": " \t "}),
        ("teacher", "POST", "/api/auth/tokens", {"name": "  "}),
        ("teacher", "POST", "/api/quizzes", {"title": "   ", "question_ids": [ids["question"]]}),
        ("teacher", "PATCH", f"/api/quizzes/{quiz}", {"title": "\u00a0 "}),
        (
            "teacher",
            "POST",
            "/api/quizzes",
            {"title": "q", "question_ids": [ids["question"]], "time_limit_s": 1.9},
        ),
        (
            "teacher",
            "POST",
            "/api/quizzes",
            {"title": "q", "question_ids": [ids["question"]], "max_attempts": True},
        ),
        ("teacher", "POST", "/api/quizzes", {"title": "q", "question_ids": [str(ids["question"])]}),
        (
            "teacher",
            "POST",
            "/api/quizzes",
            {"title": "q", "question_ids": [float(ids["question"])]},
        ),
        (
            "teacher",
            "POST",
            "/api/quizzes",
            {"title": "q", "question_ids": [ids["question"]], "time_limit_s": "60"},
        ),
        ("teacher", "POST", f"/api/quizzes/{quiz}/assignments", {"class_id": "1"}),
        ("teacher", "POST", "/api/classes", {"name": "x" * 121}),
        ("teacher", "POST", "/api/classes", ["not", "an", "object"]),
        ("learner", "PUT", numeric, {"response": {"value": "12"}}),
        ("anonymous", "POST", "/api/auth/login", "just a string"),
    ):
        add(Bad(f"{method} {path} {json.dumps(body)[:50]}", who, method, path, body))
    add(Bad("not JSON at all", "teacher", "POST", "/api/classes", b"{name: 7B"))
    add(Bad("no body to a PATCH", "teacher", "PATCH", f"/api/quizzes/{quiz}"))
    add(
        Bad(
            "JSON sent as text/plain",
            "teacher",
            "POST",
            "/api/classes",
            b'{"name": "7B"}',
            "text/plain",
        )
    )
    add(Bad("a null answer", "learner", "PUT", numeric, {"response": None}))
    for control in ("\u0001", "\u001e", "\t", "\u0085", "\u007f"):
        add(
            Bad(
                f"{control!r} in a class name",
                "teacher",
                "POST",
                "/api/classes",
                {"name": f"7B{control}x"},
            )
        )
    add(
        Bad(
            "a name longer than its limit before stripping",
            "teacher",
            "POST",
            "/api/auth/tokens",
            {"name": "\u00a0" + "x" * 100},
        )
    )
    return cases


def row_counts(engine: sa.Engine) -> dict[str, int]:
    tables = flask_db.metadata.sorted_tables
    query = " UNION ALL ".join(
        f"SELECT '{t.name}' AS name, COUNT(*) AS n FROM {t.name}" for t in tables
    )
    with engine.connect() as connection:
        return dict(connection.execute(sa.text(query)).all())  # type: ignore[arg-type]


@pytest.fixture
def world(app: Any, sign_up: Any, loaded_bank: Any, clock: Any) -> dict[str, Any]:
    teacher, learner = sign_up("teacher", "teacher"), sign_up("learner", "learner")
    questions = one_of_each_type(teacher)
    class_id = classroom(teacher, learner)
    quiz_id = assigned_quiz(teacher, class_id, [q["id"] for q in questions])
    attempt = learner.post(f"/api/quizzes/{quiz_id}/attempts").get_json()
    items = {i["type"]: i["id"] for i in attempt["items"]}
    cloze = next(i for i in attempt["items"] if i["type"] == "cloze")
    return {
        "people": {"teacher": teacher, "learner": learner},
        "ids": {
            "attempt": attempt["id"],
            "items": items,
            "blanks": len(cloze["content"]["segments"]) - 1,
            "quiz": quiz_id,
            "class": class_id,
            "question": questions[0]["id"],
            "bank": questions[0]["bank_id"],
            "source": teacher.get("/api/sources").get_json()[0]["id"],
        },
    }


def send(app: Any, world: dict[str, Any], case: Bad) -> Any:
    headers: dict[str, str] = {}
    if case.who == "anonymous":
        client = app.test_client()
    else:
        actor = world["people"][case.who]
        client, headers = actor.client, {"X-CSRF-Token": actor.csrf}
    if case.body is None:
        return client.open(case.path, method=case.method, headers=headers)
    data = case.body if isinstance(case.body, bytes) else _json(case.body)
    headers["Content-Type"] = case.content_type
    return client.open(case.path, method=case.method, data=data, headers=headers)


def test_bad_input_is_a_4xx_problem_that_writes_nothing(
    app: Any, world: dict[str, Any], db: Any, database_url: str
) -> None:
    app.config["PROPAGATE_EXCEPTIONS"] = False  # a crash must show as the 500 a user would get
    cases = corpus(world["ids"], app.config["MAX_CONTENT_LENGTH"])
    before = row_counts(db.engine)
    failures = []
    for case in cases:
        response = send(app, world, case)
        problem = response.mimetype == "application/problem+json"
        if not (400 <= response.status_code < 500 and problem):
            failures.append(f"{case.name}: {response.status_code} {response.get_data()[:200]!r}")
        after = row_counts(db.engine)
        if after != before:
            changed = {k: (before[k], after[k]) for k in before if before[k] != after[k]}
            failures.append(f"{case.name}: wrote rows {changed}")
            before = after
    app.config["PROPAGATE_EXCEPTIONS"] = None
    backend = "postgresql" if database_url.startswith("postgresql") else "sqlite"
    record("bad inputs", f"{len(cases)} tried on {backend}, {len(failures)} not a clean 4xx")
    assert failures == [], "\n".join(failures)
