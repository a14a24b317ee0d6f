"""What every question type is: the `QuestionType` interface, its authoring schema's common
fields, and the helpers several types share."""

from __future__ import annotations

import copy
import random
from dataclasses import dataclass, field
from typing import Any, ClassVar

from marshmallow import RAISE, Schema, fields, validate

from app.domain.choices import DIFFICULTIES
from app.domain.text import normalise_answer, short_id
from app.schemas.fields import Text as CleanText
from app.schemas.fields import forbidden_character

SLUG = validate.Regexp(r"^[a-z0-9]+(?:--?[a-z0-9]+)*$", error="Must be a slug: a-z, 0-9 and '-'.")
NonEmpty = validate.Length(min=1)
# Content is kept exactly as written (no stripping), but never blank, never with a control
# character, and bounded, whether it comes from a file or a teacher's request.
MAX_CONTENT_TEXT = 10_000
# A learner's typed answer (short text, a blank).
MAX_TEXT_LENGTH = 2000


def Text(**kwargs: Any) -> fields.String:
    return CleanText(max_length=MAX_CONTENT_TEXT, multiline=True, strip=False, **kwargs)


def TextList(**kwargs: Any) -> fields.List:
    return fields.List(Text(), **kwargs)


class QuestionProblem(ValueError):
    """The question's fields do not make a valid question of its type."""


@dataclass(frozen=True)
class CompiledBody:
    """What a learner may see of a question (`content`) and its key, kept apart."""

    content: dict[str, Any]
    answer_key: dict[str, Any]


@dataclass(frozen=True)
class Grade:
    """A graded response in the type's own units (`score` of `max`)."""

    score: float
    max: float
    parts: list[dict[str, Any]] = field(default_factory=list)

    @property
    def fraction(self) -> float:
        return self.score / self.max if self.max else 0.0

    @property
    def correct(self) -> bool:
        return self.max > 0 and abs(self.score - self.max) < 1e-9


class QuestionBaseSchema(Schema):
    """A question as written in a bank file or sent by a teacher: the fields of every type.
    Each type's `authoring_schema` adds its own."""

    class Meta:
        unknown = RAISE

    id = fields.String(required=True, validate=SLUG)
    type = fields.String(required=True)
    prompt = Text(required=True)
    facts = fields.List(fields.String(validate=SLUG), load_default=list)
    tags = fields.List(fields.String(validate=SLUG), required=True, validate=NonEmpty)
    difficulty = fields.String(required=True, validate=validate.OneOf(DIFFICULTIES))
    explanation = Text(required=True)


class QuestionType:
    """One kind of question: everything the product does with it, in one class.

    A subclass in its own module of this package, decorated with `@register`, is all a new
    type needs on the server (the page draws its inputs in app/static/js/questions.js).
    """

    name: ClassVar[str]
    label: ClassVar[str]  # what the page calls it ("Choose one")
    response_shape: ClassVar[str]  # the response, as the 422 message and the API show it
    authoring_schema: ClassVar[type[QuestionBaseSchema]]
    # Lists of `content` an attempt shuffles when the quiz shuffles options, and always.
    shuffled_with_options: ClassVar[tuple[str, ...]] = ()
    shuffled_always: ClassVar[tuple[str, ...]] = ()
    # Whether item analysis counts how often each option was chosen.
    counts_options: ClassVar[bool] = False

    def compile(self, question: dict[str, Any]) -> CompiledBody:
        """Authoring fields (validated by `authoring_schema`; `evidence` holds the resolved
        spans of the question's facts) -> content and key, or `QuestionProblem`."""
        raise NotImplementedError

    def accepts(self, content: dict[str, Any], response: dict[str, Any]) -> bool:
        """Whether `response` has this type's shape for this item (ids it shows, sizes)."""
        raise NotImplementedError

    def grade(
        self, content: dict[str, Any], key: dict[str, Any], response: dict[str, Any]
    ) -> Grade:
        raise NotImplementedError

    def ideal_response(self, key: dict[str, Any]) -> dict[str, Any]:
        """The response that scores full marks: the key in the response's own shape."""
        return dict(key)

    def present(
        self,
        content: dict[str, Any],
        rng: random.Random,
        shuffle_options: bool,
        sources: dict[str, tuple[int, int]],
    ) -> dict[str, Any]:
        """The content as one attempt shows it (a copy; the stored content is untouched).
        `sources`: source slug -> (id, text length), for types that point into a source."""
        shown = copy.deepcopy(content)
        names = self.shuffled_always + (self.shuffled_with_options if shuffle_options else ())
        for name in names:
            if name in shown:
                rng.shuffle(shown[name])
        return shown

    def option_counts(
        self, content: dict[str, Any], key: dict[str, Any]
    ) -> list[tuple[str, str, bool]]:
        """(option id, text, correct) for item analysis, when `counts_options`."""
        return []

    def chosen(self, response: dict[str, Any]) -> list[str]:
        """The option ids a response chose, for item analysis."""
        return []


# --- helpers shared by several types ----------------------------------------------------------


def options(prefix: str, texts: list[str]) -> list[dict[str, str]]:
    return [{"id": short_id(prefix, text), "text": text} for text in texts]


def ids(entries: list[dict[str, Any]]) -> list[str]:
    return [entry["id"] for entry in entries]


def distinct(texts: list[str], what: str) -> None:
    seen: dict[str, str] = {}
    for text in texts:
        norm = normalise_answer(text)
        if not norm:
            raise QuestionProblem(f"{what} {text!r} is empty once punctuation is ignored")
        if norm in seen:
            raise QuestionProblem(f"{what} {text!r} is the same as {seen[norm]!r}")
        seen[norm] = text


def shuffled(items: list[Any], seed: str) -> list[Any]:
    # Stored order is fixed per question so the answer is not always first; attempts reshuffle.
    copied = list(items)
    random.Random(seed).shuffle(copied)
    return copied


def keys_are(response: dict[str, Any], *names: str) -> bool:
    return set(response) == set(names)


def is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def typed_text(value: Any) -> bool:
    """One line of a person's text: a string, not too long, no control character."""
    return (
        isinstance(value, str)
        and len(value) <= MAX_TEXT_LENGTH
        and forbidden_character(value, multiline=False) is None
    )


REGISTRY: dict[str, QuestionType] = {}


def register(cls: type[QuestionType]) -> type[QuestionType]:
    """Class decorator: add a question type to the registry (its `name` must be new)."""
    if cls.name in REGISTRY:
        raise ValueError(f"question type {cls.name!r} is registered twice")
    REGISTRY[cls.name] = cls()
    return cls
