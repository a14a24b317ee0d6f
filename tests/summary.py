"""One line per test family at the end of the run (`.ci/run` shows them in CI's log).

A test calls `record("schemathesis", "1,234 requests, 0 server errors")`; the lines are
printed by `pytest_terminal_summary` in `tests/conftest.py`, in the order first recorded.
"""

from __future__ import annotations

LINES: dict[str, list[str]] = {}


def record(family: str, line: str) -> None:
    """Add a line to the summary of a test family."""
    LINES.setdefault(family, []).append(line)
