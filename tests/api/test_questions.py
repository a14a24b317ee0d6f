"""The teachers' question bank: browse with filters, facts, own questions and versions."""

from __future__ import annotations

import json
from typing import Any

import pytest
from sqlalchemy import func, select

from app.domain.question_types import QUESTION_TYPES
from app.models import Question, QuestionVersion

SINGLE_CHOICE = {
    "type": "single_choice",
    "prompt": "Which city hosted the summit?",
    "options": ["Pyongyang", "Moscow", "Hanoi"],
    "answer": "Pyongyang",
    "tags": ["background", "my-class"],
    "difficulty": "easy",
    "explanation": "They met in Pyongyang.",
}


def question_count(db: Any) -> int:
    db.session.expire_all()
    return db.session.scalar(select(func.count()).select_from(Question))


def test_teachers_browse_the_bank_with_keys_and_evidence(teacher: Any, loaded_bank: Any) -> None:
    response = teacher.get("/api/questions?page_size=100")
    assert response.status_code == 200
    pagination = json.loads(response.headers["X-Pagination"])
    assert pagination["total"] >= 80
    questions = response.get_json()
    assert {q["type"] for q in questions} <= set(QUESTION_TYPES)
    first = questions[0]
    assert first["answer_key"] and first["evidence"] and first["tags"] and first["version"] == 1


@pytest.mark.parametrize(
    ("query", "check"),
    [
        ("type=matching", lambda q: q["type"] == "matching"),
        ("difficulty=hard", lambda q: q["difficulty"] == "hard"),
        ("tag=who-said-what", lambda q: "who-said-what" in q["tags"]),
        ("q=KIRBY", lambda q: "kirby" in q["prompt"].lower()),
        ("type=numeric&tag=treaty-years", lambda q: q["type"] == "numeric"),
    ],
)
def test_filters(teacher: Any, loaded_bank: Any, query: str, check: Any) -> None:
    questions = teacher.get(f"/api/questions?{query}&page_size=100").get_json()
    assert questions and all(check(q) for q in questions)


def test_filter_by_bank_and_text_search_that_escapes_wildcards(
    teacher: Any, loaded_bank: Any
) -> None:
    bank = teacher.get("/api/banks").get_json()[0]
    assert bank["question_count"] >= 80 and bank["owner_id"] is None
    by_bank = teacher.get(f"/api/questions?bank={bank['id']}&page_size=1")
    assert json.loads(by_bank.headers["X-Pagination"])["total"] == bank["question_count"]
    assert teacher.get("/api/questions?bank=999999").get_json() == []
    assert teacher.get("/api/questions?q=%25%25").get_json() == []


@pytest.mark.parametrize(
    "query", ["type=essay", "difficulty=impossible", "bank=abc", "page=0", "page_size=0"]
)
def test_bad_filters_are_422(teacher: Any, loaded_bank: Any, query: str) -> None:
    response = teacher.get(f"/api/questions?{query}")
    assert response.status_code == 422
    assert response.get_json()["errors"]["query"]


def test_queries_per_list_request_do_not_grow_with_the_page(
    teacher: Any, loaded_bank: Any, count_queries: Any
) -> None:
    counts = {}
    for size in (5, 50):
        with count_queries() as queries:
            response = teacher.get(f"/api/questions?page_size={size}")
        assert len(response.get_json()) == size
        counts[size] = len(queries)
    assert counts[5] == counts[50], counts


def test_facts_carry_evidence_offsets_into_the_source(teacher: Any, loaded_bank: Any) -> None:
    source = teacher.get("/api/sources").get_json()[0]
    text = teacher.get(f"/api/sources/{source['id']}").get_json()["text"]
    facts = teacher.get(f"/api/sources/{source['id']}/facts?page_size=100").get_json()
    assert len(facts) == len(loaded_bank.facts["rfa-nk-russia-treaty-2024"])
    for fact in facts:
        assert text[fact["evidence_start"] : fact["evidence_end"]] == fact["evidence_text"]
    assert teacher.get("/api/sources/999999/facts").status_code == 404


def test_question_detail_has_history(teacher: Any, loaded_bank: Any) -> None:
    listed = teacher.get("/api/questions?type=cloze").get_json()[0]
    detail = teacher.get(f"/api/questions/{listed['id']}").get_json()
    assert detail["answer_key"]["blanks"]
    assert [v["number"] for v in detail["versions"]] == [1]
    assert teacher.get("/api/questions/999999").status_code == 404


def test_a_teacher_writes_a_question_proven_by_a_fact(
    teacher: Any, loaded_bank: Any, db: Any
) -> None:
    source = teacher.get("/api/sources").get_json()[0]
    facts = teacher.get(f"/api/sources/{source['id']}/facts?page_size=100").get_json()
    summit = next(f for f in facts if f["slug"] == "summit-pyongyang")
    created = teacher.post("/api/questions", json={**SINGLE_CHOICE, "facts": [summit["id"]]})
    assert created.status_code == 201, created.get_json()
    body = created.get_json()
    assert body["has_evidence"] and body["evidence"][0]["text"] == summit["evidence_text"]
    assert body["tags"] == ["background", "my-class"]
    answer_id = body["answer_key"]["choice"]
    assert next(o["text"] for o in body["content"]["options"] if o["id"] == answer_id) == (
        "Pyongyang"
    )
    banks = teacher.get("/api/banks").get_json()
    assert any(b["owner_id"] == teacher.id and b["question_count"] == 1 for b in banks)
    mine = teacher.get("/api/questions?tag=my-class").get_json()
    assert [q["id"] for q in mine] == [body["id"]]


def test_evidence_text_is_found_verbatim_or_refused(
    teacher: Any, loaded_bank: Any, db: Any
) -> None:
    source = teacher.get("/api/sources").get_json()[0]
    found = teacher.post(
        "/api/questions",
        json={**SINGLE_CHOICE, "evidence": {"source_id": source["id"], "text": "met in Pyongyang"}},
    )
    assert found.status_code == 201
    span = found.get_json()["evidence"][0]
    assert source["id"] and span["text"] == "met in Pyongyang" and span["fact"] is None
    before = question_count(db)
    missing = teacher.post(
        "/api/questions",
        json={**SINGLE_CHOICE, "evidence": {"source_id": source["id"], "text": "met in Paris"}},
    )
    assert missing.status_code == 422
    assert "not found verbatim" in missing.get_json()["errors"]["json"]["evidence"]["text"][0]
    assert question_count(db) == before


def test_a_question_without_evidence_is_marked_so(teacher: Any, loaded_bank: Any) -> None:
    created = teacher.post("/api/questions", json=SINGLE_CHOICE).get_json()
    assert created["has_evidence"] is False and created["evidence"] == []


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"answer": 3}, "answer"),
        ({"answer": "Beijing"}, "_schema"),
        ({"options": ["Pyongyang", "pyongyang!"]}, "_schema"),
        ({"difficulty": "trivial"}, "difficulty"),
        ({"tags": []}, "tags"),
        ({"colour": "red"}, "colour"),
        ({"facts": [999999]}, "facts"),
        ({"type": "find_evidence"}, "options"),
    ],
)
def test_invalid_questions_are_422_and_write_nothing(
    teacher: Any, loaded_bank: Any, db: Any, change: dict[str, Any], field: str
) -> None:
    before = question_count(db)
    response = teacher.post("/api/questions", json={**SINGLE_CHOICE, **change})
    assert response.status_code == 422, response.get_json()
    assert response.mimetype == "application/problem+json"
    assert field in response.get_json()["errors"]["json"]
    assert question_count(db) == before


def test_patch_makes_a_new_version_and_keeps_the_old(
    teacher: Any, loaded_bank: Any, db: Any
) -> None:
    created = teacher.post("/api/questions", json=SINGLE_CHOICE).get_json()
    patched = teacher.patch(
        f"/api/questions/{created['id']}",
        json={"prompt": "Where did the leaders meet?", "tags": ["background"]},
    )
    assert patched.status_code == 200, patched.get_json()
    body = patched.get_json()
    assert body["version"] == 2 and body["prompt"] == "Where did the leaders meet?"
    assert body["tags"] == ["background"]
    assert [v["prompt"] for v in body["versions"]] == [
        "Which city hosted the summit?",
        "Where did the leaders meet?",
    ]
    # A change that alters nothing makes no version.
    same = teacher.patch(f"/api/questions/{created['id']}", json={"difficulty": "easy"})
    assert same.get_json()["version"] == 2
    db.session.expire_all()
    versions = db.session.scalars(
        select(QuestionVersion).where(QuestionVersion.question_id == created["id"])
    ).all()
    assert sorted(v.number for v in versions) == [1, 2]


def test_patch_can_change_the_type(teacher: Any, loaded_bank: Any) -> None:
    created = teacher.post("/api/questions", json=SINGLE_CHOICE).get_json()
    patched = teacher.patch(
        f"/api/questions/{created['id']}",
        json={"type": "short_text", "accepted": ["Pyongyang"]},
    )
    assert patched.status_code == 200, patched.get_json()
    assert patched.get_json()["answer_key"] == {"accepted": ["Pyongyang"]}


def test_a_bad_patch_writes_no_version(teacher: Any, loaded_bank: Any, db: Any) -> None:
    created = teacher.post("/api/questions", json=SINGLE_CHOICE).get_json()
    response = teacher.patch(f"/api/questions/{created['id']}", json={"answer": "Seoul"})
    assert response.status_code == 422
    assert teacher.get(f"/api/questions/{created['id']}").get_json()["version"] == 1


def test_shared_bank_questions_are_edited_in_their_files(teacher: Any, loaded_bank: Any) -> None:
    shared = teacher.get("/api/questions").get_json()[0]
    response = teacher.patch(f"/api/questions/{shared['id']}", json={"prompt": "x"})
    assert response.status_code == 403
    assert "questions/" in response.get_json()["detail"]
