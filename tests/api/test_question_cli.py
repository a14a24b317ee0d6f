"""`flask questions validate|load|export` against a real database."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import func, select

from app.domain.question_types import QUESTION_TYPES
from app.models import Fact, Question, QuestionVersion, Source

# The commands run on an empty database (or load it themselves) and commit.
pytestmark = pytest.mark.commits

SLUG = "rfa-nk-russia-treaty-2024"


def invoke(app: Flask, *args: str) -> Any:
    return app.test_cli_runner().invoke(args=["questions", *args])


def counts(db: Any) -> tuple[int, int, int, int]:
    return tuple(  # type: ignore[return-value]
        db.session.scalar(select(func.count()).select_from(model))
        for model in (Source, Fact, Question, QuestionVersion)
    )


def test_validate_passes_on_the_article(app: Flask) -> None:
    result = invoke(app, "validate")
    assert result.exit_code == 0, result.stderr
    assert "content is valid" in result.output


def test_validate_fails_with_file_and_line(app: Flask, content_copy: Path) -> None:
    facts = content_copy / "facts" / f"{SLUG}.toml"
    facts.write_text(facts.read_text("utf-8").replace("in 1991", "in 1992"), "utf-8")
    result = invoke(app, "validate", "--dir", str(content_copy))
    assert result.exit_code == 1
    assert f"facts/{SLUG}.toml:" in result.stderr
    assert "evidence not found verbatim" in result.stderr


def test_load_twice_changes_nothing(app: Flask, db: Any) -> None:
    first = invoke(app, "load")
    assert first.exit_code == 0, first.stderr
    after_first = counts(db)
    assert after_first[2] >= 80 and after_first[2] == after_first[3]
    second = invoke(app, "load")
    assert second.exit_code == 0, second.stderr
    assert "0 new, 0 new version(s)" in second.output
    assert counts(db) == after_first


def test_broken_content_loads_nothing(app: Flask, db: Any, content_copy: Path) -> None:
    bank = content_copy / "banks" / f"{SLUG}.toml"
    bank.write_text(bank.read_text("utf-8").replace("answer = 51", 'answer = "51"'), "utf-8")
    result = invoke(app, "load", "--dir", str(content_copy))
    assert result.exit_code == 1
    assert counts(db) == (0, 0, 0, 0)


def test_a_changed_question_gets_a_new_version_and_keeps_the_old(
    app: Flask, db: Any, content_copy: Path
) -> None:
    assert invoke(app, "load", "--dir", str(content_copy)).exit_code == 0
    bank = content_copy / "banks" / f"{SLUG}.toml"
    old_prompt = "Which article of the U.N. Charter does the treaty's assistance clause cite?"
    new_prompt = "Which article of the U.N. Charter does the treaty cite?"
    bank.write_text(bank.read_text("utf-8").replace(old_prompt, new_prompt), "utf-8")
    result = invoke(app, "load", "--dir", str(content_copy))
    assert result.exit_code == 0, result.stderr
    assert "1 new version(s)" in result.output

    question = db.session.scalar(
        select(Question).where(Question.slug == "un-charter-article-number")
    )
    versions = db.session.scalars(
        select(QuestionVersion)
        .where(QuestionVersion.question_id == question.id)
        .order_by(QuestionVersion.number)
    ).all()
    assert question.latest_version == 2
    assert [v.prompt for v in versions] == [old_prompt, new_prompt]


def test_a_question_dropped_from_the_file_is_retired_not_deleted(
    app: Flask, db: Any, content_copy: Path
) -> None:
    assert invoke(app, "load", "--dir", str(content_copy)).exit_code == 0
    bank = content_copy / "banks" / f"{SLUG}.toml"
    bank.write_text(
        bank.read_text("utf-8").replace("exclude = []", 'exclude = ["wmd--short-text"]'), "utf-8"
    )
    result = invoke(app, "load", "--dir", str(content_copy))
    assert "1 retired" in result.output
    question = db.session.scalar(select(Question).where(Question.slug == "wmd--short-text"))
    assert question is not None and not question.is_active
    exported = json.loads(invoke(app, "export").stdout)
    assert "wmd--short-text" not in {q["slug"] for q in exported}


def test_export_lists_every_question_with_key_and_evidence(app: Flask, db: Any) -> None:
    assert invoke(app, "load").exit_code == 0
    result = invoke(app, "export", "--format", "json")
    assert result.exit_code == 0, result.stderr
    exported = json.loads(result.stdout)
    assert len(exported) >= 80
    assert {q["type"] for q in exported} == set(QUESTION_TYPES)
    source = db.session.scalar(select(Source))
    for question in exported:
        assert question["answer_key"] and question["tags"] and question["difficulty"]
        for span in question["evidence"]:
            assert span["source_id"] == source.id
            assert source.text[span["start"] : span["end"]] == span["text"]


def test_export_of_an_empty_database_says_so(app: Flask, db: Any) -> None:
    result = invoke(app, "export")
    assert result.exit_code == 1
    assert "flask questions load" in result.stderr
