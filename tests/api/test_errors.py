"""Every failure is a problem document; a crash says nothing of its cause."""

from __future__ import annotations

from pathlib import Path

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
