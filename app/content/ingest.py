"""A teacher's article as text: pasted, or uploaded as a .txt file or a saved .html page.

From a page, only the article is kept (trafilatura drops navigation, share buttons, related
links and comment boxes) with what the page says of itself (title, site, author, date).
The text is normalised once, here, because evidence offsets index it forever after.
"""

from __future__ import annotations

import contextlib
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import trafilatura

# Longest article text kept, in characters (a long feature is ~60,000).
MAX_SOURCE_CHARS = 200_000
MIN_SOURCE_CHARS = 200
HTML_SUFFIXES = (".html", ".htm")
# Markup a saved news page has, scripts and styles aside (a long article: a few thousand).
MAX_PAGE_TAGS = 20_000
# What is never article text: scripts, styles, inline pictures, comments.
_NOT_TEXT = re.compile(
    r"<(script|style|svg|noscript|template)\b.*?</\1\s*>|<!--.*?-->", re.IGNORECASE | re.DOTALL
)
TEXT_SUFFIXES = (".txt",)
# C0 and C1 controls other than tab and newline: no article has them, binary files do.
_CONTROLS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


class UnreadableSource(ValueError):
    """The upload or paste holds no article this system can use; `status` is the HTTP one."""

    def __init__(self, message: str, status: int = 422) -> None:
        super().__init__(message)
        self.status = status


@dataclass(frozen=True)
class IngestedText:
    text: str
    # What a page says of itself, for the fields the teacher left empty.
    metadata: dict[str, Any] = field(default_factory=dict)


def normalise_text(raw: str) -> str:
    """One form for every article: NFC, \\n line ends, no trailing spaces, paragraphs
    separated by one blank line, tabs as spaces."""
    text = unicodedata.normalize("NFC", raw.replace("\r\n", "\n").replace("\r", "\n"))
    text = text.replace("\t", " ").replace("\u2028", "\n").replace("\u2029", "\n\n")
    lines = [line.rstrip() for line in text.split("\n")]
    text = "\n".join(lines).strip()
    return re.sub(r"\n{3,}", "\n\n", text)


def checked_text(raw: str) -> str:
    """The normalised text, or UnreadableSource if it is empty, binary or too long."""
    if _CONTROLS.search(raw):
        raise UnreadableSource("The text holds control characters: it is not an article.", 415)
    text = normalise_text(raw)
    if len(text) < MIN_SOURCE_CHARS:
        raise UnreadableSource(
            f"The article's text is {len(text)} characters long; give at least "
            f"{MIN_SOURCE_CHARS} (the whole article, not its headline)."
        )
    if len(text) > MAX_SOURCE_CHARS:
        raise UnreadableSource(f"The article's text is over {MAX_SOURCE_CHARS:,} characters.", 413)
    return text


def _decoded(data: bytes) -> str:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise UnreadableSource("The file is UTF-16 text: save it as UTF-8, or paste it.", 415)
    if b"\x00" in data:
        raise UnreadableSource("The file is binary, not text: upload a .txt or a saved .html.", 415)
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise UnreadableSource(
            "The file is not UTF-8 text: save it as UTF-8, or paste the article.", 415
        ) from None


def _paragraphs(extracted: str) -> str:
    # trafilatura puts one paragraph per line; the drafting reads blank-line paragraphs.
    return "\n\n".join(line.strip() for line in extracted.split("\n") if line.strip())


def _page_metadata(document: Any) -> dict[str, Any]:
    found: dict[str, Any] = {}
    for key, name in (("title", "title"), ("sitename", "publisher"), ("author", "author")):
        value = getattr(document, key, None)
        if isinstance(value, str) and value.strip():
            found[name] = value.strip()[:200]
    raw_date = getattr(document, "date", None)
    if isinstance(raw_date, str):
        with contextlib.suppress(ValueError):  # a date trafilatura could not read is no date
            found["published_on"] = date.fromisoformat(raw_date[:10])
    url = getattr(document, "url", None)
    if isinstance(url, str) and url.startswith(("http://", "https://")):
        found["url"] = url[:500]
    return found


def text_of_upload(filename: str, data: bytes) -> IngestedText:
    """The article in an uploaded file, by its name's suffix; UnreadableSource otherwise."""
    name = filename.lower()
    if not data.strip():
        raise UnreadableSource("The file is empty.")
    if not name.endswith(HTML_SUFFIXES + TEXT_SUFFIXES):
        raise UnreadableSource("Upload a .txt file or a saved web page (.html).", 415)
    decoded = _decoded(data)
    if name.endswith(TEXT_SUFFIXES):
        return IngestedText(checked_text(decoded))
    page = _NOT_TEXT.sub(" ", decoded)
    tags = page.count("<")
    if tags > MAX_PAGE_TAGS:
        # The extractor's time grows faster than the page: past this, no news page is that big.
        raise UnreadableSource(
            f"The page has {tags:,} tags, more than the {MAX_PAGE_TAGS:,} read: paste the "
            "article's text instead."
        )
    document = trafilatura.bare_extraction(
        page,
        include_comments=False,
        include_tables=False,
        include_links=False,
        with_metadata=True,
    )
    extracted = getattr(document, "text", None) if document is not None else None
    if not extracted:
        raise UnreadableSource("No article text was found in this page.")
    return IngestedText(checked_text(_paragraphs(extracted)), _page_metadata(document))
