"""All models, imported here so that Alembic and the app see one metadata."""

from app.models.base import Base
from app.models.content import (
    Bank,
    Fact,
    Question,
    QuestionVersion,
    Source,
    Tag,
    question_tags,
    question_version_facts,
)

__all__ = [
    "Bank",
    "Base",
    "Fact",
    "Question",
    "QuestionVersion",
    "Source",
    "Tag",
    "question_tags",
    "question_version_facts",
]
