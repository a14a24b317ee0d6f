"""Classes: creation, join codes, membership."""

from __future__ import annotations

import secrets
from typing import Any

from sqlalchemy import Select, delete, func, select
from sqlalchemy.orm import Session, selectinload, with_expression

from app.errors import NotFoundError
from app.models import ClassMembership, SchoolClass, User
from app.services.ownership import owned_by
from app.services.writes import inserted

# No 0/O, 1/I/L: codes are read aloud and copied from a board. 10 characters ≈ 50 bits.
JOIN_CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
JOIN_CODE_LENGTH = 10


def new_join_code() -> str:
    return "".join(secrets.choice(JOIN_CODE_ALPHABET) for _ in range(JOIN_CODE_LENGTH))


def normalise_join_code(code: str) -> str:
    return "".join(code.split()).replace("-", "").upper()


def create_class(session: Session, owner: User, name: str) -> SchoolClass:
    school_class = SchoolClass(owner_id=owner.id, name=name.strip(), join_code=new_join_code())
    session.add(school_class)
    session.flush()
    return school_class


def regenerate_join_code(session: Session, school_class: SchoolClass) -> SchoolClass:
    """A new code; the old one stops working at once. Members stay members."""
    school_class.join_code = new_join_code()
    session.flush()
    return school_class


def join_class(session: Session, learner: User, code: str) -> SchoolClass:
    """Add `learner` to the class with this code; joining twice is harmless."""
    school_class = session.scalar(
        select(SchoolClass).where(SchoolClass.join_code == normalise_join_code(code))
    )
    if school_class is None:
        raise NotFoundError("No class has this join code.")
    if session.get(ClassMembership, (school_class.id, learner.id)) is None:
        # False when a concurrent join of the same learner got there first: just as good.
        inserted(session, ClassMembership(class_id=school_class.id, user_id=learner.id))
    return school_class


def remove_member(session: Session, school_class: SchoolClass, user_id: int) -> None:
    result = session.execute(
        delete(ClassMembership).where(
            ClassMembership.class_id == school_class.id, ClassMembership.user_id == user_id
        )
    )
    if result.rowcount == 0:  # type: ignore[attr-defined]
        raise NotFoundError(f"User {user_id} is not a member of this class.")


def with_member_count() -> Any:
    """A loader option filling `SchoolClass.member_count` with one correlated count."""
    count = (
        select(func.count())
        .where(ClassMembership.class_id == SchoolClass.id)
        .correlate(SchoolClass)
        .scalar_subquery()
    )
    return with_expression(SchoolClass.member_count, count)


def owned_classes(owner: User) -> Select[Any]:
    return (
        owned_by(SchoolClass, owner)
        .options(selectinload(SchoolClass.owner), with_member_count())
        .order_by(SchoolClass.id)
        # Rows already in the session (just created or updated) get their count too.
        .execution_options(populate_existing=True)
    )


def joined_classes(learner_id: int) -> Select[Any]:
    return (
        select(SchoolClass)
        .join(ClassMembership, ClassMembership.class_id == SchoolClass.id)
        .where(ClassMembership.user_id == learner_id)
        .options(selectinload(SchoolClass.owner))
        .order_by(SchoolClass.id)
    )


def members(school_class: SchoolClass) -> Select[Any]:
    return (
        select(ClassMembership)
        .where(ClassMembership.class_id == school_class.id)
        .options(selectinload(ClassMembership.user))
        .order_by(ClassMembership.joined_at, ClassMembership.user_id)
    )
