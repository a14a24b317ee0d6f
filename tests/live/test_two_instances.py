"""Two gunicorn instances on one PostgreSQL database and one Redis: an instance keeps nothing
a request needs, so a learner moves from one to the other mid-attempt (docs/deployment.md).

Instances A and B are two LiveServers (live_support.py) started with one environment: the
same SECRET_KEY, the same fresh database (`make_database`, migrated and loaded once, as a
release is) and the same Redis database (this test's own, emptied), on two free loopback
ports, two sync workers each. No load balancer: the test is the client that switches.

- A learner signs in on A (session cookie and CSRF token), starts an attempt and saves
  answers there, then goes on on B with the same cookie and token: B knows the session,
  B's saves land in the same attempt (one of them replacing an answer saved on A), A reads
  B's answers, and a submit on B grades every item once (submitting again on A changes
  nothing; a save on A is then refused).
- A bearer token minted on A works on B.
- Signing out on A ends the cookie on B: the session version is in the database.
- Failed sign-ins for one email from one address, split between A and B, are refused with
  429 after the first limit of LOGIN_FAILURE_LIMIT_PER_PAIR, as on one instance: the
  counts are in Redis, not in a worker (four workers counting for themselves would not have
  refused the next one).

The production profile's cookie is Secure and `requests` keeps Secure cookies off plain
http, so the browser here sends the Cookie header itself, and keeps what Set-Cookie says.
"""

from __future__ import annotations

import os
import secrets
from http.cookies import SimpleCookie
from typing import Any

import pytest
import requests
from live_support import (
    Client,
    LiveServer,
    assigned_quiz,
    classroom,
    one_question_of_each_type,
    production_env,
    sign_up,
)

from app.config import load_config
from app.domain.question_types import ideal_response

pytestmark = pytest.mark.postgresql

# The Redis database the two instances share; live_support's servers use 14 and 13, the rest
# of the suite 15 (REDIS_URL_FOR_TESTS). production_env() empties it.
REDIS_DB_TWO_INSTANCES = 12
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def _redis_or_skip(db: int) -> None:
    """The rule of the live tests, with Redis named: skipped without it, failed under CI."""
    import redis

    url = f"redis://127.0.0.1:6379/{db}"
    try:
        redis.Redis.from_url(url, socket_connect_timeout=3).ping()
    except redis.RedisError as error:
        reason = f"Redis at {url} is needed (the two instances share throttle counts): {error}"
        if os.environ.get("CI") == "true":
            pytest.fail(f"the two-instance test must run under CI=true, but {reason}")
        pytest.skip(reason)


def _pair_limit() -> int:
    """The smallest count of LOGIN_FAILURE_LIMIT_PER_PAIR ('5 per minute;...' gives 5)."""
    from limits import parse_many

    config = load_config(str(os.getcwd()), {"ENV_NAME": "testing"})
    return min(item.amount for item in parse_many(config["LOGIN_FAILURE_LIMIT_PER_PAIR"]))


class Browser:
    """One learner's browser: a session cookie and a CSRF token, sent to whichever instance
    it is pointed at, as a load balancer without sticky sessions would."""

    def __init__(self) -> None:
        self.cookie = ""
        self.csrf = ""

    def request(
        self, server: LiveServer, method: str, path: str, expect: int | None = None, **kwargs: Any
    ) -> requests.Response:
        headers = dict(kwargs.pop("headers", {}))
        if self.cookie:
            headers["Cookie"] = f"session={self.cookie}"
        if method not in SAFE_METHODS and self.csrf:
            headers["X-CSRF-Token"] = self.csrf
        response = requests.request(
            method, server.url + path, headers=headers, timeout=30, **kwargs
        )
        for header in response.raw.headers.getlist("Set-Cookie"):
            morsel = SimpleCookie(header).get("session")
            if morsel is not None:
                self.cookie = morsel.value  # an emptied cookie (sign-out) forgets it
        if expect is not None:
            assert response.status_code == expect, (
                f"{method} {server.url}{path}: {response.status_code} {response.text[:2000]}"
            )
        return response


def _items_by_question(
    attempt: dict[str, Any], question_ids: list[int], teacher: Client
) -> list[tuple[dict[str, Any], dict[str, Any]]]:
    """(item, question as its teacher sees it, with the key) in the quiz's order."""
    items = sorted(attempt["items"], key=lambda item: item["position"])
    assert len(items) == len(question_ids), attempt["items"]
    pairs = []
    for item, question_id in zip(items, question_ids, strict=True):
        question = teacher.get(f"/api/questions/{question_id}", expect=200).json()
        assert (item["type"], item["prompt"]) == (question["type"], question["prompt"])
        pairs.append((item, question))
    return pairs


def test_a_learner_moves_between_two_instances_mid_attempt(
    make_database: Any, start_server: Any
) -> None:
    from summary import record

    _redis_or_skip(REDIS_DB_TWO_INSTANCES)
    env = production_env(make_database(), REDIS_DB_TWO_INSTANCES)  # one SECRET_KEY for both
    a, b = start_server(env), start_server(env)
    try:
        assert a.port != b.port
        for server in (a, b):
            health = requests.get(server.url + "/healthz", timeout=10).json()
            assert health == {"status": "ok", "database": "ok", "redis": "ok"}, health

        # The teacher's world, on A: a class, and a quiz of one question of each type.
        teacher = sign_up(a.url, "teacher", "two-instances-teacher")
        question_ids = one_question_of_each_type(teacher)
        class_id = classroom(teacher)
        quiz_id = assigned_quiz(
            teacher,
            class_id,
            question_ids,
            feedback="on_submit",
            shuffle_questions=False,
        )
        join_code = teacher.get(f"/api/classes/{class_id}", expect=200).json()["join_code"]

        # The learner signs in on A with the cookie, joins, starts, and answers half on A.
        email, password = f"mover-{secrets.token_hex(4)}@live.example.test", secrets.token_hex(16)
        browser = Browser()
        browser.request(
            a,
            "POST",
            "/api/auth/register",
            json={
                "email": email,
                "password": password,
                "display_name": "Mover",
                "role": "learner",
            },
            expect=201,
        )
        login = browser.request(
            a, "POST", "/api/auth/login", json={"email": email, "password": password}, expect=200
        )
        browser.csrf = login.json()["csrf_token"]
        learner_id = login.json()["user"]["id"]
        assert browser.cookie, "login set no session cookie"
        browser.request(a, "POST", "/api/classes/join", json={"join_code": join_code}, expect=200)
        attempt = browser.request(a, "POST", f"/api/quizzes/{quiz_id}/attempts", expect=201).json()
        pairs = _items_by_question(attempt, question_ids, teacher)
        on_a, on_b = pairs[::2], pairs[1::2]
        saved = f"/api/attempts/{attempt['id']}/responses"
        for item, question in on_a:
            browser.request(
                a,
                "PUT",
                f"{saved}/{item['id']}",
                json={"response": ideal_response(question["type"], question["answer_key"])},
                expect=200,
            )
        # One answer given wrong on A, to be corrected on B.
        true_false, key = next(
            (item, question["answer_key"])
            for item, question in pairs
            if question["type"] == "true_false"
        )
        browser.request(
            a,
            "PUT",
            f"{saved}/{true_false['id']}",
            json={"response": {"value": not key["value"]}},
            expect=200,
        )

        # On B with the same cookie: the same session and CSRF token; saves land in the attempt.
        me = browser.request(b, "GET", "/api/auth/me", expect=200).json()
        assert me["user"]["id"] == learner_id and me["csrf_token"] == browser.csrf, me
        for item, question in on_b:
            browser.request(
                b,
                "PUT",
                f"{saved}/{item['id']}",
                json={"response": ideal_response(question["type"], question["answer_key"])},
                expect=200,
            )
        browser.request(
            b, "PUT", f"{saved}/{true_false['id']}", json={"response": dict(key)}, expect=200
        )

        # A reads every answer, B's included, in the one attempt the learner has.
        on_a_now = browser.request(a, "GET", f"/api/attempts/{attempt['id']}", expect=200).json()
        responses = {item["id"]: item["response"] for item in on_a_now["items"]}
        for item, question in pairs:
            expected = ideal_response(question["type"], question["answer_key"])
            assert responses[item["id"]] == expected, (item["type"], responses[item["id"]])
        assert on_a_now["state"] == "in_progress"

        # Submit on B: every item graded, full marks; again on A: the same grade, once.
        submitted = browser.request(
            b, "POST", f"/api/attempts/{attempt['id']}/submit", expect=200
        ).json()
        assert submitted["state"] == "submitted"
        assert submitted["score"] == submitted["max_score"] > 0, submitted
        assert all(item["result"]["score"] == item["points"] for item in submitted["items"])
        again = browser.request(
            a, "POST", f"/api/attempts/{attempt['id']}/submit", expect=200
        ).json()
        assert (again["score"], again["submitted_at"]) == (
            submitted["score"],
            submitted["submitted_at"],
        )
        browser.request(
            a,
            "PUT",
            f"{saved}/{true_false['id']}",
            json={"response": {"value": not key["value"]}},
            expect=409,
        )
        assert teacher.get(f"/api/quizzes/{quiz_id}", expect=200).json()["attempt_count"] == 1

        # A bearer token minted on A works on B.
        minted = browser.request(
            a, "POST", "/api/auth/tokens", json={"name": "two instances"}, expect=201
        ).json()
        bearer = {"Authorization": f"Bearer {minted['token']}"}
        on_b = requests.get(b.url + "/api/auth/me", headers=bearer, timeout=10)
        assert on_b.status_code == 200 and on_b.json()["user"]["id"] == learner_id, on_b.text

        # Signing out on A ends the cookie on B (and a copy of it on A); the token lives on.
        cookie = browser.cookie
        browser.request(a, "POST", "/api/auth/logout", expect=204)
        copy = {"Cookie": f"session={cookie}"}
        for server in (b, a):
            gone = requests.get(server.url + "/api/auth/me", headers=copy, timeout=10)
            assert gone.status_code == 401, (server.url, gone.status_code, gone.text)
        assert requests.get(b.url + "/api/auth/me", headers=bearer, timeout=10).status_code == 200

        # Failed sign-ins from one address for one email, alternating A and B, count as one.
        limit = _pair_limit()
        wrong = {"email": f"guess-{secrets.token_hex(4)}@live.example.test", "password": "x" * 12}
        for n in range(limit):
            server = (a, b)[n % 2]
            failed = requests.post(server.url + "/api/auth/login", json=wrong, timeout=30)
            assert failed.status_code == 401, (n, server.url, failed.status_code, failed.text)
        for server in (b, a):
            refused = requests.post(server.url + "/api/auth/login", json=wrong, timeout=30)
            assert refused.status_code == 429, (
                f"failed sign-in {limit + 1} on {server.url}: {refused.status_code} "
                f"{refused.text[:300]} (counts not shared between the instances?)"
            )
            assert int(refused.headers["Retry-After"]) > 0
    finally:
        a.stop()
        b.stop()
    record(
        "two instances",
        f"session, attempt, token, sign-out and a {limit}-failure throttle shared by A and B",
    )
