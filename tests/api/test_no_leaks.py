"""A learner never receives a key, a correct flag, an explanation or evidence before the
quiz's feedback policy allows it: this walks every learner-visible response of a whole
attempt and looks for them."""

from __future__ import annotations

import json
from typing import Any

import pytest
from quiz_helpers import assigned_quiz, classroom, correct_answers, one_of_each_type

FORBIDDEN_FIELDS = {
    "answer_key",
    "correct",
    "correct_answer",
    "explanation",
    "evidence",
    "accepted",
    "grade_detail",
    "detail_parts",
}


def forbidden_fields(value: Any, path: str = "") -> list[str]:
    """Paths of forbidden fields that hold something (a null `result` is fine)."""
    found = []
    if isinstance(value, dict):
        for key, inner in value.items():
            if key in FORBIDDEN_FIELDS and inner not in (None, [], {}):
                found.append(f"{path}.{key}")
            if key == "result" and inner is not None:
                found.append(f"{path}.result")
            if key == "score" and inner is not None and path.startswith("attempt"):
                found.append(f"{path}.score")
            found += forbidden_fields(inner, f"{path}.{key}")
    elif isinstance(value, list):
        for index, inner in enumerate(value):
            found += forbidden_fields(inner, f"{path}[{index}]")
    return found


def secrets_of(teacher: Any, questions: list[dict[str, Any]]) -> set[str]:
    """Texts only a key holder knows: evidence, explanations, accepted answers, numbers."""
    texts: set[str] = set()
    for question in questions:
        texts |= {span["text"] for span in question["evidence"]}
        texts.add(question["explanation"])
        key = question["answer_key"]
        texts |= set(key.get("accepted", []))
        texts |= {alt for blank in key.get("blanks", []) for alt in blank}
        if question["type"] == "numeric":
            texts.add(str(key["value"]))
    return texts


class Recorder:
    """Every response a learner received, as text."""

    def __init__(self) -> None:
        self.bodies: list[tuple[str, str]] = []

    def record(self, label: str, response: Any) -> Any:
        self.bodies.append((label, response.get_data(as_text=True)))
        return response


@pytest.mark.parametrize("policy", ["on_submit", "after_close", "immediate"])
def test_nothing_leaks_before_the_policy_allows(
    teacher: Any, learner: Any, loaded_bank: Any, clock: Any, policy: str
) -> None:
    questions = one_of_each_type(teacher)
    class_id = classroom(teacher, learner)
    settings: dict[str, Any] = {"feedback": policy, "time_limit_s": 600}
    if policy == "after_close":
        settings["closes_at"] = clock().replace(hour=17).isoformat()
    quiz_id = assigned_quiz(teacher, class_id, [q["id"] for q in questions], **settings)
    seen = Recorder()

    seen.record("assignments", learner.get("/api/me/assignments"))
    started = seen.record("start", learner.post(f"/api/quizzes/{quiz_id}/attempts"))
    attempt = started.get_json()
    seen.record("resume", learner.post(f"/api/quizzes/{quiz_id}/attempts"))
    seen.record("get", learner.get(f"/api/attempts/{attempt['id']}"))
    seen.record("review too early", learner.get(f"/api/attempts/{attempt['id']}/review"))
    seen.record("assignments in progress", learner.get("/api/me/assignments"))
    right = correct_answers(teacher, attempt["id"])
    for item in attempt["items"]:
        url = f"/api/attempts/{attempt['id']}/responses/{item['id']}"
        headers = {"X-CSRF-Token": learner.csrf}
        seen.record("malformed", learner.client.put(url, json={"response": {}}, headers=headers))
        if policy != "immediate":  # immediate feedback answers with the key, by design
            seen.record(
                "save",
                learner.client.put(url, json={"response": right[item["id"]]}, headers=headers),
            )
    seen.record("get answered", learner.get(f"/api/attempts/{attempt['id']}"))
    if policy == "after_close":
        seen.record("submit", learner.post(f"/api/attempts/{attempt['id']}/submit"))
        seen.record("get submitted", learner.get(f"/api/attempts/{attempt['id']}"))
        seen.record("review before close", learner.get(f"/api/attempts/{attempt['id']}/review"))
        seen.record("assignments submitted", learner.get("/api/me/assignments"))
        seen.record("resubmit", learner.post(f"/api/attempts/{attempt['id']}/submit"))
        seen.record(
            "late save",
            learner.client.put(
                f"/api/attempts/{attempt['id']}/responses/{attempt['items'][0]['id']}",
                json={"response": {"value": True}},
                headers={"X-CSRF-Token": learner.csrf},
            ),
        )

    # What the learner may legitimately see: the questions as shown.
    shown = json.dumps([(i["prompt"], i["content"]) for i in attempt["items"]], ensure_ascii=False)
    secrets = {s for s in secrets_of(teacher, questions) if s not in shown and len(s) > 2}
    assert secrets, "the test must have secrets to look for"
    for label, body in seen.bodies:
        data = json.loads(body)
        where = "attempt" if isinstance(data, dict) and "items" in data else "other"
        assert forbidden_fields(data, where) == [], f"{label}: {body[:300]}"
        leaked = [s for s in secrets if s in body]
        assert leaked == [], f"{label} leaks {leaked}"


def test_the_openapi_document_carries_no_example_answers(client: Any) -> None:
    spec = client.get("/api/openapi.json").get_json()
    text = json.dumps(spec)
    assert '"example"' not in text and '"examples"' not in text
    learner_item = spec["components"]["schemas"]["AttemptItem"]["properties"]
    assert not FORBIDDEN_FIELDS & set(learner_item)
