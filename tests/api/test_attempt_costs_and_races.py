"""The hot paths cost a constant number of queries, and limits hold under concurrency."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from quiz_helpers import assigned_quiz, classroom, correct_answers
from sqlalchemy import func, select

from app.models import Attempt


def quiz_of(teacher: Any, learner: Any, size: int, **settings: Any) -> int:
    questions = teacher.get(f"/api/questions?type=single_choice&page_size={size}").get_json()
    assert len(questions) == size
    return assigned_quiz(
        teacher, classroom(teacher, learner), [q["id"] for q in questions], **settings
    )


def costs(teacher: Any, learner: Any, count_queries: Any, size: int) -> tuple[int, int]:
    quiz_id = quiz_of(teacher, learner, size)
    attempt = learner.post(f"/api/quizzes/{quiz_id}/attempts").get_json()
    right = correct_answers(teacher, attempt["id"])
    item_id = attempt["items"][-1]["id"]
    with count_queries() as save_queries:
        saved = learner.client.put(
            f"/api/attempts/{attempt['id']}/responses/{item_id}",
            json={"response": right[item_id]},
            headers={"X-CSRF-Token": learner.csrf},
        )
    assert saved.status_code == 200
    with count_queries() as submit_queries:
        done = learner.post(f"/api/attempts/{attempt['id']}/submit")
    assert done.get_json()["score"] == 1
    return len(save_queries), len(submit_queries)


def test_save_and_submit_cost_the_same_for_5_or_50_questions(
    sign_up: Any, loaded_bank: Any, clock: Any, count_queries: Any
) -> None:
    small = costs(sign_up("teacher"), sign_up("learner"), count_queries, 5)
    large = costs(sign_up("teacher"), sign_up("learner"), count_queries, 50)
    assert small == large, {"5 questions": small, "50 questions": large}
    save, _ = small
    assert save <= 4  # the user, the item with its attempt, the upsert (+ commit bookkeeping)


@pytest.fixture
def postgres_only(database_url: str) -> None:
    if not database_url.startswith("postgresql"):
        pytest.skip("row locks and concurrent transactions are tested on PostgreSQL")


def run_together(*calls: Any) -> list[Any]:
    barrier = threading.Barrier(len(calls))
    results: list[Any] = [None] * len(calls)

    def worker(index: int) -> None:
        barrier.wait()
        results[index] = calls[index]()

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(len(calls))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return results


def test_simultaneous_starts_at_the_limit_make_one_attempt(
    postgres_only: None, app: Any, teacher: Any, learner: Any, loaded_bank: Any, db: Any
) -> None:
    quiz_id = quiz_of(teacher, learner, 5, max_attempts=1)
    clients = [app.test_client() for _ in range(4)]
    for client in clients:
        client.post(
            "/api/auth/login", json={"email": learner.user["email"], "password": learner.password}
        )
    responses = run_together(
        *[lambda c=c: c.post(f"/api/quizzes/{quiz_id}/attempts", headers=_csrf(c)) for c in clients]
    )
    statuses = sorted(r.status_code for r in responses)
    assert statuses.count(201) == 1 and set(statuses) <= {200, 201}, statuses
    assert len({r.get_json()["id"] for r in responses}) == 1
    assert db.session.scalar(select(func.count()).select_from(Attempt)) == 1


def test_simultaneous_starts_never_exceed_the_attempt_limit(
    postgres_only: None, app: Any, teacher: Any, learner: Any, loaded_bank: Any, db: Any
) -> None:
    quiz_id = quiz_of(teacher, learner, 5, max_attempts=2)
    first = learner.post(f"/api/quizzes/{quiz_id}/attempts").get_json()
    learner.post(f"/api/attempts/{first['id']}/submit")
    clients = [app.test_client() for _ in range(4)]
    for client in clients:
        client.post(
            "/api/auth/login", json={"email": learner.user["email"], "password": learner.password}
        )
    run_together(
        *[lambda c=c: c.post(f"/api/quizzes/{quiz_id}/attempts", headers=_csrf(c)) for c in clients]
    )
    numbers = db.session.scalars(select(Attempt.number).order_by(Attempt.number)).all()
    assert numbers == [1, 2]


def test_simultaneous_submits_score_once(
    postgres_only: None, app: Any, teacher: Any, learner: Any, loaded_bank: Any, db: Any
) -> None:
    import sqlalchemy as sa

    quiz_id = quiz_of(teacher, learner, 10)
    attempt = learner.post(f"/api/quizzes/{quiz_id}/attempts").get_json()
    clients = [app.test_client() for _ in range(4)]
    for client in clients:
        client.post(
            "/api/auth/login", json={"email": learner.user["email"], "password": learner.password}
        )
    item_writes: list[str] = []

    def record(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        if statement.startswith("UPDATE attempt_items"):
            item_writes.append(statement)

    sa.event.listen(db.engine, "before_cursor_execute", record)
    try:
        responses = run_together(
            *[
                lambda c=c: c.post(f"/api/attempts/{attempt['id']}/submit", headers=_csrf(c))
                for c in clients
            ]
        )
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", record)
    bodies = [r.get_json() for r in responses]
    assert all(r.status_code == 200 for r in responses), bodies
    assert len({(b["submitted_at"], b["score"]) for b in bodies}) == 1
    assert len(item_writes) == 1


def _csrf(client: Any) -> dict[str, str]:
    token = client.get("/api/auth/me").get_json()["csrf_token"]
    return {"X-CSRF-Token": token}
