"""The rules a quiz's settings keep, in one place: POST validates the settings sent, PATCH the
settings as they would be after the change, and the database keeps the window with a CHECK
constraint (`ck_quizzes_window`) and each setting's values with CHECKs from app.domain.choices.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


def settings_problems(settings: Mapping[str, Any]) -> dict[str, str]:
    """Field -> what is wrong, for a quiz's complete settings (empty when they are right)."""
    problems: dict[str, str] = {}
    opens, closes = settings.get("opens_at"), settings.get("closes_at")
    if opens and closes and closes <= opens:
        problems["closes_at"] = "Must be after opens_at."
    elif not closes:
        if settings.get("feedback") == "after_close":
            problems["closes_at"] = "after_close feedback needs a closes_at time."
        elif settings.get("reveal_answers") == "after_close":
            problems["closes_at"] = "reveal_answers after_close needs a closes_at time."
    if not settings.get("question_ids") and not settings.get("draw"):
        problems["question_ids"] = "Give question_ids, draw rules, or both."
    return problems
