"""xAPI learning records: what grading tells a Learning Record Store, and how it gets there.

Each graded answer becomes an `answered` statement whose object is the question as a
`cmi.interaction` activity (xAPI 1.0.3, Data 2.4.4.1: its interactionType, component lists
and correctResponsesPattern from the item as the learner saw it); each finished attempt a
`completed` statement on the quiz, followed by `passed` or `failed` when a pass mark is
set (XAPI_PASS_SCALED: a quiz has none of its own). The actor is an account, the learner's
id at XAPI_HOMEPAGE, never an email address or a name. The statements of one attempt share
its `context.registration`.

Delivery goes through an outbox (`XapiOutbox`): `enqueue_graded_attempts` writes the
statements in the transaction that grades, so they exist exactly when the grades do, and
`send_pending` (run by `flask xapi send`, a process of its own) posts them in batches. A
request never waits on the LRS; an LRS that is down or refuses leaves the rows in place, to
be tried again later and later (doubling from 30 seconds to an hour). Each statement's id is
fixed when it is written, so a retry of something the LRS already stored changes nothing
there: a 409 for a statement already held counts as sent.
"""

from __future__ import annotations

import base64
import http.client
import itertools
import json
import urllib.error
import urllib.request
import uuid
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import func, insert, select
from sqlalchemy.orm import Session

from app.models import Attempt, AttemptItem, QuestionVersion, Quiz, Response, XapiOutbox

XAPI_VERSION = "1.0.3"
ADL_VERBS = "http://adlnet.gov/expapi/verbs/"
INTERACTION_TYPE = "http://adlnet.gov/expapi/activities/cmi.interaction"
ASSESSMENT_TYPE = "http://adlnet.gov/expapi/activities/assessment"
# The language of the content (language maps); verbs keep the ADL registry's "en-US".
LANGUAGE = "en"
PLATFORM = "Sourcequiz"
# A response pattern's separators (Data 2.4.4.1, Response Patterns).
LIST, PAIR, RANGE = "[,]", "[.]", "[:]"
# A cloze's correct responses are every combination of its blanks' accepted answers, but
# not more than this many (the grader normalises answers anyway, so no list is exhaustive).
MAX_PATTERNS = 64
NAME_LENGTH = 100
# Retries wait twice as long each time, from the first wait up to the longest.
FIRST_WAIT = timedelta(seconds=30)
LONGEST_WAIT = timedelta(hours=1)
LRS_TIMEOUT_S = 10.0
ERROR_LENGTH = 500
# A batch the LRS refuses for what a statement holds (bad, conflicting, too large) is sent
# again one statement at a time, so one statement cannot hold the others back.
STATEMENT_LEVEL = frozenset({400, 409, 413, 422})


# --- settings ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class XapiSettings:
    """What statements are built with: the learners' account home page (also the base of
    activity ids) and the pass mark, a scaled score in (0, 1], or None."""

    homepage: str
    pass_scaled: float | None = None

    @property
    def base(self) -> str:
        return self.homepage.rstrip("/")


@dataclass(frozen=True)
class LrsConfig:
    """Where statements go: the LRS's xAPI endpoint (`.../xAPI`) and its basic-auth user."""

    endpoint: str
    username: str = ""
    password: str = ""
    timeout: float = LRS_TIMEOUT_S

    @property
    def statements_url(self) -> str:
        return self.endpoint.rstrip("/") + "/statements"


def settings_from_config(config: Mapping[str, Any]) -> XapiSettings | None:
    """The statements' settings from the app's config; None when xAPI is off (no LRS)."""
    if not config.get("XAPI_LRS_URL"):
        return None
    return XapiSettings(config["XAPI_HOMEPAGE"], config.get("XAPI_PASS_SCALED"))


def lrs_from_config(config: Mapping[str, Any]) -> LrsConfig | None:
    if not config.get("XAPI_LRS_URL"):
        return None
    return LrsConfig(
        config["XAPI_LRS_URL"],
        config.get("XAPI_LRS_USERNAME", ""),
        config.get("XAPI_LRS_PASSWORD", ""),
    )


def configured_settings() -> XapiSettings | None:
    """The running app's settings (None outside an app, or with xAPI off). Read here, like
    app.clock's time, so that grading need not carry the config through every caller."""
    from flask import current_app, has_app_context

    return settings_from_config(current_app.config) if has_app_context() else None


# --- what was graded --------------------------------------------------------------------------


@dataclass(frozen=True)
class GradedItem:
    """One answered item of a graded attempt, as it was asked (frozen content, points)."""

    item_id: int
    question_id: int
    version: int
    type: str
    prompt: str
    content: dict[str, Any]
    answer_key: dict[str, Any]
    response: dict[str, Any]
    score: float
    points: float
    answered_at: datetime


@dataclass(frozen=True)
class GradedAttempt:
    attempt_id: int
    learner_id: int
    quiz_id: int
    quiz_title: str
    started_at: datetime
    submitted_at: datetime
    score: float
    max_score: float
    items: tuple[GradedItem, ...]


def load_graded_attempts(session: Session, attempt_ids: Sequence[int]) -> list[GradedAttempt]:
    """The submitted attempts among these, with their answered items: two queries."""
    attempts = session.execute(
        select(
            Attempt.id,
            Attempt.learner_id,
            Attempt.quiz_id,
            Quiz.title,
            Attempt.started_at,
            Attempt.submitted_at,
            Attempt.score,
            Attempt.max_score,
        )
        .join(Quiz, Quiz.id == Attempt.quiz_id)
        .where(Attempt.id.in_(attempt_ids), Attempt.state == "submitted")
        .order_by(Attempt.id)
    ).all()
    if not attempts:
        return []
    items: dict[int, list[GradedItem]] = {}
    for row in session.execute(
        select(
            AttemptItem.id,
            AttemptItem.attempt_id,
            QuestionVersion.question_id,
            QuestionVersion.number,
            QuestionVersion.type,
            QuestionVersion.prompt,
            AttemptItem.content,
            QuestionVersion.answer_key,
            Response.response,
            AttemptItem.score,
            AttemptItem.points,
            Response.saved_at,
        )
        .join(QuestionVersion, QuestionVersion.id == AttemptItem.question_version_id)
        .join(Response, Response.attempt_item_id == AttemptItem.id)
        .where(AttemptItem.attempt_id.in_([a.id for a in attempts]))
        .order_by(AttemptItem.attempt_id, AttemptItem.position)
    ):
        items.setdefault(row.attempt_id, []).append(
            GradedItem(
                item_id=row.id,
                question_id=row.question_id,
                version=row.number,
                type=row.type,
                prompt=row.prompt,
                content=row.content,
                answer_key=row.answer_key,
                response=row.response,
                score=row.score or 0.0,
                points=row.points,
                answered_at=row.saved_at,
            )
        )
    return [
        GradedAttempt(
            attempt_id=a.id,
            learner_id=a.learner_id,
            quiz_id=a.quiz_id,
            quiz_title=a.title,
            started_at=a.started_at,
            submitted_at=a.submitted_at,
            score=a.score or 0.0,
            max_score=a.max_score,
            items=tuple(items.get(a.id, ())),
        )
        for a in attempts
    ]


# --- statements -------------------------------------------------------------------------------


def xapi_timestamp(moment: datetime) -> str:
    """ISO 8601 in UTC with milliseconds (Data 4.5)."""
    return moment.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def xapi_duration(seconds: float) -> str:
    """An ISO 8601 duration in seconds, to 0.01 s (Data 4.6): `PT754.25S`, `PT12S`."""
    hundredths = round(max(0.0, seconds), 2)
    return f"PT{_number(hundredths)}S"


def _decimal(value: float) -> Decimal:
    """The number as written (1961.5, not its binary neighbour), for exact sums."""
    return Decimal(repr(float(value)))


def _number(value: float | Decimal) -> str:
    """A number as a response pattern writes it: no exponent, no trailing `.0`."""
    text = format(value if isinstance(value, Decimal) else _decimal(value), "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def _text(value: str) -> dict[str, str]:
    return {LANGUAGE: value}


def _name(prompt: str) -> dict[str, str]:
    short = prompt if len(prompt) <= NAME_LENGTH else prompt[: NAME_LENGTH - 1].rstrip() + "…"
    return _text(short)


def _components(entries: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [{"id": e["id"], "description": _text(e["text"])} for e in entries]


def _sentence(index: int) -> str:
    return f"sentence-{index}"


def interaction(kind: str, content: dict[str, Any], key: dict[str, Any]) -> dict[str, Any]:
    """The interaction part of a question's activity definition: interactionType, its
    component lists and correctResponsesPattern (Data 2.4.4.1). A type xAPI has no shape
    for is `other`, without a pattern."""
    if kind == "single_choice":
        return {
            "interactionType": "choice",
            "correctResponsesPattern": [key["choice"]],
            "choices": _components(content["options"]),
        }
    if kind == "multiple_choice":
        return {
            "interactionType": "choice",
            "correctResponsesPattern": [LIST.join(key["choices"])],
            "choices": _components(content["options"]),
        }
    if kind == "true_false":
        return {
            "interactionType": "true-false",
            "correctResponsesPattern": ["true" if key["value"] else "false"],
        }
    if kind == "numeric":
        value, tolerance = _decimal(key["value"]), _decimal(key.get("tolerance", 0))
        pattern = (
            f"{_number(value - tolerance)}{RANGE}{_number(value + tolerance)}"
            if tolerance
            else _number(value)
        )
        return {"interactionType": "numeric", "correctResponsesPattern": [pattern]}
    if kind == "short_text":
        return {"interactionType": "fill-in", "correctResponsesPattern": list(key["accepted"])}
    if kind == "cloze":
        combinations = itertools.islice(itertools.product(*key["blanks"]), MAX_PATTERNS)
        return {
            "interactionType": "fill-in",
            "correctResponsesPattern": [LIST.join(c) for c in combinations],
        }
    if kind == "matching":
        return {
            "interactionType": "matching",
            "correctResponsesPattern": [
                LIST.join(f"{p}{PAIR}{o}" for p, o in key["pairs"].items())
            ],
            "source": _components(content["prompts"]),
            "target": _components(content["options"]),
        }
    if kind == "ordering":
        return {
            "interactionType": "sequencing",
            "correctResponsesPattern": [LIST.join(key["order"])],
            "choices": _components(content["items"]),
        }
    if kind == "find_evidence" and "sentences" in key:
        return {
            "interactionType": "choice",
            "correctResponsesPattern": [LIST.join(_sentence(i) for i in key["sentences"])],
            "choices": [
                {"id": _sentence(i), "description": _text(f"Sentence {i + 1} of the source")}
                for i in range(content.get("sentence_count", 0))
            ],
        }
    if kind == "find_evidence":  # asked before sentences: a span of character offsets
        return {
            "interactionType": "other",
            "correctResponsesPattern": [f"{key['start']}{RANGE}{key['end']}"],
        }
    return {"interactionType": "other"}


def learner_response(kind: str, content: dict[str, Any], response: dict[str, Any]) -> str:
    """The learner's response in the format of its interaction's patterns."""
    if kind == "single_choice":
        return str(response.get("choice", ""))
    if kind == "multiple_choice":
        return LIST.join(response.get("choices", []))
    if kind == "true_false":
        return "true" if response.get("value") else "false"
    if kind == "numeric":
        return _number(response["value"]) if "value" in response else ""
    if kind == "short_text":
        return str(response.get("text", ""))
    if kind == "cloze":
        return LIST.join(response.get("blanks", []))
    if kind == "matching":
        pairs = response.get("pairs", {})
        prompts = [p["id"] for p in content.get("prompts", []) if p["id"] in pairs]
        return LIST.join(f"{p}{PAIR}{pairs[p]}" for p in prompts)
    if kind == "ordering":
        return LIST.join(response.get("order", []))
    if kind == "find_evidence" and "sentences" in response:
        return LIST.join(_sentence(i) for i in response["sentences"])
    if kind == "find_evidence" and "start" in response:
        return f"{response['start']}{RANGE}{response['end']}"
    return json.dumps(response, sort_keys=True, ensure_ascii=False)


def _description(item: GradedItem) -> str:
    if item.type == "cloze":
        return item.prompt + "\n\n" + "____".join(item.content.get("segments", []))
    return item.prompt


def question_activity(settings: XapiSettings, item: GradedItem) -> dict[str, Any]:
    """The question version the item asked, as a cmi.interaction activity."""
    return {
        "objectType": "Activity",
        "id": f"{settings.base}/xapi/activities/questions/{item.question_id}"
        f"/versions/{item.version}",
        "definition": {
            "type": INTERACTION_TYPE,
            "name": _name(item.prompt),
            "description": _text(_description(item)),
            **interaction(item.type, item.content, item.answer_key),
        },
    }


def quiz_activity(settings: XapiSettings, quiz_id: int, title: str) -> dict[str, Any]:
    return {
        "objectType": "Activity",
        "id": f"{settings.base}/xapi/activities/quizzes/{quiz_id}",
        "definition": {"type": ASSESSMENT_TYPE, "name": _name(title)},
    }


def actor(settings: XapiSettings, learner_id: int) -> dict[str, Any]:
    """The learner as an account at the home page: their id, nothing that names them."""
    return {
        "objectType": "Agent",
        "account": {"homePage": settings.homepage, "name": str(learner_id)},
    }


def verb(name: str) -> dict[str, Any]:
    return {"id": ADL_VERBS + name, "display": {"en-US": name}}


def registration(settings: XapiSettings, attempt_id: int) -> str:
    """The attempt's registration UUID: the same for all its statements, on every run."""
    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"{settings.base}/xapi/attempts/{attempt_id}"))


def score(raw: float, maximum: float) -> dict[str, Any] | None:
    """scaled (raw / max), raw, min and max; None when nothing could be scored."""
    if maximum <= 0:
        return None
    raw = min(max(raw, 0.0), maximum)
    return {"scaled": round(raw / maximum, 4), "raw": raw, "min": 0, "max": maximum}


def _context(
    settings: XapiSettings, attempt: GradedAttempt, parent: bool = False
) -> dict[str, Any]:
    context: dict[str, Any] = {
        "registration": registration(settings, attempt.attempt_id),
        "platform": PLATFORM,
    }
    if parent:
        quiz = quiz_activity(settings, attempt.quiz_id, attempt.quiz_title)
        context["contextActivities"] = {"parent": [{"objectType": "Activity", "id": quiz["id"]}]}
    return context


def answered_statement(
    settings: XapiSettings, attempt: GradedAttempt, item: GradedItem
) -> dict[str, Any]:
    """`answered`: the learner's response to one question, its score and whether it was
    right, at the time the answer was last saved."""
    result: dict[str, Any] = {
        "success": item.points > 0 and abs(item.score - item.points) < 1e-9,
        "response": learner_response(item.type, item.content, item.response),
    }
    scored = score(item.score, item.points)
    if scored is not None:
        result["score"] = scored
    return {
        "actor": actor(settings, attempt.learner_id),
        "verb": verb("answered"),
        "object": question_activity(settings, item),
        "result": result,
        "context": _context(settings, attempt, parent=True),
        "timestamp": xapi_timestamp(item.answered_at),
    }


def attempt_statements(settings: XapiSettings, attempt: GradedAttempt) -> list[dict[str, Any]]:
    """An attempt's statements, without ids: `answered` for each answered item, then
    `completed` on the quiz (score, duration from start to submission), then `passed` or
    `failed` when a pass mark is set and the attempt could score anything."""
    statements = [answered_statement(settings, attempt, item) for item in attempt.items]
    scored = score(attempt.score, attempt.max_score)
    passed = (
        scored["scaled"] >= settings.pass_scaled
        if scored is not None and settings.pass_scaled is not None
        else None
    )
    result: dict[str, Any] = {
        "completion": True,
        "duration": xapi_duration((attempt.submitted_at - attempt.started_at).total_seconds()),
    }
    if scored is not None:
        result["score"] = scored
    if passed is not None:
        result["success"] = passed
    verbs = ["completed"] if passed is None else ["completed", "passed" if passed else "failed"]
    for name in verbs:
        statements.append(
            {
                "actor": actor(settings, attempt.learner_id),
                "verb": verb(name),
                "object": quiz_activity(settings, attempt.quiz_id, attempt.quiz_title),
                "result": result,
                "context": _context(settings, attempt),
                "timestamp": xapi_timestamp(attempt.submitted_at),
            }
        )
    return statements


# --- the outbox -------------------------------------------------------------------------------


def enqueue_graded_attempts(
    session: Session,
    attempt_ids: Sequence[int],
    now: datetime,
    settings: XapiSettings | None = None,
) -> int:
    """Write the statements of these just-graded attempts to the outbox, in the caller's
    transaction (they exist only if the grades commit); the number written. `settings`
    defaults to the running app's; with xAPI off this returns 0 without a query. Two
    queries to load what was graded, one to insert."""
    settings = settings if settings is not None else configured_settings()
    if settings is None or not attempt_ids:
        return 0
    rows = []
    for attempt in load_graded_attempts(session, attempt_ids):
        for statement in attempt_statements(settings, attempt):
            statement_id = str(uuid.uuid4())
            rows.append(
                {
                    "statement_id": statement_id,
                    "statement": {"id": statement_id, **statement},
                    "attempt_id": attempt.attempt_id,
                    "created_at": now,
                    "next_try_at": now,
                    "tries": 0,
                }
            )
    if rows:
        session.execute(insert(XapiOutbox), rows)
    return len(rows)


@dataclass(frozen=True)
class LrsAnswer:
    status: int
    detail: str = ""


# Posts a batch of statements; raises OSError or http.client.HTTPException when no answer.
Transport = Callable[[LrsConfig, list[dict[str, Any]]], LrsAnswer]


def post_statements(lrs: LrsConfig, statements: list[dict[str, Any]]) -> LrsAnswer:
    """POST a batch to the LRS's statements resource, with the version header and basic
    auth, within the timeout."""
    headers = {
        "Content-Type": "application/json",
        "X-Experience-API-Version": XAPI_VERSION,
    }
    if lrs.username:
        token = base64.b64encode(f"{lrs.username}:{lrs.password}".encode()).decode("ascii")
        headers["Authorization"] = f"Basic {token}"
    request = urllib.request.Request(
        lrs.statements_url,
        data=json.dumps(statements, ensure_ascii=False).encode("utf-8"),
        headers=headers,
        method="POST",
    )
    try:
        with urllib.request.urlopen(request, timeout=lrs.timeout) as answer:
            return LrsAnswer(answer.status, answer.read(ERROR_LENGTH).decode("utf-8", "replace"))
    except urllib.error.HTTPError as error:
        return LrsAnswer(error.code, error.read(ERROR_LENGTH).decode("utf-8", "replace"))


@dataclass(frozen=True)
class SendReport:
    sent: int = 0
    failed: int = 0
    # Why the last statement that failed did.
    error: str | None = None


def retry_wait(tries: int) -> timedelta:
    """How long a statement that failed `tries` times waits before the next try."""
    return min(LONGEST_WAIT, FIRST_WAIT * 2 ** min(max(tries - 1, 0), 16))


def _post(post: Transport, lrs: LrsConfig, rows: Sequence[XapiOutbox]) -> tuple[str, str | None]:
    """(outcome, why it failed): "sent"; "split" when a batch is refused for what one of its
    statements holds; "refused" (another answer); "unreachable" (no answer). A single
    statement that the LRS already holds (409) counts as sent."""
    try:
        answer = post(lrs, [row.statement for row in rows])
    except (OSError, http.client.HTTPException) as error:
        return "unreachable", f"LRS unreachable: {error}"
    if 200 <= answer.status < 300 or (answer.status == 409 and len(rows) == 1):
        return "sent", None
    if answer.status in STATEMENT_LEVEL and len(rows) > 1:
        return "split", None
    return "refused", f"LRS answered {answer.status}: {answer.detail}".strip()


def due_statements(now: datetime, batch: int) -> Any:
    """Unsent rows whose time has come, oldest first; on PostgreSQL, rows another sender
    holds are skipped rather than waited for (SQLite has one writer anyway)."""
    return (
        select(XapiOutbox)
        .where(XapiOutbox.sent_at.is_(None), XapiOutbox.next_try_at <= now)
        .order_by(XapiOutbox.next_try_at, XapiOutbox.id)
        .limit(batch)
        .with_for_update(skip_locked=True)
    )


def send_pending(
    session: Session,
    lrs: LrsConfig,
    now: datetime,
    batch: int = 50,
    post: Transport = post_statements,
) -> SendReport:
    """Post up to `batch` due statements in one request and mark them sent; those that
    could not go wait (`retry_wait`) with their tries counted and the error kept. The caller
    commits. A batch refused for a statement's content is sent again one by one."""
    rows = list(session.scalars(due_statements(now, batch)))
    if not rows:
        return SendReport()
    outcome, error = _post(post, lrs, rows)
    outcomes = [(row, outcome, error) for row in rows]
    if outcome == "split":
        outcomes = []
        for index, row in enumerate(rows):
            outcome, error = _post(post, lrs, [row])
            outcomes.append((row, outcome, error))
            if outcome == "unreachable":  # the LRS went away: the rest wait too
                outcomes += [(rest, outcome, error) for rest in rows[index + 1 :]]
                break
    sent = failed = 0
    last_error = None
    for row, outcome, why in outcomes:
        row.tries += 1
        if outcome == "sent":
            row.sent_at, row.last_error = now, None
            sent += 1
        else:
            row.next_try_at = now + retry_wait(row.tries)
            row.last_error = (why or "")[:ERROR_LENGTH]
            failed += 1
            last_error = why
    session.flush()
    return SendReport(sent=sent, failed=failed, error=last_error)


def waiting_count(session: Session) -> int:
    """Statements not sent yet, due or not."""
    return (
        session.scalar(
            select(func.count()).select_from(XapiOutbox).where(XapiOutbox.sent_at.is_(None))
        )
        or 0
    )
