"""The web page: one HTML shell whose ES modules talk to the JSON API only."""

from __future__ import annotations

from flask import Blueprint, Flask, Response, current_app, send_from_directory

# No inline script or style, nothing from elsewhere: the page's code is its own files.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; "
    "form-action 'self'"
)

blp = Blueprint("web", __name__)


@blp.get("/")
def index() -> Response:
    response = send_from_directory(current_app.static_folder or "static", "index.html")
    response.headers["Content-Security-Policy"] = CONTENT_SECURITY_POLICY
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Referrer-Policy"] = "same-origin"
    response.headers["Cache-Control"] = "no-cache"
    return response


def init_app(app: Flask) -> None:
    app.register_blueprint(blp)
