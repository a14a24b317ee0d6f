"""The hand-built attempt document (issue 14's lean dump) is exactly what AttemptSchema's
fields give, for every shape an attempt view takes."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import marshmallow as ma
import pytest

from app.schemas.attempts import AttemptSchema
from app.services.attempts import AttemptView, ItemResult, ItemView

STARTED = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def result(**changes: Any) -> ItemResult:
    fields: dict[str, Any] = {
        "score": 1,
        "points": 2,
        "correct": False,
        "detail": [{"part": "a", "correct": True}],
        "correct_answer": {"choice": "o1"},
        "explanation": "Because the article says so.",
        "evidence": [
            {
                "source": "slug",
                "fact": "fact-slug",
                "source_id": 3,
                "start": 10,
                "end": 40,
                "text": "“Quoted” text",
                "sentences": [1, 2],
            },
            {"source": "gone", "fact": "f", "source_id": None, "start": 0, "end": 5, "text": "t"},
        ],
    }
    return ItemResult(**{**fields, **changes})


def item(position: int, **changes: Any) -> ItemView:
    fields: dict[str, Any] = {
        "id": 100 + position,
        "position": position,
        "type": "single_choice",
        "prompt": "Which year?",
        "content": {"options": [{"id": "o1", "text": "2024"}]},
        "points": 1,
        "response": None,
        "saved_at": None,
        "locked": False,
        "result": None,
    }
    return ItemView(**{**fields, **changes})


def view(*items: ItemView, **changes: Any) -> AttemptView:
    fields: dict[str, Any] = {
        "id": 7,
        "quiz_id": 3,
        "quiz_title": "Treaty",
        "learner_id": 9,
        "learner_name": "Ana",
        "number": 1,
        "state": "in_progress",
        "started_at": STARTED,
        "deadline": None,
        "submitted_at": None,
        "max_score": 3,
        "score": None,
        "feedback": "after_submit",
        "reveal_answers": "after_each_attempt",
        "answers_revealed": False,
        "items": list(items),
    }
    return AttemptView(**{**fields, **changes})


SHAPES = {
    "no items": view(),
    "in progress, nothing saved": view(item(0), item(1)),
    "in progress, saved, with a deadline elsewhere than UTC": view(
        item(0, response={"choice": "o1"}, saved_at=STARTED + timedelta(seconds=30)),
        deadline=STARTED.astimezone(timezone(timedelta(hours=9))) + timedelta(minutes=20),
    ),
    "immediate feedback, one checked": view(
        item(0, response={"choice": "o1"}, saved_at=STARTED, locked=True, result=result()),
        item(1),
        feedback="immediate",
    ),
    "submitted, revealed": view(
        item(0, response={"choice": "o1"}, saved_at=STARTED, locked=True, result=result()),
        item(1, locked=True, result=result(score=0.5, points=1.5, correct=True)),
        state="submitted",
        submitted_at=STARTED + timedelta(minutes=5),
        score=0.5,
        max_score=2.5,
        answers_revealed=True,
    ),
    "submitted, answers held back": view(
        item(
            0,
            locked=True,
            result=result(correct_answer=None, explanation=None, evidence=None, detail=[]),
        ),
        state="submitted",
        submitted_at=STARTED,
        score=0,
    ),
}


@pytest.mark.parametrize("shape", SHAPES, ids=list(SHAPES))
def test_the_lean_dump_is_the_schemas_document(shape: str) -> None:
    attempt = SHAPES[shape]
    lean = AttemptSchema().dump(attempt)
    by_fields = ma.Schema.dump(AttemptSchema(), attempt)
    assert lean == by_fields
    # The same JSON text too (floats stay floats, times keep their offsets).
    assert json.dumps(lean, sort_keys=True) == json.dumps(by_fields, sort_keys=True)


def test_many_and_partial_dumps_still_use_the_fields() -> None:
    attempts = [SHAPES["submitted, revealed"], SHAPES["no items"]]
    assert AttemptSchema(many=True).dump(attempts) == [
        ma.Schema.dump(AttemptSchema(), a) for a in attempts
    ]
    assert AttemptSchema(only=("id", "state")).dump(attempts[0]) == {
        "id": 7,
        "state": "submitted",
    }
