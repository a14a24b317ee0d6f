"""ruff check and ruff format --check are part of the suite, so CI enforces them."""

from __future__ import annotations

import subprocess
import sys

import pytest

from app.config import PROJECT_ROOT


@pytest.mark.parametrize("command", [["check"], ["format", "--check"]])
def test_ruff(command: list[str]) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "ruff", *command, "."],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
