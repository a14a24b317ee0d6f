"""Taking a quiz: start, save, submit, review, under every feedback policy and limit."""

from __future__ import annotations

from collections import Counter
from datetime import datetime, timedelta
from typing import Any

import pytest
from quiz_helpers import (
    assigned_quiz,
    classroom,
    correct_answers,
    one_of_each_type,
    some_answer,
    wrong_answer,
)
from sqlalchemy import func, select

from app.domain.question_types import QUESTION_TYPES
from app.models import Attempt, Response


@pytest.fixture
def nine(teacher: Any, loaded_bank: Any) -> list[dict[str, Any]]:
    return one_of_each_type(teacher)


def start(learner: Any, quiz_id: int, status: int = 201) -> dict[str, Any]:
    response = learner.post(f"/api/quizzes/{quiz_id}/attempts")
    assert response.status_code == status, response.get_json()
    return response.get_json()


def answer(learner: Any, attempt: dict[str, Any], responses: dict[int, dict[str, Any]]) -> None:
    for item_id, response in responses.items():
        saved = learner.client.put(
            f"/api/attempts/{attempt['id']}/responses/{item_id}",
            json={"response": response},
            headers={"X-CSRF-Token": learner.csrf},
        )
        assert saved.status_code == 200, saved.get_json()


def put(learner: Any, attempt_id: int, item_id: int, response: Any) -> Any:
    return learner.client.put(
        f"/api/attempts/{attempt_id}/responses/{item_id}",
        json={"response": response},
        headers={"X-CSRF-Token": learner.csrf},
    )


def test_a_quiz_of_all_nine_types_scores_full_marks_when_all_is_right(
    teacher: Any, learner: Any, nine: list[dict[str, Any]], clock: Any
) -> None:
    class_id = classroom(teacher, learner)
    quiz_id = assigned_quiz(
        teacher,
        class_id,
        [q["id"] for q in nine],
        feedback="on_submit",
        reveal_answers="after_each_attempt",
    )
    attempt = start(learner, quiz_id)
    assert sorted(i["type"] for i in attempt["items"]) == sorted(QUESTION_TYPES)
    assert all(item["result"] is None for item in attempt["items"])
    assert attempt["score"] is None and attempt["max_score"] == 9

    answer(learner, attempt, correct_answers(teacher, attempt["id"]))
    submitted = learner.post(f"/api/attempts/{attempt['id']}/submit").get_json()
    assert submitted["state"] == "submitted" and submitted["score"] == 9
    assert all(item["result"]["correct"] for item in submitted["items"])

    review = learner.get(f"/api/attempts/{attempt['id']}/review").get_json()
    source = learner.get("/api/sources").get_json()[0]
    text = learner.get(f"/api/sources/{source['id']}").get_json()["text"]
    for item in review["items"]:
        assert item["result"]["explanation"]
        for span in item["result"]["evidence"]:
            assert span["source_id"] == source["id"]
            assert text[span["start"] : span["end"]] == span["text"]


def test_partial_credit_is_summed(
    teacher: Any, learner: Any, nine: list[dict[str, Any]], clock: Any
) -> None:
    class_id = classroom(teacher, learner)
    quiz_id = assigned_quiz(teacher, class_id, [q["id"] for q in nine])
    attempt = start(learner, quiz_id)
    right = correct_answers(teacher, attempt["id"])
    items = {i["id"]: i for i in attempt["items"]}
    half = dict(list(right.items())[:4])
    rest = {i: wrong_answer(items[i], right[i]) for i in list(right)[4:]}
    answer(learner, attempt, half | rest)
    submitted = learner.post(f"/api/attempts/{attempt['id']}/submit").get_json()
    assert submitted["score"] == 4


@pytest.mark.parametrize(
    ("method", "expected"),
    [("highest", 100.0), ("average", 44.44), ("first", 100.0), ("last", 33.33)],
)
def test_the_grade_follows_the_grading_method(
    teacher: Any, learner: Any, nine: list[dict[str, Any]], clock: Any, method: str, expected: float
) -> None:
    class_id = classroom(teacher, learner)
    quiz_id = assigned_quiz(
        teacher, class_id, [q["id"] for q in nine], grading=method, max_attempts=3
    )
    for right_count in (9, 0, 3):
        attempt = start(learner, quiz_id)
        right = correct_answers(teacher, attempt["id"])
        items = {i["id"]: i for i in attempt["items"]}
        chosen = {
            item_id: right[item_id]
            if n < right_count
            else wrong_answer(items[item_id], right[item_id])
            for n, item_id in enumerate(right)
        }
        answer(learner, attempt, chosen)
        done = learner.post(f"/api/attempts/{attempt['id']}/submit").get_json()
        assert done["score"] == right_count
        clock.advance(minutes=1)
    (assignment,) = learner.get("/api/me/assignments").get_json()
    assert assignment["grade"] == expected
    assert assignment["status"] == "submitted" and assignment["attempts_left"] == 0
    start(learner, quiz_id, status=409)


def test_immediate_feedback_comes_with_each_saved_answer(
    teacher: Any, learner: Any, nine: list[dict[str, Any]], clock: Any
) -> None:
    class_id = classroom(teacher, learner)
    quiz_id = assigned_quiz(
        teacher,
        class_id,
        [q["id"] for q in nine],
        feedback="immediate",
        reveal_answers="after_each_attempt",
    )
    attempt = start(learner, quiz_id)
    right = correct_answers(teacher, attempt["id"])
    first, second = list(right)[:2]
    saved = put(learner, attempt["id"], first, right[first]).get_json()
    assert saved["result"]["correct"] is True and saved["result"]["evidence"]
    assert saved["result"]["explanation"]
    view = learner.get(f"/api/attempts/{attempt['id']}").get_json()
    shown = {i["id"]: i["result"] for i in view["items"]}
    assert shown[first] is not None and shown[second] is None
    assert {i["id"]: i["locked"] for i in view["items"]} == {
        i["id"]: i["id"] == first for i in view["items"]
    }
    assert view["score"] is None
    assert learner.get(f"/api/attempts/{attempt['id']}/review").status_code == 409


def test_a_checked_answer_is_locked_so_its_shown_key_cannot_earn_the_mark(
    teacher: Any, learner: Any, nine: list[dict[str, Any]], clock: Any, db: Any
) -> None:
    """Issue 9, fault 1: re-saving the correct answer shown by immediate feedback scored."""
    class_id = classroom(teacher, learner)
    quiz_id = assigned_quiz(
        teacher,
        class_id,
        [q["id"] for q in nine],
        feedback="immediate",
        reveal_answers="after_each_attempt",
    )
    attempt = start(learner, quiz_id)
    right = correct_answers(teacher, attempt["id"])
    items = {item["id"]: item for item in attempt["items"]}
    for item_id, key in right.items():
        first = put(learner, attempt["id"], item_id, wrong_answer(items[item_id], key))
        assert first.status_code == 200
        shown = first.get_json()["result"]["correct_answer"]
        retry = put(learner, attempt["id"], item_id, shown)
        assert retry.status_code == 409, retry.get_json()
        assert retry.mimetype == "application/problem+json"
        assert retry.get_json()["type"] == "/problems/item-locked"
    submitted = learner.post(f"/api/attempts/{attempt['id']}/submit").get_json()
    assert submitted["score"] == 0
    stored = db.session.scalars(select(Response.response)).all()
    assert len(stored) == len(right) and all(r not in right.values() for r in stored)


def test_correct_answers_wait_until_no_attempt_is_left_by_default(
    teacher: Any, learner: Any, nine: list[dict[str, Any]], clock: Any
) -> None:
    """Issue 9, fault 9: attempt 1's review handed attempt 2 its keys."""
    class_id = classroom(teacher, learner)
    quiz_id = assigned_quiz(teacher, class_id, [q["id"] for q in nine], max_attempts=2)
    assert teacher.get(f"/api/quizzes/{quiz_id}").get_json()["reveal_answers"] == (
        "after_last_attempt"
    )
    first = start(learner, quiz_id)
    learner.post(f"/api/attempts/{first['id']}/submit")
    review = learner.get(f"/api/attempts/{first['id']}/review").get_json()
    assert review["score"] == 0 and review["answers_revealed"] is False
    for item in review["items"]:
        result = item["result"]
        assert result["correct"] is False and result["score"] == 0
        assert result["correct_answer"] is None and result["evidence"] is None
        assert result["explanation"] is None

    second = start(learner, quiz_id)
    learner.post(f"/api/attempts/{second['id']}/submit")
    for attempt in (first, second):  # no attempt left: both reviews show the answers
        review = learner.get(f"/api/attempts/{attempt['id']}/review").get_json()
        assert review["answers_revealed"] is True
        assert all(item["result"]["correct_answer"] for item in review["items"])
        assert all(item["result"]["evidence"] is not None for item in review["items"])


def test_immediate_feedback_shows_keys_only_as_the_quiz_reveals_them(
    teacher: Any, learner: Any, nine: list[dict[str, Any]], clock: Any
) -> None:
    class_id = classroom(teacher, learner)
    closes = (clock() + timedelta(hours=2)).isoformat()
    ids = [q["id"] for q in nine]
    hidden = assigned_quiz(teacher, class_id, ids, feedback="immediate", closes_at=closes)
    attempt = start(learner, hidden)
    item = attempt["items"][0]
    result = put(learner, attempt["id"], item["id"], some_answer(item)).get_json()["result"]
    assert result["correct"] in (True, False) and result["correct_answer"] is None
    assert result["evidence"] is None and result["explanation"] is None

    last = assigned_quiz(teacher, class_id, ids, feedback="immediate", max_attempts=1)
    attempt = start(learner, last)
    item = attempt["items"][0]
    result = put(learner, attempt["id"], item["id"], some_answer(item)).get_json()["result"]
    assert result["correct_answer"] is not None  # its only attempt: nothing left to protect

    clock.advance(hours=3)  # the first quiz has closed: its answers show
    view = learner.get(f"/api/attempts/{start_or_resume(learner, hidden)}").get_json()
    assert view["answers_revealed"] is True


def start_or_resume(learner: Any, quiz_id: int) -> int:
    assignments = learner.get("/api/me/assignments").get_json()
    mine = next(a for a in assignments if a["quiz"]["id"] == quiz_id)
    return int(mine["in_progress_attempt_id"] or mine["last_submitted_attempt_id"])


def test_feedback_cannot_switch_to_or_from_immediate_once_attempted(
    teacher: Any, learner: Any, nine: list[dict[str, Any]], clock: Any
) -> None:
    class_id = classroom(teacher, learner)
    quiz_id = assigned_quiz(teacher, class_id, [nine[0]["id"]], feedback="immediate")
    start(learner, quiz_id)
    for feedback in ("on_submit", "after_close"):
        body = {"feedback": feedback, "closes_at": (clock() + timedelta(days=1)).isoformat()}
        assert teacher.patch(f"/api/quizzes/{quiz_id}", json=body).status_code == 409
    other = assigned_quiz(teacher, class_id, [nine[0]["id"]])
    start(learner, other)
    changed = teacher.patch(f"/api/quizzes/{other}", json={"feedback": "immediate"})
    assert changed.status_code == 409
    released = teacher.patch(f"/api/quizzes/{other}", json={"reveal_answers": "after_each_attempt"})
    assert released.status_code == 200


def test_ordering_items_are_shuffled_honestly(
    teacher: Any, learner: Any, loaded_bank: Any, clock: Any
) -> None:
    """Issue 9, fault 8: a 2-item ordering was always served reversed, 3 never in key order."""
    question = teacher.get("/api/questions?type=ordering&page_size=1").get_json()[0]
    key = question["answer_key"]["order"]
    assert len(key) >= 3
    class_id = classroom(teacher, learner)
    quiz_id = assigned_quiz(teacher, class_id, [question["id"]], shuffle_options=False)
    seen = Counter()
    for _ in range(60):
        attempt = start(learner, quiz_id)
        seen[tuple(i["id"] for i in attempt["items"][0]["content"]["items"])] += 1
        learner.post(f"/api/attempts/{attempt['id']}/submit")
    # Shuffled although shuffle_options is off, and the key order is one of many.
    assert len(seen) >= 4, seen
    assert seen[tuple(key)] > 0 or len(key) > 3, seen


def test_two_item_ordering_questions_are_refused(teacher: Any, loaded_bank: Any) -> None:
    body = {
        "type": "ordering",
        "prompt": "Put in order.",
        "items": ["1961 treaty", "2024 treaty"],
        "tags": ["treaty-years"],
        "difficulty": "easy",
        "explanation": "By date.",
    }
    response = teacher.post("/api/questions", json=body)
    assert response.status_code == 422
    assert "items" in str(response.get_json()["errors"])


def test_a_learner_removed_from_the_class_can_no_longer_save_or_submit(
    teacher: Any, learner: Any, nine: list[dict[str, Any]], clock: Any, db: Any
) -> None:
    class_id = classroom(teacher, learner)
    quiz_id = assigned_quiz(teacher, class_id, [q["id"] for q in nine])
    attempt = start(learner, quiz_id)
    item = attempt["items"][0]
    assert teacher.delete(f"/api/classes/{class_id}/members/{learner.id}").status_code == 204
    saved = put(learner, attempt["id"], item["id"], some_answer(item))
    assert saved.status_code == 403 and saved.get_json()["type"] == "/problems/not-assigned"
    submitted = learner.post(f"/api/attempts/{attempt['id']}/submit")
    assert submitted.status_code == 403
    assert db.session.scalar(select(func.count()).select_from(Response)) == 0
    assert db.session.scalar(select(Attempt.state)) == "in_progress"


def test_overdue_attempts_are_graded_wherever_results_are_read(
    app: Any, teacher: Any, sign_up: Any, nine: list[dict[str, Any]], clock: Any, db: Any
) -> None:
    """Issue 9, fault 7: an attempt past its deadline was graded only when opened."""
    learners = [sign_up("learner") for _ in range(4)]
    class_id = classroom(teacher, *learners)
    quiz_id = assigned_quiz(teacher, class_id, [q["id"] for q in nine], time_limit_s=600)
    for person in learners:
        attempt = start(person, quiz_id)
        right = correct_answers(teacher, attempt["id"])
        item_id = next(iter(right))
        assert put(person, attempt["id"], item_id, right[item_id]).status_code == 200
    clock.advance(minutes=11)

    reads = [
        lambda: teacher.get(f"/api/classes/{class_id}/progress"),
        lambda: teacher.get(f"/api/classes/{class_id}/gradebook.csv"),
        lambda: teacher.get(f"/api/quizzes/{quiz_id}/statistics"),
        lambda: learners[3].get("/api/me/assignments"),
    ]
    for index, read in enumerate(reads):
        db.session.execute(
            Attempt.__table__.update().values(state="in_progress", submitted_at=None, score=None)
        )
        db.session.commit()
        assert read().status_code == 200
        states = db.session.scalars(select(Attempt.state)).all()
        if index < 3:
            assert set(states) == {"submitted"}, index
        else:  # a learner's own reads close their own attempts
            assert states.count("submitted") >= 1
    grid = teacher.get(f"/api/classes/{class_id}/progress").get_json()
    assert all(row["grades"][str(quiz_id)] is not None for row in grid["learners"])


@pytest.mark.commits
def test_the_close_overdue_command_grades_every_overdue_attempt(
    app: Any, teacher: Any, learner: Any, nine: list[dict[str, Any]], clock: Any, db: Any
) -> None:
    class_id = classroom(teacher, learner)
    quiz_id = assigned_quiz(teacher, class_id, [q["id"] for q in nine], time_limit_s=60)
    attempt = start(learner, quiz_id)
    runner = app.test_cli_runner()
    assert "0 overdue" in runner.invoke(args=["attempts", "close-overdue"]).output
    clock.advance(minutes=2)
    result = runner.invoke(args=["attempts", "close-overdue"])
    assert result.exit_code == 0 and "1 overdue attempt(s) closed" in result.output
    closed = db.session.get(Attempt, attempt["id"])
    db.session.refresh(closed)
    assert closed.state == "submitted" and closed.score == 0
    assert closed.submitted_at == datetime.fromisoformat(attempt["deadline"])


def test_after_close_feedback_waits_for_the_close(
    teacher: Any, learner: Any, nine: list[dict[str, Any]], clock: Any
) -> None:
    class_id = classroom(teacher, learner)
    closes = clock().replace(hour=17).isoformat()
    quiz_id = assigned_quiz(
        teacher, class_id, [q["id"] for q in nine], feedback="after_close", closes_at=closes
    )
    attempt = start(learner, quiz_id)
    answer(learner, attempt, correct_answers(teacher, attempt["id"]))
    submitted = learner.post(f"/api/attempts/{attempt['id']}/submit").get_json()
    assert submitted["state"] == "submitted" and submitted["score"] is None
    assert all(item["result"] is None for item in submitted["items"])
    assert learner.get(f"/api/attempts/{attempt['id']}/review").status_code == 409
    assert learner.get("/api/me/assignments").get_json()[0]["grade"] is None

    clock.advance(hours=9)
    review = learner.get(f"/api/attempts/{attempt['id']}/review")
    assert review.status_code == 200 and review.get_json()["score"] == 9
    assert learner.get("/api/me/assignments").get_json()[0]["grade"] == 100.0


def test_an_unfinished_attempt_is_resumed_not_duplicated(
    teacher: Any, learner: Any, nine: list[dict[str, Any]], clock: Any, db: Any
) -> None:
    class_id = classroom(teacher, learner)
    quiz_id = assigned_quiz(teacher, class_id, [q["id"] for q in nine], max_attempts=1)
    first = start(learner, quiz_id, status=201)
    again = start(learner, quiz_id, status=200)
    assert again["id"] == first["id"]
    assert [i["content"] for i in again["items"]] == [i["content"] for i in first["items"]]
    (assignment,) = learner.get("/api/me/assignments").get_json()
    assert assignment["status"] == "in_progress"
    assert assignment["in_progress_attempt_id"] == first["id"]
    learner.post(f"/api/attempts/{first['id']}/submit")
    refused = learner.post(f"/api/quizzes/{quiz_id}/attempts")
    assert refused.status_code == 409
    assert db.session.scalar(select(func.count()).select_from(Attempt)) == 1


def test_submit_is_idempotent(
    teacher: Any, learner: Any, nine: list[dict[str, Any]], clock: Any
) -> None:
    class_id = classroom(teacher, learner)
    quiz_id = assigned_quiz(teacher, class_id, [q["id"] for q in nine])
    attempt = start(learner, quiz_id)
    first = learner.post(f"/api/attempts/{attempt['id']}/submit").get_json()
    clock.advance(minutes=5)
    second = learner.post(f"/api/attempts/{attempt['id']}/submit").get_json()
    assert first == second
    item = attempt["items"][0]
    late = put(learner, attempt["id"], item["id"], wrong_answer(item, {"choice": "x"}))
    assert late.status_code == 409


def test_the_deadline_is_kept_by_the_server_clock(
    teacher: Any, learner: Any, nine: list[dict[str, Any]], clock: Any, db: Any
) -> None:
    class_id = classroom(teacher, learner)
    quiz_id = assigned_quiz(teacher, class_id, [q["id"] for q in nine], time_limit_s=60)
    attempt = start(learner, quiz_id)
    assert attempt["deadline"] == clock().replace(minute=1).isoformat()
    right = correct_answers(teacher, attempt["id"])
    first, second = list(right)[:2]

    clock.advance(seconds=63)  # within the grace period
    assert put(learner, attempt["id"], first, right[first]).status_code == 200
    clock.advance(seconds=10)
    late = put(learner, attempt["id"], second, right[second])
    assert late.status_code == 409 and "Time is up" in late.get_json()["detail"]

    # The next read finalises it: graded on what was saved in time.
    view = learner.get(f"/api/attempts/{attempt['id']}").get_json()
    assert view["state"] == "submitted" and view["score"] == 1
    assert view["submitted_at"] == attempt["deadline"]


def test_the_quiz_window_is_enforced(
    teacher: Any, learner: Any, nine: list[dict[str, Any]], clock: Any
) -> None:
    class_id = classroom(teacher, learner)
    opens, closes = clock().replace(hour=10), clock().replace(hour=11)
    quiz_id = assigned_quiz(
        teacher,
        class_id,
        [nine[0]["id"]],
        opens_at=opens.isoformat(),
        closes_at=closes.isoformat(),
        time_limit_s=7200,
    )
    assert "opens at" in start(learner, quiz_id, status=409)["detail"]
    clock.advance(minutes=90)
    attempt = start(learner, quiz_id)
    assert attempt["deadline"] == closes.isoformat()  # the close cuts the time limit short
    clock.advance(hours=1)
    assert learner.get(f"/api/attempts/{attempt['id']}").get_json()["state"] == "submitted"
    assert "closed" in start(learner, quiz_id, status=409)["detail"]


def test_a_malformed_response_is_a_422_that_says_what_was_expected(
    teacher: Any, learner: Any, nine: list[dict[str, Any]], clock: Any, db: Any
) -> None:
    class_id = classroom(teacher, learner)
    quiz_id = assigned_quiz(teacher, class_id, [q["id"] for q in nine])
    attempt = start(learner, quiz_id)
    for item in attempt["items"]:
        bad = put(learner, attempt["id"], item["id"], {"nonsense": True})
        assert bad.status_code == 422
        body = bad.get_json()
        assert body["detail"].startswith(f"A {item['type']} response looks like")
        assert body["errors"]["json"]["response"]
    assert put(learner, attempt["id"], attempt["items"][0]["id"], "text").status_code == 422
    missing = learner.client.put(
        f"/api/attempts/{attempt['id']}/responses/{attempt['items'][0]['id']}",
        json={},
        headers={"X-CSRF-Token": learner.csrf},
    )
    assert missing.status_code == 422
    assert db.session.scalar(select(func.count()).select_from(Response)) == 0


@pytest.mark.commits
def test_a_saved_answer_is_committed_at_once(
    teacher: Any, learner: Any, nine: list[dict[str, Any]], clock: Any, db: Any
) -> None:
    """A response is durable when PUT returns: another connection (as after a crash of the
    app process) already sees it."""
    class_id = classroom(teacher, learner)
    quiz_id = assigned_quiz(teacher, class_id, [q["id"] for q in nine])
    attempt = start(learner, quiz_id)
    right = correct_answers(teacher, attempt["id"])
    item_id = next(iter(right))
    assert put(learner, attempt["id"], item_id, right[item_id]).status_code == 200
    with db.engine.connect() as other_connection:
        stored = other_connection.execute(
            select(Response.response).where(Response.attempt_item_id == item_id)
        ).scalar_one()
    assert stored == right[item_id]


def test_last_write_wins(
    teacher: Any, learner: Any, nine: list[dict[str, Any]], clock: Any
) -> None:
    class_id = classroom(teacher, learner)
    quiz_id = assigned_quiz(teacher, class_id, [q["id"] for q in nine])
    attempt = start(learner, quiz_id)
    right = correct_answers(teacher, attempt["id"])
    item = next(i for i in attempt["items"] if i["type"] == "true_false")
    put(learner, attempt["id"], item["id"], right[item["id"]])
    put(learner, attempt["id"], item["id"], wrong_answer(item, right[item["id"]]))
    view = learner.get(f"/api/attempts/{attempt['id']}").get_json()
    saved = next(i for i in view["items"] if i["id"] == item["id"])
    assert saved["response"] == wrong_answer(item, right[item["id"]])


def test_people_see_only_what_is_theirs(
    sign_up: Any, teacher: Any, learner: Any, nine: list[dict[str, Any]], clock: Any
) -> None:
    other_learner, other_teacher = sign_up("learner"), sign_up("teacher")
    class_id = classroom(teacher, learner)
    quiz_id = assigned_quiz(teacher, class_id, [q["id"] for q in nine])
    attempt = start(learner, quiz_id)
    item_id = attempt["items"][0]["id"]

    assert other_learner.post(f"/api/quizzes/{quiz_id}/attempts").status_code == 404
    for person in (other_learner, other_teacher):
        assert person.get(f"/api/attempts/{attempt['id']}").status_code == 404
        assert person.get(f"/api/attempts/{attempt['id']}/review").status_code == 404
    assert put(other_learner, attempt["id"], item_id, {"value": True}).status_code == 404
    assert other_learner.post(f"/api/attempts/{attempt['id']}/submit").status_code == 404
    assert teacher.post(f"/api/attempts/{attempt['id']}/submit").status_code == 403
    assert teacher.get(f"/api/attempts/{attempt['id']}").get_json()["items"][0]["result"]
    assert other_teacher.get(f"/api/quizzes/{quiz_id}").status_code == 404
    assert learner.get(f"/api/quizzes/{quiz_id}").status_code == 403
    assert put(learner, attempt["id"], 999999, {"value": True}).status_code == 404


def test_an_attempt_keeps_the_version_it_asked(
    teacher: Any, learner: Any, loaded_bank: Any, clock: Any
) -> None:
    class_id = classroom(teacher, learner)
    own = teacher.post(
        "/api/questions",
        json={
            "type": "true_false",
            "prompt": "The summit was in Pyongyang.",
            "answer": True,
            "tags": ["background"],
            "difficulty": "easy",
            "explanation": "It was.",
        },
    ).get_json()
    quiz_id = assigned_quiz(teacher, class_id, [own["id"]])
    attempt = start(learner, quiz_id)
    teacher.patch(
        f"/api/questions/{own['id']}", json={"prompt": "The summit was in Moscow.", "answer": False}
    )
    item = attempt["items"][0]
    put(learner, attempt["id"], item["id"], {"value": True})
    done = learner.post(f"/api/attempts/{attempt['id']}/submit").get_json()
    assert done["items"][0]["prompt"] == "The summit was in Pyongyang."
    assert done["score"] == 1


def test_scoring_edits_are_refused_once_attempted(
    teacher: Any, learner: Any, nine: list[dict[str, Any]], clock: Any
) -> None:
    class_id = classroom(teacher, learner)
    quiz_id = assigned_quiz(teacher, class_id, [q["id"] for q in nine[:3]])
    early = teacher.patch(f"/api/quizzes/{quiz_id}", json={"question_ids": [nine[0]["id"]]})
    assert early.status_code == 200 and len(early.get_json()["questions"]) == 1
    start(learner, quiz_id)
    for change in ({"question_ids": [nine[1]["id"]]}, {"grading": "last"}, {"points": {}}):
        refused = teacher.patch(f"/api/quizzes/{quiz_id}", json=change)
        assert refused.status_code == 409
    renamed = teacher.patch(f"/api/quizzes/{quiz_id}", json={"title": "Renamed"})
    assert renamed.status_code == 200 and renamed.get_json()["title"] == "Renamed"


def test_draw_rules_draw_per_attempt(
    teacher: Any, sign_up: Any, loaded_bank: Any, clock: Any
) -> None:
    learners = [sign_up("learner") for _ in range(3)]
    class_id = classroom(teacher, *learners)
    bank = teacher.get("/api/banks").get_json()[0]
    created = teacher.post(
        "/api/quizzes",
        json={"title": "Drawn", "draw": [{"bank": bank["id"], "tag": "clauses", "count": 5}]},
    ).get_json()
    teacher.post(f"/api/quizzes/{created['id']}/assignments", json={"class_id": class_id})
    clause_prompts = {
        q["prompt"] for q in teacher.get("/api/questions?tag=clauses&page_size=100").get_json()
    }
    drawn = []
    for learner in learners:
        attempt = start(learner, created["id"])
        prompts = [i["prompt"] for i in attempt["items"]]
        assert len(prompts) == 5 and set(prompts) <= clause_prompts
        drawn.append(tuple(sorted(prompts)))
    assert len(set(drawn)) > 1  # three draws of 5 from ~30 are very unlikely to coincide


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"title": "x"}, "question_ids"),
        ({"title": "x", "question_ids": [999999]}, "question_ids"),
        ({"title": "x", "question_ids": [1], "grading": "best"}, "grading"),
        ({"title": "x", "question_ids": [1], "feedback": "after_close"}, "closes_at"),
        ({"title": "x", "question_ids": [1], "time_limit_s": 0}, "time_limit_s"),
        ({"title": "x", "draw": [{"bank": 1, "count": 10000}]}, "draw"),
        ({"title": "x", "draw": [{"bank": 1, "tag": "no-such-tag", "count": 1}]}, "draw"),
        (
            {
                "title": "x",
                "question_ids": [1],
                "opens_at": "2026-03-02T10:00:00+00:00",
                "closes_at": "2026-03-02T09:00:00+00:00",
            },
            "closes_at",
        ),
        ({"title": "x", "question_ids": [1], "opens_at": "2026-03-02T10:00:00"}, "opens_at"),
    ],
)
def test_bad_quizzes_are_422(teacher: Any, loaded_bank: Any, body: dict, field: str) -> None:
    response = teacher.post("/api/quizzes", json=body)
    assert response.status_code == 422, response.get_json()
    assert field in response.get_json()["errors"]["json"]
    assert teacher.get("/api/quizzes").get_json() == []


def test_a_quiz_of_fixed_questions_warns_of_pairs_that_give_each_other_away(
    teacher: Any, loaded_bank: Any
) -> None:
    """Issue 11: two questions on one fact, or one whose stem answers the other, are named
    to the teacher who put both in a quiz (a draw never picks such a pair)."""
    questions = teacher.get("/api/questions?page_size=100").get_json()
    by_fact: dict[str, list[int]] = {}
    for question in questions:
        for span in question["evidence"]:
            if span["fact"]:
                by_fact.setdefault(span["fact"], []).append(question["id"])
    first, second = next(ids for ids in by_fact.values() if len(ids) >= 2)[:2]
    created = teacher.post(
        "/api/quizzes", json={"title": "Twice", "question_ids": [first, second]}
    ).get_json()
    assert created["warnings"] == [
        {"questions": sorted([first, second]), "reason": created["warnings"][0]["reason"]}
    ]
    assert "both test the fact" in created["warnings"][0]["reason"]
    assert teacher.get(f"/api/quizzes/{created['id']}").get_json()["warnings"]
    alone = teacher.post("/api/quizzes", json={"title": "Once", "question_ids": [first]})
    assert alone.get_json()["warnings"] == []


def test_an_attempt_drawn_from_the_bank_never_tests_a_fact_twice(
    teacher: Any, learner: Any, loaded_bank: Any, clock: Any
) -> None:
    """product.md: an attempt tests each fact at most once (the draw, through the API)."""
    bank_id = teacher.get("/api/banks").get_json()[0]["id"]
    created = teacher.post(
        "/api/quizzes", json={"title": "Drawn", "draw": [{"bank": bank_id, "count": 20}]}
    ).get_json()
    teacher.post(
        f"/api/quizzes/{created['id']}/assignments", json={"class_id": classroom(teacher, learner)}
    )
    for _ in range(5):
        attempt = start(learner, created["id"])
        view = teacher.get(f"/api/attempts/{attempt['id']}").get_json()
        assert len(view["items"]) == 20
        # A fact is known by its evidence span (each fact has its own).
        tested = [
            {(span["start"], span["end"]) for span in item["result"]["evidence"]}
            for item in view["items"]
        ]
        for i, first in enumerate(tested):
            for second in tested[i + 1 :]:
                assert not first & second, first & second
        learner.post(f"/api/attempts/{attempt['id']}/submit")
