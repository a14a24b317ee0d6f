"""Helpers for tests that build quizzes and take them through the API."""

from __future__ import annotations

import threading
from typing import Any

from app.domain.question_types import QUESTION_TYPES

# A teacher's own question, as POST /api/questions takes it.
NEW_QUESTION = {
    "type": "true_false",
    "prompt": "The treaty was signed in Pyongyang.",
    "answer": True,
    "tags": ["background"],
    "difficulty": "easy",
    "explanation": "It was.",
}


# A short news text a teacher pastes as a source of their own (issue 12): a date, a list, an
# acronym, people with roles, quotations and a number.
NEW_ARTICLE = """Pacific nations sign fisheries pact

The agreement was signed on March 3, 2025, in Suva after two years of talks.

Fiji, Tonga and Samoa will share patrol boats under the deal, which the Pacific Islands \
Forum (PIF) brokered.

“This is the strongest protection our waters have ever had,” Prime Minister Sitiveni \
Rabuka said.

Maria Lopez, a senior fellow at the Lowy Institute, said the pact would cut illegal catches.

“It will not be easy,” she told reporters. “But the boats are a start.”

The region's tuna fishery is worth $3.2 billion a year, according to the forum.
"""


def one_of_each_type(teacher: Any) -> list[dict[str, Any]]:
    """The first bank question of each of the nine types, as the teacher sees it."""
    return [
        teacher.get(f"/api/questions?type={t}&page_size=1").get_json()[0] for t in QUESTION_TYPES
    ]


def classroom(teacher: Any, *learners: Any) -> int:
    school_class = teacher.post("/api/classes", json={"name": "7B"}).get_json()
    for learner in learners:
        joined = learner.post("/api/classes/join", json={"join_code": school_class["join_code"]})
        assert joined.status_code == 200
    return int(school_class["id"])


def assigned_quiz(teacher: Any, class_id: int, question_ids: list[int], **settings: Any) -> int:
    created = teacher.post(
        "/api/quizzes", json={"title": "Treaty quiz", "question_ids": question_ids, **settings}
    )
    assert created.status_code == 201, created.get_json()
    quiz_id = created.get_json()["id"]
    assigned = teacher.post(f"/api/quizzes/{quiz_id}/assignments", json={"class_id": class_id})
    assert assigned.status_code == 201, assigned.get_json()
    return int(quiz_id)


def correct_answers(teacher: Any, attempt_id: int) -> dict[int, dict[str, Any]]:
    """Item id -> the response that scores full marks (read through the teacher's view)."""
    view = teacher.get(f"/api/attempts/{attempt_id}").get_json()
    return {item["id"]: item["result"]["correct_answer"] for item in view["items"]}


def wrong_answer(item: dict[str, Any], right: dict[str, Any]) -> dict[str, Any]:
    """A well-formed response that scores nothing."""
    content, kind = item["content"], item["type"]
    if kind == "single_choice":
        return {"choice": next(o["id"] for o in content["options"] if o["id"] != right["choice"])}
    if kind == "multiple_choice":
        wrong = [o["id"] for o in content["options"] if o["id"] not in right["choices"]]
        return {"choices": wrong}
    if kind == "true_false":
        return {"value": not right["value"]}
    if kind == "numeric":
        return {"value": right["value"] + 1000}
    if kind == "short_text":
        return {"text": "no idea"}
    if kind == "matching":
        options = [o["id"] for o in content["options"]]
        return {"pairs": {p: next(o for o in options if o != r) for p, r in right["pairs"].items()}}
    if kind == "ordering":
        return {"order": list(reversed(right["order"]))}
    if kind == "cloze":
        return {"blanks": ["zzz"] * (len(content["segments"]) - 1)}
    if "sentence_count" in content:
        return {
            "sentences": [
                next(
                    i
                    for i in range(content["sentence_count"])
                    if i not in right.get("sentences", [])
                )
            ]
        }
    return {"start": 0, "end": 1}


def some_answer(item: dict[str, Any]) -> dict[str, Any]:
    """A well-formed response to an item, right or wrong, made without its key."""
    content, kind = item["content"], item["type"]
    ids = [o["id"] for o in content.get("options", [])]
    return {
        "single_choice": lambda: {"choice": ids[0]} if ids else {},
        "multiple_choice": lambda: {"choices": ids[:1]},
        "true_false": lambda: {"value": False},
        "numeric": lambda: {"value": 1},
        "short_text": lambda: {"text": "no idea"},
        "matching": lambda: {"pairs": {content["prompts"][0]["id"]: ids[0]}},
        "ordering": lambda: {"order": [i["id"] for i in content.get("items", [])]},
        "cloze": lambda: {"blanks": ["zzz"] * (len(content.get("segments", [])) - 1)},
        "find_evidence": lambda: (
            {"sentences": [0]} if "sentence_count" in content else {"start": 0, "end": 1}
        ),
    }[kind]()


def run_together(*calls: Any) -> list[Any]:
    barrier = threading.Barrier(len(calls))
    results: list[Any] = [None] * len(calls)

    def worker(index: int) -> None:
        barrier.wait()
        results[index] = calls[index]()

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(len(calls))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return results


def bearer(actor: Any) -> dict[str, str]:
    """A bearer token for `actor`: many clients at once without sharing one cookie session
    (signing in again would end the others)."""
    token = actor.post("/api/auth/tokens", json={"name": "concurrency"}).get_json()["token"]
    return {"Authorization": f"Bearer {token}"}
