"""Demo data for a development server: a teacher, a learner, a class with both, and a quiz
the class has started on, so that every page has something to show.

The quiz is built, assigned, taken and graded through the same services as the API's, so
its statistics, the class grid and the learners' progress are real figures. Who answers
what is drawn from a seeded generator: every run builds the same demo.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.domain.giveaways import conflicts
from app.domain.question_types import QUESTION_TYPES, ideal_response
from app.models import (
    Assignment,
    Attempt,
    AttemptItem,
    Bank,
    ClassMembership,
    Question,
    QuestionVersion,
    Quiz,
    QuizQuestion,
    SchoolClass,
    Tag,
    User,
)
from app.services.accounts import SessionClaim, normalise_email, register_user
from app.services.attempts import save_response, start_attempt, submit_attempt
from app.services.classes import create_class, join_class
from app.services.questions import asked_questions
from app.services.quizzes import assign_quiz, create_quiz

DEMO_CLASS_NAME = "Demo class: the 2024 treaty"
DEMO_QUIZ_TITLE = "Demo quiz: the treaty at a glance"
DEMO_QUIZ_SIZE = 9
# The class's other learners, each with how likely they are to get a question right.
DEMO_CLASSMATES = (
    ("Ada Demo", "ada", 0.9),
    ("Grace Demo", "grace", 0.8),
    ("Alan Demo", "alan", 0.7),
    ("Katherine Demo", "katherine", 0.6),
    ("Tim Demo", "tim", 0.5),
    ("Hedy Demo", "hedy", 0.4),
)
DIFFICULTY_SHIFT = {"easy": 0.15, "medium": 0.0, "hard": -0.2}


@dataclass(frozen=True)
class DemoAccounts:
    teacher: User
    learner: User
    school_class: SchoolClass


@dataclass(frozen=True)
class DemoResult:
    learner: User
    score: float | None
    max_score: float


@dataclass(frozen=True)
class DemoQuiz:
    quiz: Quiz
    question_types: list[str]
    due_at: datetime | None
    results: list[DemoResult]
    created: bool  # False when a previous run had made it all


def _account(session: Session, email: str, password: str, name: str, role: str) -> User:
    user = session.scalar(select(User).where(User.email == normalise_email(email)))
    return user or register_user(
        session, email=email, password=password, display_name=name, role=role
    )


def ensure_demo_accounts(
    session: Session, teacher: tuple[str, str], learner: tuple[str, str]
) -> DemoAccounts:
    """Create the demo accounts and class if missing; running it again changes nothing."""
    demo_teacher = _account(session, *teacher, "Demo Teacher", "teacher")
    demo_learner = _account(session, *learner, "Demo Learner", "learner")
    school_class = session.scalar(
        select(SchoolClass).where(
            SchoolClass.owner_id == demo_teacher.id, SchoolClass.name == DEMO_CLASS_NAME
        )
    ) or create_class(session, demo_teacher, DEMO_CLASS_NAME)
    if session.get(ClassMembership, (school_class.id, demo_learner.id)) is None:
        session.add(ClassMembership(class_id=school_class.id, user_id=demo_learner.id))
        session.flush()
    return DemoAccounts(demo_teacher, demo_learner, school_class)


# --- the quiz --------------------------------------------------------------------------------


def demo_question_ids(session: Session, bank_id: int, size: int = DEMO_QUIZ_SIZE) -> list[int]:
    """One question of each type where the bank has it, then more until `size`: never two on
    one fact nor one that gives another away, and spread over as many tags as possible."""
    rows = session.execute(
        select(Question.id, QuestionVersion.type, Tag.name)
        .join(Question.current)
        .outerjoin(Question.tags)
        .where(Question.bank_id == bank_id, Question.is_active)
        .order_by(Question.id)
    ).all()
    types: dict[int, str] = {}
    tags: dict[int, set[str]] = {}
    for question_id, question_type, tag in rows:
        types[question_id] = question_type
        tags.setdefault(question_id, set()).update([tag] if tag else [])
    views = asked_questions(session, types)
    chosen: list[int] = []
    covered: set[str] = set()

    def pick(candidates: list[int]) -> None:
        fitting = [
            q for q in candidates if all(conflicts(views[q], views[c]) is None for c in chosen)
        ]
        if fitting:
            # The question that brings the most tags not yet asked about; the bank's order else.
            best = max(fitting, key=lambda q: (len(tags[q] - covered), -q))
            chosen.append(best)
            covered.update(tags[best])

    # The types the bank has fewest questions of first: they have the least room to avoid
    # the facts of questions already chosen (a matching question tests three quotations).
    by_type = {t: [q for q, qt in types.items() if qt == t] for t in QUESTION_TYPES}
    for question_type in sorted(by_type, key=lambda t: len(by_type[t])):
        pick(by_type[question_type])
    while len(chosen) < size:
        before = len(chosen)
        pick([q for q in types if q not in chosen])
        if len(chosen) == before:
            break
    # Shown in the page's order of types.
    return sorted(chosen[:size], key=lambda q: (QUESTION_TYPES.index(types[q]), q))


def _member_answer(
    question_type: str,
    content: dict[str, Any],
    key: dict[str, Any],
    outcome: str,
    rng: random.Random,
) -> dict[str, Any]:
    """A response a learner could give: the right one, one partly right (where the type
    gives partial credit), or a wrong one such as a learner picks."""
    right = ideal_response(question_type, key)
    if outcome == "right":
        return right
    partly = outcome == "partly"
    option_ids = sorted(o["id"] for o in content.get("options", []))
    if question_type == "single_choice":
        return {"choice": rng.choice([o for o in option_ids if o != right["choice"]])}
    if question_type == "multiple_choice":
        wrong = [o for o in option_ids if o not in right["choices"]]
        if partly and len(right["choices"]) > 1:
            return {"choices": right["choices"][1:]}
        if partly and wrong:
            return {"choices": [*right["choices"], rng.choice(wrong)]}
        return {"choices": wrong[:1]}
    if question_type == "true_false":
        return {"value": not right["value"]}
    if question_type == "numeric":
        off_by = (float(key.get("tolerance") or 0) + 1) * rng.choice([-2, -1, 1, 3])
        return {"value": right["value"] + off_by}
    if question_type == "short_text":
        return {"text": "not sure"}
    if question_type == "matching":
        prompts = sorted(right["pairs"])
        given = dict(right["pairs"])
        if partly and len(prompts) > 1:
            first, second = rng.sample(prompts, 2)
            given[first], given[second] = given[second], given[first]
            return {"pairs": given}
        # Every prompt matched with the option of the next one: all wrong.
        return {"pairs": {p: right["pairs"][prompts[i - 1]] for i, p in enumerate(prompts)}}
    if question_type == "ordering":
        order = list(right["order"])
        if partly and len(order) > 1:
            i = rng.randrange(len(order) - 1)
            order[i], order[i + 1] = order[i + 1], order[i]
            return {"order": order}
        return {"order": order[::-1]}
    if question_type == "cloze":
        blanks = list(right["blanks"])
        wrong_from = rng.randrange(len(blanks)) if partly and len(blanks) > 1 else 0
        return {"blanks": blanks[:wrong_from] + ["not sure"] * (len(blanks) - wrong_from)}
    if question_type == "find_evidence" and "sentences" in right:
        key_sentences = set(right["sentences"])
        near = [
            i
            for s in sorted(key_sentences)
            for i in (s - 1, s + 1)
            if 0 <= i < content["sentence_count"] and i not in key_sentences
        ]
        if not near:
            return right
        extra = rng.choice(near)
        return {"sentences": sorted([*key_sentences, extra]) if partly else [extra]}
    return right


def _outcome(skill: float, difficulty: str, rng: random.Random) -> str:
    p_right = min(0.97, max(0.05, skill + DIFFICULTY_SHIFT.get(difficulty, 0.0)))
    draw = rng.random()
    if draw < p_right:
        return "right"
    return "partly" if draw < p_right + (1 - p_right) / 2 else "wrong"


def _take_demo_attempt(
    session: Session, learner: User, quiz_id: int, skill: float, started_at: datetime
) -> Attempt:
    """Start, answer every item (30 s to 2 min each) and submit, as the learner would."""
    attempt, _ = start_attempt(session, learner, quiz_id, started_at)
    items = session.execute(
        select(AttemptItem, QuestionVersion)
        .join(QuestionVersion, QuestionVersion.id == AttemptItem.question_version_id)
        .where(AttemptItem.attempt_id == attempt.id)
        .order_by(AttemptItem.position)
    ).all()
    moment = started_at
    for item, version in items:
        # Seeded per learner and question: the same answers whatever order the items come in.
        rng = random.Random(f"{learner.email}:{version.question_id}")
        moment += timedelta(seconds=rng.randint(30, 120))
        outcome = _outcome(skill, version.difficulty, rng)
        response = _member_answer(version.type, item.content, version.answer_key, outcome, rng)
        save_response(session, SessionClaim.of(learner), attempt.id, item.id, response, moment)
    return submit_attempt(session, attempt, moment + timedelta(seconds=20))


def ensure_demo_quiz(
    session: Session, accounts: DemoAccounts, learner_password: str, now: datetime
) -> DemoQuiz | None:
    """The demo quiz, assigned to the demo class (due in a week), and the class's other
    learners, who have each submitted one attempt in the last two days; the demo learner
    has not started it. None when no bank is loaded. Running it again changes nothing."""
    teacher, school_class = accounts.teacher, accounts.school_class
    quiz = session.scalar(
        select(Quiz).where(Quiz.owner_id == teacher.id, Quiz.title == DEMO_QUIZ_TITLE)
    )
    created = quiz is None
    if quiz is None:
        bank_id = session.scalar(
            select(Bank.id).where(Bank.owner_id.is_(None)).order_by(Bank.id).limit(1)
        )
        if bank_id is None:
            return None
        quiz = create_quiz(
            session,
            teacher,
            {
                "title": DEMO_QUIZ_TITLE,
                "question_ids": demo_question_ids(session, bank_id),
                "time_limit_s": 20 * 60,
                "max_attempts": 2,
            },
        )
        # Written three days ago, so the history reads in order: set, then taken.
        quiz.created_at = now - timedelta(days=3)
    assignment = session.scalar(
        select(Assignment).where(
            Assignment.quiz_id == quiz.id, Assignment.class_id == school_class.id
        )
    )
    if assignment is None:
        created = True
        due_at = (now + timedelta(days=7)).replace(minute=0, second=0, microsecond=0)
        assignment = assign_quiz(session, teacher, quiz.id, school_class.id, due_at)
        assignment.created_at = now - timedelta(days=3)
        session.flush()

    domain = accounts.learner.email.partition("@")[2]
    results = []
    for number, (name, local_part, skill) in enumerate(DEMO_CLASSMATES):
        classmate = _account(session, f"{local_part}@{domain}", learner_password, name, "learner")
        join_class(session, classmate, school_class.join_code)
        attempt = session.scalar(
            select(Attempt)
            .where(Attempt.quiz_id == quiz.id, Attempt.learner_id == classmate.id)
            .order_by(Attempt.number)
            .limit(1)
        )
        if attempt is None:
            created = True
            # Spread over the last two days, the most recent an hour ago.
            started_at = now - timedelta(hours=1 + 8 * (len(DEMO_CLASSMATES) - 1 - number))
            attempt = _take_demo_attempt(session, classmate, quiz.id, skill, started_at)
        results.append(DemoResult(classmate, attempt.score, attempt.max_score))
    question_types = list(
        session.scalars(
            select(QuestionVersion.type)
            .select_from(QuizQuestion)
            .join(Question, Question.id == QuizQuestion.question_id)
            .join(Question.current)
            .where(QuizQuestion.quiz_id == quiz.id)
            .order_by(QuizQuestion.position)
        )
    )
    return DemoQuiz(quiz, question_types, assignment.due_at, results, created)
