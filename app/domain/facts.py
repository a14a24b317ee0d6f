"""A fact's answer (the year, the speaker, the expansion...) as one field of its kind.

The review page shows and edits a fact's answer as text; this module says which of the kind's
fields that text is, so the answer is never stored twice.
"""

from __future__ import annotations

import math
import re
from typing import Any

# kind -> the field holding its answer (None: a kind whose answer is its whole statement).
ANSWER_FIELDS: dict[str, str | None] = {
    "date": "year",
    "quote": "speaker_name",
    "definition": "expansion",
    "number": "value",
    "entity": "name",
    "list": "items",
    "event": "answer",
    "clause": None,
}
# The tag a drafted fact starts with, by kind: a teacher can draw "all the quotations".
DEFAULT_TAGS: dict[str, str] = {
    "date": "dates",
    "quote": "quotations",
    "definition": "acronyms",
    "number": "numbers",
    "entity": "people",
    "list": "lists",
    "event": "events",
    "clause": "clauses",
}
_LIST_SEPARATOR = re.compile(r"\s*(?:,|;|\band\b|\bor\b)\s*")


def fact_answer(kind: str, fields: dict[str, Any]) -> str | None:
    """The fact's answer as text, or None when its kind has none."""
    name = ANSWER_FIELDS.get(kind)
    if kind == "quote" and not fields.get("speaker_name"):
        name = "speaker"  # a file fact names its speaker's entity
    value = fields.get(name) if name else None
    if value is None:
        return None
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def with_answer(kind: str, fields: dict[str, Any], answer: str) -> dict[str, Any]:
    """`fields` with the answer replaced by `answer` (text); ValueError says why it cannot be."""
    name = ANSWER_FIELDS.get(kind)
    if name is None:
        raise ValueError(f"A {kind} fact has no answer of its own: edit its statement.")
    text = answer.strip()
    value: Any = text
    if kind == "date":
        if not re.fullmatch(r"\d{3,4}", text):
            raise ValueError("A date's answer is its year, as digits (1961).")
        value = int(text)
    elif kind == "number":
        try:
            number = float(text.replace(",", ""))
        except ValueError:
            number = math.nan
        if not math.isfinite(number) or not re.search(r"\d", text):
            raise ValueError("A number's answer is a number (3.2, 1500).")
        value = int(number) if number.is_integer() and abs(number) < 2**53 else number
    elif kind == "list":
        value = [item for item in _LIST_SEPARATOR.split(text) if item]
        if len(value) < 2:
            raise ValueError("A list's answer names two items or more, separated by commas.")
    return {**fields, name: value}
