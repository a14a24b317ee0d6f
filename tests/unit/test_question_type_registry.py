"""The question-type registry: a new type is one class in one module. Here a toy type
("pick a number") is registered from this test module alone, and every path the product
takes a question through finds it: authoring, compiling, showing, shape checks, grading,
the ideal response, and the list the page reads."""

from __future__ import annotations

import random
from collections.abc import Iterator
from typing import Any

import pytest
from flask import Flask
from marshmallow import fields

from app.content.drafts import build_draft, load_authoring
from app.domain.question_types import (
    QUESTION_TYPES,
    REGISTRY,
    CompiledBody,
    Grade,
    QuestionBaseSchema,
    QuestionType,
    grade_response,
    ideal_response,
    present_content,
    register,
    response_problem,
)
from app.domain.question_types.base import keys_are


class PickSchema(QuestionBaseSchema):
    numbers = fields.List(fields.Integer(), required=True)
    answer = fields.Integer(required=True)


class PickANumber(QuestionType):
    name = "toy_pick"
    label = "Pick a number"
    response_shape = '{"number": <int>}'
    authoring_schema = PickSchema
    shuffled_with_options = ("numbers",)

    def compile(self, question: dict[str, Any]) -> CompiledBody:
        return CompiledBody({"numbers": question["numbers"]}, {"number": question["answer"]})

    def accepts(self, content: dict[str, Any], response: dict[str, Any]) -> bool:
        return keys_are(response, "number") and response["number"] in content["numbers"]

    def grade(
        self, content: dict[str, Any], key: dict[str, Any], response: dict[str, Any]
    ) -> Grade:
        return Grade(float(response.get("number") == key["number"]), 1.0)


@pytest.fixture
def toy() -> Iterator[None]:
    register(PickANumber)
    yield
    del REGISTRY["toy_pick"]


def test_the_types_come_from_their_modules() -> None:
    assert QUESTION_TYPES == (
        "single_choice",
        "multiple_choice",
        "true_false",
        "numeric",
        "short_text",
        "matching",
        "ordering",
        "cloze",
        "find_evidence",
    )
    assert all(REGISTRY[name].label and REGISTRY[name].response_shape for name in QUESTION_TYPES)


def test_a_type_registered_in_one_module_works_everywhere(toy: None, tmp_path: Any) -> None:
    written = {
        "id": "toy-1",
        "type": "toy_pick",
        "prompt": "Pick the year of the first treaty.",
        "numbers": [1961, 2000, 2024],
        "answer": 1961,
        "tags": ["treaty-years"],
        "difficulty": "easy",
        "explanation": "1961.",
    }
    draft = build_draft(load_authoring(written), [], (), generated=False)
    assert draft.content == {"numbers": [1961, 2000, 2024]}
    assert draft.answer_key == {"number": 1961}
    shown = present_content("toy_pick", draft.content, random.Random(3), True, {})
    assert sorted(shown["numbers"]) == [1961, 2000, 2024]
    assert response_problem("toy_pick", shown, {"number": 1990}) == (
        'A toy_pick response looks like {"number": <int>}.'
    )
    assert response_problem("toy_pick", shown, {"number": 2000}) is None
    assert grade_response("toy_pick", shown, draft.answer_key, {"number": 1961}).correct
    assert grade_response("toy_pick", shown, draft.answer_key, None).score == 0
    assert ideal_response("toy_pick", draft.answer_key) == {"number": 1961}

    app = _app(tmp_path)
    listed = app.test_client().get("/api/question-types").get_json()
    assert listed[-1] == {
        "type": "toy_pick",
        "label": "Pick a number",
        "response_shape": '{"number": <int>}',
        "counts_options": False,
    }


def test_a_type_name_is_registered_once(toy: None) -> None:
    with pytest.raises(ValueError, match="registered twice"):
        register(PickANumber)


def _app(tmp_path: Any) -> Flask:
    from app import create_app

    return create_app(
        {"ENV_NAME": "testing", "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/t.sqlite3"}
    )
