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


def test_xapi_is_off_unless_an_lrs_is_set(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("XAPI_LRS_URL", "XAPI_HOMEPAGE", "XAPI_PASS_SCALED"):
        monkeypatch.delenv(name, raising=False)
    config = load_config("/srv/instance", {"ENV_NAME": "development"})
    assert (config["XAPI_LRS_URL"], config["XAPI_PASS_SCALED"]) == ("", None)


def test_an_lrs_needs_a_home_page_for_its_actors(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XAPI_LRS_URL", "https://lrs.example/xAPI")
    monkeypatch.delenv("XAPI_HOMEPAGE", raising=False)
    with pytest.raises(ConfigError, match="XAPI_HOMEPAGE must be an http"):
        load_config("/srv/instance", {"ENV_NAME": "development"})
    monkeypatch.setenv("XAPI_HOMEPAGE", "https://quiz.school.example")
    monkeypatch.setenv("XAPI_PASS_SCALED", "0.6")
    config = load_config("/srv/instance", {"ENV_NAME": "development"})
    assert (config["XAPI_HOMEPAGE"], config["XAPI_PASS_SCALED"]) == (
        "https://quiz.school.example",
        0.6,
    )


@pytest.mark.parametrize("value", ["0", "1.5", "-0.2", "half"])
def test_the_pass_mark_is_a_fraction(monkeypatch: pytest.MonkeyPatch, value: str) -> None:
    monkeypatch.setenv("XAPI_PASS_SCALED", value)
    with pytest.raises(ConfigError, match="XAPI_PASS_SCALED must be"):
        load_config("/srv/instance", {"ENV_NAME": "development"})
