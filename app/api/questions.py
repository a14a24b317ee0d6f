"""The teachers' question bank: banks, questions with keys and evidence, own questions."""

from __future__ import annotations

from typing import Any

from flask.views import MethodView
from sqlalchemy import Select

from app.api.http import Blueprint
from app.extensions import db
from app.models import Question
from app.pagination import SelectPage
from app.permissions import requires, signed_in
from app.schemas.questions import (
    BankSchema,
    QuestionInputSchema,
    QuestionPatchSchema,
    QuestionQuerySchema,
    TeacherQuestionDetailSchema,
    TeacherQuestionSchema,
)
from app.services import questions

blp = Blueprint("questions", __name__, description="The question bank (keys: teachers only)")


@blp.route("/api/banks", methods=["GET"])
@requires()
@blp.response(200, BankSchema(many=True))
@blp.paginate(SelectPage)
def list_banks() -> Select[Any]:
    """Banks with their number of active questions: shared ones, and a teacher's own.

    Learners see the shared banks, to choose what to practise; a bank holds no key.
    """
    return questions.visible_banks(signed_in())


@blp.route("/api/questions")
class QuestionList(MethodView):
    @requires("teacher")
    @blp.arguments(QuestionQuerySchema, location="query")
    @blp.response(200, TeacherQuestionSchema(many=True))
    @blp.paginate(SelectPage)
    def get(self, filters: dict[str, Any]) -> Select[Any]:
        """Questions at their latest version, with answer keys and evidence."""
        return questions.question_query(signed_in(), questions.QuestionFilters(**filters))

    @requires("teacher")
    @blp.arguments(QuestionInputSchema)
    @blp.response(201, TeacherQuestionDetailSchema)
    def post(self, fields: dict[str, Any]) -> Question:
        """Write a question of your own (same fields and checks as a bank file)."""
        return questions.create_question(db.session, signed_in(), fields)


@blp.route("/api/questions/<id:question_id>")
class QuestionById(MethodView):
    @requires("teacher")
    @blp.response(200, TeacherQuestionDetailSchema)
    def get(self, question_id: int) -> Question:
        """One question with its key, evidence and version history."""
        return questions.get_question(db.session, signed_in(), question_id)

    @requires("teacher")
    @blp.arguments(QuestionPatchSchema)
    @blp.response(200, TeacherQuestionDetailSchema)
    def patch(self, changes: dict[str, Any], question_id: int) -> Question:
        """Edit your own question: a new version; attempts keep the version they asked."""
        return questions.edit_question(db.session, signed_in(), question_id, changes)
