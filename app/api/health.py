from __future__ import annotations

from flask import Blueprint, Response, jsonify
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from app.errors import problem
from app.extensions import db

blp = Blueprint("health", __name__)


@blp.get("/healthz")
def healthz() -> Response:
    """Liveness and database reachability, for load balancers."""
    try:
        db.session.execute(text("SELECT 1"))
    except SQLAlchemyError:
        db.session.rollback()
        return problem(503, "The database is unreachable.", slug="database-unavailable")
    return jsonify(status="ok", database="ok")
