"""Quizzes as their teacher writes and reads them, and assignments."""

from __future__ import annotations

from typing import Any

import marshmallow as ma
from marshmallow import ValidationError, validate, validates_schema

from app.domain.choices import DIFFICULTIES, FEEDBACK_POLICIES, GRADING_METHODS, REVEAL_POLICIES
from app.domain.quiz_rules import settings_problems
from app.schemas.fields import BoundedInteger, Id, Text

Positive = validate.Range(min=0, min_inclusive=False, max=1000)


class DrawRuleSchema(ma.Schema):
    bank = Id(required=True, metadata={"description": "Bank id"})
    tag = Text(load_default=None, max_length=60)
    difficulty = ma.fields.String(load_default=None, validate=validate.OneOf(DIFFICULTIES))
    count = BoundedInteger(required=True, minimum=1, maximum=200)
    points = ma.fields.Float(load_default=1.0, validate=Positive)


class QuizSettingsSchema(ma.Schema):
    title = Text(max_length=200)
    question_ids = ma.fields.List(
        Id(),
        validate=validate.Length(max=500),
        metadata={"description": "Asked in every attempt"},
    )
    points = ma.fields.Dict(
        keys=Text(max_length=12),
        values=ma.fields.Float(validate=Positive),
        metadata={
            "description": "Points per question id (default 1; on a change, a question kept "
            "keeps its points unless new ones are sent)"
        },
    )
    draw = ma.fields.List(ma.fields.Nested(DrawRuleSchema), validate=validate.Length(max=20))
    time_limit_s = BoundedInteger(allow_none=True, minimum=1, maximum=604800)
    max_attempts = BoundedInteger(allow_none=True, minimum=1, maximum=100)
    grading = ma.fields.String(validate=validate.OneOf(GRADING_METHODS))
    shuffle_questions = ma.fields.Boolean()
    shuffle_options = ma.fields.Boolean()
    feedback = ma.fields.String(validate=validate.OneOf(FEEDBACK_POLICIES))
    reveal_answers = ma.fields.String(
        validate=validate.OneOf(REVEAL_POLICIES),
        metadata={
            "description": "When learners see correct answers, explanations and evidence: "
            "after_last_attempt (default: once no attempt is left or the quiz has closed), "
            "after_each_attempt, or after_close"
        },
    )
    opens_at = ma.fields.AwareDateTime(allow_none=True)
    closes_at = ma.fields.AwareDateTime(allow_none=True)

    # A PATCH's settings are checked by the service once merged with the quiz's own.


class QuizInputSchema(QuizSettingsSchema):
    title = Text(required=True, max_length=200)

    @validates_schema
    def keeps_the_quiz_rules(self, data: dict[str, Any], **kwargs: Any) -> None:
        problems = settings_problems(data)
        if problems:
            raise ValidationError({field: [message] for field, message in problems.items()})


class QuizQuestionSchema(ma.Schema):
    question_id = ma.fields.Integer()
    position = ma.fields.Integer()
    points = ma.fields.Float()
    type = ma.fields.String(
        attribute="question.current.type", metadata={"description": "At its current version"}
    )
    prompt = ma.fields.String(
        attribute="question.current.prompt", metadata={"description": "At its current version"}
    )


class DrawRuleOutSchema(ma.Schema):
    bank = ma.fields.Integer(attribute="bank_id")
    tag = ma.fields.String(allow_none=True)
    difficulty = ma.fields.String(allow_none=True)
    count = ma.fields.Integer()
    points = ma.fields.Float()


class LearnerQuizSchema(ma.Schema):
    """What a learner may know of a quiz before taking it: settings, never questions."""

    id = ma.fields.Integer()
    title = ma.fields.String()
    time_limit_s = ma.fields.Integer(allow_none=True)
    max_attempts = ma.fields.Integer(allow_none=True)
    grading = ma.fields.String()
    feedback = ma.fields.String()
    reveal_answers = ma.fields.String()
    opens_at = ma.fields.AwareDateTime(allow_none=True)
    closes_at = ma.fields.AwareDateTime(allow_none=True)


class QuizWarningSchema(ma.Schema):
    questions = ma.fields.List(ma.fields.Integer(), metadata={"description": "Question ids"})
    reason = ma.fields.String()


class QuizAssignmentSchema(ma.Schema):
    class_id = ma.fields.Integer()
    class_name = ma.fields.String(attribute="school_class.name")
    due_at = ma.fields.AwareDateTime(allow_none=True)


class QuizSchema(LearnerQuizSchema):
    """A quiz as its teacher sees it: with what it asks and where it is assigned."""

    shuffle_questions = ma.fields.Boolean()
    shuffle_options = ma.fields.Boolean()
    created_at = ma.fields.AwareDateTime()
    archived_at = ma.fields.AwareDateTime(
        allow_none=True,
        metadata={"description": "When it was archived (hidden from learners); null in use"},
    )
    attempt_count = ma.fields.Integer(
        metadata={
            "description": "Attempts started; once there is one, questions, points, draw rules "
            "and grading can no longer change, nor feedback to or from immediate"
        }
    )
    assignments = ma.fields.List(
        ma.fields.Nested(QuizAssignmentSchema),
        metadata={"description": "The classes it is assigned to, with due dates"},
    )
    questions = ma.fields.List(ma.fields.Nested(QuizQuestionSchema))
    draw = ma.fields.List(ma.fields.Nested(DrawRuleOutSchema), attribute="draw_rules")
    warnings = ma.fields.List(
        ma.fields.Nested(QuizWarningSchema),
        metadata={
            "description": "Pairs of fixed questions that test the same fact or give each other "
            "away: every attempt asks both (draws avoid such pairs themselves)"
        },
    )


class QuizListQuerySchema(ma.Schema):
    archived = ma.fields.Boolean(
        load_default=False,
        metadata={"description": "true: the archived quizzes only (default: those in use)"},
    )


class AssignmentInputSchema(ma.Schema):
    class_id = Id(required=True)
    due_at = ma.fields.AwareDateTime(load_default=None)


class AssignmentSchema(ma.Schema):
    id = ma.fields.Integer()
    quiz_id = ma.fields.Integer()
    class_id = ma.fields.Integer()
    due_at = ma.fields.AwareDateTime(allow_none=True)
    created_at = ma.fields.AwareDateTime()


class MyAssignmentSchema(ma.Schema):
    id = ma.fields.Integer()
    class_id = ma.fields.Integer()
    class_name = ma.fields.String()
    due_at = ma.fields.AwareDateTime(allow_none=True)
    quiz = ma.fields.Nested(LearnerQuizSchema)
    status = ma.fields.String(
        metadata={"description": "not_started, in_progress, submitted or closed"}
    )
    attempts_used = ma.fields.Integer()
    attempts_left = ma.fields.Integer(allow_none=True)
    in_progress_attempt_id = ma.fields.Integer(allow_none=True)
    last_submitted_attempt_id = ma.fields.Integer(allow_none=True)
    grade = ma.fields.Float(
        allow_none=True,
        metadata={"description": "Percent, under the quiz's grading method; null until shown"},
    )
