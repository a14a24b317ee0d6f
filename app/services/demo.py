"""Demo data for a development server: a teacher, a learner, and a class with both."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models import ClassMembership, SchoolClass, User
from app.services.accounts import normalise_email, register_user
from app.services.classes import create_class

DEMO_CLASS_NAME = "Demo class: the 2024 treaty"


@dataclass(frozen=True)
class DemoAccounts:
    teacher: User
    learner: User
    school_class: SchoolClass


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
