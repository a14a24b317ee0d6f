"""Classes: join codes, membership, who sees what."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select

from app.models import ClassMembership
from app.services.classes import JOIN_CODE_ALPHABET, JOIN_CODE_LENGTH


def test_a_teacher_creates_a_class_with_an_unguessable_code(teacher: Any) -> None:
    created = teacher.post("/api/classes", json={"name": "Year 10 history"})
    assert created.status_code == 201
    body = created.get_json()
    assert body["name"] == "Year 10 history" and body["member_count"] == 0
    assert len(body["join_code"]) == JOIN_CODE_LENGTH
    assert set(body["join_code"]) <= set(JOIN_CODE_ALPHABET)
    codes = {
        teacher.post("/api/classes", json={"name": f"c{i}"}).get_json()["join_code"]
        for i in range(5)
    }
    assert len(codes | {body["join_code"]}) == 6


def test_a_learner_joins_by_code_once_however_often_they_try(
    teacher: Any, learner: Any, db: Any
) -> None:
    code = teacher.post("/api/classes", json={"name": "7B"}).get_json()["join_code"]
    typed = f" {code[:5].lower()} {code[5:]} "
    joined = learner.post("/api/classes/join", json={"join_code": typed})
    assert joined.status_code == 200
    assert joined.get_json()["name"] == "7B" and "join_code" not in joined.get_json()
    assert learner.post("/api/classes/join", json={"join_code": code}).status_code == 200
    assert db.session.scalar(select(func.count()).select_from(ClassMembership)) == 1

    mine = learner.get("/api/me/classes").get_json()
    assert [(c["name"], c["teacher"]) for c in mine] == [("7B", "teacher")]
    assert "join_code" not in mine[0]


def test_a_wrong_code_is_a_404_and_writes_nothing(learner: Any, db: Any) -> None:
    response = learner.post("/api/classes/join", json={"join_code": "NOPE234567"})
    assert response.status_code == 404
    assert response.get_json()["detail"] == "No class has this join code."
    assert db.session.scalar(select(func.count()).select_from(ClassMembership)) == 0


def test_the_owner_lists_and_removes_members(teacher: Any, sign_up: Any) -> None:
    school_class = teacher.post("/api/classes", json={"name": "7B"}).get_json()
    ann, bob = sign_up("learner", "ann"), sign_up("learner", "bob")
    for learner in (ann, bob):
        learner.post("/api/classes/join", json={"join_code": school_class["join_code"]})

    members = teacher.get(f"/api/classes/{school_class['id']}/members").get_json()
    assert [m["display_name"] for m in members] == ["ann", "bob"]
    assert teacher.get(f"/api/classes/{school_class['id']}").get_json()["member_count"] == 2

    removed = teacher.delete(f"/api/classes/{school_class['id']}/members/{ann.id}")
    assert removed.status_code == 204
    members = teacher.get(f"/api/classes/{school_class['id']}/members").get_json()
    assert [m["display_name"] for m in members] == ["bob"]
    assert ann.get("/api/me/classes").get_json() == []
    again = teacher.delete(f"/api/classes/{school_class['id']}/members/{ann.id}")
    assert again.status_code == 404


def test_a_regenerated_code_replaces_the_old_one(teacher: Any, sign_up: Any) -> None:
    school_class = teacher.post("/api/classes", json={"name": "7B"}).get_json()
    early = sign_up("learner")
    early.post("/api/classes/join", json={"join_code": school_class["join_code"]})
    fresh = teacher.post(f"/api/classes/{school_class['id']}/join-code").get_json()
    assert fresh["join_code"] != school_class["join_code"] and fresh["member_count"] == 1
    late = sign_up("learner")
    old = late.post("/api/classes/join", json={"join_code": school_class["join_code"]})
    assert old.status_code == 404
    new = late.post("/api/classes/join", json={"join_code": fresh["join_code"]})
    assert new.status_code == 200


def test_a_teacher_lists_only_their_own_classes(sign_up: Any) -> None:
    mine, theirs = sign_up("teacher"), sign_up("teacher")
    mine.post("/api/classes", json={"name": "mine"})
    theirs.post("/api/classes", json={"name": "theirs"})
    assert [c["name"] for c in mine.get("/api/classes").get_json()] == ["mine"]


def test_bad_class_input_is_a_422(teacher: Any, learner: Any) -> None:
    assert teacher.post("/api/classes", json={"name": ""}).status_code == 422
    assert teacher.post("/api/classes", json={}).status_code == 422
    assert teacher.post("/api/classes", json={"name": 7}).status_code == 422
    assert learner.post("/api/classes/join", json={"join_code": 12}).status_code == 422
    assert teacher.post("/api/classes", data="not json").status_code in {415, 422}
