"""Every failure is a problem document; a crash says nothing of its cause."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flask import Flask

from app import create_app
from app.errors import ConflictError


def make_app(tmp_path: Path, url: str | None = None) -> Flask:
    return create_app(
        {
            "ENV_NAME": "testing",
            "SQLALCHEMY_DATABASE_URI": url or f"sqlite:///{tmp_path}/x.sqlite3",
        }
    )


def test_unhandled_exception_is_a_500_problem_without_details(tmp_path: Path) -> None:
    app = make_app(tmp_path)
    app.config["PROPAGATE_EXCEPTIONS"] = False  # as in production, where nothing re-raises

    @app.get("/boom")
    def boom() -> str:
        raise RuntimeError("secret database detail")

    response = app.test_client().get("/boom")
    assert response.status_code == 500
    assert response.mimetype == "application/problem+json"
    assert "secret" not in response.get_data(as_text=True)
    assert response.get_json()["detail"] == "The server failed to handle this request."


def test_domain_errors_map_to_their_status(tmp_path: Path) -> None:
    app = make_app(tmp_path)

    @app.get("/conflict")
    def conflict() -> str:
        raise ConflictError("The attempt is already submitted.")

    response = app.test_client().get("/conflict")
    assert response.status_code == 409
    assert response.get_json() == {
        "type": "/problems/conflict",
        "title": "Conflict",
        "status": 409,
        "detail": "The attempt is already submitted.",
    }


def test_healthz_reports_an_unreachable_database(tmp_path: Path) -> None:
    app = make_app(tmp_path, "sqlite:////nonexistent-dir/for/sure/x.sqlite3")
    response = app.test_client().get("/healthz")
    assert response.status_code == 503
    assert response.get_json()["type"] == "/problems/database-unavailable"


def _closed_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_an_unreachable_postgresql_is_a_503_with_retry_after(tmp_path: Path) -> None:
    """Issue 9, fault 10: with PostgreSQL down every API call was a generic 500."""
    app = make_app(tmp_path, f"postgresql://postgres@127.0.0.1:{_closed_port()}/none")
    app.config["PROPAGATE_EXCEPTIONS"] = False
    client = app.test_client()
    for response in (
        client.get("/api/sources"),
        client.post("/api/auth/login", json={"email": "a@b.test", "password": "x"}),
        client.get("/healthz"),
    ):
        assert response.status_code == 503, response.get_data(as_text=True)
        assert response.mimetype == "application/problem+json"
        assert response.get_json()["type"] == "/problems/database-unavailable"
        assert int(response.headers["Retry-After"]) > 0


def test_an_unreachable_redis_degrades_sign_in_clearly(tmp_path: Path) -> None:
    """Issue 9, fault 10: with Redis down every login was a 500 and /healthz said ok."""
    from flask_migrate import upgrade

    redis_url = f"redis://127.0.0.1:{_closed_port()}/0"
    app = create_app(
        {
            "ENV_NAME": "testing",
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/x.sqlite3",
            "REDIS_URL": redis_url,
            "RATELIMIT_STORAGE_URI": redis_url,
            "LOGIN_FAILURE_LIMIT_PER_PAIR": "2 per minute",
        }
    )
    app.config["PROPAGATE_EXCEPTIONS"] = False
    with app.app_context():
        upgrade()
    client = app.test_client()
    body = {"email": "ann@example.test", "password": "a-long-password"}
    registered = client.post(
        "/api/auth/register", json={**body, "display_name": "Ann", "role": "learner"}
    )
    assert registered.status_code == 201
    assert client.post("/api/auth/login", json=body).status_code == 200
    bad = {**body, "password": "wrong"}
    statuses = [client.post("/api/auth/login", json=bad).status_code for _ in range(3)]
    assert statuses == [401, 401, 429]  # still throttled, by this process's own counts
    health = client.get("/healthz")
    assert health.status_code == 200
    assert health.get_json() == {"status": "degraded", "database": "ok", "redis": "unavailable"}


def test_a_405_keeps_its_allow_header(tmp_path: Path) -> None:
    response = make_app(tmp_path).test_client().delete("/api/sources")
    assert response.status_code == 405
    assert response.mimetype == "application/problem+json"
    assert set(response.headers["Allow"].replace(" ", "").split(",")) >= {"GET", "HEAD"}


def test_the_openapi_document_says_what_is_sent(tmp_path: Path) -> None:
    """Errors are documented as problem+json; X-Pagination as the JSON text it is."""
    spec = make_app(tmp_path).test_client().get("/api/openapi.json").get_json()
    responses = spec["components"]["responses"]
    for name in ("UNPROCESSABLE_ENTITY", "DEFAULT_ERROR", "NOT_FOUND"):
        if name in responses:
            assert list(responses[name]["content"]) == ["application/problem+json"], name
    assert "application/json" not in str(responses.get("UNPROCESSABLE_ENTITY", {}))
    assert spec["components"]["headers"]["PAGINATION"]["schema"] == {"type": "string"}
    page = spec["paths"]["/api/sources"]["get"]["parameters"]
    bounds = next(p for p in page if p["name"] == "page")["schema"]
    assert bounds["maximum"] <= 10**7
    source = spec["paths"]["/api/sources/{source_id}"]["parameters"][0]["schema"]
    assert source == {"type": "integer", "minimum": 1, "maximum": 2**31 - 1}


def test_the_api_docs_page_comes_from_this_origin(tmp_path: Path) -> None:
    client = make_app(tmp_path).test_client()
    page = client.get("/api/docs")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "cdn." not in html and "http" not in html.replace("http-equiv", "")
    assert "script-src 'self'" in page.headers["Content-Security-Policy"]
    assert "unsafe-eval" not in page.headers["Content-Security-Policy"]
    for asset in ("swagger-ui/swagger-ui-bundle.js", "swagger-ui/swagger-ui.css", "docs.js"):
        assert client.get(f"/api/docs/assets/{asset}").status_code == 200, asset


def test_production_responses_carry_hsts(tmp_path: Path, monkeypatch: Any) -> None:
    monkeypatch.setenv("SECRET_KEY", "k" * 48)
    app = create_app(
        {"ENV_NAME": "production", "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/p.sqlite3"}
    )
    response = app.test_client().get("/api/docs")
    assert response.headers["Strict-Transport-Security"].startswith("max-age=")
    assert response.headers["X-Content-Type-Options"] == "nosniff"
