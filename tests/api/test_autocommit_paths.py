"""The hot paths that run outside a transaction when nothing has begun one (issue 14): the
save (statement by statement), reading an attempt and resuming one (reads in autocommit,
switching to a transaction to write). The rest of the suite runs inside a test transaction,
which keeps these paths in a transaction; here the app's session is bound to the engine
(`commits`), as in production, and the learner acts by cookie."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from quiz_helpers import assigned_quiz, classroom, correct_answers
from sqlalchemy import func, select

from app.models import AnswerLog, Attempt, FactReview

pytestmark = pytest.mark.commits


def quiz_for(teacher: Any, learner: Any, **settings: Any) -> int:
    questions = teacher.get("/api/questions?type=single_choice&page_size=3").get_json()
    return assigned_quiz(
        teacher, classroom(teacher, learner), [q["id"] for q in questions], **settings
    )


def test_an_overdue_attempt_read_outside_a_transaction_is_graded_once(
    teacher: Any, learner: Any, loaded_bank: Any, clock: Any, db: Any
) -> None:
    quiz_id = quiz_for(teacher, learner, time_limit_s=60)
    attempt = learner.post(f"/api/quizzes/{quiz_id}/attempts").get_json()
    right = correct_answers(teacher, attempt["id"])
    item = attempt["items"][0]
    saved = learner.put(
        f"/api/attempts/{attempt['id']}/responses/{item['id']}",
        json={"response": right[item["id"]]},
    )
    assert saved.status_code == 200
    shown = learner.get(f"/api/attempts/{attempt['id']}").get_json()
    assert shown["state"] == "in_progress" and shown["items"][0]["response"] is not None
    clock.advance(seconds=120)
    overdue = learner.get(f"/api/attempts/{attempt['id']}")
    assert overdue.status_code == 200, overdue.get_json()
    assert overdue.get_json()["state"] == "submitted"
    again = learner.get(f"/api/attempts/{attempt['id']}").get_json()
    assert (
        again["state"] == "submitted"
        and again["submitted_at"] == overdue.get_json()["submitted_at"]
    )
    db.session.expire_all()
    stored = db.session.get(Attempt, attempt["id"])
    assert stored.state == "submitted" and stored.score == 1
    logged = db.session.scalar(
        select(func.count()).select_from(AnswerLog).where(AnswerLog.learner_id == learner.id)
    )
    assert logged == 3  # graded once: one logged answer per item


def test_listing_assignments_closes_an_overdue_attempt_once(
    teacher: Any, learner: Any, loaded_bank: Any, clock: Any, db: Any
) -> None:
    quiz_id = quiz_for(teacher, learner, time_limit_s=60)
    attempt = learner.post(f"/api/quizzes/{quiz_id}/attempts").get_json()
    listed = learner.get("/api/me/assignments").get_json()
    assert [a["status"] for a in listed] == ["in_progress"]
    clock.advance(seconds=120)
    listed = learner.get("/api/me/assignments")
    assert listed.status_code == 200, listed.get_json()
    assert [a["status"] for a in listed.get_json()] == ["submitted"]
    assert learner.get("/api/me/assignments").get_json()[0]["status"] == "submitted"
    db.session.expire_all()
    assert db.session.get(Attempt, attempt["id"]).state == "submitted"
    logged = db.session.scalar(
        select(func.count()).select_from(AnswerLog).where(AnswerLog.learner_id == learner.id)
    )
    assert logged == 3


def test_resuming_reads_and_a_new_attempt_is_written(
    teacher: Any, learner: Any, loaded_bank: Any, clock: Any, db: Any
) -> None:
    quiz_id = quiz_for(teacher, learner, max_attempts=2)
    first = learner.post(f"/api/quizzes/{quiz_id}/attempts")
    assert first.status_code == 201
    resumed = learner.post(f"/api/quizzes/{quiz_id}/attempts")
    assert resumed.status_code == 200 and resumed.get_json()["id"] == first.get_json()["id"]
    assert learner.post(f"/api/attempts/{first.get_json()['id']}/submit").status_code == 200
    second = learner.post(f"/api/quizzes/{quiz_id}/attempts")
    assert second.status_code == 201 and second.get_json()["number"] == 2
    assert learner.post(f"/api/attempts/{second.get_json()['id']}/submit").status_code == 200
    refused = learner.post(f"/api/quizzes/{quiz_id}/attempts")
    assert refused.status_code == 409 and refused.mimetype == "application/problem+json"
    db.session.expire_all()
    count = db.session.scalar(
        select(func.count()).select_from(Attempt).where(Attempt.learner_id == learner.id)
    )
    assert count == 2


def test_a_save_outside_a_transaction_refused_writes_nothing(
    teacher: Any, learner: Any, loaded_bank: Any, clock: Any, db: Any
) -> None:
    quiz_id = quiz_for(teacher, learner)
    attempt = learner.post(f"/api/quizzes/{quiz_id}/attempts").get_json()
    item = attempt["items"][0]
    path = f"/api/attempts/{attempt['id']}/responses/{item['id']}"
    bad = learner.put(path, json={"response": {"choice": "not-an-option"}})
    assert bad.status_code == 422
    assert learner.post(f"/api/attempts/{attempt['id']}/submit").status_code == 200
    late = learner.put(path, json={"response": {"choice": item["content"]["options"][0]["id"]}})
    assert late.status_code == 409
    shown = learner.get(f"/api/attempts/{attempt['id']}").get_json()
    assert shown["items"][0]["response"] is None


def test_progress_settles_reviews_that_became_visible_once(
    teacher: Any, learner: Any, loaded_bank: Any, clock: Any, db: Any
) -> None:
    """Results held back until the quiz closes reach progress when it has closed: the first
    read after the close applies them (in a transaction), the next reads only read."""
    closes = (clock() + timedelta(hours=1)).isoformat()
    quiz_id = quiz_for(teacher, learner, feedback="after_close", closes_at=closes)
    attempt = learner.post(f"/api/quizzes/{quiz_id}/attempts").get_json()
    right = correct_answers(teacher, attempt["id"])
    for item in attempt["items"]:
        learner.put(
            f"/api/attempts/{attempt['id']}/responses/{item['id']}",
            json={"response": right[item["id"]]},
        )
    assert learner.post(f"/api/attempts/{attempt['id']}/submit").status_code == 200
    before = learner.get("/api/me/progress").get_json()
    assert before["facts"] == []
    clock.advance(hours=2)
    after = learner.get("/api/me/progress")
    assert after.status_code == 200, after.get_json()
    assert after.get_json()["facts"] != []
    assert learner.get("/api/me/progress").get_json() == after.get_json()
    db.session.expire_all()
    pending = db.session.scalar(
        select(func.count())
        .select_from(FactReview)
        .where(FactReview.learner_id == learner.id, FactReview.applied.is_(False))
    )
    assert pending == 0
