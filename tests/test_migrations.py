"""`flask db upgrade` from empty reaches the models exactly, on every database."""

from __future__ import annotations

import re
from typing import Any

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask import Flask

from app.models import Base


def test_upgrade_from_empty_matches_the_models(db: Any) -> None:
    with db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        differences = compare_metadata(context, Base.metadata)
    assert differences == []


def test_upgrade_reaches_the_single_head(app: Flask, db: Any) -> None:
    with app.app_context():
        config = app.extensions["migrate"].migrate.get_config()
    head = ScriptDirectory.from_config(config).get_current_head()
    with db.engine.connect() as connection:
        assert MigrationContext.configure(connection).get_current_revision() == head


def test_check_constraints_hold_the_same_values_as_the_code(db: Any) -> None:
    """The CHECK constraints are generated from app.domain.choices and the question-type
    registry; read them back from the database and compare."""
    import sqlalchemy as sa

    from app.domain import choices
    from app.domain.question_types import QUESTION_TYPES

    expected = {
        ("users", "role"): choices.ROLES,
        ("facts", "kind"): choices.FACT_KINDS,
        ("facts", "status"): choices.FACT_STATUSES,
        ("question_versions", "type"): QUESTION_TYPES,
        ("question_versions", "difficulty"): choices.DIFFICULTIES,
        ("quizzes", "grading"): choices.GRADING_METHODS,
        ("quizzes", "feedback"): choices.FEEDBACK_POLICIES,
        ("quizzes", "reveal_answers"): choices.REVEAL_POLICIES,
        ("attempts", "state"): choices.ATTEMPT_STATES,
        ("answer_log", "source"): choices.ANSWER_SOURCES,
        ("fact_reviews", "source"): choices.ANSWER_SOURCES,
    }
    inspector = sa.inspect(db.engine)
    for (table, column), values in expected.items():
        checks = {c["name"]: c["sqltext"] for c in inspector.get_check_constraints(table)}
        text = checks[f"ck_{table}_{column}"]
        found = tuple(re.findall(r"'([^']*)'", text))
        assert column in text and sorted(found) == sorted(values), (table, column, text)
