"""`/api/docs`: Swagger UI 5.35.0 served from this app (app/docs_ui), never from a CDN."""

from __future__ import annotations

from pathlib import Path

from flask import Blueprint, Flask, Response, send_from_directory

SWAGGER_UI_VERSION = "5.35.0"
ASSETS = Path(__file__).resolve().parent / "docs_ui"
# Swagger UI sets element styles from script and draws icons as data: URIs; nothing else
# is allowed, and nothing comes from elsewhere.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; "
    "frame-ancestors 'none'; form-action 'self'"
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
