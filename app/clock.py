"""The time, from one place: tests set `CLOCK` in the config to travel through days."""

from __future__ import annotations

from datetime import datetime

from flask import current_app

from app.models.base import utcnow


def now() -> datetime:
    """The current UTC time (timezone-aware), from the app's `CLOCK` if one is set."""
    clock = current_app.config.get("CLOCK") or utcnow
    return clock()
