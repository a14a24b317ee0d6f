"""Saving an answer, reading and resuming an attempt check the session in their own query
(issue 14): every refusal they gave when the session was loaded first must still be given,
and nothing written."""

from __future__ import annotations

from typing import Any

from flask import Flask
from quiz_helpers import assigned_quiz, bearer, classroom, some_answer
from sqlalchemy import func, select

from app.models import Response


def started(teacher: Any, learner: Any) -> tuple[int, dict[str, Any]]:
    questions = teacher.get("/api/questions?type=single_choice&page_size=3").get_json()
    quiz_id = assigned_quiz(teacher, classroom(teacher, learner), [q["id"] for q in questions])
    attempt = learner.post(f"/api/quizzes/{quiz_id}/attempts").get_json()
    return attempt["id"], attempt["items"][0]


def saved_count(db: Any) -> int:
    return db.session.scalar(select(func.count()).select_from(Response)) or 0


def copy_of(app: Flask, actor: Any) -> Any:
    thief = app.test_client()
    cookie = actor.client.get_cookie("session")
    thief.set_cookie("session", cookie.value)
    return thief


def test_a_cookie_copied_before_logout_cannot_save(
    app: Flask, db: Any, sign_up: Any, loaded_bank: Any
) -> None:
    teacher, learner = sign_up("teacher"), sign_up("learner")
    attempt_id, item = started(teacher, learner)
    thief = copy_of(app, learner)
    path = f"/api/attempts/{attempt_id}/responses/{item['id']}"
    headers = {"X-CSRF-Token": learner.csrf}
    assert thief.put(path, json={"response": some_answer(item)}, headers=headers).status_code == 200
    assert learner.post("/api/auth/logout").status_code == 204
    before = saved_count(db)
    refused = thief.put(path, json={"response": some_answer(item)}, headers=headers)
    assert refused.status_code == 401, refused.get_json()
    assert refused.mimetype == "application/problem+json"
    # A bad body from a dead session is still told to sign in, not what is wrong with the body.
    bad = thief.put(path, json={"response": "nonsense", "extra": 1}, headers=headers)
    assert bad.status_code == 401, bad.get_json()
    assert saved_count(db) == before


def test_a_bad_body_from_a_live_session_is_422(sign_up: Any, loaded_bank: Any) -> None:
    teacher, learner = sign_up("teacher"), sign_up("learner")
    attempt_id, item = started(teacher, learner)
    bad = learner.put(f"/api/attempts/{attempt_id}/responses/{item['id']}", json={"x": 1})
    assert bad.status_code == 422, bad.get_json()


def test_a_teacher_saving_is_403_and_another_learner_404(
    sign_up: Any, loaded_bank: Any, db: Any
) -> None:
    teacher, learner, other = sign_up("teacher"), sign_up("learner"), sign_up("learner")
    attempt_id, item = started(teacher, learner)
    path = f"/api/attempts/{attempt_id}/responses/{item['id']}"
    body = {"response": some_answer(item)}
    assert teacher.put(path, json=body).status_code == 403
    assert other.put(path, json=body).status_code == 404
    assert saved_count(db) == 0


def test_a_bearer_token_saves_and_a_revoked_one_cannot(
    app: Flask, sign_up: Any, loaded_bank: Any, db: Any
) -> None:
    teacher, learner = sign_up("teacher"), sign_up("learner")
    attempt_id, item = started(teacher, learner)
    auth = bearer(learner)
    path = f"/api/attempts/{attempt_id}/responses/{item['id']}"
    client = app.test_client()
    assert client.put(path, json={"response": some_answer(item)}, headers=auth).status_code == 200
    wrong = {"Authorization": "Bearer not-a-token"}
    assert client.put(path, json={"response": some_answer(item)}, headers=wrong).status_code == 401
    assert saved_count(db) == 1


def test_a_cookie_copied_before_logout_cannot_read_or_resume(
    app: Flask, sign_up: Any, loaded_bank: Any
) -> None:
    """Reading and resuming an attempt check the session in their own query too."""
    teacher, learner = sign_up("teacher"), sign_up("learner")
    attempt_id, _ = started(teacher, learner)
    quiz_id = learner.get(f"/api/attempts/{attempt_id}").get_json()["quiz_id"]
    thief = copy_of(app, learner)
    headers = {"X-CSRF-Token": learner.csrf}
    assert thief.get(f"/api/attempts/{attempt_id}").status_code == 200
    assert thief.post(f"/api/quizzes/{quiz_id}/attempts", headers=headers).status_code == 200
    assert learner.post("/api/auth/logout").status_code == 204
    assert thief.get(f"/api/attempts/{attempt_id}").status_code == 401
    assert thief.post(f"/api/quizzes/{quiz_id}/attempts", headers=headers).status_code == 401
    # The quiz's teacher reads it; a stranger gets 404, a teacher resuming gets 403.
    assert teacher.get(f"/api/attempts/{attempt_id}").status_code == 200
    assert sign_up("learner").get(f"/api/attempts/{attempt_id}").status_code == 404
    assert teacher.post(f"/api/quizzes/{quiz_id}/attempts").status_code == 403


def test_a_cookie_copied_before_logout_cannot_list_assignments(
    app: Flask, sign_up: Any, loaded_bank: Any
) -> None:
    """Listing one's assignments checks the session in its overdue check's query."""
    teacher, learner = sign_up("teacher"), sign_up("learner")
    started(teacher, learner)
    thief = copy_of(app, learner)
    assert len(thief.get("/api/me/assignments").get_json()) == 1
    assert learner.post("/api/auth/logout").status_code == 204
    refused = thief.get("/api/me/assignments")
    assert refused.status_code == 401 and refused.mimetype == "application/problem+json"
    assert teacher.get("/api/me/assignments").status_code == 403
