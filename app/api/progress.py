"""A learner's progress and spaced-repetition practice."""

from __future__ import annotations

from typing import Any

from flask import current_app

from app.api.http import Blueprint
from app.clock import now
from app.extensions import db
from app.permissions import requires, session_claim, signed_in
from app.schemas.progress import (
    PracticeAnswerSchema,
    PracticeFeedbackSchema,
    PracticeNextSchema,
    PracticeQuerySchema,
    ProgressSchema,
)
from app.services import attempts, practice, progress
from app.services.writes import begin_reading

blp = Blueprint("progress", __name__, description="Progress and practice (learners)")


@blp.route("/api/me/progress", methods=["GET"])
@requires("learner", session_checked_in_query=True)
@blp.response(200, ProgressSchema)
def my_progress() -> progress.Progress:
    """Mastery per tag and per fact, quiz grades over time, and your streak of active days."""
    claim, moment = session_claim(), now()
    # Read outside a transaction; settling what fell due (overdue attempts graded, visible
    # reviews applied) switches to one when there is something to settle.
    begin_reading(db.session)
    attempts.close_own_overdue_attempts(db.session, claim, moment)
    progress.apply_visible_reviews(db.session, claim.user_id, moment)
    return progress.learner_progress(db.session, claim.user_id, moment)


@blp.route("/api/practice/next", methods=["GET"])
@requires("learner")
@blp.arguments(PracticeQuerySchema, location="query")
@blp.response(200, PracticeNextSchema)
def practice_next(query: dict[str, Any]) -> practice.PracticeNext:
    """The most due fact's question (without its key), or when the next one falls due."""
    learner, moment = signed_in(), now()
    # Settle what fell due first: quiz results that became visible move the schedule.
    progress.apply_visible_reviews(db.session, learner.id, moment)
    return practice.next_question(
        db.session,
        learner,
        query["bank"],
        query["tag"],
        moment,
        current_app.config["PRACTICE_NEW_FACTS_PER_DAY"],
    )


@blp.route("/api/practice/<id:question_id>/answer", methods=["POST"])
@requires("learner")
@blp.arguments(PracticeAnswerSchema)
@blp.response(200, PracticeFeedbackSchema)
def practice_answer(data: dict[str, Any], question_id: int) -> practice.PracticeFeedback:
    """Answer the question practice gave you: feedback with evidence, and the next due time."""
    return practice.answer(db.session, signed_in(), question_id, data["response"], now())
