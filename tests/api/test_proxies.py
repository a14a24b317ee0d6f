"""Behind a load balancer (docs/deployment.md): with TRUSTED_PROXIES set, the client's address
is the one the proxies forward, so sign-in throttling tells clients apart; without it, a
forwarded address is ignored (a client cannot choose its own)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flask import Flask

from app import create_app
from app.extensions import db

PROXY = {"REMOTE_ADDR": "10.0.0.2"}  # the load balancer, as gunicorn sees it
BAD = {"email": "ann@example.test", "password": "wrong-password"}


def app_behind(tmp_path: Path, proxies: int) -> Flask:
    app = create_app(
        {
            "ENV_NAME": "testing",
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/proxies.sqlite3",
            "TRUSTED_PROXIES": proxies,
            "LOGIN_FAILURE_LIMIT_PER_PAIR": "2 per minute",
        }
    )
    with app.app_context():
        db.create_all()
    return app


def failures(client: Any, client_address: str, times: int) -> list[int]:
    return [
        client.post(
            "/api/auth/login",
            json=BAD,
            environ_base=PROXY,
            headers={"X-Forwarded-For": client_address},
        ).status_code
        for _ in range(times)
    ]


def test_behind_a_trusted_proxy_each_client_is_throttled_on_its_own(tmp_path: Path) -> None:
    client = app_behind(tmp_path, proxies=1).test_client()
    assert failures(client, "203.0.113.1", 3) == [401, 401, 429]
    # Another client behind the same balancer is not slowed down by the first one's failures.
    assert failures(client, "203.0.113.2", 1) == [401]


def test_without_trusted_proxies_a_forwarded_address_is_ignored(tmp_path: Path) -> None:
    client = app_behind(tmp_path, proxies=0).test_client()
    assert failures(client, "203.0.113.1", 2) == [401, 401]
    # Writing another X-Forwarded-For does not make a new client: the header is not trusted.
    assert failures(client, "203.0.113.2", 1) == [429]
