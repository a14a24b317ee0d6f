"""Configuration read from the environment.

`SOURCEQUIZ_ENV` picks the profile: `production` (the default, so a forgotten setting fails
closed), `development` (the README's run command) or `testing`.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEV_SECRET_KEY = "dev-only-not-secret"
# A signing key shorter than this can be guessed offline from one captured cookie.
MIN_SECRET_KEY_BYTES = 32
# No request body of this API comes near it, but those that bring an article.
DEFAULT_MAX_CONTENT_LENGTH = 64 * 1024
# An article pasted or uploaded (a saved page with its scripts and styles runs to ~1 MB).
DEFAULT_SOURCE_MAX_BYTES = 2 * 1024 * 1024


class ConfigError(RuntimeError):
    """The environment does not describe a runnable application."""


def normalise_database_url(url: str) -> str:
    """Point PostgreSQL URLs at psycopg 3, whatever spelling the platform hands us."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def default_sqlite_url(instance_path: str) -> str:
    return "sqlite:///" + os.path.join(instance_path, "sourcequiz.sqlite3")


def engine_options(url: str) -> dict[str, Any]:
    if url.startswith("postgresql"):
        # No ping before each checkout (a round trip on every request): connections are
        # recycled after five minutes, before a proxy or the server's idle timeout drops them.
        # A connection a server restart did drop fails one request (503), and SQLAlchemy then
        # replaces the whole pool. An unreachable server fails a request within seconds (503).
        return {"pool_recycle": 300, "connect_args": {"connect_timeout": 5}}
    return {}


def _int_from_env(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        return int(raw)
    except ValueError:
        raise ConfigError(f"{name} must be a whole number, not {raw!r}") from None


def _fraction_from_env(name: str) -> float | None:
    """A number in (0, 1] from the environment, or None when unset."""
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return None
    try:
        value = float(raw)
    except ValueError:
        raise ConfigError(f"{name} must be a number, not {raw!r}") from None
    if not 0 < value <= 1:
        raise ConfigError(f"{name} must be above 0 and at most 1, not {raw!r}")
    return value


def _check_xapi(config: dict[str, Any]) -> None:
    """With an LRS set, statements need an account home page for their actors."""
    if not config["XAPI_LRS_URL"]:
        return
    for name in ("XAPI_LRS_URL", "XAPI_HOMEPAGE"):
        if not str(config[name] or "").startswith(("http://", "https://")):
            raise ConfigError(
                f"{name} must be an http:// or https:// URL when XAPI_LRS_URL is set "
                f"(docs/deployment.md, Learning records), not {config[name]!r}"
            )


def load_config(instance_path: str, overrides: dict[str, Any] | None = None) -> dict[str, Any]:
    """Build the Flask config mapping from the environment, then apply `overrides`."""
    overrides = dict(overrides or {})
    env_name = overrides.pop("ENV_NAME", None) or os.environ.get("SOURCEQUIZ_ENV", "production")
    if env_name not in {"production", "development", "testing"}:
        raise ConfigError(
            f"SOURCEQUIZ_ENV must be production, development or testing, not {env_name!r}"
        )

    secret_key = os.environ.get("SECRET_KEY")
    if not secret_key and env_name != "production":
        secret_key = DEV_SECRET_KEY
    database_url = normalise_database_url(
        os.environ.get("DATABASE_URL") or default_sqlite_url(instance_path)
    )

    config: dict[str, Any] = {
        "ENV_NAME": env_name,
        "TESTING": env_name == "testing",
        "SECRET_KEY": secret_key,
        "SQLALCHEMY_DATABASE_URI": database_url,
        "REDIS_URL": os.environ.get("REDIS_URL") or None,
        "QUESTIONS_DIR": os.environ.get("QUESTIONS_DIR") or str(PROJECT_ROOT / "questions"),
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": env_name == "production",
        "JSON_SORT_KEYS": False,
        # Bodies above this are refused (413) before a byte of them is read.
        "MAX_CONTENT_LENGTH": _int_from_env("MAX_CONTENT_LENGTH", DEFAULT_MAX_CONTENT_LENGTH),
        # The same for the operations that take an article (`app.api.http.takes_article`).
        "SOURCE_MAX_BYTES": _int_from_env("SOURCE_MAX_BYTES", DEFAULT_SOURCE_MAX_BYTES),
        # Login throttling: failed sign-ins only. Per account and address pair, the waits grow
        # (a minute after 5 failures, 15 minutes after 10, an hour after 20, a day after 40);
        # per account from every address, a ceiling high enough that strangers cannot lock
        # its owner out for long; per address, a ceiling for one machine trying many accounts.
        "RATELIMIT_STORAGE_URI": os.environ.get("REDIS_URL") or "memory://",
        "RATELIMIT_STORAGE_OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        # Redis down: count in this process's memory instead of failing every sign-in.
        "RATELIMIT_IN_MEMORY_FALLBACK_ENABLED": True,
        "RATELIMIT_HEADERS_ENABLED": True,
        "RATELIMIT_KEY_PREFIX": "sourcequiz",
        "LOGIN_FAILURE_LIMIT_PER_PAIR": "5 per minute;10 per 15 minutes;20 per hour;40 per day",
        "LOGIN_FAILURE_LIMIT_PER_ACCOUNT": "100 per hour",
        "LOGIN_FAILURE_LIMIT_PER_ADDRESS": "100 per 15 minutes",
        # argon2id cost; argon2-cffi's defaults (RFC 9106 low-memory) outside tests.
        "ARGON2_TIME_COST": 1 if env_name == "testing" else 3,
        "ARGON2_MEMORY_COST": 1024 if env_name == "testing" else 65536,
        # Practice introduces at most this many facts a learner has never seen, per UTC day.
        "PRACTICE_NEW_FACTS_PER_DAY": _int_from_env("PRACTICE_NEW_FACTS_PER_DAY", 10),
        # How many proxies in front of the app append to X-Forwarded-For (0: none, the
        # client's address is the connection's; docs/deployment.md).
        "TRUSTED_PROXIES": _int_from_env("TRUSTED_PROXIES", 0),
        # xAPI learning records (app/services/xapi.py): with XAPI_LRS_URL (the LRS's xAPI
        # endpoint) set, grading writes statements to an outbox that `flask xapi send`
        # delivers; empty, nothing is written. XAPI_HOMEPAGE is the home page of the
        # learners' accounts (`actor.account.homePage`) and the base of activity ids;
        # XAPI_PASS_SCALED, if set, is the scaled score from which an attempt is `passed`
        # rather than `failed` (unset: attempts are only `completed`).
        "XAPI_LRS_URL": os.environ.get("XAPI_LRS_URL", "").strip(),
        "XAPI_LRS_USERNAME": os.environ.get("XAPI_LRS_USERNAME", ""),
        "XAPI_LRS_PASSWORD": os.environ.get("XAPI_LRS_PASSWORD", ""),
        "XAPI_HOMEPAGE": os.environ.get("XAPI_HOMEPAGE", "").strip(),
        "XAPI_PASS_SCALED": _fraction_from_env("XAPI_PASS_SCALED"),
        # Demo accounts are created by `flask demo` only outside production.
        "DEMO_TEACHER": ("teacher@demo.sourcequiz.test", "demo-teacher-password"),
        "DEMO_LEARNER": ("learner@demo.sourcequiz.test", "demo-learner-password"),
        # flask-smorest / OpenAPI
        "API_TITLE": "Sourcequiz",
        "API_VERSION": "v1",
        "OPENAPI_VERSION": "3.1.0",
        "OPENAPI_URL_PREFIX": "/api",
        "OPENAPI_JSON_PATH": "openapi.json",
        # Swagger UI is served by app/docs.py from a pinned copy, not flask-smorest's CDN page.
        "OPENAPI_SWAGGER_UI_PATH": None,
        "API_SPEC_OPTIONS": {
            "info": {
                "description": "Quizzes built from the facts of a source document. Sign in "
                "with POST /api/auth/login (session cookie; send X-CSRF-Token on writes) or "
                "send a personal token as `Authorization: Bearer ...`. Errors are RFC 9457 "
                "problem details."
            },
            "components": {
                "securitySchemes": {
                    "sessionCookie": {"type": "apiKey", "in": "cookie", "name": "session"},
                    "bearerToken": {"type": "http", "scheme": "bearer"},
                }
            },
            "security": [{"sessionCookie": []}, {"bearerToken": []}, {}],
        },
    }
    config.update(overrides)
    config["SQLALCHEMY_DATABASE_URI"] = normalise_database_url(config["SQLALCHEMY_DATABASE_URI"])
    config.setdefault(
        "SQLALCHEMY_ENGINE_OPTIONS", engine_options(config["SQLALCHEMY_DATABASE_URI"])
    )

    _check_xapi(config)
    if not config["SECRET_KEY"]:
        raise ConfigError("SECRET_KEY must be set in production (SOURCEQUIZ_ENV=production)")
    if env_name == "production" and len(config["SECRET_KEY"].encode()) < MIN_SECRET_KEY_BYTES:
        raise ConfigError(
            f"SECRET_KEY must be at least {MIN_SECRET_KEY_BYTES} bytes in production; "
            "make one with: python3 -c 'import secrets; print(secrets.token_urlsafe(48))'"
        )
    return config
