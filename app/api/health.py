"""`/healthz`: what a load balancer and an operator need to know about this instance."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, current_app, jsonify
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from app.errors import DATABASE_RETRY_AFTER_S, problem
from app.extensions import db

blp = Blueprint("health", __name__)


def redis_status() -> str:
    """`ok`, `unavailable`, or `not configured` (no REDIS_URL: counts kept in memory)."""
    url = current_app.config.get("REDIS_URL")
    if not url:
        return "not configured"
    import redis

    clients: dict[str, Any] = current_app.extensions.setdefault("health_redis", {})
    client = clients.get(url)
    if client is None:
        client = redis.Redis.from_url(url, socket_connect_timeout=1, socket_timeout=1)
        clients[url] = client
    try:
        client.ping()
    except redis.RedisError:
        return "unavailable"
    return "ok"


@blp.get("/healthz")
def healthz() -> Response:
    """200 while the database answers: `status` is `ok`, or `degraded` when Redis is down
    (sign-in throttling then counts per process). 503 when the database does not answer."""
    redis = redis_status()
    try:
        db.session.execute(text("SELECT 1"))
    except SQLAlchemyError:
        db.session.rollback()
        return problem(
            503,
            f"The database is unreachable (Redis: {redis}).",
            slug="database-unavailable",
            headers={"Retry-After": str(DATABASE_RETRY_AFTER_S)},
        )
    status = "degraded" if redis == "unavailable" else "ok"
    return jsonify(status=status, database="ok", redis=redis)
