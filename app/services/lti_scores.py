"""Grades back to the LMS: LTI Assignment and Grade Services (AGS 2.0) score publishing.

`enqueue_lti_scores` runs at the end of grading, in its transaction: for each graded attempt
of a learner who came through a platform, into a resource link of that quiz that has a line
item, it writes a row to the outbox (`LtiScoreOutbox`) with the learner's quiz grade (in
percent, under the quiz's grading method: highest, average, first or last attempt). Grading
again (a regrade, another attempt) writes another row, with a later timestamp, which the
platform takes over the earlier one.

`send_pending_scores` (run by `flask lti send-scores`, a process of its own) posts them: an
access token from the platform's token endpoint by the OAuth 2 client-credentials grant with a
JWT client assertion signed by the tool's key, then each score to `<lineitem>/scores` as
`application/vnd.ims.lis.v1.score+json`. A request never waits on a platform; a platform that
is down or refuses keeps the rows, tried again later and later (as xAPI statements are).
"""

from __future__ import annotations

import http.client
import json
import secrets
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import and_, func, insert, or_, select
from sqlalchemy.orm import Session

from app.models import (
    Attempt,
    ClassMembership,
    LtiContext,
    LtiIdentity,
    LtiPlatform,
    LtiResourceLink,
    LtiScoreOutbox,
    Quiz,
)
from app.services.lti import SCORE_MAXIMUM, sign_with_tool_key
from app.services.quizzes import grade_under
from app.services.xapi import SendReport, retry_wait

SCORE_SCOPE = "https://purl.imsglobal.org/spec/lti-ags/scope/score"
SCORE_TYPE = "application/vnd.ims.lis.v1.score+json"
ASSERTION_TYPE = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
PLATFORM_TIMEOUT_S = 10.0
ERROR_LENGTH = 500


# --- the outbox -------------------------------------------------------------------------------


def enqueue_lti_scores(session: Session, attempt_ids: Sequence[int], now: datetime) -> int:
    """Write the grades these just-graded attempts give to the outbox of every platform line
    item they belong to, in the caller's transaction; the number of rows written. One query
    when no attempt came through LTI, three otherwise."""
    if not attempt_ids:
        return 0
    targets = session.execute(
        select(
            Attempt.id.label("attempt_id"),
            Attempt.learner_id,
            Attempt.quiz_id,
            LtiResourceLink.platform_id,
            LtiResourceLink.lineitem_url,
            LtiIdentity.sub,
        )
        .join(LtiResourceLink, LtiResourceLink.quiz_id == Attempt.quiz_id)
        .join(LtiContext, LtiContext.id == LtiResourceLink.context_id)
        .join(
            ClassMembership,
            and_(
                ClassMembership.class_id == LtiContext.class_id,
                ClassMembership.user_id == Attempt.learner_id,
            ),
        )
        .join(
            LtiIdentity,
            and_(
                LtiIdentity.user_id == Attempt.learner_id,
                LtiIdentity.platform_id == LtiResourceLink.platform_id,
            ),
        )
        .where(
            Attempt.id.in_(attempt_ids),
            Attempt.state == "submitted",
            LtiResourceLink.lineitem_url.is_not(None),
        )
        .order_by(Attempt.id, LtiResourceLink.id)
    ).all()
    if not targets:
        return 0
    pairs = {(t.learner_id, t.quiz_id) for t in targets}
    grading: dict[int, str] = {
        row.id: row.grading
        for row in session.execute(
            select(Quiz.id, Quiz.grading).where(Quiz.id.in_({q for _, q in pairs}))
        )
    }
    attempts: dict[tuple[int, int], list[Any]] = {}
    for row in session.execute(
        select(
            Attempt.learner_id,
            Attempt.quiz_id,
            Attempt.number,
            Attempt.state,
            Attempt.score,
            Attempt.max_score,
        ).where(
            or_(*(and_(Attempt.learner_id == lid, Attempt.quiz_id == qid) for lid, qid in pairs))
        )
    ):
        attempts.setdefault((row.learner_id, row.quiz_id), []).append(row)
    rows = []
    seen = set()
    for target in targets:
        key = (target.platform_id, target.lineitem_url, target.sub)
        if key in seen:  # two attempts of one learner graded at once: one grade
            continue
        seen.add(key)
        grade = grade_under(
            grading[target.quiz_id], attempts.get((target.learner_id, target.quiz_id), [])
        )
        if grade is None:
            continue
        rows.append(
            {
                "platform_id": target.platform_id,
                "lineitem_url": target.lineitem_url,
                "user_sub": target.sub,
                "attempt_id": target.attempt_id,
                "score_given": grade * SCORE_MAXIMUM / 100,
                "score_maximum": SCORE_MAXIMUM,
                "graded_at": now,
                "created_at": now,
                "next_try_at": now,
                "tries": 0,
            }
        )
    if rows:
        session.execute(insert(LtiScoreOutbox), rows)
    return len(rows)


# --- sending ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class PlatformAnswer:
    status: int
    body: str = ""


# Posts (url, body bytes, headers); raises OSError or http.client.HTTPException when no answer.
Transport = Callable[[str, bytes, dict[str, str]], PlatformAnswer]


def post(url: str, body: bytes, headers: dict[str, str]) -> PlatformAnswer:
    request = urllib.request.Request(url, data=body, headers=headers, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=PLATFORM_TIMEOUT_S) as answer:
            return PlatformAnswer(answer.status, answer.read(4096).decode("utf-8", "replace"))
    except urllib.error.HTTPError as error:
        return PlatformAnswer(error.code, error.read(ERROR_LENGTH).decode("utf-8", "replace"))


def scores_url(lineitem_url: str) -> str:
    """`<lineitem>/scores`, keeping the line item's query string (AGS 2.0, 3.4)."""
    parts = urllib.parse.urlsplit(lineitem_url)
    return urllib.parse.urlunsplit(parts._replace(path=parts.path.rstrip("/") + "/scores"))


def client_assertion(session: Session, platform: LtiPlatform, now: datetime) -> str:
    """The JWT that authenticates the tool at the platform's token endpoint (IMS Security
    Framework 4.1): issued by and about its client id, for the token endpoint."""
    issued = int(now.timestamp())
    return sign_with_tool_key(
        session,
        {
            "iss": platform.client_id,
            "sub": platform.client_id,
            "aud": platform.auth_audience or platform.auth_token_url,
            "iat": issued,
            "exp": issued + 300,
            "jti": secrets.token_urlsafe(16),
        },
    )


class PlatformError(Exception):
    pass


def access_token(session: Session, platform: LtiPlatform, now: datetime, send: Transport) -> str:
    body = urllib.parse.urlencode(
        {
            "grant_type": "client_credentials",
            "client_assertion_type": ASSERTION_TYPE,
            "client_assertion": client_assertion(session, platform, now),
            "scope": SCORE_SCOPE,
        }
    ).encode("ascii")
    answer = send(
        platform.auth_token_url,
        body,
        {"Content-Type": "application/x-www-form-urlencoded", "Accept": "application/json"},
    )
    if answer.status != 200:
        raise PlatformError(f"token endpoint answered {answer.status}: {answer.body}".strip())
    try:
        token = json.loads(answer.body)["access_token"]
    except (ValueError, KeyError, TypeError):
        raise PlatformError("token endpoint answered without an access_token") from None
    if not isinstance(token, str) or not token:
        raise PlatformError("token endpoint answered without an access_token")
    return token


def score_body(row: LtiScoreOutbox) -> dict[str, Any]:
    return {
        "userId": row.user_sub,
        "scoreGiven": round(row.score_given, 4),
        "scoreMaximum": row.score_maximum,
        "activityProgress": "Completed",
        "gradingProgress": "FullyGraded",
        "timestamp": row.graded_at.isoformat(timespec="milliseconds"),
    }


def due_scores(now: datetime, batch: int) -> Any:
    return (
        select(LtiScoreOutbox)
        .where(LtiScoreOutbox.sent_at.is_(None), LtiScoreOutbox.next_try_at <= now)
        .order_by(LtiScoreOutbox.next_try_at, LtiScoreOutbox.id)
        .limit(batch)
        .with_for_update(skip_locked=True)
    )


def send_pending_scores(
    session: Session, now: datetime, batch: int = 50, send: Transport = post
) -> SendReport:
    """Post up to `batch` due scores, one access token per platform; mark those taken as
    sent, and let the others wait (`retry_wait`) with their error. The caller commits."""
    rows = list(session.scalars(due_scores(now, batch)))
    if not rows:
        return SendReport()
    platforms = {
        p.id: p
        for p in session.scalars(
            select(LtiPlatform).where(LtiPlatform.id.in_({r.platform_id for r in rows}))
        )
    }
    tokens: dict[int, str | PlatformError] = {}
    sent = failed = 0
    last_error = None
    for row in rows:
        error: str | None = None
        try:
            if row.platform_id not in tokens:
                try:
                    tokens[row.platform_id] = access_token(
                        session, platforms[row.platform_id], now, send
                    )
                except PlatformError as problem:
                    tokens[row.platform_id] = problem
            token = tokens[row.platform_id]
            if isinstance(token, PlatformError):
                raise token
            answer = send(
                scores_url(row.lineitem_url),
                json.dumps(score_body(row)).encode("utf-8"),
                {"Content-Type": SCORE_TYPE, "Authorization": f"Bearer {token}"},
            )
            if not 200 <= answer.status < 300:
                error = f"scores endpoint answered {answer.status}: {answer.body}".strip()
        except PlatformError as problem:
            error = str(problem)
        except (OSError, http.client.HTTPException) as problem:
            error = f"platform unreachable: {problem}"
            tokens[row.platform_id] = PlatformError(error)
        row.tries += 1
        if error is None:
            row.sent_at, row.last_error = now, None
            sent += 1
        else:
            row.next_try_at = now + retry_wait(row.tries)
            row.last_error = error[:ERROR_LENGTH]
            failed += 1
            last_error = error
    session.flush()
    return SendReport(sent, failed, last_error)


def waiting_scores(session: Session) -> int:
    return (
        session.scalar(
            select(func.count()).select_from(LtiScoreOutbox).where(LtiScoreOutbox.sent_at.is_(None))
        )
        or 0
    )
