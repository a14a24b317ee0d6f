"""`flask demo` (what `make run` shows): the demo accounts, class and a quiz the class took."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import func, select

from app.models import (
    AnswerLog,
    Assignment,
    Attempt,
    ClassMembership,
    FactReview,
    Quiz,
    Response,
    User,
)
from app.services.demo import DEMO_CLASSMATES

# The command commits, on a database with the bank loaded and nothing else.
pytestmark = pytest.mark.commits

MODELS = (User, ClassMembership, Quiz, Assignment, Attempt, Response, AnswerLog, FactReview)


def run_demo(app: Flask) -> str:
    result = app.test_cli_runner().invoke(args=["demo"])
    assert result.exit_code == 0, result.output
    return str(result.output)


def signed_in(app: Flask, email: str, password: str) -> Any:
    client = app.test_client()
    login = client.post("/api/auth/login", json={"email": email, "password": password})
    assert login.status_code == 200, login.get_json()
    return client


def row_counts(db: Any) -> dict[str, int]:
    db.session.rollback()  # read what the command committed
    return {
        model.__name__: db.session.scalar(select(func.count()).select_from(model))
        for model in MODELS
    }


def test_the_demo_class_has_a_quiz_its_classmates_took(
    app: Flask, db: Any, loaded_bank: Any, clock: Any
) -> None:
    output = run_demo(app)
    (teacher_email, teacher_password) = app.config["DEMO_TEACHER"]
    (learner_email, learner_password) = app.config["DEMO_LEARNER"]
    classmates = [f"{local}@demo.sourcequiz.test" for _, local, _ in DEMO_CLASSMATES]
    assert "demo quiz: 'Demo quiz" in output and "already there" not in output
    assert all(email in output for email in classmates)
    teacher = signed_in(app, teacher_email, teacher_password)

    quiz = next(q for q in teacher.get("/api/quizzes").get_json() if q["title"].startswith("Demo"))
    detail = teacher.get(f"/api/quizzes/{quiz['id']}").get_json()
    assert detail["warnings"] == []  # no two questions on one fact, none giving another away
    statistics = teacher.get(f"/api/quizzes/{quiz['id']}/statistics").get_json()
    assert 8 <= len(statistics["questions"]) <= 10
    assert statistics["quiz"]["attempts"] == len(DEMO_CLASSMATES) >= 5
    types = {q["type"] for q in statistics["questions"]}
    assert len(types) >= 8  # mixed types, from the bank's nine
    facilities = [q["facility"] for q in statistics["questions"]]
    assert min(facilities) < max(facilities)  # a spread of right and wrong answers
    scores = {r["score"] for r in _attempt_rows(db, quiz["id"])}
    assert len(scores) >= 3

    class_id = teacher.get("/api/classes").get_json()[0]["id"]
    grid = teacher.get(f"/api/classes/{class_id}/progress").get_json()
    grades = {row["email"]: row["grades"].get(str(quiz["id"])) for row in grid["learners"]}
    assert all(grades[email] is not None for email in classmates)
    assert grades[learner_email] is None
    assert grid["tags"]

    learner = signed_in(app, learner_email, learner_password)
    assignment = next(
        a for a in learner.get("/api/me/assignments").get_json() if a["quiz"]["id"] == quiz["id"]
    )
    assert assignment["status"] == "not_started" and assignment["attempts_used"] == 0
    due = assignment["due_at"]
    assert clock() + timedelta(days=6) < datetime.fromisoformat(due) <= clock() + timedelta(days=7)
    for row in _attempt_rows(db, quiz["id"]):  # finished in the last two days
        assert clock() - timedelta(days=2) <= row["submitted_at"] < clock()
    signed_in(app, classmates[0], learner_password)  # the classmates can sign in too


def test_a_second_demo_run_adds_nothing(app: Flask, db: Any, loaded_bank: Any, clock: Any) -> None:
    first = run_demo(app)
    after_first = row_counts(db)
    assert after_first["Attempt"] == len(DEMO_CLASSMATES)
    clock.advance(days=1)
    second = run_demo(app)
    assert row_counts(db) == after_first
    assert "already there" in second
    results = "one submitted attempt each:"
    assert first.split(results)[1] == second.split(results)[1]  # the same scores


def test_without_a_bank_the_demo_makes_the_accounts_and_says_why_no_quiz(
    app: Flask, db: Any
) -> None:
    output = run_demo(app)
    assert "no demo quiz: no bank is loaded" in output
    assert row_counts(db)["Quiz"] == 0


def _attempt_rows(db: Any, quiz_id: int) -> list[Any]:
    db.session.rollback()
    return list(
        db.session.execute(
            select(Attempt.score, Attempt.submitted_at).where(Attempt.quiz_id == quiz_id)
        ).mappings()
    )
