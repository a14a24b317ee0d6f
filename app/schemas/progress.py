from __future__ import annotations

import marshmallow as ma

from app.schemas.attempts import ItemResultSchema, ResponseInputSchema
from app.schemas.fields import Id, Text


class MasterySchema(ma.Schema):
    answered = ma.fields.Integer()
    correct = ma.fields.Float(metadata={"description": "Marks earned, in questions"})
    accuracy = ma.fields.Float(metadata={"description": "correct / answered"})
    last_seen = ma.fields.AwareDateTime(allow_none=True)
    retrievability = ma.fields.Float(metadata={"description": "FSRS recall probability now"})
    mastery = ma.fields.Float(metadata={"description": "0..1; see app/services/progress.py"})


class FactProgressSchema(ma.Schema):
    fact_id = ma.fields.Integer()
    statement = ma.fields.String()
    source_id = ma.fields.Integer()
    due = ma.fields.AwareDateTime(allow_none=True)
    mastery = ma.fields.Nested(MasterySchema)


class TagProgressSchema(ma.Schema):
    tag = ma.fields.String()
    mastery = ma.fields.Nested(MasterySchema)


class QuizGradeSchema(ma.Schema):
    quiz_id = ma.fields.Integer()
    title = ma.fields.String()
    grade = ma.fields.Float(allow_none=True)
    submitted_at = ma.fields.AwareDateTime(allow_none=True)


class ProgressSchema(ma.Schema):
    tags = ma.fields.List(ma.fields.Nested(TagProgressSchema))
    facts = ma.fields.List(ma.fields.Nested(FactProgressSchema))
    quizzes = ma.fields.List(ma.fields.Nested(QuizGradeSchema))
    active_days = ma.fields.List(ma.fields.Date())
    streak_days = ma.fields.Integer()


class PracticeQuerySchema(ma.Schema):
    bank = Id(
        strict=False,
        required=True,
        metadata={
            "description": (
                "The id of a bank you may practise: a shared one, or one your teacher published"
            )
        },
    )
    tag = Text(load_default=None, max_length=60)


class PracticeQuestionSchema(ma.Schema):
    question_id = ma.fields.Integer()
    version = ma.fields.Integer()
    type = ma.fields.String()
    prompt = ma.fields.String()
    content = ma.fields.Dict()
    is_new = ma.fields.Boolean()
    due = ma.fields.AwareDateTime(allow_none=True)


class PracticeNextSchema(ma.Schema):
    question = ma.fields.Nested(PracticeQuestionSchema, allow_none=True)
    next_due = ma.fields.AwareDateTime(
        allow_none=True, metadata={"description": "When the next card falls due, if none is now"}
    )
    new_today = ma.fields.Integer()
    new_per_day = ma.fields.Integer()
    held_back = ma.fields.Integer(
        metadata={
            "description": "Facts of this bank left out while a quiz that tests them is still "
            "open for you (practice would show its answers)"
        }
    )


class PracticeAnswerSchema(ResponseInputSchema):
    """The same answer shapes as in a quiz."""


class PracticeFeedbackSchema(ma.Schema):
    result = ma.fields.Nested(ItemResultSchema)
    rating = ma.fields.String(metadata={"description": "Again, Hard, Good or Easy"})
    next_due = ma.fields.AwareDateTime(allow_none=True)


class ClassCellSchema(ma.Schema):
    answered = ma.fields.Integer()
    accuracy = ma.fields.Float()


class ClassLearnerSchema(ma.Schema):
    learner_id = ma.fields.Integer()
    display_name = ma.fields.String()
    email = ma.fields.String()
    tags = ma.fields.Dict(keys=ma.fields.String(), values=ma.fields.Nested(ClassCellSchema))
    grades = ma.fields.Dict(keys=ma.fields.String(), values=ma.fields.Float(allow_none=True))
    attempts = ma.fields.Dict(
        keys=ma.fields.String(),
        values=ma.fields.Integer(allow_none=True),
        metadata={
            "description": "Per quiz id, the submitted attempt the grade comes from (the last "
            "one for average grading), to open its review; null when none"
        },
    )


class ClassQuizSchema(ma.Schema):
    id = ma.fields.Integer()
    title = ma.fields.String()
    grading = ma.fields.String()
    archived = ma.fields.Boolean(metadata={"description": "Archived: learners no longer see it"})


class ClassProgressSchema(ma.Schema):
    tags = ma.fields.List(ma.fields.String())
    quizzes = ma.fields.List(ma.fields.Nested(ClassQuizSchema))
    learners = ma.fields.List(ma.fields.Nested(ClassLearnerSchema))


class OptionCountSchema(ma.Schema):
    id = ma.fields.String()
    text = ma.fields.String()
    count = ma.fields.Integer()
    correct = ma.fields.Boolean()


class QuestionStatisticsSchema(ma.Schema):
    question_id = ma.fields.Integer()
    type = ma.fields.String()
    prompt = ma.fields.String()
    attempts = ma.fields.Integer()
    facility = ma.fields.Float(allow_none=True)
    sd = ma.fields.Float(allow_none=True)
    discrimination = ma.fields.Float(allow_none=True)
    mean_time_s = ma.fields.Float(allow_none=True)
    options = ma.fields.List(ma.fields.Nested(OptionCountSchema))


class FactStatisticsSchema(ma.Schema):
    fact_id = ma.fields.Integer()
    statement = ma.fields.String()
    source_id = ma.fields.Integer()
    evidence_start = ma.fields.Integer()
    evidence_end = ma.fields.Integer()
    evidence_text = ma.fields.String()
    learners = ma.fields.Integer()
    learners_right = ma.fields.Integer()
    share_right = ma.fields.Float(allow_none=True)
    mean_score = ma.fields.Float(allow_none=True)


class QuizSummarySchema(ma.Schema):
    attempts = ma.fields.Integer()
    mean = ma.fields.Float(allow_none=True)
    median = ma.fields.Float(allow_none=True)
    sd = ma.fields.Float(allow_none=True)
    cronbach_alpha = ma.fields.Float(allow_none=True)
    histogram = ma.fields.List(
        ma.fields.Integer(), metadata={"description": "Attempts per 10-point band of score %"}
    )


class QuizStatisticsSchema(ma.Schema):
    quiz = ma.fields.Nested(QuizSummarySchema)
    questions = ma.fields.List(ma.fields.Nested(QuestionStatisticsSchema))
    facts = ma.fields.List(ma.fields.Nested(FactStatisticsSchema))
