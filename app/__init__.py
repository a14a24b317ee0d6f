"""Sourcequiz: the application factory."""

from __future__ import annotations

from typing import Any

from flask import Flask
from sqlalchemy import event
from sqlalchemy.engine import Engine


def create_app(overrides: dict[str, Any] | None = None) -> Flask:
    """Build the app: config, extensions, API blueprints, error handlers, CLI."""
    from app import cli, docs, security, web
    from app.api import (
        auth,
        classes,
        health,
        interchange,
        lti,
        progress,
        question_types,
        questions,
        quizzes,
        sources,
    )
    from app.api.http import IdConverter, commit_at_request_end, id_parameter_schema
    from app.config import load_config
    from app.errors import register_error_handlers
    from app.extensions import api, db, limiter, migrate
    from app.services.accounts import configure_password_hashing

    app = Flask(__name__, instance_relative_config=True)
    # Responses keep their keys in the order the schemas give them: sorting every document
    # cost the hot reads about 3 % of their time (an attempt of 20 items), and says nothing.
    app.json.sort_keys = False  # type: ignore[attr-defined]
    app.config.from_mapping(load_config(app.instance_path, overrides))
    # Before any route is added: routes name their ids `<id:...>`.
    app.url_map.converters["id"] = IdConverter
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite:///"):
        import os

        os.makedirs(app.instance_path, exist_ok=True)

    if app.config["TRUSTED_PROXIES"] > 0:
        # Behind a load balancer: the client's address (sign-in throttling) and scheme are
        # the ones the proxies forward. Only as many hops as are trusted are read.
        from werkzeug.middleware.proxy_fix import ProxyFix

        hops = app.config["TRUSTED_PROXIES"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops)
    configure_password_hashing(app.config["ARGON2_TIME_COST"], app.config["ARGON2_MEMORY_COST"])
    db.init_app(app)
    migrate.init_app(app, db, directory=str(_migrations_dir()), render_as_batch=True)
    security.init_app(app)
    limiter.init_app(app)
    api.init_app(app)
    api.register_converter(IdConverter, id_parameter_schema)
    for blueprint in (
        auth.blp,
        classes.blp,
        sources.blp,
        question_types.blp,
        questions.blp,
        quizzes.blp,
        progress.blp,
        interchange.blp,
    ):
        api.register_blueprint(blueprint)
    app.register_blueprint(health.blp)
    app.register_blueprint(lti.blp)
    web.init_app(app)
    docs.init_app(app)
    commit_at_request_end(app)
    register_error_handlers(app)
    cli.init_app(app)
    return app


def _migrations_dir() -> Any:
    from app.config import PROJECT_ROOT

    return PROJECT_ROOT / "migrations"


@event.listens_for(Engine, "connect")
def _sqlite_foreign_keys(dbapi_connection: Any, _record: Any) -> None:
    # SQLite ignores foreign keys unless asked on every connection.
    if type(dbapi_connection).__module__.startswith("sqlite3"):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()
