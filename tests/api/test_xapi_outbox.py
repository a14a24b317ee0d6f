"""The xAPI outbox (app/services/xapi.py, `flask xapi send`): statements written with the
grades, sent later in batches, kept and retried later and later while the LRS is down or
refuses, sent once however often they are retried.

Attempts are taken through the API and graded by its submit; the statements are then
enqueued by calling `enqueue_graded_attempts` with explicit settings, while the app's own
config keeps xAPI off, so the tests mean the same before and after grading calls it.
"""

from __future__ import annotations

import json
import socket
import threading
import uuid
from collections.abc import Iterator
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, ClassVar

import pytest
from quiz_helpers import assigned_quiz, classroom, correct_answers, one_of_each_type, wrong_answer
from sqlalchemy import select

from app.models import XapiOutbox
from app.services.xapi import (
    LrsAnswer,
    LrsConfig,
    XapiSettings,
    enqueue_graded_attempts,
    post_statements,
    retry_wait,
    send_pending,
)

SETTINGS = XapiSettings("https://quiz.school.example", pass_scaled=0.5)
# Answered wrongly on purpose; every other item of the nine is answered right.
WRONG_TYPES = ("true_false", "numeric")


def graded_attempt(teacher: Any, learner: Any) -> int:
    """A quiz of the nine types, answered (seven right, two wrong) and submitted."""
    questions = one_of_each_type(teacher)
    quiz_id = assigned_quiz(teacher, classroom(teacher, learner), [q["id"] for q in questions])
    attempt = learner.post(f"/api/quizzes/{quiz_id}/attempts").get_json()
    right = correct_answers(teacher, attempt["id"])
    for item in attempt["items"]:
        response = right[item["id"]]
        if item["type"] in WRONG_TYPES:
            response = wrong_answer(item, response)
        saved = learner.put(
            f"/api/attempts/{attempt['id']}/responses/{item['id']}", json={"response": response}
        )
        assert saved.status_code == 200, saved.get_json()
    assert learner.post(f"/api/attempts/{attempt['id']}/submit").status_code == 200
    return int(attempt["id"])


@pytest.fixture
def attempt_id(teacher: Any, learner: Any, loaded_bank: Any, clock: Any) -> int:
    return graded_attempt(teacher, learner)


def outbox(db: Any) -> list[XapiOutbox]:
    db.session.expire_all()
    return list(db.session.scalars(select(XapiOutbox).order_by(XapiOutbox.id)))


def closed_port() -> int:
    """A loopback port nothing listens on."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class FakeLrs:
    """An LRS as the spec has it: stores statements by id, refuses a batch holding an id it
    already has with 409 (as some LRSs do), and can lose its answer after storing."""

    def __init__(self) -> None:
        self.stored: dict[str, dict[str, Any]] = {}
        self.requests: list[list[str]] = []
        self.lose_answers = False
        self.refuse: set[str] = set()

    def __call__(self, lrs: LrsConfig, statements: list[dict[str, Any]]) -> LrsAnswer:
        ids = [s["id"] for s in statements]
        self.requests.append(ids)
        if any(i in self.refuse for i in ids):
            return LrsAnswer(400, "bad statement")
        if any(i in self.stored for i in ids):
            return LrsAnswer(409, "already stored")
        self.stored.update({s["id"]: s for s in statements})
        if self.lose_answers:
            raise TimeoutError("timed out")
        return LrsAnswer(200, json.dumps(ids))


def test_a_graded_attempt_becomes_answered_completed_and_passed_statements(
    db: Any, attempt_id: int, clock: Any
) -> None:
    written = enqueue_graded_attempts(db.session, [attempt_id], clock(), SETTINGS)
    rows = outbox(db)
    assert written == len(rows) == 9 + 2
    verbs = [row.statement["verb"]["display"]["en-US"] for row in rows]
    assert verbs == ["answered"] * 9 + ["completed", "passed"]
    for row in rows:
        assert row.statement["id"] == row.statement_id == str(uuid.UUID(row.statement_id))
        assert (row.attempt_id, row.tries, row.sent_at) == (attempt_id, 0, None)
        assert row.next_try_at == row.created_at == clock()
    answered = {
        row.statement["object"]["definition"]["interactionType"]: row.statement["result"]
        for row in rows[:9]
    }
    assert answered["true-false"]["success"] is False and answered["numeric"]["success"] is False
    assert sum(row.statement["result"]["success"] for row in rows[:9]) == 7
    completed = rows[9].statement["result"]
    assert completed["score"]["scaled"] == round(7 / 9, 4) and completed["completion"] is True


def test_nothing_is_written_or_read_while_xapi_is_off(
    app: Any, db: Any, attempt_id: int, clock: Any, count_queries: Any
) -> None:
    assert not app.config["XAPI_LRS_URL"]
    with app.app_context(), count_queries() as queries:
        assert enqueue_graded_attempts(db.session, [attempt_id], clock()) == 0
    assert queries == [] and outbox(db) == []


def test_statements_exist_only_if_the_grading_transaction_commits(
    db: Any, attempt_id: int, clock: Any
) -> None:
    savepoint = db.session.begin_nested()
    assert enqueue_graded_attempts(db.session, [attempt_id], clock(), SETTINGS) == 11
    savepoint.rollback()
    assert outbox(db) == []


def test_a_down_lrs_loses_nothing_and_is_tried_again_later_and_later(
    db: Any, attempt_id: int, clock: Any
) -> None:
    enqueue_graded_attempts(db.session, [attempt_id], clock(), SETTINGS)
    down = LrsConfig(f"http://127.0.0.1:{closed_port()}/xAPI", "u", "p", timeout=2)

    report = send_pending(db.session, down, clock(), batch=50)
    assert (report.sent, report.failed) == (0, 11)
    assert report.error is not None and report.error.startswith("LRS unreachable")
    rows = outbox(db)
    assert len(rows) == 11 and all(row.sent_at is None for row in rows)
    assert {(row.tries, row.next_try_at) for row in rows} == {(1, clock() + timedelta(seconds=30))}
    assert all("unreachable" in (row.last_error or "") for row in rows)

    # Not due again before the wait is over: nothing is even tried.
    lrs = FakeLrs()
    clock.advance(seconds=29)
    assert send_pending(db.session, down, clock(), post=lrs).sent == 0
    assert lrs.requests == []
    clock.advance(seconds=1)
    send_pending(db.session, down, clock())
    assert {(row.tries, row.next_try_at) for row in outbox(db)} == {
        (2, clock() + timedelta(seconds=60))
    }

    # The LRS is back: everything goes, once, in the order it was written.
    clock.advance(minutes=1)
    report = send_pending(db.session, down, clock(), post=lrs)
    assert (report.sent, report.failed, report.error) == (11, 0, None)
    assert lrs.requests == [[row.statement_id for row in rows]]
    assert all(row.sent_at == clock() and row.last_error is None for row in outbox(db))
    assert send_pending(db.session, down, clock(), post=lrs).sent == 0


def test_the_wait_doubles_up_to_an_hour() -> None:
    waits = [retry_wait(tries).total_seconds() for tries in range(1, 11)]
    assert waits == [30, 60, 120, 240, 480, 960, 1920, 3600, 3600, 3600]
    assert retry_wait(10_000) == timedelta(hours=1)


def test_a_retry_of_a_stored_batch_is_idempotent(db: Any, attempt_id: int, clock: Any) -> None:
    """The LRS stored the batch but its answer was lost; the retry sends the same ids, the
    LRS answers 409, and each statement is counted sent, stored once."""
    enqueue_graded_attempts(db.session, [attempt_id], clock(), SETTINGS)
    lrs, config = FakeLrs(), LrsConfig("https://lrs.example/xAPI")
    lrs.lose_answers = True
    assert send_pending(db.session, config, clock(), post=lrs).failed == 11
    ids = [row.statement_id for row in outbox(db)]
    assert list(lrs.stored) == ids

    lrs.lose_answers = False
    clock.advance(seconds=30)
    report = send_pending(db.session, config, clock(), post=lrs)
    assert (report.sent, report.failed) == (11, 0)
    # The batch (409), then each statement alone (409 for one it holds: sent).
    assert lrs.requests[1] == ids and lrs.requests[2:] == [[i] for i in ids]
    assert list(lrs.stored) == ids
    assert all(row.sent_at is not None and row.tries == 2 for row in outbox(db))


def test_a_statement_the_lrs_refuses_does_not_hold_back_the_others(
    db: Any, attempt_id: int, clock: Any
) -> None:
    enqueue_graded_attempts(db.session, [attempt_id], clock(), SETTINGS)
    rows = outbox(db)
    lrs = FakeLrs()
    lrs.refuse = {rows[3].statement_id}
    report = send_pending(db.session, LrsConfig("https://lrs.example/xAPI"), clock(), post=lrs)
    assert (report.sent, report.failed) == (10, 1)
    assert report.error == "LRS answered 400: bad statement"
    refused = next(row for row in outbox(db) if row.statement_id in lrs.refuse)
    assert refused.sent_at is None and refused.last_error == "LRS answered 400: bad statement"
    assert refused.next_try_at == clock() + timedelta(seconds=30)
    assert len(lrs.stored) == 10


def test_a_round_sends_one_batch_of_the_oldest(db: Any, attempt_id: int, clock: Any) -> None:
    enqueue_graded_attempts(db.session, [attempt_id], clock(), SETTINGS)
    ids = [row.statement_id for row in outbox(db)]
    lrs = FakeLrs()
    config = LrsConfig("https://lrs.example/xAPI")
    assert send_pending(db.session, config, clock(), batch=4, post=lrs).sent == 4
    assert send_pending(db.session, config, clock(), batch=4, post=lrs).sent == 4
    assert lrs.requests == [ids[:4], ids[4:8]]


# --- the HTTP request, and the command ----------------------------------------------------------


class RecordingLrs(BaseHTTPRequestHandler):
    """A statements resource on loopback that records each request and answers `status`."""

    status: ClassVar[int] = 200
    seen: ClassVar[list[dict[str, Any]]] = []

    def do_POST(self) -> None:
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        self.seen.append(
            {
                "path": self.path,
                "headers": {k.lower(): v for k, v in self.headers.items()},
                "body": body,
            }
        )
        payload = json.dumps([s["id"] for s in body] if self.status == 200 else "no").encode()
        self.send_response(self.status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture
def recording_lrs() -> Iterator[type[RecordingLrs]]:
    handler = type("Handler", (RecordingLrs,), {"seen": [], "status": 200})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    handler.url = f"http://127.0.0.1:{server.server_address[1]}/xAPI/"  # type: ignore[attr-defined]
    try:
        yield handler
    finally:
        server.shutdown()
        server.server_close()


def test_a_batch_is_posted_with_the_version_header_and_basic_auth(
    recording_lrs: Any,
) -> None:
    config = LrsConfig(recording_lrs.url, "sourcequiz", "s3cret")
    statements = [{"id": str(uuid.uuid4()), "verb": {"id": "x"}} for _ in range(2)]
    assert post_statements(config, statements) == LrsAnswer(
        200, json.dumps([s["id"] for s in statements])
    )
    (request,) = recording_lrs.seen
    assert request["path"] == "/xAPI/statements"
    assert request["headers"]["x-experience-api-version"] == "1.0.3"
    assert request["headers"]["content-type"] == "application/json"
    assert request["headers"]["authorization"] == "Basic c291cmNlcXVpejpzM2NyZXQ="
    assert request["body"] == statements
    recording_lrs.status = 401
    assert post_statements(config, statements) == LrsAnswer(401, '"no"')


def test_the_command_refuses_to_run_while_xapi_is_off(app: Any, db: Any) -> None:
    result = app.test_cli_runner().invoke(args=["xapi", "send"])
    assert result.exit_code == 1
    assert "XAPI_LRS_URL is not set" in result.output


def test_the_command_sends_everything_due_in_batches(
    app: Any,
    db: Any,
    attempt_id: int,
    clock: Any,
    recording_lrs: Any,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    enqueue_graded_attempts(db.session, [attempt_id], clock(), SETTINGS)
    monkeypatch.setitem(app.config, "XAPI_LRS_URL", recording_lrs.url)
    monkeypatch.setitem(app.config, "XAPI_HOMEPAGE", SETTINGS.homepage)
    result = app.test_cli_runner().invoke(args=["xapi", "send", "--batch", "5"])
    assert result.exit_code == 0, result.output
    assert "11 statement(s) sent, 0 to retry, 0 waiting" in result.output
    assert [len(r["body"]) for r in recording_lrs.seen] == [5, 5, 1]
    assert all(row.sent_at == clock() for row in outbox(db))


def test_the_command_exits_1_and_keeps_the_statements_when_the_lrs_is_down(
    app: Any, db: Any, attempt_id: int, clock: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    enqueue_graded_attempts(db.session, [attempt_id], clock(), SETTINGS)
    monkeypatch.setitem(app.config, "XAPI_LRS_URL", f"http://127.0.0.1:{closed_port()}/xAPI")
    monkeypatch.setitem(app.config, "XAPI_HOMEPAGE", SETTINGS.homepage)
    result = app.test_cli_runner().invoke(args=["xapi", "send"])
    assert result.exit_code == 1
    assert "0 statement(s) sent, 11 to retry, 11 waiting (last error: LRS unreachable" in (
        result.output
    )
    assert all(row.sent_at is None and row.tries == 1 for row in outbox(db))


def test_the_loop_goes_on_until_stopped(
    app: Any,
    db: Any,
    attempt_id: int,
    clock: Any,
    recording_lrs: Any,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from app import cli

    enqueue_graded_attempts(db.session, [attempt_id], clock(), SETTINGS)
    monkeypatch.setitem(app.config, "XAPI_LRS_URL", recording_lrs.url)
    monkeypatch.setitem(app.config, "XAPI_HOMEPAGE", SETTINGS.homepage)
    naps: list[float] = []

    def nap(seconds: float) -> None:
        naps.append(seconds)
        if len(naps) == 2:
            raise KeyboardInterrupt

    monkeypatch.setattr(cli.time, "sleep", nap)
    result = app.test_cli_runner().invoke(args=["xapi", "send", "--loop", "--interval", "2"])
    assert result.exit_code == 0, result.output
    # The first round sends all; the second finds nothing and says nothing.
    assert result.output.splitlines() == ["11 statement(s) sent, 0 to retry, 0 waiting", "stopped"]
    assert naps == [2, 2]
