"""Progress per tag and fact, and FSRS practice across simulated days."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from typing import Any

import pytest
from quiz_helpers import assigned_quiz, classroom, correct_answers, wrong_answer


@pytest.fixture
def bank_id(teacher: Any, loaded_bank: Any) -> int:
    return int(teacher.get("/api/banks").get_json()[0]["id"])


def served(learner: Any, bank_id: int, tag: str | None = None) -> dict[str, Any]:
    query = f"/api/practice/next?bank={bank_id}" + (f"&tag={tag}" if tag else "")
    response = learner.get(query)
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def right_response(teacher: Any, question: dict[str, Any]) -> dict[str, Any]:
    """The full-marks response, from the teacher's view of the question's key."""
    key = teacher.get(f"/api/questions/{question['question_id']}").get_json()["answer_key"]
    if question["type"] == "short_text":
        return {"text": key["accepted"][0]}
    if question["type"] == "cloze":
        return {"blanks": [b[0] for b in key["blanks"]]}
    if question["type"] == "numeric":
        return {"value": key["value"]}
    return key


def answer(learner: Any, question: dict[str, Any], response: dict[str, Any]) -> dict[str, Any]:
    result = learner.post(
        f"/api/practice/{question['question_id']}/answer", json={"response": response}
    )
    assert result.status_code == 200, result.get_json()
    return result.get_json()


def test_daily_practice_brings_facts_back_at_growing_intervals(
    app: Any, teacher: Any, learner: Any, bank_id: int, clock: Any, monkeypatch: Any
) -> None:
    """Sixty days of daily practice, every answer right (after 30 s: Good): the first fact
    comes back ever later, in more than one question type, and its mastery rises."""
    monkeypatch.setitem(app.config, "PRACTICE_NEW_FACTS_PER_DAY", 2)
    ids = {f["slug"]: f["id"] for f in teacher.get("/api/sources/1/facts?page_size=100").get_json()}
    tracked, reviews, types, daily = None, [], set(), []
    for _day in range(60):
        if tracked:  # the tracked fact's mastery each morning, before practice
            facts = learner.get("/api/me/progress").get_json()["facts"]
            daily.append(next(f for f in facts if f["fact_id"] == ids[tracked])["mastery"])
        for _ in range(8):
            question = served(learner, bank_id, tag="treaty-years")["question"]
            if question is None:
                break
            detail = teacher.get(f"/api/questions/{question['question_id']}").get_json()
            tested = [span["fact"] for span in detail["evidence"]]
            tracked = tracked or tested[0]
            clock.advance(seconds=30)
            feedback = answer(learner, question, right_response(teacher, question))
            assert feedback["result"]["correct"] and feedback["rating"] == "Good"
            if tracked in tested:
                types.add(question["type"])
                facts = learner.get("/api/me/progress").get_json()["facts"]
                mine = next(f for f in facts if f["fact_id"] == ids[tracked])
                reviews.append((clock(), _t(mine["due"]), mine["mastery"]))
            clock.advance(minutes=11)
        clock.advance(days=1)

    gaps = [(due - answered).total_seconds() for answered, due, _ in reviews]
    assert len(reviews) >= 5, gaps
    assert gaps == sorted(gaps) and gaps[-1] > 20 * 24 * 3600, gaps
    early = sum(m["mastery"] for m in daily[:5]) / 5
    late = sum(m["mastery"] for m in daily[-10:]) / 10
    assert late > early, (early, late)
    assert reviews[-1][2]["answered"] == len(reviews)
    assert len(types) > 1


def _t(value: str) -> datetime:
    return datetime.fromisoformat(value)


def test_new_facts_come_in_bank_order_and_within_the_daily_limit(
    app: Any, teacher: Any, learner: Any, bank_id: int, clock: Any, monkeypatch: Any
) -> None:
    monkeypatch.setitem(app.config, "PRACTICE_NEW_FACTS_PER_DAY", 3)
    facts = teacher.get("/api/sources/1/facts?page_size=100").get_json()
    asked = []
    for _ in range(3):
        question = served(learner, bank_id)["question"]
        assert question["is_new"]
        detail = teacher.get(f"/api/questions/{question['question_id']}").get_json()
        asked.append(detail["evidence"][0]["fact"])
        clock.advance(seconds=30)  # not fast: Good, so the card stays in its learning steps
        answer(learner, question, right_response(teacher, question))
        clock.advance(minutes=1)
    slugs = [f["slug"] for f in facts]
    assert asked == sorted(asked, key=slugs.index)  # bank order
    step = served(learner, bank_id)
    assert step["question"] is None and step["new_today"] == 3  # the limit, nothing due yet
    assert step["next_due"] is not None
    clock.advance(minutes=30)  # past the 10-minute learning step: the cards are due again
    assert served(learner, bank_id)["question"]["is_new"] is False
    clock.advance(days=1)  # a new day: new facts again, the next in the bank's order
    assert served(learner, bank_id)["new_today"] == 0


def test_nothing_is_asked_twice_in_a_row(
    teacher: Any, learner: Any, bank_id: int, clock: Any
) -> None:
    previous = None
    for _ in range(8):
        question = served(learner, bank_id)["question"]
        detail = teacher.get(f"/api/questions/{question['question_id']}").get_json()
        fact = detail["evidence"][0]["fact"]
        assert fact != previous
        previous = fact
        wrong = learner.post(
            f"/api/practice/{question['question_id']}/answer",
            json={"response": wrong_answer(question, right_response(teacher, question))},
        ).get_json()
        assert wrong["rating"] == "Again"
        clock.advance(minutes=15)


def test_practice_never_serves_a_key(teacher: Any, learner: Any, bank_id: int, clock: Any) -> None:
    for _ in range(6):
        step = served(learner, bank_id)
        body = json.dumps(step)
        question = step["question"]
        detail = teacher.get(f"/api/questions/{question['question_id']}").get_json()
        for forbidden in ("answer_key", "correct", "explanation", "evidence", "accepted"):
            assert f'"{forbidden}"' not in body
        for span in detail["evidence"]:
            if span["text"] not in question["prompt"] + json.dumps(question["content"]):
                assert span["text"] not in body
        answer(learner, question, right_response(teacher, question))
        clock.advance(minutes=15)


def test_ratings_follow_the_outcome_and_speed(
    teacher: Any, learner: Any, bank_id: int, clock: Any
) -> None:
    question = served(learner, bank_id)["question"]
    clock.advance(seconds=5)
    fast = answer(learner, question, right_response(teacher, question))
    assert fast["rating"] == "Easy"
    assert fast["result"]["evidence"] and fast["result"]["explanation"]
    clock.advance(minutes=20)
    question = served(learner, bank_id)["question"]
    clock.advance(seconds=40)
    assert answer(learner, question, right_response(teacher, question))["rating"] == "Good"


def test_only_the_served_question_can_be_answered(
    teacher: Any, learner: Any, bank_id: int, clock: Any
) -> None:
    unserved = learner.post("/api/practice/1/answer", json={"response": {"value": True}})
    assert unserved.status_code == 409
    question = served(learner, bank_id)["question"]
    other = question["question_id"] + 1
    assert learner.post(f"/api/practice/{other}/answer", json={"response": {}}).status_code == 409
    malformed = learner.post(
        f"/api/practice/{question['question_id']}/answer", json={"response": {"nope": 1}}
    )
    assert malformed.status_code == 422
    answer(learner, question, right_response(teacher, question))
    again = learner.post(
        f"/api/practice/{question['question_id']}/answer",
        json={"response": right_response(teacher, question)},
    )
    assert again.status_code == 409  # one answer per question served


@pytest.mark.parametrize("query", ["", "?bank=abc", "?bank=999999"])
def test_bad_practice_queries(learner: Any, loaded_bank: Any, query: str) -> None:
    response = learner.get(f"/api/practice/next{query}")
    assert response.status_code in (404, 422)
    assert response.mimetype == "application/problem+json"


def test_quiz_answers_feed_progress_and_the_schedule(
    teacher: Any, learner: Any, loaded_bank: Any, clock: Any
) -> None:
    class_id = classroom(teacher, learner)
    questions = teacher.get("/api/questions?tag=clauses&type=true_false&page_size=4").get_json()
    quiz_id = assigned_quiz(teacher, class_id, [q["id"] for q in questions])
    attempt = learner.post(f"/api/quizzes/{quiz_id}/attempts").get_json()
    right = correct_answers(teacher, attempt["id"])
    items = {i["id"]: i for i in attempt["items"]}
    chosen = {
        item_id: right[item_id] if n < 3 else wrong_answer(items[item_id], right[item_id])
        for n, item_id in enumerate(right)
    }
    for item_id, response in chosen.items():
        learner.client.put(
            f"/api/attempts/{attempt['id']}/responses/{item_id}",
            json={"response": response},
            headers={"X-CSRF-Token": learner.csrf},
        )
    learner.post(f"/api/attempts/{attempt['id']}/submit")

    progress = learner.get("/api/me/progress").get_json()
    clauses = next(t for t in progress["tags"] if t["tag"] == "clauses")
    assert clauses["mastery"]["answered"] == 4 and clauses["mastery"]["correct"] == 3
    assert clauses["mastery"]["accuracy"] == 0.75
    assert progress["facts"] and all(f["due"] for f in progress["facts"])
    assert progress["quizzes"] == [
        {
            "quiz_id": quiz_id,
            "title": "Treaty quiz",
            "grade": 75.0,
            "submitted_at": clock().isoformat(),
        }
    ]
    assert progress["streak_days"] == 1 and progress["active_days"] == [str(clock().date())]
    clock.advance(days=1)
    assert learner.get("/api/me/progress").get_json()["streak_days"] == 1
    clock.advance(days=1)
    assert learner.get("/api/me/progress").get_json()["streak_days"] == 0


def test_after_close_answers_reach_progress_only_after_the_close(
    teacher: Any, learner: Any, loaded_bank: Any, clock: Any
) -> None:
    class_id = classroom(teacher, learner)
    questions = teacher.get("/api/questions?tag=clauses&type=true_false&page_size=2").get_json()
    quiz_id = assigned_quiz(
        teacher,
        class_id,
        [q["id"] for q in questions],
        feedback="after_close",
        closes_at=(clock() + timedelta(hours=2)).isoformat(),
    )
    attempt = learner.post(f"/api/quizzes/{quiz_id}/attempts").get_json()
    learner.post(f"/api/attempts/{attempt['id']}/submit")
    hidden = learner.get("/api/me/progress").get_json()
    assert hidden["tags"] == [] and hidden["facts"] == []
    assert hidden["quizzes"][0]["grade"] is None
    clock.advance(hours=3)
    shown = learner.get("/api/me/progress").get_json()
    assert shown["tags"] and shown["facts"] and shown["quizzes"][0]["grade"] == 0.0


def test_progress_is_the_learners_own(teacher: Any, sign_up: Any, loaded_bank: Any) -> None:
    assert teacher.get("/api/me/progress").status_code == 403
    fresh = sign_up("learner").get("/api/me/progress").get_json()
    assert fresh == {
        "tags": [],
        "facts": [],
        "quizzes": [],
        "active_days": [],
        "streak_days": 0,
    }


def _quiz_facts(teacher: Any, question_ids: list[int]) -> set[str]:
    facts: set[str] = set()
    for qid in question_ids:
        detail = teacher.get(f"/api/questions/{qid}").get_json()
        facts |= {span["fact"] for span in detail["evidence"]}
    return facts


def test_practice_holds_back_the_facts_of_a_quiz_still_open(
    teacher: Any, learner: Any, bank_id: int, clock: Any
) -> None:
    """Issue 9, fault 9: practising during an after_close quiz handed over its keys."""
    quiz_questions = teacher.get("/api/questions?tag=treaty-years&page_size=50").get_json()
    ids = [q["id"] for q in quiz_questions]
    closes = clock() + timedelta(days=2)
    quiz_id = assigned_quiz(
        teacher,
        classroom(teacher, learner),
        ids,
        feedback="after_close",
        closes_at=closes.isoformat(),
    )
    held = _quiz_facts(teacher, ids)
    assert held
    seen: set[str] = set()
    for _ in range(12):
        step = served(learner, bank_id)
        assert step["held_back"] >= len(held)
        question = step["question"]
        if question is None:
            break
        detail = teacher.get(f"/api/questions/{question['question_id']}").get_json()
        seen |= {span["fact"] for span in detail["evidence"]}
        result = answer(learner, question, right_response(teacher, question))["result"]
        assert not {span["fact"] for span in detail["evidence"]} & held
        assert result["correct_answer"] is not None  # practice itself shows its answers
        clock.advance(minutes=15)
    assert seen and not seen & held

    clock.current = closes + timedelta(minutes=1)  # closed: nothing is held back any more
    assert served(learner, bank_id)["held_back"] == 0
    assert quiz_id


def test_a_quiz_with_no_attempt_left_holds_nothing_back(
    teacher: Any, learner: Any, bank_id: int, clock: Any
) -> None:
    ids = [q["id"] for q in teacher.get("/api/questions?tag=treaty-years").get_json()]
    quiz_id = assigned_quiz(teacher, classroom(teacher, learner), ids, max_attempts=1)
    assert served(learner, bank_id)["held_back"] > 0
    attempt = learner.post(f"/api/quizzes/{quiz_id}/attempts").get_json()
    assert served(learner, bank_id)["held_back"] > 0  # in progress
    learner.post(f"/api/attempts/{attempt['id']}/submit")
    assert served(learner, bank_id)["held_back"] == 0


def _take_quiz_right(teacher: Any, learner: Any, quiz_id: int) -> None:
    attempt = learner.post(f"/api/quizzes/{quiz_id}/attempts").get_json()
    for item_id, response in correct_answers(teacher, attempt["id"]).items():
        saved = learner.client.put(
            f"/api/attempts/{attempt['id']}/responses/{item_id}",
            json={"response": response},
            headers={"X-CSRF-Token": learner.csrf},
        )
        assert saved.status_code == 200, saved.get_json()
    assert learner.post(f"/api/attempts/{attempt['id']}/submit").status_code == 200


def _facts_asked(teacher: Any, question: dict[str, Any]) -> set[str]:
    detail = teacher.get(f"/api/questions/{question['question_id']}").get_json()
    return {span["fact"] for span in detail["evidence"]}


def test_a_quiz_leaves_the_days_new_facts_to_practice(
    app: Any, teacher: Any, learner: Any, bank_id: int, clock: Any, monkeypatch: Any
) -> None:
    """Issue 13, item 7: a quiz covering the day's number of new facts made practice say
    "Nothing is due" straight after it; the limit counts facts practice introduced."""
    monkeypatch.setitem(app.config, "PRACTICE_NEW_FACTS_PER_DAY", 3)
    ids = [
        q["id"]
        for q in teacher.get("/api/questions?tag=clauses&type=true_false&page_size=4").get_json()
    ]
    quiz_facts = _quiz_facts(teacher, ids)
    assert len(quiz_facts) >= 3
    quiz_id = assigned_quiz(teacher, classroom(teacher, learner), ids, max_attempts=1)
    _take_quiz_right(teacher, learner, quiz_id)
    clock.advance(minutes=1)

    step = served(learner, bank_id)
    assert step["held_back"] == 0 and step["new_today"] == 0
    question = step["question"]
    assert question is not None and question["is_new"]
    assert not _facts_asked(teacher, question) & quiz_facts  # a fact the learner never met


def test_after_a_quiz_practice_keeps_its_own_limit_and_quiz_facts_come_back_as_reviews(
    app: Any, teacher: Any, learner: Any, bank_id: int, clock: Any, monkeypatch: Any
) -> None:
    monkeypatch.setitem(app.config, "PRACTICE_NEW_FACTS_PER_DAY", 3)
    ids = [
        q["id"]
        for q in teacher.get("/api/questions?tag=clauses&type=true_false&page_size=4").get_json()
    ]
    quiz_facts = _quiz_facts(teacher, ids)
    quiz_id = assigned_quiz(teacher, classroom(teacher, learner), ids, max_attempts=1)
    _take_quiz_right(teacher, learner, quiz_id)

    new_facts: list[set[str]] = []
    quiz_facts_reviewed: set[str] = set()
    for _ in range(20):
        step = served(learner, bank_id)
        question = step["question"]
        if question is None:
            break
        asked = _facts_asked(teacher, question)
        if question["is_new"]:
            assert not asked & quiz_facts  # met in the quiz: a review, never "new"
            new_facts.append(asked)
        else:
            quiz_facts_reviewed |= asked & quiz_facts
        clock.advance(seconds=30)
        answer(learner, question, right_response(teacher, question))
        clock.advance(minutes=4)
    assert len(new_facts) == 3  # practice's own limit still holds
    assert served(learner, bank_id)["new_today"] == 3
    assert quiz_facts_reviewed  # due again after the quiz: served as reviews
