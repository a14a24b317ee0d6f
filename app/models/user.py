"""People and their credentials."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.domain.choices import ROLES, in_check
from app.models.base import Base, TimestampMixin


class User(TimestampMixin, Base):
    __tablename__ = "users"
    __table_args__ = (CheckConstraint(in_check("role", ROLES), "role"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    # Stored trimmed and lower-cased, so uniqueness is case-insensitive on every database.
    email: Mapped[str] = mapped_column(String(254), unique=True)
    password_hash: Mapped[str] = mapped_column(String(200))
    display_name: Mapped[str] = mapped_column(String(100))
    role: Mapped[str] = mapped_column(String(10))
    # Part of every session cookie: raising it (sign-in, sign-out, password change) ends
    # every session signed with the old value, wherever the cookie went.
    session_version: Mapped[int] = mapped_column(default=1, server_default="1")

    # Flask-Login's user protocol.
    is_authenticated = True
    is_active = True
    is_anonymous = False

    def get_id(self) -> str:
        """What the session cookie holds: the id and the session version (Flask-Login's
        "alternative token"), so a cookie outlives neither sign-out nor a password change."""
        return f"{self.id}:{self.session_version}"

    @property
    def is_teacher(self) -> bool:
        return self.role == "teacher"


class ApiToken(TimestampMixin, Base):
    """A personal bearer token for scripts; only its SHA-256 is stored."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    # The first characters, so a person can tell their tokens apart in a listing.
    prefix: Mapped[str] = mapped_column(String(12))
    revoked_at: Mapped[datetime | None]

    user: Mapped[User] = relationship(lazy="raise")
