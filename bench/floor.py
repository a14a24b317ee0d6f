"""The floor of bench/http.py: the least a "save a response" request can cost on this stack.

A minimal Flask app served by the same gunicorn settings as Sourcequiz, beside it in the same
run. Per request it does what any save must: read the signed session cookie (Flask's default
session interface and the same SECRET_KEY, so the learners' real cookies work here), check the
CSRF header against the session, parse the JSON body, do one upsert through psycopg 3 (one
connection per worker, autocommit: the statement is its own transaction) and return a small
JSON body. Sourcequiz is measured as a ratio of this app's requests per second.

    gunicorn -c gunicorn.conf.py --workers 2 bench.floor:app    # from the project root

Environment: SECRET_KEY, DATABASE_URL (postgresql://...). `create_table` makes its table.
"""

from __future__ import annotations

import hmac
import os
from typing import Any

import psycopg
from flask import Flask, Response, jsonify, request, session
from psycopg.types.json import Jsonb

TABLE = "bench_floor_responses"
CREATE_TABLE = f"""
CREATE TABLE IF NOT EXISTS {TABLE} (
    attempt_id integer NOT NULL,
    item_id integer NOT NULL,
    learner_id integer NOT NULL,
    response jsonb NOT NULL,
    saved_at timestamptz NOT NULL,
    PRIMARY KEY (attempt_id, item_id)
)
"""
UPSERT = f"""
INSERT INTO {TABLE} (attempt_id, item_id, learner_id, response, saved_at)
VALUES (%s, %s, %s, %s, now())
ON CONFLICT (attempt_id, item_id)
DO UPDATE SET response = excluded.response, saved_at = excluded.saved_at
RETURNING saved_at
"""


def libpq_url(url: str) -> str:
    """psycopg takes postgresql://; SQLAlchemy's spelling postgresql+psycopg:// it does not."""
    return url.replace("postgresql+psycopg://", "postgresql://", 1)


def create_table(url: str) -> None:
    with psycopg.connect(libpq_url(url), autocommit=True) as connection:
        connection.execute(CREATE_TABLE)


def create_app() -> Flask:
    app = Flask(__name__)
    app.config["SECRET_KEY"] = os.environ["SECRET_KEY"]
    url = libpq_url(os.environ["DATABASE_URL"])
    # One connection per worker process, opened on its first request (after gunicorn forks).
    connection: dict[str, psycopg.Connection[Any]] = {}

    def database() -> psycopg.Connection[Any]:
        if "db" not in connection or connection["db"].closed:
            connection["db"] = psycopg.connect(url, autocommit=True)
        return connection["db"]

    @app.get("/floor/health")
    def health() -> Response:
        return jsonify(status="ok")

    @app.put("/floor/attempts/<int:attempt_id>/responses/<int:item_id>")
    def save(attempt_id: int, item_id: int) -> Response | tuple[Response, int]:
        # Flask-Login keeps "<user id>:<session version>" under _user_id.
        user_id, _, _version = str(session.get("_user_id", "")).partition(":")
        if not user_id.isdigit():
            return jsonify(title="Sign in."), 401
        expected = session.get("csrf_token", "")
        if not expected or not hmac.compare_digest(
            expected, request.headers.get("X-CSRF-Token", "")
        ):
            return jsonify(title="Missing or wrong X-CSRF-Token header."), 403
        body = request.get_json(silent=True)
        if not isinstance(body, dict) or not isinstance(body.get("response"), dict):
            return jsonify(title="Send {'response': {...}}."), 422
        row = (
            database()
            .execute(UPSERT, (attempt_id, item_id, int(user_id), Jsonb(body["response"])))
            .fetchone()
        )
        saved_at = row[0].isoformat() if row else None
        return jsonify(item_id=item_id, saved_at=saved_at)

    return app


app = create_app() if "SECRET_KEY" in os.environ and "DATABASE_URL" in os.environ else None
