"""Which passwords are refused: those on breach lists or otherwise guessed in a few guesses.

zxcvbn (Dropbox's estimator, Python port) matches a password against its frequency lists (the
30,000 most common passwords of public breaches, common words and names) and patterns
(keyboard walks, repeats, dates), plus the person's own email and name. A password it rates
0 or 1 (guessed within about a million tries) is refused with its own advice.
"""

from __future__ import annotations

from zxcvbn import zxcvbn

# zxcvbn's time grows faster than linearly with length; what lies beyond this is not checked.
CHECKED_LENGTH = 72
MIN_SCORE = 2


def password_problem(password: str, known: list[str]) -> str | None:
    """Why `password` is refused, or None."""
    inputs = [part for text in known if text for part in (text, text.split("@")[0]) if part]
    result = zxcvbn(password[:CHECKED_LENGTH], user_inputs=inputs)
    if result["score"] >= MIN_SCORE:
        return None
    feedback = result.get("feedback") or {}
    advice = feedback.get("warning") or "It is too easy to guess."
    suggestions = " ".join(feedback.get("suggestions") or [])
    return f"Choose another password. {advice.rstrip('.')}. {suggestions}".strip()
