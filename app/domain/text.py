"""Text normalisation shared by content validation and grading."""

from __future__ import annotations

import hashlib
import re
import unicodedata

_QUOTES = str.maketrans({"‘": "'", "’": "'", "“": '"', "”": '"', "\u00a0": " "})
_PUNCTUATION = re.compile(r"[^\w\s]", re.UNICODE)
# Hyphens, dashes and slashes join words: "fifty-one" is "fifty one", not "fiftyone".
_JOINERS = re.compile("[-\u2010-\u2015/]")
_SPACE = re.compile(r"\s+")
_LEADING_ARTICLE = re.compile(r"^(the|a|an) ")


def normalise_answer(text: str) -> str:
    """Fold case, accents, punctuation and whitespace: "The  U.N.’s" -> "the uns",
    "fifty-one" -> "fifty one"."""
    decomposed = unicodedata.normalize("NFKD", text.translate(_QUOTES))
    without_accents = "".join(c for c in decomposed if not unicodedata.combining(c))
    joined = _JOINERS.sub(" ", without_accents.casefold())
    return _SPACE.sub(" ", _PUNCTUATION.sub("", joined)).strip()


def comparable_answer(text: str) -> str:
    """A typed answer as graders compare it: normalised, without a leading article ("the
    Korean Central News Agency" is "Korean Central News Agency")."""
    return _LEADING_ARTICLE.sub("", normalise_answer(text))


def loosen_typography(text: str) -> str:
    """Straight quotes and single plain spaces: what an author may have typed by mistake."""
    return _SPACE.sub(" ", text.translate(_QUOTES))


def short_id(prefix: str, text: str) -> str:
    """A stable id for an option or item, derived from its text."""
    return prefix + hashlib.sha1(text.encode("utf-8")).hexdigest()[:8]
