"""`flask sources draft` and `flask questions export --source` (issue 12)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from quiz_helpers import NEW_ARTICLE

from app.content.lint import lint_catalog
from app.content.read import read_catalog

pytestmark = pytest.mark.commits


def test_draft_prints_the_candidates_as_json(app: Flask, tmp_path: Path) -> None:
    article = tmp_path / "pact.txt"
    article.write_text(NEW_ARTICLE, encoding="utf-8")
    result = app.test_cli_runner().invoke(
        args=["sources", "draft", str(article), "--format", "json"]
    )
    assert result.exit_code == 0, result.output
    drafted = json.loads(result.output)
    text = NEW_ARTICLE.strip()
    assert drafted
    for candidate in drafted:
        assert {"kind", "statement", "answer", "speaker", "role", "evidence"} <= set(candidate)
        evidence = candidate["evidence"]
        assert text[evidence["start"] : evidence["end"]] == evidence["text"]
    quotes = [c for c in drafted if c["kind"] == "quote"]
    assert {c["speaker"] for c in quotes} == {"Sitiveni Rabuka", "Maria Lopez"}
    assert all(c["answer"] == c["speaker"] for c in quotes)
    people = {c["answer"]: c["role"] for c in drafted if c["kind"] == "entity"}
    assert "Lowy Institute" in people["Maria Lopez"]


def test_draft_refuses_what_is_not_an_article(app: Flask, tmp_path: Path) -> None:
    binary = tmp_path / "photo.txt"
    binary.write_bytes(bytes(range(256)))
    result = app.test_cli_runner().invoke(args=["sources", "draft", str(binary)])
    assert result.exit_code == 1 and "binary" in result.output


def test_export_writes_content_files_that_read_back_and_lint_clean(
    app: Flask, db: Any, make_actor: Any, tmp_path: Path
) -> None:
    teacher = make_actor(app, "teacher", "exporter")
    source = teacher.post(
        "/api/sources",
        json={"title": "Fisheries pact", "publisher": "Pacific Daily", "text": NEW_ARTICLE},
    ).get_json()
    for fact in teacher.get(f"/api/sources/{source['id']}/facts?page_size=100").get_json():
        teacher.patch(
            f"/api/sources/{source['id']}/facts/{fact['id']}", json={"status": "accepted"}
        )
    published = teacher.put(f"/api/sources/{source['id']}/bank").get_json()

    result = app.test_cli_runner().invoke(
        args=["questions", "export", "--source", str(source["id"]), "--to", str(tmp_path)]
    )
    assert result.exit_code == 0, result.output
    catalog = read_catalog(tmp_path)
    assert catalog.ok, [str(p) for p in catalog.problems]
    assert lint_catalog(catalog) == []
    (bank,) = catalog.banks
    assert len(bank.questions) == published["created"]
    assert catalog.sources[source["slug"]].text == source["text"]
    accepted = teacher.get(f"/api/sources/{source['id']}/facts?status=accepted&page_size=100")
    assert len(catalog.facts[source["slug"]]) == len(accepted.get_json())


def test_export_of_no_teachers_source_fails(app: Flask, tmp_path: Path) -> None:
    result = app.test_cli_runner().invoke(
        args=["questions", "export", "--source", "999999", "--to", str(tmp_path)]
    )
    assert result.exit_code == 1 and "999999" in result.output
