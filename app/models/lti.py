"""LTI 1.3: the platforms (LMSs) registered with Sourcequiz, the tool's own signing keys, and
what launches link to Sourcequiz's own rows (people, classes, quizzes), plus the outbox of
scores waiting to go back to a platform's gradebook (Assignment and Grade Services)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Float, ForeignKey, Index, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import Base, TimestampMixin

URL = String(1000)
# LTI ids (sub, context, resource link, deployment) are at most 255 characters.
LTI_ID = String(255)


class LtiPlatform(TimestampMixin, Base):
    """A registration: what an LMS administrator and the Sourcequiz administrator exchanged
    (`flask lti platform add`). One issuer may register the tool more than once, with
    another client id each time."""

    __tablename__ = "lti_platforms"
    __table_args__ = (UniqueConstraint("issuer", "client_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    issuer: Mapped[str] = mapped_column(URL)
    client_id: Mapped[str] = mapped_column(LTI_ID)
    auth_login_url: Mapped[str] = mapped_column(URL)
    auth_token_url: Mapped[str] = mapped_column(URL)
    key_set_url: Mapped[str] = mapped_column(URL)
    # The `aud` of the tool's client assertion when the token endpoint wants another value
    # than its own URL (Brightspace, for one).
    auth_audience: Mapped[str | None] = mapped_column(URL)


class LtiDeployment(Base):
    """A deployment id of a platform: launches from any other are refused."""

    __tablename__ = "lti_deployments"

    platform_id: Mapped[int] = mapped_column(
        ForeignKey("lti_platforms.id", ondelete="CASCADE"), primary_key=True
    )
    deployment_id: Mapped[str] = mapped_column(LTI_ID, primary_key=True)


class LtiToolKey(TimestampMixin, Base):
    """An RSA key pair of the tool: it signs deep-linking responses and AGS client
    assertions; its public half is served at /lti/jwks. The newest one signs."""

    __tablename__ = "lti_tool_keys"

    id: Mapped[int] = mapped_column(primary_key=True)
    kid: Mapped[str] = mapped_column(String(64), unique=True)
    private_key_pem: Mapped[str] = mapped_column(Text)


class LtiIdentity(TimestampMixin, Base):
    """A platform's user (issuer through the platform, and `sub`) signed in as a Sourcequiz
    user: found again at each launch, so no second password."""

    __tablename__ = "lti_identities"
    __table_args__ = (UniqueConstraint("platform_id", "sub"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    platform_id: Mapped[int] = mapped_column(ForeignKey("lti_platforms.id", ondelete="CASCADE"))
    sub: Mapped[str] = mapped_column(LTI_ID)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)


class LtiContext(TimestampMixin, Base):
    """A course of a platform, kept as a Sourcequiz class (owned by the teacher whose quiz
    was placed in it first); its learners become members as they launch."""

    __tablename__ = "lti_contexts"
    __table_args__ = (UniqueConstraint("platform_id", "context_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    platform_id: Mapped[int] = mapped_column(ForeignKey("lti_platforms.id", ondelete="CASCADE"))
    context_id: Mapped[str] = mapped_column(LTI_ID)
    class_id: Mapped[int] = mapped_column(ForeignKey("classes.id", ondelete="CASCADE"), index=True)


class LtiResourceLink(TimestampMixin, Base):
    """A quiz placed in a course (by deep linking), with the line item its grades go to."""

    __tablename__ = "lti_resource_links"
    __table_args__ = (UniqueConstraint("platform_id", "resource_link_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    platform_id: Mapped[int] = mapped_column(ForeignKey("lti_platforms.id", ondelete="CASCADE"))
    resource_link_id: Mapped[str] = mapped_column(LTI_ID)
    context_id: Mapped[int] = mapped_column(
        ForeignKey("lti_contexts.id", ondelete="CASCADE"), index=True
    )
    quiz_id: Mapped[int] = mapped_column(ForeignKey("quizzes.id", ondelete="CASCADE"), index=True)
    # The AGS line item (from the launch's endpoint claim); None: the platform takes no grades.
    lineitem_url: Mapped[str | None] = mapped_column(URL)


class LtiNonce(Base):
    """A nonce that a launch has used: a second launch with it is a replay. Kept until the
    id_token that carried it has expired, when it could not be replayed anyway."""

    __tablename__ = "lti_nonces"

    nonce: Mapped[str] = mapped_column(String(100), primary_key=True)
    expires_at: Mapped[datetime] = mapped_column(index=True)


class LtiScoreOutbox(Base):
    """A score for a platform's line item, written in the transaction that graded the attempt
    and sent by `flask lti send-scores`: a down platform loses nothing and slows nothing. A
    regrade writes another row; the platform keeps the latest score by its timestamp."""

    __tablename__ = "lti_score_outbox"
    __table_args__ = (
        Index(
            "ix_lti_score_outbox_due",
            "next_try_at",
            sqlite_where=text("sent_at IS NULL"),
            postgresql_where=text("sent_at IS NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    platform_id: Mapped[int] = mapped_column(
        ForeignKey("lti_platforms.id", ondelete="CASCADE"), index=True
    )
    lineitem_url: Mapped[str] = mapped_column(URL)
    user_sub: Mapped[str] = mapped_column(LTI_ID)
    # What it reports on, for whoever investigates (no foreign keys: the record stays).
    attempt_id: Mapped[int | None]
    score_given: Mapped[float] = mapped_column(Float)
    score_maximum: Mapped[float] = mapped_column(Float)
    graded_at: Mapped[datetime]
    created_at: Mapped[datetime]
    next_try_at: Mapped[datetime]
    tries: Mapped[int] = mapped_column(default=0, server_default="0")
    last_error: Mapped[str | None] = mapped_column(String(500))
    sent_at: Mapped[datetime | None]
