"""The question types, one module each: what a type's author writes (`authoring_schema`),
how that compiles into content and key, how an attempt shows it, the shape of a response,
its grader and ideal response, and what item analysis counts. Every module of this package
is imported below, so a new type is one new module (a `QuestionType` subclass decorated with
`@register`) plus its tests; the type list, the database's CHECK constraint and
`GET /api/question-types` follow from the registry.

Graders take the item's frozen `content` (what the learner saw), its `answer_key` and the
response, and return a `Grade` in the type's own units; an item worth `points` scores
`points * score / max`. Each module's docstring gives its rule.
"""

from __future__ import annotations

import importlib
import pkgutil
import random
from typing import Any

from app.domain.question_types.base import (
    REGISTRY,
    CompiledBody,
    Grade,
    QuestionBaseSchema,
    QuestionProblem,
    QuestionType,
    register,
)

for _module in pkgutil.iter_modules(__path__):
    if _module.name != "base":
        importlib.import_module(f"{__name__}.{_module.name}")

# The order documents and the page list them in; a type not named here comes after these.
_ORDER = (
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


def ordered_types() -> tuple[str, ...]:
    """The registered types' names, in the page's order."""
    rank = {name: index for index, name in enumerate(_ORDER)}
    return tuple(sorted(REGISTRY, key=lambda name: (rank.get(name, len(rank)), name)))


# Fixed when the app starts: the CHECK constraint and the schemas' OneOf are built from it.
QUESTION_TYPES: tuple[str, ...] = ordered_types()

__all__ = [
    "QUESTION_TYPES",
    "REGISTRY",
    "CompiledBody",
    "Grade",
    "QuestionBaseSchema",
    "QuestionProblem",
    "QuestionType",
    "compile_question_body",
    "grade_response",
    "ideal_response",
    "ordered_types",
    "present_content",
    "question_type",
    "register",
    "response_problem",
]


def question_type(name: str) -> QuestionType:
    """The registered type called `name` (KeyError if there is none)."""
    return REGISTRY[name]


def compile_question_body(question: dict[str, Any]) -> CompiledBody:
    """A validated authoring dict -> content and answer key, or `QuestionProblem`."""
    return REGISTRY[question["type"]].compile(question)


def grade_response(
    name: str, content: dict[str, Any], key: dict[str, Any], response: dict[str, Any] | None
) -> Grade:
    """Grade one response; no response grades as an empty one (0)."""
    return REGISTRY[name].grade(content, key, response or {})


def ideal_response(name: str, key: dict[str, Any]) -> dict[str, Any]:
    return REGISTRY[name].ideal_response(key)


def response_problem(name: str, content: dict[str, Any], response: Any) -> str | None:
    """Why `response` does not fit the item, or None if it does."""
    kind = REGISTRY[name]
    if isinstance(response, dict) and kind.accepts(content, response):
        return None
    return f"A {name} response looks like {kind.response_shape}."


def present_content(
    name: str,
    content: dict[str, Any],
    rng: random.Random,
    shuffle_options: bool,
    sources: dict[str, tuple[int, int]],
) -> dict[str, Any]:
    """The content as one attempt shows it: its own order of options, its source located."""
    return REGISTRY[name].present(content, rng, shuffle_options, sources)
