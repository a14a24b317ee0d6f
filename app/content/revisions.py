"""A new version of a source against the old: which sentences changed, and where each
fact's evidence now is (or that it is gone: the fact is stale until its teacher decides)."""

from __future__ import annotations

from dataclasses import dataclass
from difflib import SequenceMatcher

from app.domain.sentences import split_sentences


@dataclass(frozen=True)
class SentenceChange:
    """One run of sentences the new version changed: `before` replaced by `after` (either
    may be empty: added or removed sentences)."""

    change: str  # "changed", "added" or "removed"
    before: tuple[str, ...]
    after: tuple[str, ...]


def sentence_texts(text: str) -> list[str]:
    return [" ".join(text[start:end].split()) for start, end in split_sentences(text)]


def sentence_changes(old_text: str, new_text: str) -> list[SentenceChange]:
    """The sentences that differ, in the new text's order; unchanged ones are left out."""
    old, new = sentence_texts(old_text), sentence_texts(new_text)
    names = {"replace": "changed", "insert": "added", "delete": "removed"}
    matcher = SequenceMatcher(a=old, b=new, autojunk=False)
    return [
        SentenceChange(names[tag], tuple(old[i1:i2]), tuple(new[j1:j2]))
        for tag, i1, i2, j1, j2 in matcher.get_opcodes()
        if tag != "equal"
    ]


def changed_sentences(old_text: str, new_text: str) -> set[int]:
    """The indices of the new text's sentences that are changed or added."""
    old, new = sentence_texts(old_text), sentence_texts(new_text)
    matcher = SequenceMatcher(a=old, b=new, autojunk=False)
    return {
        j
        for tag, _i1, _i2, j1, j2 in matcher.get_opcodes()
        if tag != "equal"
        for j in range(j1, j2)
    }


def reanchor(evidence: str, old_start: int, old_text: str, new_text: str) -> int | None:
    """Where `evidence` (verbatim) starts in the new text, or None if it is not there.

    Where it occurs more than once, the occurrence whose surroundings are most like the old
    one's (the words before and after it), then the one whose share of the text before it is
    nearest the old one's: an edit elsewhere moves offsets, not the order of the text."""
    found, at = [], new_text.find(evidence)
    while at >= 0:
        found.append(at)
        at = new_text.find(evidence, at + 1)
    if not found:
        return None
    old_end = old_start + len(evidence)
    old_share = old_start / max(1, len(old_text))

    def likeness(start: int) -> tuple[int, float]:
        end = start + len(evidence)
        before = _common_suffix(
            old_text[max(0, old_start - CONTEXT) : old_start],
            new_text[max(0, start - CONTEXT) : start],
        )
        after = _common_prefix(old_text[old_end : old_end + CONTEXT], new_text[end : end + CONTEXT])
        return (before + after, -abs(start / max(1, len(new_text)) - old_share))

    return max(found, key=likeness)


# How much of the text around a passage tells two copies of it apart.
CONTEXT = 200


def _common_prefix(a: str, b: str) -> int:
    n = 0
    for x, y in zip(a, b, strict=False):
        if x != y:
            break
        n += 1
    return n


def _common_suffix(a: str, b: str) -> int:
    return _common_prefix(a[::-1], b[::-1])
