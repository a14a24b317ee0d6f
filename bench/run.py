"""Benchmark: times the content load and the public read endpoints on a fresh database.

    make bench                      # SQLite in a temporary directory
    make bench BENCH_ARGS="--database-url postgresql://postgres@127.0.0.1/test --requests 2000"

Prints one line per measurement: the median and 95th percentile per operation, and requests
per second for one client in-process (the Flask test client, so no network or server cost).
Figures depend on the machine; compare runs on the same machine only.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient
from flask_migrate import upgrade

from app import create_app
from app.config import PROJECT_ROOT, normalise_database_url
from app.content.load import load_catalog
from app.content.read import read_catalog
from app.extensions import db


def timed(label: str, repeat: int, action: Callable[[], object]) -> None:
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        action()
        samples.append(time.perf_counter() - start)
    median = statistics.median(samples) * 1000
    p95 = sorted(samples)[max(0, int(len(samples) * 0.95) - 1)] * 1000
    rate = repeat / sum(samples)
    print(f"{label:<40} n={repeat:<6} median={median:8.2f} ms  p95={p95:8.2f} ms  {rate:9.1f}/s")


def sign_up(app: Flask, email: str, role: str) -> tuple[FlaskClient, dict[str, str]]:
    client = app.test_client()
    body = {"email": email, "password": "benchmark-password", "display_name": email, "role": role}
    client.post("/api/auth/register", json=body)
    credentials = {"email": email, "password": body["password"]}
    login = client.post("/api/auth/login", json=credentials).get_json()
    return client, {"X-CSRF-Token": login["csrf_token"]}


def bench_attempts(app: Flask, requests: int) -> None:
    """The busiest path: a class saving responses during a 20-question quiz, then submits."""
    teacher, t_headers = sign_up(app, "bench-teacher@example.test", "teacher")
    school_class = teacher.post("/api/classes", json={"name": "bench"}, headers=t_headers)
    code = school_class.get_json()["join_code"]
    questions = teacher.get("/api/questions?type=single_choice&page_size=20").get_json()
    quiz = teacher.post(
        "/api/quizzes",
        json={"title": "bench", "question_ids": [q["id"] for q in questions]},
        headers=t_headers,
    ).get_json()
    teacher.post(
        f"/api/quizzes/{quiz['id']}/assignments",
        json={"class_id": school_class.get_json()["id"]},
        headers=t_headers,
    )
    learners = []
    for n in range(30):
        client, headers = sign_up(app, f"bench-learner-{n}@example.test", "learner")
        client.post("/api/classes/join", json={"join_code": code}, headers=headers)
        attempt = client.post(f"/api/quizzes/{quiz['id']}/attempts", headers=headers).get_json()
        learners.append((client, headers, attempt))

    counter = iter(range(10**9))

    def save() -> None:
        client, headers, attempt = learners[next(counter) % len(learners)]
        item = attempt["items"][next(counter) % len(attempt["items"])]
        choice = item["content"]["options"][0]["id"]
        client.put(
            f"/api/attempts/{attempt['id']}/responses/{item['id']}",
            json={"response": {"choice": choice}},
            headers=headers,
        )

    timed("PUT /api/attempts/<id>/responses/<item>", requests, save)
    submits = iter(learners)

    def submit() -> None:
        client, headers, attempt = next(submits)
        client.post(f"/api/attempts/{attempt['id']}/submit", headers=headers)

    timed("POST /api/attempts/<id>/submit (20 items)", len(learners), submit)


def bench_statistics(app: Flask, sizes: list[int]) -> None:
    """Item analysis over many submitted attempts of a 10-question quiz (synthetic rows)."""
    import random
    from datetime import UTC, datetime, timedelta

    from app.models import Attempt, AttemptItem, QuestionVersion, Response, User

    teacher, headers = sign_up(app, "stats-teacher@example.test", "teacher")
    questions = teacher.get("/api/questions?type=single_choice&page_size=10").get_json()
    rng = random.Random(7)
    start = datetime(2026, 1, 5, 9, tzinfo=UTC)
    versions = {
        v.question_id: v
        for v in db.session.scalars(
            sa.select(QuestionVersion).where(
                QuestionVersion.question_id.in_([q["id"] for q in questions])
            )
        )
    }
    learners = [
        User(email=f"s{n}@example.test", password_hash="x", display_name=f"s{n}", role="learner")
        for n in range(100)
    ]
    db.session.add_all(learners)
    db.session.commit()
    for size in sizes:
        quiz = teacher.post(
            "/api/quizzes",
            json={"title": f"stats {size}", "question_ids": [q["id"] for q in questions]},
            headers=headers,
        ).get_json()
        attempts = [
            {
                "quiz_id": quiz["id"],
                "learner_id": learners[n % 100].id,
                "number": n // 100 + 1,
                "seed": n,
                "state": "submitted",
                "started_at": start,
                "submitted_at": start + timedelta(minutes=10),
                "max_score": 10.0,
                "score": 0.0,
            }
            for n in range(size)
        ]
        db.session.execute(sa.insert(Attempt), attempts)
        ids = db.session.scalars(
            sa.select(Attempt.id).where(Attempt.quiz_id == quiz["id"]).order_by(Attempt.id)
        ).all()
        items, responses, totals = [], [], {}
        for attempt_id in ids:
            ability = rng.random()
            for position, question in enumerate(questions):
                version = versions[question["id"]]
                right = rng.random() < ability
                options = version.content["options"]
                choice = (
                    version.answer_key["choice"]
                    if right
                    else next(o["id"] for o in options if o["id"] != version.answer_key["choice"])
                )
                items.append(
                    {
                        "attempt_id": attempt_id,
                        "position": position,
                        "question_version_id": version.id,
                        "content": version.content,
                        "points": 1.0,
                        "score": float(right),
                    }
                )
                responses.append((attempt_id, position, choice))
                totals[attempt_id] = totals.get(attempt_id, 0.0) + float(right)
        db.session.execute(sa.insert(AttemptItem), items)
        item_ids = {
            (a, p): i
            for i, a, p in db.session.execute(
                sa.select(AttemptItem.id, AttemptItem.attempt_id, AttemptItem.position).where(
                    AttemptItem.attempt_id.in_(ids)
                )
            )
        }
        db.session.execute(
            sa.insert(Response),
            [
                {
                    "attempt_item_id": item_ids[(a, p)],
                    "response": {"choice": c},
                    "saved_at": start + timedelta(seconds=30 * (p + 1)),
                }
                for a, p, c in responses
            ],
        )
        db.session.execute(
            sa.update(Attempt), [{"id": a, "score": score} for a, score in totals.items()]
        )
        db.session.commit()
        if db.engine.dialect.name == "postgresql":
            # Fresh planner statistics, as autovacuum would have after such a load.
            with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
                conn.execute(sa.text("ANALYZE"))
        timed(
            f"GET /api/quizzes/<id>/statistics ({size} attempts)",
            3,
            lambda quiz_id=quiz["id"]: teacher.get(f"/api/quizzes/{quiz_id}/statistics"),
        )


def reset_postgres(url: str) -> None:
    engine = sa.create_engine(url)
    with engine.begin() as connection:
        connection.execute(sa.text("DROP SCHEMA public CASCADE"))
        connection.execute(sa.text("CREATE SCHEMA public"))
    engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", help="a scratch database (it is emptied)")
    parser.add_argument("--requests", type=int, default=1000)
    parser.add_argument(
        "--statistics",
        type=int,
        nargs="*",
        default=[1000, 10000],
        help="attempt counts to time item analysis at (none to skip)",
    )
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as scratch:
        url = args.database_url or f"sqlite:///{os.path.join(scratch, 'bench.sqlite3')}"
        url = normalise_database_url(url)
        if url.startswith("postgresql"):
            reset_postgres(url)
        app = create_app({"ENV_NAME": "testing", "SQLALCHEMY_DATABASE_URI": url})
        with app.app_context():
            upgrade()
            print(f"database: {db.engine.url.render_as_string(hide_password=True)}")
            timed(
                "build catalog (validate questions/)",
                5,
                lambda: read_catalog(PROJECT_ROOT / "questions"),
            )
            catalog = read_catalog(PROJECT_ROOT / "questions")
            timed(
                "load catalog (first, then unchanged)",
                3,
                lambda: (load_catalog(db.session, catalog), db.session.commit()),
            )
            client = app.test_client()
            source_id = client.get("/api/sources").get_json()[0]["id"]
            timed("GET /api/sources", args.requests, lambda: client.get("/api/sources"))
            timed(
                "GET /api/sources/<id>",
                args.requests,
                lambda: client.get(f"/api/sources/{source_id}"),
            )
            timed("GET /healthz", args.requests, lambda: client.get("/healthz"))
            db.session.remove()
            bench_attempts(app, args.requests)
            db.session.remove()
            if args.statistics:
                bench_statistics(app, args.statistics)
                db.session.remove()
            db.engine.dispose()


if __name__ == "__main__":
    main()
