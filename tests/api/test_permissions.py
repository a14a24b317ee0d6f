"""The authorisation matrix: every endpoint as anonymous, learner, owner, other teacher.

One row per endpoint; each cell is the status that person must get. "owner" is the teacher
who owns the class or question in the path (or any teacher where nothing is owned).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from quiz_helpers import NEW_ARTICLE, NEW_QUESTION
from summary import record


@dataclass(frozen=True)
class Row:
    method: str
    path: str
    body: dict[str, Any] | None
    anonymous: int
    learner: int
    owner: int
    other_teacher: int


PASTED = {"title": "Fisheries pact", "publisher": "Pacific Daily", "text": NEW_ARTICLE}
REVISED = {"text": NEW_ARTICLE.replace("March 3", "March 4")}
OWN_FACT = {
    "kind": "entity",
    "statement": "The Pacific Islands Forum brokered the pact.",
    "answer": "Pacific Islands Forum",
    "fields": {"role": "the broker of the pact", "entity_type": "organisation"},
    "evidence_start": 0,
    "evidence_end": 20,
}

MATRIX = [
    # Anyone may call these: the answers show the request got past authorisation to its checks.
    Row(
        "POST",
        "/api/auth/register",
        {"email": "x@example.test", "password": "short", "display_name": "x", "role": "learner"},
        422,
        422,
        422,
        422,
    ),
    Row(
        "POST", "/api/auth/login", {"email": "no@example.test", "password": "x"}, 401, 401, 401, 401
    ),
    Row("GET", "/api/auth/me", None, 401, 200, 200, 200),
    Row("GET", "/api/auth/tokens", None, 401, 200, 200, 200),
    Row("POST", "/api/auth/tokens", {"name": "t"}, 401, 201, 201, 201),
    Row("POST", "/api/auth/logout", None, 401, 204, 204, 204),
    Row(
        "POST",
        "/api/auth/password",
        {"current_password": "wrong", "new_password": "another long passphrase"},
        401,
        403,
        403,
        403,
    ),
    Row("DELETE", "/api/auth/tokens/{token}", None, 401, 404, 204, 404),
    Row("GET", "/api/openapi.json", None, 200, 200, 200, 200),
    Row("GET", "/api/docs", None, 200, 200, 200, 200),
    Row("GET", "/api/sources", None, 200, 200, 200, 200),
    Row("GET", "/api/question-types", None, 200, 200, 200, 200),
    Row("GET", "/api/sources/{source}", None, 200, 200, 200, 200),
    Row("GET", "/api/sources/{source}/facts", None, 401, 403, 200, 200),
    # A teacher's own source: the owner's alone (its learners read it once its bank is out).
    Row("POST", "/api/sources", PASTED, 401, 403, 201, 201),
    Row("POST", "/api/sources/upload", None, 401, 403, 422, 422),
    Row("GET", "/api/sources/{own_source}", None, 404, 404, 200, 404),
    Row("GET", "/api/sources/{own_source}/facts", None, 401, 403, 200, 404),
    Row("POST", "/api/sources/{own_source}/facts", OWN_FACT, 401, 403, 201, 404),
    Row(
        "PATCH",
        "/api/sources/{own_source}/facts/{own_fact}",
        {"status": "rejected"},
        401,
        403,
        200,
        404,
    ),
    Row("GET", "/api/sources/{own_source}/bank", None, 401, 403, 200, 404),
    Row("PUT", "/api/sources/{own_source}/bank", None, 401, 403, 422, 404),
    Row("PUT", "/api/sources/{source}/bank", None, 401, 403, 404, 404),
    Row("POST", "/api/sources/{own_source}/revisions", REVISED, 401, 403, 201, 404),
    Row("POST", "/api/sources/{own_source}/revisions/upload", None, 401, 403, 422, 422),
    Row("GET", "/api/sources/{own_source}/changes", None, 401, 403, 200, 404),
    Row("GET", "/api/banks", None, 401, 200, 200, 200),
    Row("GET", "/api/questions", None, 401, 403, 200, 200),
    Row("GET", "/api/questions/{shared_question}", None, 401, 403, 200, 200),
    Row("GET", "/api/questions/{own_question}", None, 401, 403, 200, 404),
    Row("POST", "/api/questions", NEW_QUESTION, 401, 403, 201, 201),
    Row("PATCH", "/api/questions/{own_question}", {"answer": False}, 401, 403, 200, 404),
    Row("PATCH", "/api/questions/{shared_question}", {"answer": False}, 401, 403, 403, 403),
    # GIFT and QTI files: a bank the teacher can read (shared, or their own), their quizzes.
    Row("GET", "/api/banks/{bank}/gift", None, 401, 403, 200, 200),
    Row("GET", "/api/banks/{own_bank}/gift", None, 401, 403, 200, 404),
    Row("GET", "/api/banks/{own_bank}/qti", None, 401, 403, 200, 404),
    Row("GET", "/api/banks/{bank}/exports", None, 401, 403, 200, 200),
    Row("GET", "/api/quizzes/{quiz}/gift", None, 401, 403, 200, 404),
    Row("GET", "/api/quizzes/{quiz}/qti", None, 401, 403, 200, 404),
    Row("GET", "/api/quizzes/{quiz}/exports", None, 401, 403, 200, 404),
    # An import with no file: 422, once past who may; into another's bank: 404 first.
    Row("POST", "/api/banks/import/gift", None, 401, 403, 422, 422),
    Row("POST", "/api/banks/import/gift?bank={own_bank}", None, 401, 403, 422, 404),
    Row("POST", "/api/banks/import/qti?bank={own_bank}", None, 401, 403, 422, 404),
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
    Row("DELETE", "/api/quizzes/{quiz}/assignments/{class}", None, 401, 403, 204, 404),
    Row("POST", "/api/quizzes/{quiz}/duplicate", None, 401, 403, 201, 404),
    Row("POST", "/api/quizzes/{quiz}/archive", None, 401, 403, 200, 404),
    Row("POST", "/api/quizzes/{quiz}/unarchive", None, 401, 403, 200, 404),
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
    # LTI 1.3 (app/api/lti.py): browser navigations from an LMS. The key set is public; login
    # initiation and launch are for platforms, proven by the signed id_token, so a request
    # without their parameters is a 400 for everyone; deep linking is a teacher's, and a 400
    # for a teacher who did not come from a deep-linking launch.
    Row("GET", "/lti/jwks", None, 200, 200, 200, 200),
    Row("GET", "/lti/login", None, 400, 400, 400, 400),
    Row("POST", "/lti/login", None, 400, 400, 400, 400),
    Row("POST", "/lti/launch", None, 400, 400, 400, 400),
    Row("GET", "/lti/deep-link", None, 401, 403, 400, 400),
    Row("POST", "/lti/deep-link", None, 401, 403, 400, 400),
]


@pytest.fixture(scope="module")
def built_world(app: Any, module_db: None, make_actor: Any) -> dict[str, Any]:
    """One world per database for the whole matrix, in the module's transaction."""
    owner, other = make_actor(app, "teacher", "owner"), make_actor(app, "teacher", "other")
    learner, member = (
        make_actor(app, "learner", "learner"),
        make_actor(app, "learner", "member"),
    )
    school_class = owner.post("/api/classes", json={"name": "7B"}).get_json()
    member.post("/api/classes/join", json={"join_code": school_class["join_code"]})
    own_question = owner.post("/api/questions", json=NEW_QUESTION).get_json()
    shared = owner.get("/api/questions?type=numeric").get_json()[0]
    source = owner.get("/api/sources").get_json()[0]
    own_source = owner.post("/api/sources", json=PASTED).get_json()
    own_fact = owner.get(f"/api/sources/{own_source['id']}/facts").get_json()[0]
    other_class = owner.post("/api/classes", json={"name": "8C"}).get_json()
    quiz = owner.post(
        "/api/quizzes", json={"title": "q", "question_ids": [shared["id"]]}
    ).get_json()
    owner.post(f"/api/quizzes/{quiz['id']}/assignments", json={"class_id": school_class["id"]})
    attempt = member.post(f"/api/quizzes/{quiz['id']}/attempts").get_json()
    token = owner.post("/api/auth/tokens", json={"name": "owner's"}).get_json()
    return {
        "people": {"learner": learner, "owner": owner, "other_teacher": other},
        "ids": {
            "source": source["id"],
            "own_source": own_source["id"],
            "own_fact": own_fact["id"],
            "class": school_class["id"],
            "join_code": school_class["join_code"],
            "member": member.id,
            "own_question": own_question["id"],
            "own_bank": own_question["bank_id"],
            "shared_question": shared["id"],
            "other_class": other_class["id"],
            "quiz": quiz["id"],
            "attempt": attempt["id"],
            "item": attempt["items"][0]["id"],
            "bank": shared["bank_id"],
            "token": token["id"],
        },
    }


@pytest.fixture
def world(built_world: dict[str, Any], db: Any) -> Iterator[dict[str, Any]]:
    """The module's world as built: each row runs in a SAVEPOINT rolled back after it, and
    the cookies a row changed (logout, password change) are put back."""
    jars = {who: dict(actor.client._cookies) for who, actor in built_world["people"].items()}
    yield built_world
    for who, actor in built_world["people"].items():
        actor.client._cookies.clear()
        actor.client._cookies.update(jars[who])


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


# Who is asked, in this order: the owner last, since the owner's request may change what the
# others would see (a class member removed, a token revoked).
PEOPLE = ("anonymous", "learner", "other_teacher", "owner")
# Routes outside the matrix, and why.
NOT_IN_MATRIX = {
    "/": "the web page's HTML shell, public",
    "/healthz": "load balancer probe, public, no data",
    "/static/<path:filename>": "the web page's files, public",
    "/api/docs/assets/<path:filename>": "Swagger UI's files, public",
}


@pytest.mark.parametrize("row", MATRIX, ids=lambda r: f"{r.method} {r.path}")
def test_authorisation_matrix(app: Any, world: dict[str, Any], row: Row) -> None:
    path, body = fill(row.path, world["ids"]), fill(row.body, world["ids"])
    wrong = []
    for who in PEOPLE:
        if who == "anonymous":
            response = app.test_client().open(path, method=row.method, json=body)
        else:
            actor = world["people"][who]
            response = actor._write(row.method, path, json=body)
        expected = getattr(row, who)
        if response.status_code != expected:
            wrong.append(f"{who}: {response.status_code} != {expected}: {response.get_data()!r}")
        elif expected >= 400 and response.mimetype != "application/problem+json":
            wrong.append(f"{who}: {expected} is not a problem document")
    assert wrong == []


def _route(path: str) -> str:
    """A matrix path as a URL rule: `{class}` -> `<id:class_id>`-like placeholder."""
    path = path.split("?")[0]
    return re.sub(r"\{[a-z_]+\}", "<>", path)


def test_every_route_has_a_row_in_the_matrix(app: Any, database_url: str) -> None:
    """A new route without a row fails here, so nobody forgets to decide who may call it."""
    rules = {
        (method, re.sub(r"<[^>]+>", "<>", rule.rule))
        for rule in app.url_map.iter_rules()
        if rule.rule not in NOT_IN_MATRIX
        for method in (rule.methods or set()) - {"HEAD", "OPTIONS"}
    }
    rows = {(row.method, _route(row.path)) for row in MATRIX}
    assert rules - rows == set(), "routes without a row in MATRIX"
    assert rows - rules == set(), "rows for routes that do not exist"
    backend = database_url.split(":")[0].split("+")[0]
    record("authorisation", f"{len(MATRIX)} routes x {len(PEOPLE)} roles checked on {backend}")
