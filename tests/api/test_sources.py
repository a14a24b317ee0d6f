"""The public read API for sources, and the shape of every error."""

from __future__ import annotations

import pytest
from flask.testing import FlaskClient

from app.content.documents import Catalog

PROBLEM = "application/problem+json"


def assert_problem(response, status: int) -> dict:  # type: ignore[no-untyped-def]
    assert response.status_code == status
    assert response.mimetype == PROBLEM
    body = response.get_json()
    assert body["status"] == status and body["title"] and body["type"]
    return body


def test_list_sources_is_public_and_paginated(client: FlaskClient, loaded_bank: Catalog) -> None:
    response = client.get("/api/sources")
    assert response.status_code == 200
    (source,) = response.get_json()
    assert source["slug"] == "rfa-nk-russia-treaty-2024"
    assert source["publisher"] == "RFA"
    assert source["author"] == "Taejun Kang"
    assert source["dateline"] == "Taipei, Taiwan"
    assert source["published_on"] == "2024-06-20"
    assert source["updated_local"] == "2024-06-20T11:34"
    assert "text" not in source
    assert '"total": 1' in response.headers["X-Pagination"]


def test_source_detail_has_the_full_text(client: FlaskClient, loaded_bank: Catalog) -> None:
    source_id = client.get("/api/sources").get_json()[0]["id"]
    body = client.get(f"/api/sources/{source_id}").get_json()
    assert body["text"] == loaded_bank.sources["rfa-nk-russia-treaty-2024"].text
    assert len(body["text_sha256"]) == 64


def test_sources_never_expose_facts_or_answer_keys(
    client: FlaskClient, loaded_bank: Catalog
) -> None:
    source_id = client.get("/api/sources").get_json()[0]["id"]
    body = client.get(f"/api/sources/{source_id}").get_json()
    assert not {"facts", "evidence", "answer_key"} & set(body)
    assert client.get(f"/api/sources/{source_id}/facts").status_code in {401, 403, 404}


@pytest.mark.parametrize(
    ("path", "status"),
    [
        ("/api/sources/999999", 404),
        ("/api/sources/abc", 404),
        ("/api/sources/-1", 404),
        ("/api/sources/1.5", 404),
        ("/api/no-such-thing", 404),
        ("/api/sources?page=0", 422),
        ("/api/sources?page=abc", 422),
        ("/api/sources?page_size=100000", 422),
    ],
)
def test_bad_input_gets_a_problem_document(
    client: FlaskClient, loaded_bank: Catalog, path: str, status: int
) -> None:
    body = assert_problem(client.get(path), status)
    if status == 422:
        assert body["errors"]["query"]


def test_wrong_method_gets_a_problem_document(client: FlaskClient) -> None:
    assert_problem(client.put("/api/sources", json={}), 405)
    assert_problem(client.delete("/api/sources/1"), 405)


def test_healthz_checks_the_database(client: FlaskClient) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok", "database": "ok", "redis": "not configured"}


def test_openapi_document_and_docs_ui(client: FlaskClient) -> None:
    spec = client.get("/api/openapi.json").get_json()
    assert spec["openapi"].startswith("3.1")
    assert "/api/sources/{source_id}" in spec["paths"]
    assert client.get("/api/docs").status_code == 200
