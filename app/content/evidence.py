"""Where evidence sits in its source: every span a fact or a question points at is located
here, verbatim, with one message for each way it can fail."""

from __future__ import annotations

import re

from app.domain.text import loosen_typography


def locate_evidence(text: str, evidence: str, occurrence: int | None) -> tuple[int, int] | str:
    """The span of the `occurrence`-th verbatim match of `evidence`, or why there is none."""
    starts = [m.start() for m in re.finditer(re.escape(evidence), text)]
    if not starts:
        hint = ""
        if loosen_typography(evidence) in loosen_typography(text):
            hint = (
                " (it differs from the source only in quotes or spaces: copy the source's"
                " curly quotes and non-breaking spaces, written \\u00a0 in TOML)"
            )
        return f"evidence not found verbatim in the source{hint}: {evidence!r}"
    if occurrence is None and len(starts) > 1:
        return (
            f"evidence appears {len(starts)} times in the source; make it longer or say which"
            " one with occurrence = N"
        )
    if occurrence is not None and occurrence > len(starts):
        return f"evidence appears {len(starts)} time(s), so occurrence = {occurrence} is too high"
    start = starts[(occurrence or 1) - 1]
    return start, start + len(evidence)
