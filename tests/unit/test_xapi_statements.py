"""xAPI statements built from graded data (app/services/xapi.py): every question type's
cmi.interaction shape, the actor as an account, scores, success, durations, verbs."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from app.domain.question_types import (
    QUESTION_TYPES,
    compile_question_body,
    grade_response,
    ideal_response,
)
from app.domain.text import short_id
from app.services.xapi import (
    GradedAttempt,
    GradedItem,
    XapiSettings,
    attempt_statements,
    registration,
    xapi_duration,
    xapi_timestamp,
)

SETTINGS = XapiSettings("https://quiz.school.example/")
STARTED = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
SUBMITTED = STARTED + timedelta(seconds=754.25)


def _authoring(kind: str, **fields: Any) -> dict[str, Any]:
    defaults = {"tolerance": 0, "unit": None, "distractors": []}
    return {"id": f"q-{kind.replace('_', '-')}", "type": kind, **defaults, **fields}


# Each type as the question-type registry compiles it (find_evidence: as an attempt shows
# it, its source located), with a wrong answer and what its cmi.interaction looks like.
SINGLE = compile_question_body(
    _authoring("single_choice", options=["1961", "2000", "2024"], answer="1961")
)
MULTIPLE = compile_question_body(
    _authoring("multiple_choice", options=["Iran", "Vietnam", "Cuba"], answers=["Iran", "Cuba"])
)
TRUE_FALSE = compile_question_body(_authoring("true_false", answer=True))
NUMERIC = compile_question_body(_authoring("numeric", answer=1961, tolerance=0.5))
SHORT = compile_question_body(_authoring("short_text", accepted=["Pyongyang", "P'yongyang"]))
MATCHING = compile_question_body(
    _authoring("matching", pairs=[["Vows peace", "Putin"], ["Hails ally", "Kim"]])
)
ORDERING = compile_question_body(_authoring("ordering", items=["1961", "2000", "2024"]))
CLOZE = compile_question_body(
    _authoring("cloze", text="Signed in [[Pyongyang|P'yongyang]] on [[June 19|19 June]].")
)
EVIDENCE_CONTENT = {"source": "rfa-treaty", "source_id": 1, "sentence_count": 4}
EVIDENCE_KEY = {"sentences": [1, 3]}

CASES: dict[str, tuple[dict[str, Any], dict[str, Any], dict[str, Any]]] = {
    "single_choice": (SINGLE.content, SINGLE.answer_key, {"choice": short_id("o", "2000")}),
    "multiple_choice": (MULTIPLE.content, MULTIPLE.answer_key, {"choices": []}),
    "true_false": (TRUE_FALSE.content, TRUE_FALSE.answer_key, {"value": False}),
    "numeric": (NUMERIC.content, NUMERIC.answer_key, {"value": 1000000.25}),
    "short_text": (SHORT.content, SHORT.answer_key, {"text": "Moscow"}),
    "matching": (
        MATCHING.content,
        MATCHING.answer_key,
        {
            "pairs": {
                short_id("p", "Vows peace"): short_id("o", "Kim"),
                short_id("p", "Hails ally"): short_id("o", "Kim"),
            }
        },
    ),
    "ordering": (
        ORDERING.content,
        ORDERING.answer_key,
        {"order": [short_id("i", t) for t in ("2024", "2000", "1961")]},
    ),
    "cloze": (CLOZE.content, CLOZE.answer_key, {"blanks": ["Moscow", "June 19"]}),
    "find_evidence": (EVIDENCE_CONTENT, EVIDENCE_KEY, {"sentences": [0]}),
}


def _item(kind: str, response: dict[str, Any], points: float = 2.0) -> GradedItem:
    content, key, _wrong = CASES[kind]
    grade = grade_response(kind, content, key, response)
    return GradedItem(
        item_id=10,
        question_id=7,
        version=3,
        type=kind,
        prompt=f"A {kind} question about the treaty?",
        content=content,
        answer_key=key,
        response=response,
        score=round(points * grade.fraction, 4),
        points=points,
        answered_at=STARTED + timedelta(seconds=30),
    )


def _attempt(*items: GradedItem, score: float = 0.0, max_score: float = 0.0) -> GradedAttempt:
    return GradedAttempt(
        attempt_id=5,
        learner_id=42,
        quiz_id=9,
        quiz_title="Treaty quiz",
        started_at=STARTED,
        submitted_at=SUBMITTED,
        score=score,
        max_score=max_score,
        items=items,
    )


def _answered(item: GradedItem, settings: XapiSettings = SETTINGS) -> dict[str, Any]:
    statements = attempt_statements(settings, _attempt(item, max_score=item.points))
    return statements[0]


def _nulls(value: Any, path: str = "") -> list[str]:
    """Paths of null values (an LRS must reject a statement holding one)."""
    if value is None:
        return [path]
    if isinstance(value, dict):
        return [p for k, v in value.items() for p in _nulls(v, f"{path}.{k}")]
    if isinstance(value, list):
        return [p for i, v in enumerate(value) for p in _nulls(v, f"{path}[{i}]")]
    return []


def test_every_question_type_has_a_case() -> None:
    assert set(CASES) == set(QUESTION_TYPES)


# The interaction component lists of xAPI (Data 2.4.4.1); each type uses those of its shape.
COMPONENT_LISTS = {"choices", "scale", "source", "target", "steps"}
EXPECTED_INTERACTIONS: dict[str, tuple[str, list[str], set[str]]] = {
    "single_choice": ("choice", [short_id("o", "1961")], {"choices"}),
    "multiple_choice": (
        "choice",
        ["[,]".join(sorted([short_id("o", "Iran"), short_id("o", "Cuba")]))],
        {"choices"},
    ),
    "true_false": ("true-false", ["true"], set()),
    "numeric": ("numeric", ["1960.5[:]1961.5"], set()),
    "short_text": ("fill-in", ["Pyongyang", "P'yongyang"], set()),
    "matching": (
        "matching",
        [
            f"{short_id('p', 'Vows peace')}[.]{short_id('o', 'Putin')}[,]"
            f"{short_id('p', 'Hails ally')}[.]{short_id('o', 'Kim')}"
        ],
        {"source", "target"},
    ),
    "ordering": (
        "sequencing",
        ["[,]".join(short_id("i", t) for t in ("1961", "2000", "2024"))],
        {"choices"},
    ),
    "cloze": (
        "fill-in",
        [
            "Pyongyang[,]June 19",
            "Pyongyang[,]19 June",
            "P'yongyang[,]June 19",
            "P'yongyang[,]19 June",
        ],
        set(),
    ),
    "find_evidence": ("choice", ["sentence-1[,]sentence-3"], {"choices"}),
}


@pytest.mark.parametrize("kind", QUESTION_TYPES)
def test_a_right_answer_is_a_successful_cmi_interaction(kind: str) -> None:
    _content, key, _wrong = CASES[kind]
    statement = _answered(_item(kind, ideal_response(kind, key)))
    definition = statement["object"]["definition"]
    interaction_type, patterns, components = EXPECTED_INTERACTIONS[kind]

    assert statement["verb"]["id"] == "http://adlnet.gov/expapi/verbs/answered"
    assert statement["object"]["objectType"] == "Activity"
    assert statement["object"]["id"] == (
        "https://quiz.school.example/xapi/activities/questions/7/versions/3"
    )
    assert definition["type"] == "http://adlnet.gov/expapi/activities/cmi.interaction"
    assert definition["interactionType"] == interaction_type
    assert definition["correctResponsesPattern"] == patterns
    assert definition["description"]["en"].startswith(f"A {kind} question")
    assert set(definition) & COMPONENT_LISTS == components
    for listed in components:
        ids = [c["id"] for c in definition[listed]]
        assert len(ids) == len(set(ids)) and all(" " not in i for i in ids)
    result = statement["result"]
    assert result["success"] is True
    assert result["score"] == {"scaled": 1.0, "raw": 2.0, "min": 0, "max": 2.0}
    if kind == "numeric":
        assert result["response"] == "1961"
    else:
        assert result["response"] == patterns[0]
    assert _nulls(statement) == []


def test_components_are_what_the_learner_saw() -> None:
    definition = _answered(_item("matching", ideal_response("matching", MATCHING.answer_key)))[
        "object"
    ]["definition"]
    assert definition["source"] == [
        {"id": p["id"], "description": {"en": p["text"]}} for p in MATCHING.content["prompts"]
    ]
    assert definition["target"] == [
        {"id": o["id"], "description": {"en": o["text"]}} for o in MATCHING.content["options"]
    ]
    choices = _answered(_item("find_evidence", {"sentences": [1, 3]}))["object"]["definition"][
        "choices"
    ]
    assert [c["id"] for c in choices] == [f"sentence-{i}" for i in range(4)]


EXPECTED_WRONG_RESPONSES = {
    "single_choice": short_id("o", "2000"),
    "multiple_choice": "",
    "true_false": "false",
    "numeric": "1000000.25",
    "short_text": "Moscow",
    "matching": (
        f"{short_id('p', 'Vows peace')}[.]{short_id('o', 'Kim')}[,]"
        f"{short_id('p', 'Hails ally')}[.]{short_id('o', 'Kim')}"
    ),
    "ordering": "[,]".join(short_id("i", t) for t in ("2024", "2000", "1961")),
    "cloze": "Moscow[,]June 19",
    "find_evidence": "sentence-0",
}


@pytest.mark.parametrize("kind", QUESTION_TYPES)
def test_a_wrong_answer_keeps_its_response_and_partial_score(kind: str) -> None:
    _content, _key, wrong = CASES[kind]
    item = _item(kind, wrong)
    result = _answered(item)["result"]
    assert result["success"] is False
    assert result["response"] == EXPECTED_WRONG_RESPONSES[kind]
    assert result["score"]["raw"] == item.score
    assert result["score"]["scaled"] == round(item.score / item.points, 4)
    assert 0 <= result["score"]["scaled"] < 1


def test_the_partial_scores_are_those_of_the_graders() -> None:
    # Matching: one of two pairs right; cloze: one of two blanks; ordering reversed: none.
    assert _answered(_item("matching", CASES["matching"][2]))["result"]["score"]["scaled"] == 0.5
    assert _answered(_item("cloze", CASES["cloze"][2]))["result"]["score"]["scaled"] == 0.5
    assert _answered(_item("ordering", CASES["ordering"][2]))["result"]["score"]["scaled"] == 0


def test_numeric_without_tolerance_is_a_single_number_and_never_an_exponent() -> None:
    content, key = {}, {"value": 1e15, "tolerance": 0}
    item = GradedItem(
        1, 1, 1, "numeric", "How many?", content, key, {"value": 0.00001}, 0, 1, STARTED
    )
    statement = _answered(item)
    assert statement["object"]["definition"]["correctResponsesPattern"] == ["1000000000000000"]
    assert statement["result"]["response"] == "0.00001"


def test_a_numeric_range_is_written_as_its_decimals() -> None:
    key = {"value": 3.2, "tolerance": 0.1}
    item = GradedItem(1, 1, 1, "numeric", "How far?", {}, key, {"value": 3.3}, 1, 1, STARTED)
    statement = _answered(item)
    assert statement["object"]["definition"]["correctResponsesPattern"] == ["3.1[:]3.3"]
    assert statement["result"]["response"] == "3.3"


def test_a_span_answer_asked_before_sentences_is_an_other_interaction() -> None:
    content, key = {"source": "rfa", "source_length": 500}, {"start": 10, "end": 60}
    item = GradedItem(
        1, 1, 1, "find_evidence", "Find it", content, key, {"start": 12, "end": 58}, 1, 1, STARTED
    )
    statement = _answered(item)
    assert statement["object"]["definition"]["interactionType"] == "other"
    assert statement["object"]["definition"]["correctResponsesPattern"] == ["10[:]60"]
    assert statement["result"]["response"] == "12[:]58"


def test_a_long_prompt_is_shortened_in_the_name_only() -> None:
    prompt = "Which clause " + "of the treaty " * 20 + "says so?"
    item = GradedItem(
        1, 1, 1, "true_false", prompt, {}, {"value": True}, {"value": True}, 1, 1, STARTED
    )
    definition = _answered(item)["object"]["definition"]
    assert len(definition["name"]["en"]) <= 100 and definition["name"]["en"].endswith("…")
    assert definition["description"]["en"] == prompt


def test_a_cloze_shows_its_text_with_blanks_and_caps_its_patterns() -> None:
    item = _item("cloze", {"blanks": ["Pyongyang", "June 19"]})
    assert _answered(item)["object"]["definition"]["description"]["en"].endswith(
        "Signed in ____ on ____."
    )
    many = {"blanks": [[f"a{i}" for i in range(10)], [f"b{i}" for i in range(10)]]}
    wide = GradedItem(
        1, 1, 1, "cloze", "Fill", {"segments": ["", " ", ""]}, many, {}, 0, 1, STARTED
    )
    assert len(_answered(wide)["object"]["definition"]["correctResponsesPattern"]) == 64


def test_the_actor_is_an_account_never_an_email_or_a_name() -> None:
    kinds = list(QUESTION_TYPES)
    items = [_item(kind, ideal_response(kind, CASES[kind][1])) for kind in kinds]
    statements = attempt_statements(
        XapiSettings("https://quiz.school.example/", pass_scaled=0.5),
        _attempt(*items, score=18, max_score=18),
    )
    for statement in statements:
        assert statement["actor"] == {
            "objectType": "Agent",
            "account": {"homePage": "https://quiz.school.example/", "name": "42"},
        }
    text = json.dumps(statements)
    assert "mbox" not in text and "mailto:" not in text and "@" not in text


def test_a_finished_attempt_is_completed_with_its_score_and_duration() -> None:
    item = _item("true_false", {"value": True}, points=1)
    statements = attempt_statements(SETTINGS, _attempt(item, score=3, max_score=4))
    assert [s["verb"]["id"] for s in statements] == [
        "http://adlnet.gov/expapi/verbs/answered",
        "http://adlnet.gov/expapi/verbs/completed",
    ]
    completed = statements[-1]
    assert completed["verb"]["display"] == {"en-US": "completed"}
    assert completed["object"] == {
        "objectType": "Activity",
        "id": "https://quiz.school.example/xapi/activities/quizzes/9",
        "definition": {
            "type": "http://adlnet.gov/expapi/activities/assessment",
            "name": {"en": "Treaty quiz"},
        },
    }
    # No pass mark: neither passed nor failed, and no success claimed.
    assert completed["result"] == {
        "completion": True,
        "duration": "PT754.25S",
        "score": {"scaled": 0.75, "raw": 3, "min": 0, "max": 4},
    }
    assert completed["timestamp"] == "2026-03-02T09:12:34.250Z"
    assert statements[0]["timestamp"] == "2026-03-02T09:00:30.000Z"
    assert statements[0]["context"]["contextActivities"]["parent"] == [
        {"objectType": "Activity", "id": completed["object"]["id"]}
    ]


@pytest.mark.parametrize(
    ("score", "pass_scaled", "verb", "success"),
    [(3, 0.75, "passed", True), (2.99, 0.75, "failed", False), (4, 1.0, "passed", True)],
)
def test_a_pass_mark_adds_passed_or_failed(
    score: float, pass_scaled: float, verb: str, success: bool
) -> None:
    settings = XapiSettings("https://quiz.school.example", pass_scaled=pass_scaled)
    statements = attempt_statements(settings, _attempt(score=score, max_score=4))
    assert [s["verb"]["display"]["en-US"] for s in statements] == ["completed", verb]
    assert statements[1]["verb"]["id"] == f"http://adlnet.gov/expapi/verbs/{verb}"
    assert all(s["result"]["success"] is success for s in statements)


def test_an_attempt_that_could_score_nothing_has_no_score_and_no_verdict() -> None:
    settings = XapiSettings("https://quiz.school.example", pass_scaled=0.5)
    statements = attempt_statements(settings, _attempt(score=0, max_score=0))
    assert [s["verb"]["display"]["en-US"] for s in statements] == ["completed"]
    assert statements[0]["result"] == {"completion": True, "duration": "PT754.25S"}


def test_an_attempts_statements_share_one_registration() -> None:
    items = [_item("true_false", {"value": True}), _item("numeric", {"value": 1961})]
    statements = attempt_statements(SETTINGS, _attempt(*items, score=4, max_score=4))
    registrations = {s["context"]["registration"] for s in statements}
    assert registrations == {registration(SETTINGS, 5)}
    assert registration(SETTINGS, 5) != registration(SETTINGS, 6)
    assert all(s["context"]["platform"] == "Sourcequiz" for s in statements)
    assert all("id" not in s for s in statements)  # given when written to the outbox


@pytest.mark.parametrize(
    ("seconds", "expected"),
    [(754.25, "PT754.25S"), (12, "PT12S"), (0.004, "PT0S"), (-3, "PT0S"), (3600.5, "PT3600.5S")],
)
def test_durations_are_iso_8601_seconds_to_the_hundredth(seconds: float, expected: str) -> None:
    assert xapi_duration(seconds) == expected


def test_timestamps_are_utc_with_milliseconds() -> None:
    from zoneinfo import ZoneInfo

    moment = datetime(2026, 3, 2, 10, 0, 0, 123456, tzinfo=ZoneInfo("Europe/Paris"))
    assert xapi_timestamp(moment) == "2026-03-02T09:00:00.123Z"
