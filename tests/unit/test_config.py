from __future__ import annotations

import pytest

from app.config import ConfigError, load_config, normalise_database_url


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("postgres://u@h/db", "postgresql+psycopg://u@h/db"),
        ("postgresql://u@h/db", "postgresql+psycopg://u@h/db"),
        ("postgresql+psycopg://u@h/db", "postgresql+psycopg://u@h/db"),
        ("sqlite:///x.db", "sqlite:///x.db"),
    ],
)
def test_database_urls_use_psycopg3(url: str, expected: str) -> None:
    assert normalise_database_url(url) == expected


def test_production_refuses_to_start_without_secret_key(
    monkeypatch: pytest.MonkeyPatch, tmp_path: object
) -> None:
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.setenv("SOURCEQUIZ_ENV", "production")
    with pytest.raises(ConfigError, match="SECRET_KEY"):
        load_config(str(tmp_path))


def test_defaults_to_sqlite_under_instance(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("DATABASE_URL", raising=False)
    config = load_config("/srv/instance", {"ENV_NAME": "development"})
    assert config["SQLALCHEMY_DATABASE_URI"] == "sqlite:////srv/instance/sourcequiz.sqlite3"
    assert config["SQLALCHEMY_ENGINE_OPTIONS"] == {}


def test_postgres_recycles_connections_instead_of_pinging(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DATABASE_URL", "postgres://u@h/db")
    config = load_config("/srv/instance", {"ENV_NAME": "development"})
    assert config["SQLALCHEMY_ENGINE_OPTIONS"] == {
        "pool_recycle": 300,
        "connect_args": {"connect_timeout": 5},
    }


@pytest.mark.parametrize("key", ["x", "s" * 31])
def test_production_refuses_a_short_secret_key(
    monkeypatch: pytest.MonkeyPatch, tmp_path: object, key: str
) -> None:
    """Issue 9, fault 12: a one-character SECRET_KEY was accepted in production."""
    monkeypatch.setenv("SECRET_KEY", key)
    monkeypatch.setenv("SOURCEQUIZ_ENV", "production")
    with pytest.raises(ConfigError, match="32 bytes"):
        load_config(str(tmp_path))
    monkeypatch.setenv("SECRET_KEY", "s" * 32)
    assert load_config(str(tmp_path))["SECRET_KEY"] == "s" * 32


def test_the_body_size_limit_is_small_by_default_and_configurable(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("MAX_CONTENT_LENGTH", raising=False)
    assert load_config("/srv/instance", {"ENV_NAME": "development"})["MAX_CONTENT_LENGTH"] == 65536
    monkeypatch.setenv("MAX_CONTENT_LENGTH", "1000")
    assert load_config("/srv/instance", {"ENV_NAME": "development"})["MAX_CONTENT_LENGTH"] == 1000
    monkeypatch.setenv("MAX_CONTENT_LENGTH", "lots")
    with pytest.raises(ConfigError, match="MAX_CONTENT_LENGTH"):
        load_config("/srv/instance", {"ENV_NAME": "development"})
