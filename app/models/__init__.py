"""All models, imported here so that Alembic and the app see one metadata."""

from app.models.attempt import Attempt, AttemptItem, Response
from app.models.base import Base
from app.models.classes import ClassMembership, SchoolClass
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
from app.models.lti import (
    LtiContext,
    LtiDeployment,
    LtiIdentity,
    LtiNonce,
    LtiPlatform,
    LtiResourceLink,
    LtiScoreOutbox,
    LtiToolKey,
)
from app.models.progress import AnswerLog, FactCard, FactReview, PracticeState
from app.models.quiz import Assignment, Quiz, QuizDrawRule, QuizQuestion
from app.models.user import ApiToken, User
from app.models.xapi import XapiOutbox

__all__ = [
    "AnswerLog",
    "ApiToken",
    "Assignment",
    "Attempt",
    "AttemptItem",
    "Bank",
    "Base",
    "ClassMembership",
    "Fact",
    "FactCard",
    "FactReview",
    "LtiContext",
    "LtiDeployment",
    "LtiIdentity",
    "LtiNonce",
    "LtiPlatform",
    "LtiResourceLink",
    "LtiScoreOutbox",
    "LtiToolKey",
    "PracticeState",
    "Question",
    "QuestionVersion",
    "Quiz",
    "QuizDrawRule",
    "QuizQuestion",
    "Response",
    "SchoolClass",
    "Source",
    "Tag",
    "User",
    "XapiOutbox",
    "question_tags",
    "question_version_facts",
]
