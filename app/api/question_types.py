"""The question types the server knows, so the page and other clients need not copy them."""

from __future__ import annotations

from app.api.http import Blueprint
from app.domain.question_types import REGISTRY, QuestionType, ordered_types
from app.schemas.question_types import QuestionTypeSchema

blp = Blueprint("question_types", __name__, description="Question types")


@blp.route("/api/question-types", methods=["GET"])
@blp.response(200, QuestionTypeSchema(many=True))
def list_question_types() -> list[QuestionType]:
    """Every question type, in the registry's order (public: no key is involved)."""
    return [REGISTRY[name] for name in ordered_types()]
