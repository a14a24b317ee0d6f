"""The xAPI outbox: learning-record statements waiting to be sent to the LRS."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Index, String, text
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import Base


class XapiOutbox(Base):
    """One xAPI statement, written in the transaction that graded what it reports and sent
    later by `flask xapi send`, so a request never waits on the LRS and a down LRS loses
    nothing. Its `statement_id` is fixed when it is written: a retry sends the same id, which
    the LRS stores at most once."""

    __tablename__ = "xapi_outbox"
    __table_args__ = (
        # The sender's query: unsent rows that are due, oldest first.
        Index(
            "ix_xapi_outbox_due",
            "next_try_at",
            sqlite_where=text("sent_at IS NULL"),
            postgresql_where=text("sent_at IS NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    statement_id: Mapped[str] = mapped_column(String(36), unique=True)
    statement: Mapped[dict[str, Any]]
    # The attempt it reports on, for whoever investigates a row that will not go (no foreign
    # key: a record of what happened is sent even if the quiz is deleted meanwhile).
    attempt_id: Mapped[int | None]
    created_at: Mapped[datetime]
    next_try_at: Mapped[datetime]
    tries: Mapped[int] = mapped_column(default=0, server_default="0")
    last_error: Mapped[str | None] = mapped_column(String(500))
    sent_at: Mapped[datetime | None]
