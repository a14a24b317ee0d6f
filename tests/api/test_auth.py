"""Registration, sign-in, CSRF, bearer tokens, throttling, and password hygiene."""

from __future__ import annotations

import logging
import os
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import func, select

from app.models import ApiToken, SchoolClass, User


def register(client: Any, email: str, password: str = "a-long-password", role: str = "learner"):
    return client.post(
        "/api/auth/register",
        json={"email": email, "password": password, "display_name": "Someone", "role": role},
    )


def test_register_returns_the_user_without_password(client: Any, db: Any) -> None:
    response = register(client, "Ann@Example.TEST", "correct horse battery")
    assert response.status_code == 201
    body = response.get_json()
    assert body["email"] == "ann@example.test" and body["role"] == "learner"
    assert not {"password", "password_hash"} & set(body)
    stored = db.session.scalar(select(User))
    assert stored.password_hash.startswith("$argon2id$")
    assert "correct horse battery" not in stored.password_hash


def test_email_is_unique_whatever_its_case(client: Any, db: Any) -> None:
    assert register(client, "ann@example.test").status_code == 201
    response = register(client, "  ANN@example.test ")
    assert response.status_code == 409
    assert db.session.scalar(select(func.count()).select_from(User)) == 1


@pytest.mark.parametrize(
    ("field", "value"),
    [("password", "short"), ("role", "admin"), ("email", "not-an-email"), ("display_name", "")],
)
def test_bad_registration_is_a_422_that_writes_nothing(
    client: Any, db: Any, field: str, value: str
) -> None:
    body = {"email": "a@b.test", "password": "a-long-password", "display_name": "A"}
    body |= {"role": "learner", field: value}
    response = client.post("/api/auth/register", json=body)
    assert response.status_code == 422
    assert field in response.get_json()["errors"]["json"]
    assert db.session.scalar(select(func.count()).select_from(User)) == 0


def test_login_sets_a_safe_cookie_and_returns_csrf(client: Any) -> None:
    register(client, "ann@example.test", "a-long-password")
    response = client.post(
        "/api/auth/login", json={"email": "ANN@example.test", "password": "a-long-password"}
    )
    assert response.status_code == 200
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    body = response.get_json()
    assert body["user"]["email"] == "ann@example.test" and len(body["csrf_token"]) > 20
    me = client.get("/api/auth/me").get_json()
    assert me["user"]["id"] == body["user"]["id"] and me["csrf_token"] == body["csrf_token"]


def test_login_starts_a_fresh_session(client: Any) -> None:
    register(client, "ann@example.test", "a-long-password")
    with client.session_transaction() as session:
        session["planted"] = "by an attacker"
        session["csrf_token"] = "known-to-attacker"
    body = client.post(
        "/api/auth/login", json={"email": "ann@example.test", "password": "a-long-password"}
    ).get_json()
    assert body["csrf_token"] != "known-to-attacker"
    with client.session_transaction() as session:
        assert "planted" not in session


def test_wrong_password_and_unknown_email_look_the_same(client: Any) -> None:
    register(client, "ann@example.test", "a-long-password")
    wrong = client.post("/api/auth/login", json={"email": "ann@example.test", "password": "x"})
    unknown = client.post("/api/auth/login", json={"email": "bob@example.test", "password": "x"})
    assert wrong.status_code == unknown.status_code == 401
    assert wrong.get_json() == unknown.get_json()
    assert wrong.mimetype == "application/problem+json"


def test_logout_ends_the_session(learner: Any) -> None:
    assert learner.post("/api/auth/logout").status_code == 204
    assert learner.get("/api/auth/me").status_code == 401


def _cookie(client: Any) -> str:
    cookie = client.get_cookie("session")
    assert cookie is not None
    return str(cookie.value)


def _replay(app: Flask, cookie: str) -> Any:
    thief = app.test_client()
    thief.set_cookie("session", cookie)
    return thief


def test_a_cookie_copied_before_logout_is_dead_after_it(app: Flask, learner: Any) -> None:
    """Issue 9, fault 6: a captured cookie still read /me and minted tokens after logout."""
    captured = _cookie(learner.client)
    thief = _replay(app, captured)
    assert thief.get("/api/auth/me").status_code == 200  # the copy works while the session does
    assert learner.post("/api/auth/logout").status_code == 204
    assert thief.get("/api/auth/me").status_code == 401
    minted = thief.post(
        "/api/auth/tokens", json={"name": "stolen"}, headers={"X-CSRF-Token": learner.csrf}
    )
    assert minted.status_code == 401


def test_signing_in_again_ends_the_other_sessions(app: Flask, learner: Any) -> None:
    thief = _replay(app, _cookie(learner.client))
    again = app.test_client().post(
        "/api/auth/login", json={"email": learner.user["email"], "password": learner.password}
    )
    assert again.status_code == 200
    assert thief.get("/api/auth/me").status_code == 401
    assert learner.get("/api/auth/me").status_code == 401


def test_changing_the_password_ends_every_other_session(app: Flask, learner: Any) -> None:
    other_browser = app.test_client()
    other_browser.post(
        "/api/auth/login", json={"email": learner.user["email"], "password": learner.password}
    )
    thief = _replay(app, _cookie(other_browser))
    wrong = other_browser.post(
        "/api/auth/password",
        json={"current_password": "not it", "new_password": "a brand new passphrase"},
        headers={"X-CSRF-Token": other_browser.get("/api/auth/me").get_json()["csrf_token"]},
    )
    assert wrong.status_code == 403 and wrong.get_json()["type"] == "/problems/wrong-password"
    csrf = other_browser.get("/api/auth/me").get_json()["csrf_token"]
    changed = other_browser.post(
        "/api/auth/password",
        json={"current_password": learner.password, "new_password": "a brand new passphrase"},
        headers={"X-CSRF-Token": csrf},
    )
    assert changed.status_code == 200, changed.get_json()
    assert changed.headers["Cache-Control"] == "no-store"
    assert other_browser.get("/api/auth/me").status_code == 200  # this session goes on
    assert thief.get("/api/auth/me").status_code == 401
    assert learner.get("/api/auth/me").status_code == 401
    old = app.test_client().post(
        "/api/auth/login", json={"email": learner.user["email"], "password": learner.password}
    )
    assert old.status_code == 401


@pytest.mark.parametrize(
    "password", ["password1234", "qwertyuiop", "1234567890", "iloveyou123", "aaaaaaaaaaaa"]
)
def test_commonly_breached_passwords_are_refused(client: Any, db: Any, password: str) -> None:
    response = register(client, "ann@example.test", password)
    assert response.status_code == 422
    assert "password" in response.get_json()["errors"]["json"]
    assert db.session.scalar(select(func.count()).select_from(User)) == 0


def test_a_password_made_of_the_persons_own_email_is_refused(client: Any) -> None:
    response = register(client, "ann.marie.smith@example.test", "ann.marie.smith")
    assert response.status_code == 422


def test_sign_in_and_token_answers_are_never_cached(client: Any, teacher: Any) -> None:
    register(client, "ann@example.test", "a-long-password")
    login = client.post(
        "/api/auth/login", json={"email": "ann@example.test", "password": "a-long-password"}
    )
    token = teacher.post("/api/auth/tokens", json={"name": "t"})
    for response in (login, token, teacher.get("/api/auth/me")):
        assert response.headers["Cache-Control"] == "no-store"
        assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_state_change_without_or_with_wrong_csrf_is_refused(teacher: Any, db: Any) -> None:
    missing = teacher.client.post("/api/classes", json={"name": "7B"})
    wrong = teacher.client.post(
        "/api/classes", json={"name": "7B"}, headers={"X-CSRF-Token": "guess"}
    )
    for response in (missing, wrong):
        assert response.status_code == 403
        assert response.get_json()["type"] == "/problems/csrf"
    assert db.session.scalar(select(func.count()).select_from(SchoolClass)) == 0
    assert teacher.post("/api/classes", json={"name": "7B"}).status_code == 201


def test_bearer_tokens_work_without_cookie_or_csrf_and_stop_when_revoked(
    app: Flask, teacher: Any, db: Any
) -> None:
    issued = teacher.post("/api/auth/tokens", json={"name": "grading script"})
    assert issued.status_code == 201
    secret = issued.get_json()["token"]
    stored = db.session.scalar(select(ApiToken))
    assert secret not in (stored.token_hash, stored.prefix) and len(stored.token_hash) == 64

    script = app.test_client()
    auth = {"Authorization": f"Bearer {secret}"}
    me = script.get("/api/auth/me", headers=auth).get_json()
    assert me["user"]["id"] == teacher.id and me["csrf_token"] is None
    assert script.post("/api/classes", json={"name": "by script"}, headers=auth).status_code == 201

    listed = teacher.get("/api/auth/tokens").get_json()
    assert [t["name"] for t in listed] == ["grading script"]
    assert secret not in str(listed)

    assert teacher.delete(f"/api/auth/tokens/{issued.get_json()['id']}").status_code == 204
    revoked = script.get("/api/auth/me", headers=auth)
    assert revoked.status_code == 401
    assert revoked.mimetype == "application/problem+json"


def test_a_bad_bearer_token_is_401_even_with_a_session(teacher: Any) -> None:
    response = teacher.get("/api/auth/me", headers={"Authorization": "Bearer sq_nope"})
    assert response.status_code == 401


def test_someone_elses_token_cannot_be_revoked(sign_up: Any) -> None:
    owner, other = sign_up("teacher"), sign_up("teacher")
    token_id = owner.post("/api/auth/tokens", json={"name": "t"}).get_json()["id"]
    assert other.delete(f"/api/auth/tokens/{token_id}").status_code == 404


def test_failures_from_one_address_slow_down_that_address_for_that_account(
    app: Flask, client: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(app.config, "LOGIN_FAILURE_LIMIT_PER_PAIR", "3 per minute")
    register(client, "ann@example.test", "a-long-password")
    bad = {"email": "ann@example.test", "password": "wrong-password"}
    assert [client.post("/api/auth/login", json=bad).status_code for _ in range(3)] == [401] * 3
    blocked = client.post("/api/auth/login", json={**bad, "email": "ANN@example.test"})
    assert blocked.status_code == 429
    assert blocked.mimetype == "application/problem+json"
    assert int(blocked.headers["Retry-After"]) > 0
    other = client.post("/api/auth/login", json={"email": "bob@example.test", "password": "x"})
    assert other.status_code == 401  # another account is not blocked by ann's failures


def test_strangers_failing_cannot_lock_the_owner_out(
    app: Flask, client: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Issue 9, fault 11: 10 wrong passwords from anywhere blocked the right one for 15 min."""
    register(client, "ann@example.test", "a-long-password")
    bad = {"email": "ann@example.test", "password": "wrong-password"}
    attacker = {"REMOTE_ADDR": "198.51.100.7"}
    statuses = [
        client.post("/api/auth/login", json=bad, environ_base=attacker).status_code
        for _ in range(12)
    ]
    assert statuses[:5] == [401] * 5 and statuses[-1] == 429
    owner = app.test_client()
    good = {"email": "ann@example.test", "password": "a-long-password"}
    signed_in = owner.post(
        "/api/auth/login", json=good, environ_base={"REMOTE_ADDR": "203.0.113.9"}
    )
    assert signed_in.status_code == 200


def test_the_waits_grow_with_the_failures(
    app: Flask, client: Any, clock: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """5 failures: a minute's wait; 10: 15 minutes (the production limits)."""
    register(client, "ann@example.test", "a-long-password")
    bad = {"email": "ann@example.test", "password": "wrong-password"}
    waits = []
    for _ in range(11):
        response = client.post("/api/auth/login", json=bad)
        if response.status_code == 429:
            waits.append(int(response.headers["Retry-After"]))
    assert waits and max(waits) <= 60
    assert app.config["LOGIN_FAILURE_LIMIT_PER_PAIR"].startswith("5 per minute;10 per 15")


def test_an_accounts_ceiling_holds_across_addresses(
    app: Flask, client: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(app.config, "LOGIN_FAILURE_LIMIT_PER_ACCOUNT", "4 per hour")
    register(client, "ann@example.test", "a-long-password")
    bad = {"email": "ann@example.test", "password": "wrong-password"}
    statuses = [
        client.post(
            "/api/auth/login", json=bad, environ_base={"REMOTE_ADDR": f"198.51.100.{i}"}
        ).status_code
        for i in range(6)
    ]
    assert statuses == [401, 401, 401, 401, 429, 429]


def test_repeated_failures_from_one_address_get_429(
    app: Flask, client: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(app.config, "LOGIN_FAILURE_LIMIT_PER_ADDRESS", "4 per minute")
    statuses = [
        client.post("/api/auth/login", json={"email": f"u{i}@x.test", "password": "x"}).status_code
        for i in range(5)
    ]
    assert statuses == [401, 401, 401, 401, 429]


def test_successful_logins_are_not_throttled(
    app: Flask, client: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(app.config, "LOGIN_FAILURE_LIMIT_PER_PAIR", "2 per minute")
    monkeypatch.setitem(app.config, "LOGIN_FAILURE_LIMIT_PER_ACCOUNT", "2 per minute")
    register(client, "ann@example.test", "a-long-password")
    good = {"email": "ann@example.test", "password": "a-long-password"}
    assert {client.post("/api/auth/login", json=good).status_code for _ in range(5)} == {200}


def test_a_login_body_is_not_read_before_its_size_is_checked(
    app: Flask, client: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Issue 9, fault 3: the throttle parsed a 200 MB body before anything checked its size."""
    read: list[int] = []
    original = app.request_class.get_data

    def spy(self: Any, *args: Any, **kwargs: Any) -> Any:
        read.append(1)
        return original(self, *args, **kwargs)

    monkeypatch.setattr(app.request_class, "get_data", spy)
    big = b'{"email": "' + b"a" * (app.config["MAX_CONTENT_LENGTH"] + 1) + b'"}'
    response = client.post(
        "/api/auth/login", data=big, headers={"Content-Type": "application/json"}
    )
    assert response.status_code == 413 and response.mimetype == "application/problem+json"
    assert read == []


def test_throttle_counts_are_shared_through_redis(tmp_path: Any) -> None:
    import redis

    url = os.environ.get("REDIS_URL_FOR_TESTS", "redis://127.0.0.1:6379/15")
    try:
        redis.Redis.from_url(url).flushdb()
    except redis.ConnectionError:
        if os.environ.get("CI") == "true":
            pytest.fail(f"Redis at {url} must be reachable in CI")
        pytest.skip(f"Redis not reachable at {url}")
    from app import create_app

    def worker() -> Flask:
        return create_app(
            {
                "ENV_NAME": "testing",
                "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/shared.sqlite3",
                "RATELIMIT_STORAGE_URI": url,
                "LOGIN_FAILURE_LIMIT_PER_PAIR": "2 per minute",
            }
        )

    first, second = worker(), worker()
    bad = {"email": "ann@example.test", "password": "wrong"}
    # The request fails before any table is needed? No: authenticate reads users, so give
    # both workers the same (empty) schema.
    from flask_migrate import upgrade

    with first.app_context():
        upgrade()
    assert first.test_client().post("/api/auth/login", json=bad).status_code == 401
    assert second.test_client().post("/api/auth/login", json=bad).status_code == 401
    assert first.test_client().post("/api/auth/login", json=bad).status_code == 429
    redis.Redis.from_url(url).flushdb()


def test_passwords_never_reach_a_response_or_a_log_line(
    app: Flask, client: Any, caplog: pytest.LogCaptureFixture
) -> None:
    password = "Secret-Passphrase-Seen-Nowhere"
    caplog.set_level(logging.DEBUG)
    bodies = [
        register(client, "ann@example.test", password).get_data(as_text=True),
        client.post(
            "/api/auth/login", json={"email": "ann@example.test", "password": password}
        ).get_data(as_text=True),
        client.post(
            "/api/auth/login", json={"email": "ann@example.test", "password": password + "x"}
        ).get_data(as_text=True),
        register(client, "ann@example.test", password).get_data(as_text=True),
        client.post("/api/auth/register", json={"password": password}).get_data(as_text=True),
        client.get("/api/auth/me").get_data(as_text=True),
    ]
    logged = "\n".join(
        record.getMessage() + str(record.args) + str(record.__dict__) for record in caplog.records
    )
    for text in [*bodies, logged]:
        assert password not in text


def test_only_the_shared_documents_may_be_cached(client: Any) -> None:
    for path in ("/api/openapi.json", "/api/question-types"):
        assert client.get(path).headers["Cache-Control"] == "public, max-age=300"
    assert client.get("/api/sources").headers["Cache-Control"] == "no-store"
