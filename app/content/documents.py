"""Plain objects for the content read from `questions/`, before it reaches the database."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class ContentProblem:
    """Something wrong in a content file, located for the author."""

    path: str
    line: int | None
    message: str
    # The question (or fact) it is about, where there is one: what a preview leaves out.
    subject: str | None = None
    # The other question of a pair (twins, one giving the other away): leaving either out
    # settles it.
    other: str | None = None

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else self.path
        return f"{where}: {self.message}"


@dataclass(frozen=True)
class SourceDoc:
    slug: str
    title: str
    publisher: str
    author: str | None
    dateline: str | None
    published_on: Any
    updated_local: str | None
    url: str | None
    text: str

    @property
    def text_sha256(self) -> str:
        return hashlib.sha256(self.text.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class FactDoc:
    source: str
    slug: str
    kind: str
    statement: str
    fields: dict[str, Any]
    evidence_start: int
    evidence_end: int
    evidence_text: str
    # The indices of the source's sentences that hold the evidence.
    evidence_sentences: tuple[int, ...]
    position: int
    tags: tuple[str, ...]
    difficulty: str
    path: str
    line: int | None

    def get(self, name: str, default: Any = None) -> Any:
        return self.fields.get(name, default)

    def evidence_span(self) -> dict[str, Any]:
        return {
            "source": self.source,
            "fact": self.slug,
            "start": self.evidence_start,
            "end": self.evidence_end,
            "text": self.evidence_text,
            "sentences": list(self.evidence_sentences),
        }


@dataclass(frozen=True)
class QuestionDraft:
    """A question ready to store: one version's worth of content."""

    slug: str
    type: str
    prompt: str
    content: dict[str, Any]
    answer_key: dict[str, Any]
    explanation: str
    difficulty: str
    tags: tuple[str, ...]
    facts: tuple[tuple[str, str], ...]  # (source slug, fact slug)
    evidence: tuple[dict[str, Any], ...]
    generated: bool
    # The fields as written, kept with the version so an edit can start from them.
    authoring: dict[str, Any] = field(default_factory=dict, compare=False)
    # Where its author can change it: (file, line) of the hand-written question, or of the
    # fact a generated one comes from.
    origin: tuple[str, int | None] = field(default=("", None), compare=False)

    @property
    def content_hash(self) -> str:
        """Changes exactly when a learner-visible or scoring-relevant part changes."""
        payload = {
            "type": self.type,
            "prompt": self.prompt,
            "content": self.content,
            "answer_key": self.answer_key,
            "explanation": self.explanation,
            "difficulty": self.difficulty,
            "facts": [list(f) for f in self.facts],
            "evidence": list(self.evidence),
        }
        canonical = json.dumps(payload, sort_keys=True, ensure_ascii=False)
        return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


@dataclass
class BankDoc:
    slug: str
    title: str
    description: str
    sources: list[str]
    questions: list[QuestionDraft] = field(default_factory=list)


@dataclass
class Catalog:
    """Everything under `questions/`, validated; `problems` lists what is wrong."""

    sources: dict[str, SourceDoc] = field(default_factory=dict)
    facts: dict[str, list[FactDoc]] = field(default_factory=dict)
    banks: list[BankDoc] = field(default_factory=list)
    problems: list[ContentProblem] = field(default_factory=list)
    # What the generator chose not to ask, and why: shown by `validate`, never an error.
    notes: list[ContentProblem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems
