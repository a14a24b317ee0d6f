"""Text normalisation shared by content validation and grading."""

from __future__ import annotations

import hashlib
import re
import unicodedata

_QUOTES = str.maketrans({"‘": "'", "’": "'", "“": '"', "”": '"', "\u00a0": " "})
_PUNCTUATION = re.compile(r"[^\w\s]", re.UNICODE)
_SPACE = re.compile(r"\s+")


def normalise_answer(text: str) -> str:
    """Fold case, accents, punctuation and whitespace: "The  U.N.’s" -> "the uns"."""
    decomposed = unicodedata.normalize("NFKD", text.translate(_QUOTES))
    without_accents = "".join(c for c in decomposed if not unicodedata.combining(c))
    without_punctuation = _PUNCTUATION.sub("", without_accents.casefold())
    return _SPACE.sub(" ", without_punctuation).strip()


def loosen_typography(text: str) -> str:
    """Straight quotes and single plain spaces: what an author may have typed by mistake."""
    return _SPACE.sub(" ", text.translate(_QUOTES))


def short_id(prefix: str, text: str) -> str:
    """A stable id for an option or item, derived from its text."""
    return prefix + hashlib.sha1(text.encode("utf-8")).hexdigest()[:8]
