"""The authorisation matrix: every endpoint as anonymous, learner, owner, other teacher.

One row per endpoint; each cell is the status that person must get. "owner" is the teacher
who owns the class or question in the path (or any teacher where nothing is owned).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest


@dataclass(frozen=True)
class Row:
    method: str
    path: str
    body: dict[str, Any] | None
    anonymous: int
    learner: int
    owner: int
    other_teacher: int


NEW_QUESTION = {
    "type": "true_false",
    "prompt": "The treaty was signed in Pyongyang.",
    "answer": True,
    "tags": ["background"],
    "difficulty": "easy",
    "explanation": "It was.",
}

MATRIX = [
    Row("GET", "/api/auth/me", None, 401, 200, 200, 200),
    Row("GET", "/api/auth/tokens", None, 401, 200, 200, 200),
    Row("POST", "/api/auth/tokens", {"name": "t"}, 401, 201, 201, 201),
    Row("POST", "/api/auth/logout", None, 401, 204, 204, 204),
    Row("GET", "/api/sources", None, 200, 200, 200, 200),
    Row("GET", "/api/sources/{source}", None, 200, 200, 200, 200),
    Row("GET", "/api/sources/{source}/facts", None, 401, 403, 200, 200),
    Row("GET", "/api/banks", None, 401, 200, 200, 200),
    Row("GET", "/api/questions", None, 401, 403, 200, 200),
    Row("GET", "/api/questions/{shared_question}", None, 401, 403, 200, 200),
    Row("GET", "/api/questions/{own_question}", None, 401, 403, 200, 404),
    Row("POST", "/api/questions", NEW_QUESTION, 401, 403, 201, 201),
    Row("PATCH", "/api/questions/{own_question}", {"answer": False}, 401, 403, 200, 404),
    Row("PATCH", "/api/questions/{shared_question}", {"answer": False}, 401, 403, 403, 403),
    Row("GET", "/api/classes", None, 401, 403, 200, 200),
    Row("POST", "/api/classes", {"name": "c"}, 401, 403, 201, 201),
    Row("GET", "/api/classes/{class}", None, 401, 403, 200, 404),
    Row("POST", "/api/classes/{class}/join-code", None, 401, 403, 200, 404),
    Row("GET", "/api/classes/{class}/members", None, 401, 403, 200, 404),
    Row("DELETE", "/api/classes/{class}/members/{member}", None, 401, 403, 204, 404),
    Row("POST", "/api/classes/join", {"join_code": "{join_code}"}, 401, 200, 403, 403),
    Row("GET", "/api/me/classes", None, 401, 200, 403, 403),
    Row("GET", "/api/classes/{class}/progress", None, 401, 403, 200, 404),
    Row("GET", "/api/classes/{class}/gradebook.csv", None, 401, 403, 200, 404),
    Row("GET", "/api/quizzes", None, 401, 403, 200, 200),
    Row(
        "POST",
        "/api/quizzes",
        {"title": "q", "question_ids": ["{shared_question}"]},
        401,
        403,
        201,
        201,
    ),
    Row("GET", "/api/quizzes/{quiz}", None, 401, 403, 200, 404),
    Row("PATCH", "/api/quizzes/{quiz}", {"title": "renamed"}, 401, 403, 200, 404),
    Row(
        "POST", "/api/quizzes/{quiz}/assignments", {"class_id": "{other_class}"}, 401, 403, 201, 404
    ),
    Row("GET", "/api/quizzes/{quiz}/statistics", None, 401, 403, 200, 404),
    Row("GET", "/api/me/assignments", None, 401, 200, 403, 403),
    Row("POST", "/api/quizzes/{quiz}/attempts", None, 401, 404, 403, 403),
    Row("GET", "/api/attempts/{attempt}", None, 401, 404, 200, 404),
    Row("PUT", "/api/attempts/{attempt}/responses/{item}", {"response": {}}, 401, 404, 403, 403),
    Row("POST", "/api/attempts/{attempt}/submit", None, 401, 404, 403, 403),
    Row("GET", "/api/attempts/{attempt}/review", None, 401, 404, 200, 404),
    Row("GET", "/api/me/progress", None, 401, 200, 403, 403),
    Row("GET", "/api/practice/next?bank={bank}", None, 401, 200, 403, 403),
    Row("POST", "/api/practice/{shared_question}/answer", {"response": {}}, 401, 409, 403, 403),
]


@pytest.fixture
def world(sign_up: Any, loaded_bank: Any) -> dict[str, Any]:
    owner, other = sign_up("teacher", "owner"), sign_up("teacher", "other")
    learner, member = sign_up("learner", "learner"), sign_up("learner", "member")
    school_class = owner.post("/api/classes", json={"name": "7B"}).get_json()
    member.post("/api/classes/join", json={"join_code": school_class["join_code"]})
    own_question = owner.post("/api/questions", json=NEW_QUESTION).get_json()
    shared = owner.get("/api/questions?type=numeric").get_json()[0]
    source = owner.get("/api/sources").get_json()[0]
    other_class = owner.post("/api/classes", json={"name": "8C"}).get_json()
    quiz = owner.post(
        "/api/quizzes", json={"title": "q", "question_ids": [shared["id"]]}
    ).get_json()
    owner.post(f"/api/quizzes/{quiz['id']}/assignments", json={"class_id": school_class["id"]})
    attempt = member.post(f"/api/quizzes/{quiz['id']}/attempts").get_json()
    return {
        "people": {"learner": learner, "owner": owner, "other_teacher": other},
        "ids": {
            "source": source["id"],
            "class": school_class["id"],
            "join_code": school_class["join_code"],
            "member": member.id,
            "own_question": own_question["id"],
            "shared_question": shared["id"],
            "other_class": other_class["id"],
            "quiz": quiz["id"],
            "attempt": attempt["id"],
            "item": attempt["items"][0]["id"],
            "bank": shared["bank_id"],
        },
    }


def fill(template: Any, ids: dict[str, Any]) -> Any:
    if isinstance(template, str):
        whole = template.strip("{}")
        # A value that is only a placeholder keeps its type (an id stays a number).
        if template == "{" + whole + "}" and whole in ids:
            return ids[whole]
        return template.format(**ids)
    if isinstance(template, dict):
        return {k: fill(v, ids) for k, v in template.items()}
    if isinstance(template, list):
        return [fill(v, ids) for v in template]
    return template


@pytest.mark.parametrize("row", MATRIX, ids=lambda r: f"{r.method} {r.path}")
@pytest.mark.parametrize("who", ["anonymous", "learner", "owner", "other_teacher"])
def test_authorisation_matrix(app: Any, world: dict[str, Any], row: Row, who: str) -> None:
    path, body = fill(row.path, world["ids"]), fill(row.body, world["ids"])
    if who == "anonymous":
        response = app.test_client().open(path, method=row.method, json=body)
    else:
        actor = world["people"][who]
        response = actor._write(row.method, path, json=body)
    expected = getattr(row, who)
    assert response.status_code == expected, response.get_data(as_text=True)
    if expected >= 400:
        assert response.mimetype == "application/problem+json"
