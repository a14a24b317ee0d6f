"""Quizzes and assignments (teachers), a learner's assignments, and attempts."""

from __future__ import annotations

from typing import Any

from flask.views import MethodView
from flask_smorest.pagination import PaginationParameters
from sqlalchemy import Select

from app.api.http import Blueprint
from app.clock import now
from app.extensions import db
from app.models import Assignment, Quiz
from app.pagination import SelectPage
from app.permissions import requires, session_claim, signed_in
from app.schemas.attempts import (
    AttemptSchema,
    ResponseInputSchema,
    SavedResponseSchema,
)
from app.schemas.progress import QuizStatisticsSchema
from app.schemas.quizzes import (
    AssignmentInputSchema,
    AssignmentSchema,
    MyAssignmentSchema,
    QuizInputSchema,
    QuizListQuerySchema,
    QuizSchema,
    QuizSettingsSchema,
)
from app.services import attempts, quiz_management, quizzes, statistics
from app.services.accounts import SessionClaim
from app.services.writes import begin_reading, begin_writing

blp = Blueprint("quizzes", __name__, description="Quizzes, assignments and attempts")


@blp.route("/api/quizzes")
class QuizList(MethodView):
    @requires("teacher")
    @blp.arguments(QuizListQuerySchema, location="query")
    @blp.response(200, QuizSchema(many=True))
    @blp.paginate(SelectPage)
    def get(self, query: dict[str, Any]) -> Select[Any]:
        """Your quizzes in use, or with `archived=true` those you archived."""
        return quizzes.owned_quizzes(signed_in(), archived=query["archived"])

    @requires("teacher")
    @blp.arguments(QuizInputSchema)
    @blp.response(201, QuizSchema)
    def post(self, data: dict[str, Any]) -> Quiz:
        """Create a quiz from fixed questions and/or draw rules, with its settings."""
        return quizzes.create_quiz(db.session, signed_in(), data)


@blp.route("/api/quizzes/<id:quiz_id>")
class QuizById(MethodView):
    @requires("teacher")
    @blp.response(200, QuizSchema)
    def get(self, quiz_id: int) -> Quiz:
        """One of your quizzes."""
        return quizzes.owned_quiz(db.session, signed_in(), quiz_id)

    @requires("teacher")
    @blp.arguments(QuizSettingsSchema)
    @blp.response(200, QuizSchema)
    def patch(self, data: dict[str, Any], quiz_id: int) -> Quiz:
        """Change a quiz; what changes scores is refused (409) once attempts exist."""
        return quizzes.update_quiz(db.session, signed_in(), quiz_id, data)


@blp.route("/api/quizzes/<id:quiz_id>/assignments", methods=["POST"])
@requires("teacher")
@blp.arguments(AssignmentInputSchema)
@blp.response(201, AssignmentSchema)
def assign(data: dict[str, Any], quiz_id: int) -> Assignment:
    """Assign one of your quizzes to one of your classes."""
    return quizzes.assign_quiz(db.session, signed_in(), quiz_id, data["class_id"], data["due_at"])


@blp.route("/api/quizzes/<id:quiz_id>/assignments/<id:class_id>", methods=["DELETE"])
@requires("teacher")
@blp.response(204)
def unassign(quiz_id: int, class_id: int) -> None:
    """Take one of your quizzes away from a class. Its learners no longer see it; their
    attempts are kept, and one in progress is submitted as it stands."""
    quiz_management.unassign_quiz(db.session, signed_in(), quiz_id, class_id, now())


@blp.route("/api/quizzes/<id:quiz_id>/duplicate", methods=["POST"])
@requires("teacher")
@blp.response(201, QuizSchema)
def duplicate(quiz_id: int) -> Quiz:
    """A copy of one of your quizzes ("... (copy)"): same questions and settings, assigned to
    no class and never attempted, so everything in it can change."""
    return quiz_management.duplicate_quiz(db.session, signed_in(), quiz_id)


@blp.route("/api/quizzes/<id:quiz_id>/archive", methods=["POST"])
@requires("teacher")
@blp.response(200, QuizSchema)
def archive(quiz_id: int) -> Quiz:
    """Archive one of your quizzes: hidden from your list and your learners, who can no longer
    start it (attempts in progress are submitted as they stand). Grades are kept."""
    return quiz_management.archive_quiz(db.session, signed_in(), quiz_id, now())


@blp.route("/api/quizzes/<id:quiz_id>/unarchive", methods=["POST"])
@requires("teacher")
@blp.response(200, QuizSchema)
def unarchive(quiz_id: int) -> Quiz:
    """Bring an archived quiz back into use: the classes it is assigned to see it again."""
    return quiz_management.unarchive_quiz(db.session, signed_in(), quiz_id)


@blp.route("/api/me/assignments", methods=["GET"])
@requires("learner", session_checked_in_query=True)
@blp.response(200, MyAssignmentSchema(many=True))
@blp.paginate()
def my_assignments(pagination_parameters: PaginationParameters) -> list[Any]:
    """What is assigned to you, with status and your grade under the quiz's method."""
    claim, moment = session_claim(), now()
    # Read outside a transaction; closing an overdue attempt switches to one.
    begin_reading(db.session)
    attempts.close_own_overdue_attempts(db.session, claim, moment)
    items, total = quizzes.my_assignments(
        db.session,
        claim.user_id,
        moment,
        pagination_parameters.first_item,
        pagination_parameters.page_size,
    )
    pagination_parameters.item_count = total
    return items


@blp.route("/api/quizzes/<id:quiz_id>/attempts", methods=["POST"])
@requires("learner", session_checked_in_query=True)
@blp.response(201, AttemptSchema)
@blp.alt_response(200, schema=AttemptSchema, description="An unfinished attempt, resumed")
def start(quiz_id: int) -> Any:
    """Start an attempt (or resume your unfinished one). Items come without answer keys."""
    claim, moment = session_claim(), now()
    # A resume only reads: outside a transaction, until a new attempt must be written.
    begin_reading(db.session)
    attempt = attempts.resumable_attempt(db.session, claim, quiz_id, moment)
    created = False
    if attempt is None:
        begin_writing(db.session)
        learner = signed_in("learner")
        started, created = attempts.start_attempt(db.session, learner, quiz_id, moment)
        attempt = attempts.attempt_for(db.session, SessionClaim.of(learner), started.id)
    return attempts.attempt_view(db.session, claim.user_id, attempt, moment), (
        201 if created else 200
    )


@blp.route("/api/attempts/<id:attempt_id>", methods=["GET"])
@requires(session_checked_in_query=True)
@blp.response(200, AttemptSchema)
def get_attempt(attempt_id: int) -> attempts.AttemptView:
    """An attempt: yours, or one of your quiz's. An attempt past its deadline is submitted."""
    return attempts.attempt_to_show(db.session, session_claim(), attempt_id, now())


@blp.route("/api/attempts/<id:attempt_id>/responses/<id:item_id>", methods=["PUT"])
@requires("learner", session_checked_in_query=True)
@blp.arguments(ResponseInputSchema)
@blp.response(200, SavedResponseSchema)
def save_response(data: dict[str, Any], attempt_id: int, item_id: int) -> Any:
    """Save your answer to one item at once; with immediate feedback, its result."""
    return attempts.save_response(
        db.session, session_claim(), attempt_id, item_id, data["response"], now()
    )


@blp.route("/api/attempts/<id:attempt_id>/submit", methods=["POST"])
@requires("learner")
@blp.response(200, AttemptSchema)
def submit(attempt_id: int) -> attempts.AttemptView:
    """Submit your attempt; submitting again returns the same result."""
    learner, moment = signed_in(), now()
    # A learner owns no quiz, so attempt_for finds only their own attempts.
    attempt = attempts.attempt_for(db.session, SessionClaim.of(learner), attempt_id)
    attempts.submit_own_attempt(db.session, learner, attempt, moment)
    return attempts.attempt_view(db.session, learner.id, attempt, moment)


@blp.route("/api/attempts/<id:attempt_id>/review", methods=["GET"])
@requires()
@blp.response(200, AttemptSchema)
def review(attempt_id: int) -> attempts.AttemptView:
    """Answers, correct answers, explanations and evidence, as the feedback policy allows."""
    viewer, moment = signed_in(), now()
    attempt = attempts.attempt_for(db.session, SessionClaim.of(viewer), attempt_id)
    attempts.finalise_if_overdue(db.session, attempt, moment)
    return attempts.review(db.session, viewer.id, attempt, moment)


@blp.route("/api/quizzes/<id:quiz_id>/statistics", methods=["GET"])
@requires("teacher")
@blp.response(200, QuizStatisticsSchema)
def quiz_statistics(quiz_id: int) -> statistics.QuizStatistics:
    """Item analysis of submitted attempts, and per-fact results joined to the source."""
    quiz = quizzes.owned_quiz(db.session, signed_in(), quiz_id)
    attempts.close_overdue_attempts(db.session, now(), quiz_ids=[quiz.id])
    return statistics.quiz_statistics(db.session, quiz)
