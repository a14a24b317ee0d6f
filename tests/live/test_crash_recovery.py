"""Every save the server acknowledged survives a SIGKILL of gunicorn (master and workers).

Four clients save answers to one attempt in a loop (each owns some of its items, so an item's
saves are sequential), the whole process group is killed with SIGKILL while they do, and
gunicorn starts again on the same database. For every item, the response it then holds must
be the last value acknowledged with 200, or the value of the one save that was in flight,
unanswered, when the server died (it may have committed before the kill). An item whose last
acknowledged value is gone is a lost save. Bounded: at most 400 saves, the kill after 150
acknowledgements or 5 seconds, loopback only.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from itertools import combinations
from typing import Any

import pytest
import requests
from live_support import (
    REDIS_DB_CRASH,
    Client,
    assigned_quiz,
    classroom,
    one_question_of_each_type,
    production_env,
    sign_up,
)

pytestmark = pytest.mark.postgresql

CLIENTS = 4
MAX_SAVES = 400
KILL_AFTER_ACKS = 150
KILL_AFTER_SECONDS = 5.0
# The item types whose responses can take many distinct values.
VARYING = (
    "single_choice",
    "multiple_choice",
    "true_false",
    "numeric",
    "short_text",
    "cloze",
    "find_evidence",
)


def response_for(item: dict[str, Any], n: int) -> dict[str, Any]:
    """The n-th well-formed response for `item`: successive ones differ where the type allows."""
    content, kind = item["content"], item["type"]
    if kind == "single_choice":
        options = [option["id"] for option in content["options"]]
        return {"choice": options[n % len(options)]}
    if kind == "multiple_choice":
        options = [option["id"] for option in content["options"]]
        subsets = [list(c) for size in (1, 2) for c in combinations(options, size)]
        return {"choices": subsets[n % len(subsets)]}
    if kind == "true_false":
        return {"value": n % 2 == 0}
    if kind == "numeric":
        return {"value": 1900 + n}
    if kind == "short_text":
        return {"text": f"answer number {n}"}
    if kind == "cloze":
        return {"blanks": [f"word{n}-{i}" for i in range(len(content["segments"]) - 1)]}
    assert kind == "find_evidence", kind
    count = content["sentence_count"]
    return {"sentences": sorted({n % count, (n + 1) % count})}


@dataclass
class Ledger:
    """What the clients sent and what the server acknowledged, per item."""

    acked: dict[int, dict[str, Any]] = field(default_factory=dict)
    in_flight: dict[int, dict[str, Any]] = field(default_factory=dict)
    acks: int = 0
    sent: int = 0
    unexpected: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)


def save_loop(
    learner: Client,
    attempt_id: int,
    items: list[dict[str, Any]],
    ledger: Ledger,
    stop: threading.Event,
    deadline: float,
) -> None:
    http = requests.Session()
    http.headers["Authorization"] = f"Bearer {learner.token}"
    n = 0
    while not stop.is_set() and time.monotonic() < deadline:
        with ledger.lock:
            if ledger.sent >= MAX_SAVES:
                return
            ledger.sent += 1
        item = items[n % len(items)]
        value = response_for(item, n)
        n += 1
        ledger.in_flight[item["id"]] = value
        try:
            response = http.put(
                f"{learner.base}/api/attempts/{attempt_id}/responses/{item['id']}",
                json={"response": value},
                timeout=10,
            )
        except requests.RequestException:
            return  # the server is gone: this save's fate is unknown, and it stays in flight
        if response.status_code != 200:
            ledger.unexpected.append(f"{response.status_code} {response.text[:300]}")
            return
        with ledger.lock:
            ledger.acked[item["id"]] = value
            ledger.in_flight.pop(item["id"], None)
            ledger.acks += 1


def test_acknowledged_saves_survive_sigkill(make_database: Any, start_server: Any) -> None:
    from summary import record

    server = start_server(production_env(make_database(), REDIS_DB_CRASH))
    teacher = sign_up(server.url, "teacher", "crash-teacher")
    learner = sign_up(server.url, "learner", "crash-learner")
    class_id = classroom(teacher, learner)
    quiz_id = assigned_quiz(
        teacher, class_id, one_question_of_each_type(teacher), feedback="on_submit"
    )
    attempt = learner.post(f"/api/quizzes/{quiz_id}/attempts", expect=201).json()
    items = [item for item in attempt["items"] if item["type"] in VARYING]
    assert len(items) >= CLIENTS, attempt["items"]

    ledger, stop = Ledger(), threading.Event()
    started = time.monotonic()
    deadline = started + 30  # the clients' own bound, whatever happens to the kill
    threads = [
        threading.Thread(
            target=save_loop,
            args=(learner, attempt["id"], items[i::CLIENTS], ledger, stop, deadline),
            daemon=True,
        )
        for i in range(CLIENTS)
    ]
    for thread in threads:
        thread.start()
    while ledger.acks < KILL_AFTER_ACKS and time.monotonic() - started < KILL_AFTER_SECONDS:
        if not any(thread.is_alive() for thread in threads):
            break
        time.sleep(0.005)
    alive_at_kill = sum(thread.is_alive() for thread in threads)
    server.kill()
    stop.set()
    for thread in threads:
        thread.join(timeout=15)
    assert not ledger.unexpected, f"saves refused before the kill: {ledger.unexpected[:5]}"
    assert alive_at_kill == CLIENTS, "the clients stopped saving before the kill"

    server.start()
    after = learner.get(f"/api/attempts/{attempt['id']}", expect=200).json()
    stored = {item["id"]: item["response"] for item in after["items"]}
    lost = [
        f"item {item_id}: acknowledged {value}, found {stored.get(item_id)}"
        for item_id, value in ledger.acked.items()
        if stored.get(item_id) != value
        and not (item_id in ledger.in_flight and stored.get(item_id) == ledger.in_flight[item_id])
    ]
    record("crash recovery", f"acknowledged saves lost = {len(lost)} of {ledger.acks}")
    print(
        f"\ncrash recovery: {ledger.sent} saves sent, {ledger.acks} acknowledged, "
        f"{len(ledger.in_flight)} in flight when gunicorn was killed, {len(lost)} lost"
    )
    assert ledger.acks > 0
    assert lost == [], lost

    # The restarted server takes saves again, on every item (no lock or half-written row left).
    for item in items:
        value = response_for(item, 10_000)
        learner.put(
            f"/api/attempts/{attempt['id']}/responses/{item['id']}",
            json={"response": value},
            expect=200,
        )
    again = learner.get(f"/api/attempts/{attempt['id']}", expect=200).json()
    saved = {item["id"]: item["response"] for item in again["items"]}
    assert all(saved[item["id"]] == response_for(item, 10_000) for item in items)
