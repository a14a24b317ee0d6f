"""Schemathesis against the live production server: as anonymous, as the learner, as the teacher.

Every operation of the server's /api/openapi.json and every built-in check: no server error,
documented status codes, content types, headers and response schemas, negative data
rejected, valid data accepted, unsupported methods answered 405 with Allow, ... The run goes
through Schemathesis's engine (what `schemathesis run` does), with all its phases: probing,
the schema's examples, coverage (boundary and malformed values of every parameter and body),
fuzzing and stateful sequences, bounded by `max-examples` per operation and a cap on each
role's time. The database is the seeded world of conftest.py (ids 1, 2, ... exist) and is
not reset between examples.

`schemathesis.pytest.from_fixture` (per-operation pytest tests) would be the shorter way, but
Schemathesis 4.32 sets `node._nodeid`, which pytest 9.2 no longer has; the engine has no
such tie to pytest's internals. Each role's failures, de-duplicated, with a curl line that
reproduces each, are in the assertion message and in tests/artifacts/schemathesis-<role>.txt.

The last test reads gunicorn's access log: every request of the run, including those the
checks send themselves, and not one answered with a 5xx.

SCHEMATHESIS_MAX_EXAMPLES (per operation and phase), SCHEMATHESIS_MAX_SECONDS (a cap per role:
a run stopped by it fails) and SCHEMATHESIS_SEED override the bounds and the seed.
"""

from __future__ import annotations

import os
import re
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
import schemathesis
import schemathesis.engine
import schemathesis.hooks
from live_support import ARTIFACTS
from schemathesis.engine import events
from schemathesis.engine.statistic import Statistic

pytestmark = pytest.mark.postgresql

ROLES = ("anonymous", "learner", "teacher")
MAX_EXAMPLES = int(os.environ.get("SCHEMATHESIS_MAX_EXAMPLES", "5"))
# A cap on each role's run, not a budget: `max-time` would repeat fuzzing until it ran out.
MAX_SECONDS = int(os.environ.get("SCHEMATHESIS_MAX_SECONDS", "180"))
# Failures shown in the assertion message; the artifact file has them all.
SHOWN = 25
SEED = os.environ.get("SCHEMATHESIS_SEED")


@dataclass
class RoleRun:
    role: str
    requests: int = 0
    server_errors: list[str] = field(default_factory=list)
    failures: int = 0
    errors: int = 0
    seconds: float = 0.0
    stop_reason: str = ""
    cut_short: bool = False


RUNS: dict[str, RoleRun] = {}


# `positive_data_acceptance` expects a request that matches the documented schema to be
# accepted (2xx, or 401/403/404/409/429). These operations also apply rules JSON Schema
# cannot state, so a 422 from them is a right answer to a schema-valid request:
#   - register / password change: the password must not be easy to guess (a strength estimate);
#   - quizzes: closes_at after opens_at, and the questions and banks must exist and be yours;
#   - assignments: the class must be one of yours;
#   - questions: the bank must be yours, the evidence must occur in the source;
#   - saving a response and answering in practice: the response's shape depends on the type of
#     the item, which only the server knows;
#   - a teacher's facts: a fact's fields are checked by the schema of its kind, its passage
#     must lie inside the text, and a review must change something;
#   - publishing a source's bank: its accepted facts must make at least one question.
# Everywhere else, and for every other check on these operations, nothing is relaxed.
SEMANTIC_422 = [
    "POST /api/auth/register",
    "POST /api/auth/password",
    "POST /api/quizzes",
    "PATCH /api/quizzes/{quiz_id}",
    "POST /api/quizzes/{quiz_id}/assignments",
    "POST /api/questions",
    "PATCH /api/questions/{question_id}",
    "PUT /api/attempts/{attempt_id}/responses/{item_id}",
    "POST /api/practice/{question_id}/answer",
    "POST /api/sources/{source_id}/facts",
    "PATCH /api/sources/{source_id}/facts/{fact_id}",
    "PUT /api/sources/{source_id}/bank",
]
# The routes that take an article (a paste, an upload, a new version) or a file of questions
# (GIFT, QTI): what the text or file holds decides (an image named .png is refused with 415, a
# short text with 422, a text past 200,000 characters once normalised with 413, a GIFT file
# with no question the app can ask with 422), which no schema of the body states; and a
# body past SOURCE_MAX_BYTES is refused with 413 before it is read, valid or not.
ARTICLES = [
    "POST /api/sources",
    "POST /api/sources/{source_id}/revisions",
    "POST /api/sources/upload",
    "POST /api/sources/{source_id}/revisions/upload",
    "POST /api/banks/import/gift",
    "POST /api/banks/import/qti",
]
# Schemathesis's default for the check, plus 422 (a 5xx is not_a_server_error's to report).
SEMANTIC_ACCEPTED = ["2xx", "3xx", 401, 403, 404, 409, 422, 429, "5xx"]
ARTICLE_ACCEPTED = [*SEMANTIC_ACCEPTED, 413, 415]
# negative_data_rejection's own default, plus 413 (too large is a refusal too).
ARTICLE_REJECTED = [400, 401, 403, 404, 406, 413, 415, 422, 428, "5xx"]


def _config(token: str | None, base_url: str) -> Any:
    settings: dict[str, Any] = {
        "base-url": base_url,
        "request-timeout": 20,
        # One at a time: with two worker threads, Schemathesis 4.32's generator failed inside
        # Hypothesis ("AST constructor recursion depth mismatch"), an error of the tool.
        "workers": 1,
        # Keep testing an operation after its first failure: one fault must not hide the next.
        "continue-on-failure": True,
        "generation": {"max-examples": MAX_EXAMPLES},
        # No state carried from one run to the next (nor a .schemathesis/ in the work tree).
        "cache": {"enabled": False},
        "operations": [
            {
                "include-name": SEMANTIC_422,
                "checks": {"positive_data_acceptance": {"expected-statuses": SEMANTIC_ACCEPTED}},
            },
            {
                "include-name": ARTICLES,
                "checks": {
                    "positive_data_acceptance": {"expected-statuses": ARTICLE_ACCEPTED},
                    "negative_data_rejection": {"expected-statuses": ARTICLE_REJECTED},
                },
            },
        ],
    }
    if SEED is not None:
        settings["seed"] = int(SEED)
    if token is not None:
        # The scheme of components.securitySchemes that the server documents for scripts.
        settings["auth"] = {"openapi": {"bearerToken": {"bearer": token}}}
    return schemathesis.Config.from_dict(settings)


# Token ids that the run authenticates with -> an unused token of the same user. Revoking
# your own token is allowed (DELETE /api/auth/tokens/{token_id}, and the stateful phase finds
# the ids in GET /api/auth/tokens), but a role that revoked its own would fuzz the rest of the
# API signed out; such a request revokes the same user's spare token instead.
SPARE_TOKENS: dict[int, int] = {}


def before_call(context: Any, case: Any, kwargs: dict[str, Any]) -> None:
    if case.method.upper() == "DELETE" and case.path == "/api/auth/tokens/{token_id}":
        parameters = case.path_parameters or {}
        token_id = parameters.get("token_id")
        if isinstance(token_id, int | str) and str(token_id).isdigit():
            spare = SPARE_TOKENS.get(int(token_id))
            if spare is not None:
                parameters["token_id"] = spare


@pytest.fixture(scope="module", autouse=True)
def _spare_the_tokens_in_use(world: Any) -> Iterator[None]:
    for client in (world.teacher, world.learner):
        SPARE_TOKENS[client.token_id] = client.spare_token_id
    schemathesis.hook(before_call)
    yield
    schemathesis.hooks.unregister(before_call)
    SPARE_TOKENS.clear()


def _report(statistic: Statistic, errors: list[str], config: Any) -> list[str]:
    """One block per distinct failure (Schemathesis de-duplicates them), with its curl line."""
    blocks = []
    for label, groups in sorted(statistic.failures.items()):
        for group in groups.values():
            text = group.format(index=None, curl=group.code_sample, config=config.output)
            blocks.append(f"=== {label}\n{text}")
    blocks.extend(f"=== error: {error}" for error in errors)
    return blocks


def _fuzz(role: str, token: str | None, server: Any) -> tuple[RoleRun, list[str]]:
    run = RoleRun(role)
    first_line, started = len(server.access_log()), time.monotonic()
    schema = schemathesis.openapi.from_url(
        server.url + "/api/openapi.json", config=_config(token, server.url)
    )
    statistic, errors = Statistic(), []
    stream = schemathesis.engine.from_schema(schema).execute()
    for event in stream:
        if time.monotonic() - started > MAX_SECONDS and not run.cut_short:
            run.cut_short = True
            stream.stop()
        if isinstance(event, events.ScenarioFinished) and event.is_test_scenario:
            statistic.on_scenario_finished(event.recorder)
        elif isinstance(event, events.PhaseFinished) and event.status != "skip":
            seconds, sent = time.monotonic() - started, len(server.access_log()) - first_line
            print(
                f"  {role}: {event.phase.name} {event.status} at {seconds:.0f} s, {sent} requests"
            )
        elif isinstance(event, events.NonFatalError):
            errors.append(f"{event.label}: {event.info.format()}")
        elif isinstance(event, events.FatalError):
            raise event.exception
        elif isinstance(event, events.EngineFinished):
            run.stop_reason = str(event.stop_reason)
            if event.failures:
                statistic.record_run_check_failures(event.failures, label="(whole run)")
    lines = server.access_log()[first_line:]
    run.requests, run.seconds = len(lines), time.monotonic() - started
    run.server_errors = [line for line in lines if line[:1] == "5"]
    run.failures, run.errors = statistic.total_failures, len(errors)
    return run, _report(statistic, errors, schema.config)


@pytest.mark.parametrize("role", ROLES)
def test_schemathesis(role: str, world: Any) -> None:
    client = {"anonymous": None, "learner": world.learner, "teacher": world.teacher}[role]
    run, report = _fuzz(role, client.token if client else None, world.server)
    RUNS[role] = run
    ARTIFACTS.mkdir(exist_ok=True)
    artifact = ARTIFACTS / f"schemathesis-{role}.txt"
    artifact.write_text("\n\n".join(report) + "\n")
    print(
        f"\nschemathesis as {role}: {run.requests} requests in {run.seconds:.0f} s "
        f"({run.stop_reason}), {run.failures} distinct failures, {run.errors} errors, "
        f"{len(run.server_errors)} server errors"
    )
    if client is not None:
        # The run is only worth its name if the role stayed signed in all along.
        me = client.get("/api/auth/me")
        assert me.status_code == 200, f"the {role}'s token stopped working: {me.text}"
    assert run.requests > 0
    assert not run.cut_short, f"the run was stopped after {MAX_SECONDS} s, not finished"
    shown = "\n\n".join(report[:SHOWN])
    more = f"\n\n... and {len(report) - SHOWN} more" if len(report) > SHOWN else ""
    assert not report, (
        f"{len(report)} distinct failures as {role} (all of them in {artifact}):\n\n{shown}{more}"
    )


def test_no_server_errors_in_the_access_log(world: Any) -> None:
    """Every request of the three runs, as gunicorn logged it: none answered with a 5xx."""
    if not RUNS:
        pytest.skip("no schemathesis run took place")
    from summary import record

    total = sum(run.requests for run in RUNS.values())
    errors = [line for run in RUNS.values() for line in run.server_errors]
    record(
        "schemathesis",
        f"{total} requests as {', '.join(RUNS)}; {len(errors)} server errors",
    )
    crashes = [
        line
        for line in world.server.stderr_tail(10**6).splitlines()
        if re.search(r"WORKER TIMEOUT|Worker \(pid:\d+\) was sent|Traceback", line)
    ]
    assert not errors, f"{len(errors)} responses with status >= 500, e.g. {errors[:20]}"
    assert not crashes, f"gunicorn reported: {crashes[:20]}"
