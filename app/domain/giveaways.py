"""When one question gives another away, or itself: the checks behind the bank's quality
lint (`flask questions lint`), the draw that builds an attempt, and the warnings a teacher
gets for a quiz of fixed questions. Pure functions of what a learner sees and of the key.

- a find-the-evidence prompt must not copy its passage (six or more words in a row);
- an answer must not be the initials of words in its own stem, nor the only option that
  shares a word with the stem;
- one question's stem (prompt, statements, items, blanks' text) must not hold another's
  answer (a year, a name, an expansion, a blank), nor six words in a row of the passage
  another asks the learner to find.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import Any

from app.domain.text import normalise_answer

COPIED_WORDS = 6
# Words that carry no meaning of their own: shared by a stem and an option, they tell nothing.
STOPWORDS = frozenset(
    [
        "a",
        "an",
        "and",
        "are",
        "as",
        "at",
        "be",
        "by",
        "for",
        "from",
        "has",
        "have",
        "in",
        "is",
        "it",
        "its",
        "of",
        "on",
        "or",
        "that",
        "the",
        "their",
        "this",
        "to",
        "was",
        "were",
        "which",
        "who",
        "with",
        "what",
        "how",
        "does",
        "did",
        "do",
        "article",
        "according",
        "said",
    ]
)
_SMALL = frozenset({"of", "the", "and", "for", "a", "an", "in", "on", "to"})


@dataclass(frozen=True)
class Asked:
    """A question as these checks see it."""

    slug: str
    type: str
    prompt: str
    content: dict[str, Any]
    key: dict[str, Any]
    facts: frozenset[str]
    evidence: tuple[str, ...]  # the text of each evidence span
    # The answer is a name (of a person, an organisation, a speaker) that the question's own
    # options show beside other names: seeing it in another stem tells nothing.
    answer_is_a_name: bool = False
    # The sentences of the source its evidence lies in.
    sentences: frozenset[int] = frozenset()

    # Normalised once: a draw compares each candidate with every question already taken.
    @cached_property
    def stem(self) -> str:
        return f" {normalise_answer(stem_text(self))} "

    @cached_property
    def answers(self) -> tuple[str, ...]:
        return tuple(a for a in (normalise_answer(t) for t in answer_texts(self)) if a)

    @cached_property
    def evidence_words(self) -> tuple[str, ...]:
        return tuple(" ".join(_words(passage)) for passage in self.evidence)


def stem_text(q: Asked) -> str:
    """What the learner reads besides the options: prompt, blanks' text, items, prompts."""
    parts = [q.prompt, *q.content.get("segments", [])]
    parts += [entry["text"] for name in ("items", "prompts") for entry in q.content.get(name, [])]
    return " ".join(parts)


def answer_texts(q: Asked) -> list[str]:
    """The answer as words another stem could hold: the right option, the number, the
    accepted text, the blanks."""
    options = {o["id"]: o["text"] for o in q.content.get("options", [])}
    if q.type == "single_choice":
        return [options[q.key["choice"]]]
    if q.type == "numeric":
        value = q.key["value"]
        number = str(int(value)) if float(value).is_integer() else str(value)
        unit = str(q.content.get("unit") or "").split()
        # A small figure ("5") is in many stems ("Ariane 5") without telling anything: only
        # with its unit ("5 months") does it. A year or a large figure tells alone.
        if unit and abs(float(value)) < 1000:
            return [f"{number} {unit[0]}"]
        return [number]
    if q.type == "short_text":
        return list(q.key["accepted"])
    if q.type == "cloze":
        # A blank's usual word ("military") is in many stems without telling anything; a
        # number, a name or a phrase is.
        firsts = [blank[0] for blank in q.key["blanks"] if blank]
        return [a for a in firsts if " " in a.strip() or any(c.isdigit() or c.isupper() for c in a)]
    return []


def _words(text: str) -> list[str]:
    return normalise_answer(text).split()


def copied_run(a: str, b: str, length: int = COPIED_WORDS) -> str | None:
    """The first run of `length` words of `a` that `b` holds too, if any."""
    return _shared_run(_words(a), f" {' '.join(_words(b))} ", length)


def initials_of(words: list[str]) -> set[str]:
    """The initials of every run of two or more words (small words skipped or kept)."""
    found = set()
    for i in range(len(words)):
        for j in range(i + 2, min(len(words), i + 10) + 1):
            run = words[i:j]
            found.add("".join(w[0] for w in run))
            found.add("".join(w[0] for w in run if w not in _SMALL))
    return found


def content_words(text: str) -> set[str]:
    return {w for w in _words(text) if len(w) > 3 and w not in STOPWORDS}


def own_tells(q: Asked) -> list[str]:
    """What gives a question away by itself."""
    found = []
    if q.type == "find_evidence":
        for passage in q.evidence:
            run = copied_run(q.prompt, passage)
            if run:
                found.append(f"its prompt copies its passage: “{run}”")
    for answer in answer_texts(q):
        squeezed = normalise_answer(answer).replace(" ", "")
        if len(squeezed) >= 2 and squeezed in initials_of(_words(q.prompt)):
            found.append(f"its answer {answer!r} is the initials of words in its stem")
    if q.type in ("single_choice", "multiple_choice"):
        stem = content_words(q.prompt)
        sharing = [o for o in q.content.get("options", []) if content_words(o["text"]) & stem]
        right = {q.key["choice"]} if q.type == "single_choice" else set(q.key["choices"])
        if len(sharing) == 1 and sharing[0]["id"] in right:
            word = sorted(content_words(sharing[0]["text"]) & stem)[0]
            found.append(f"only its answer shares the word {word!r} with the stem")
    return found


def gives_away(a: Asked, b: Asked, evidence_shown: bool = False) -> str | None:
    """Why seeing `a` answers `b` (questions on different facts), or None. With
    `evidence_shown` (immediate feedback), `a`'s evidence is seen during the attempt too."""
    if a.facts & b.facts:
        return None
    stem = a.stem + (" ".join(a.evidence_words) + " " if evidence_shown else "")
    for answer in () if b.answer_is_a_name else b.answers:
        if f" {answer} " in stem:
            return f"the text of {a.slug} holds the answer of {b.slug}: {answer!r}"
    if b.type == "find_evidence":
        for passage in b.evidence_words:
            run = _shared_run(passage.split(), stem)
            if run:
                return f"the text of {a.slug} quotes the passage {b.slug} asks for: “{run}”"
    return None


def _shared_run(words: list[str], text: str, length: int = COPIED_WORDS) -> str | None:
    """The first run of `length` of `words` that the spaced, normalised `text` holds."""
    for i in range(len(words) - length + 1):
        run = " ".join(words[i : i + length])
        if f" {run} " in text:
            return run
    return None


def conflicts(a: Asked, b: Asked, evidence_shown: bool = False) -> str | None:
    """Why `a` and `b` must not be in one attempt: the same fact, or one gives the other
    away; None when they may. With `evidence_shown` (immediate feedback shows each checked
    item's evidence), evidence in a shared sentence counts as the same fact."""
    shared = a.facts & b.facts
    if shared:
        return f"{a.slug} and {b.slug} both test the fact “{sorted(shared)[0]}”"
    if evidence_shown and a.sentences & b.sentences:
        first = sorted(a.sentences & b.sentences)[0]
        return f"the evidence of {a.slug} and {b.slug} lies in one sentence ({first + 1})"
    return gives_away(a, b, evidence_shown) or gives_away(b, a, evidence_shown)
