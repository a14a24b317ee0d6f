"""The sentences of a source text, as character spans: what find-the-evidence questions ask a
learner to select. Rule-based and deterministic (nothing to download): a sentence ends at
. ? or ! (with any closing quotes or brackets) followed by a space and a capital, a digit or
an opening quote, unless the word before is a known abbreviation or an initial; a line break
always ends one. Offsets count code points, as evidence offsets do."""

from __future__ import annotations

import re
from functools import lru_cache

# Words that end with a period without ending a sentence (compared lower-case, no final dot).
ABBREVIATIONS = frozenset(
    {
        "u.s", "u.n", "u.k", "e.u", "mr", "mrs", "ms", "dr", "prof", "st", "jr", "sr", "gen",
        "gov", "sen", "rep", "lt", "col", "capt", "sgt", "no", "nos", "vs", "etc", "e.g",
        "i.e", "a.m", "p.m", "inc", "ltd", "co", "corp", "dept", "jan", "feb", "mar", "apr",
        "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec", "approx", "fig",
    }
)  # fmt: skip
_END = re.compile(r"[.?!][\"”’')\]]*\s+(?=[\"“‘'(\[]?[A-Z0-9])")
_WORD_BEFORE = re.compile(r"([\w.]+)$")


def _is_boundary(line: str, dot: int) -> bool:
    if line[dot] != ".":
        return True
    # Only the word before the dot matters: look at a few characters, not the whole line.
    word = _WORD_BEFORE.search(line[max(0, dot - 40) : dot])
    if word is None:
        return True
    token = word.group(1).lower().rstrip(".")
    return token not in ABBREVIATIONS and not re.fullmatch(r"[a-z]", token)


@lru_cache(maxsize=32)
def split_sentences(text: str) -> tuple[tuple[int, int], ...]:
    """(start, end) of each sentence of `text`, in order, without surrounding spaces."""
    spans: list[tuple[int, int]] = []
    offset = 0
    for line in text.splitlines(keepends=True):
        start = 0
        for match in _END.finditer(line):
            if _is_boundary(line, match.start()):
                _add(spans, line, offset, start, match.end())
                start = match.end()
        _add(spans, line, offset, start, len(line))
        offset += len(line)
    return tuple(spans)


def _add(spans: list[tuple[int, int]], line: str, offset: int, start: int, end: int) -> None:
    piece = line[start:end]
    stripped = piece.strip()
    if stripped:
        lead = len(piece) - len(piece.lstrip())
        first = offset + start + lead
        spans.append((first, first + len(stripped)))


def sentences_of_span(sentences: tuple[tuple[int, int], ...], start: int, end: int) -> list[int]:
    """Indices of the sentences that overlap [start, end)."""
    return [i for i, (s, e) in enumerate(sentences) if s < end and start < e]
