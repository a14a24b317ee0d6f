"""`/api/docs`: Swagger UI 5.35.0 served from this app (app/docs_ui), never from a CDN."""

from __future__ import annotations

from pathlib import Path

from flask import Blueprint, Flask, Response, send_from_directory

from app import web

SWAGGER_UI_VERSION = "5.35.0"
ASSETS = Path(__file__).resolve().parent / "docs_ui"
# The web page's policy, but Swagger UI sets inline styles from script.
CONTENT_SECURITY_POLICY = web.CONTENT_SECURITY_POLICY.replace(
    "style-src 'self'", "style-src 'self' 'unsafe-inline'"
)

blp = Blueprint("docs", __name__)


@blp.get("/api/docs")
def docs_page() -> Response:
    response = send_from_directory(ASSETS, "docs.html")
    response.headers["Content-Security-Policy"] = CONTENT_SECURITY_POLICY
    response.headers["Cache-Control"] = "no-cache"
    return response


@blp.get("/api/docs/assets/<path:filename>")
def docs_asset(filename: str) -> Response:
    response = send_from_directory(ASSETS, filename)
    response.headers["Cache-Control"] = "public, max-age=86400"
    return response


def init_app(app: Flask) -> None:
    app.register_blueprint(blp)
