"""A teacher's quiz after it is made (issue 13, item 5): its page's data (questions, classes,
attempts), copying it, taking it away from a class, archiving it, and the class grid's link
from a grade to the attempt it comes from."""

from __future__ import annotations

from typing import Any

import pytest
import sqlalchemy as sa
from quiz_helpers import assigned_quiz, classroom, correct_answers, wrong_answer

from app.extensions import db as flask_db

BIG_IDS = [0, 2**31, 10**30]


def bank_ids(teacher: Any, count: int, tag: str = "treaty-years") -> list[int]:
    questions = teacher.get(f"/api/questions?tag={tag}&page_size={count}").get_json()
    assert len(questions) == count
    return [q["id"] for q in questions]


def row_counts(engine: sa.Engine) -> dict[str, int]:
    tables = flask_db.metadata.sorted_tables
    query = " UNION ALL ".join(f"SELECT '{t.name}', COUNT(*) FROM {t.name}" for t in tables)
    with engine.connect() as connection:
        return dict(connection.execute(sa.text(query)).all())  # type: ignore[arg-type]


def quiz_row(db: Any, quiz_id: int) -> dict[str, Any]:
    with db.engine.connect() as connection:
        row = connection.execute(
            sa.text("SELECT * FROM quizzes WHERE id = :id"), {"id": quiz_id}
        ).one()
    return dict(row._mapping)


def submit_with(learner: Any, teacher: Any, quiz_id: int, right: int) -> int:
    """Start and submit an attempt with the first `right` items right, the others wrong."""
    attempt = learner.post(f"/api/quizzes/{quiz_id}/attempts").get_json()
    keys = correct_answers(teacher, attempt["id"])
    for index, item in enumerate(attempt["items"]):
        key = keys[item["id"]]
        response = key if index < right else wrong_answer(item, key)
        saved = learner.put(
            f"/api/attempts/{attempt['id']}/responses/{item['id']}", json={"response": response}
        )
        assert saved.status_code == 200, saved.get_json()
    assert learner.post(f"/api/attempts/{attempt['id']}/submit").status_code == 200
    return int(attempt["id"])


@pytest.fixture
def world(teacher: Any, learner: Any, loaded_bank: Any, clock: Any) -> dict[str, Any]:
    class_id = classroom(teacher, learner)
    ids = bank_ids(teacher, 3)
    quiz_id = assigned_quiz(teacher, class_id, ids, points={str(ids[0]): 2}, max_attempts=3)
    return {"class": class_id, "quiz": quiz_id, "questions": ids}


# --- the quiz page's data ---------------------------------------------------------------------


def test_a_quiz_shows_its_questions_classes_and_attempts(
    teacher: Any, learner: Any, world: dict[str, Any]
) -> None:
    other_class = teacher.post("/api/classes", json={"name": "8C"}).get_json()
    due = "2026-04-01T15:00:00+00:00"
    teacher.post(
        f"/api/quizzes/{world['quiz']}/assignments",
        json={"class_id": other_class["id"], "due_at": due},
    )
    quiz = teacher.get(f"/api/quizzes/{world['quiz']}").get_json()
    assert [q["question_id"] for q in quiz["questions"]] == world["questions"]
    assert [q["points"] for q in quiz["questions"]] == [2.0, 1.0, 1.0]
    first = teacher.get(f"/api/questions/{world['questions'][0]}").get_json()
    assert (quiz["questions"][0]["prompt"], quiz["questions"][0]["type"]) == (
        first["prompt"],
        first["type"],
    )
    assert quiz["assignments"] == [
        {"class_id": world["class"], "class_name": "7B", "due_at": None},
        {"class_id": other_class["id"], "class_name": "8C", "due_at": due},
    ]
    assert (quiz["attempt_count"], quiz["archived_at"]) == (0, None)
    learner.post(f"/api/quizzes/{world['quiz']}/attempts")
    assert teacher.get(f"/api/quizzes/{world['quiz']}").get_json()["attempt_count"] == 1
    listed = teacher.get("/api/quizzes").get_json()
    assert listed[0]["assignments"] == quiz["assignments"] and listed[0]["attempt_count"] == 1


def test_reading_a_quiz_costs_the_same_queries_for_more_questions_and_classes(
    teacher: Any, learner: Any, loaded_bank: Any, count_queries: Any
) -> None:
    costs = []
    for size in (1, 6):
        quiz = teacher.post(
            "/api/quizzes", json={"title": f"{size}", "question_ids": bank_ids(teacher, size)}
        ).get_json()
        for index in range(size):
            made = teacher.post("/api/classes", json={"name": f"class {size}.{index}"})
            teacher.post(
                f"/api/quizzes/{quiz['id']}/assignments", json={"class_id": made.get_json()["id"]}
            )
        with count_queries() as one:
            assert teacher.get(f"/api/quizzes/{quiz['id']}").status_code == 200
        with count_queries() as listing:
            assert teacher.get("/api/quizzes").status_code == 200
        costs.append((len(one), len(listing)))
    assert costs[0] == costs[1], costs


def test_score_changing_edits_are_refused_in_plain_words_once_attempted(
    teacher: Any, learner: Any, world: dict[str, Any], db: Any
) -> None:
    learner.post(f"/api/quizzes/{world['quiz']}/attempts")
    before = row_counts(db.engine), quiz_row(db, world["quiz"])
    refused = teacher.patch(
        f"/api/quizzes/{world['quiz']}", json={"points": {str(world["questions"][0]): 5}}
    )
    assert refused.status_code == 409
    assert refused.mimetype == "application/problem+json"
    assert "Learners have attempted this quiz" in refused.get_json()["detail"]
    assert (row_counts(db.engine), quiz_row(db, world["quiz"])) == before
    # What does not change scores still may.
    renamed = teacher.patch(f"/api/quizzes/{world['quiz']}", json={"title": "Renamed"})
    assert renamed.status_code == 200 and renamed.get_json()["title"] == "Renamed"


# --- duplicate ---------------------------------------------------------------------------------


def test_a_copy_has_the_same_questions_and_settings_and_nothing_else(
    teacher: Any, learner: Any, world: dict[str, Any]
) -> None:
    learner.post(f"/api/quizzes/{world['quiz']}/attempts")
    original = teacher.get(f"/api/quizzes/{world['quiz']}").get_json()
    made = teacher.post(f"/api/quizzes/{world['quiz']}/duplicate")
    assert made.status_code == 201
    copy = made.get_json()
    assert copy["id"] != original["id"]
    assert copy["title"] == "Treaty quiz (copy)"
    assert (copy["assignments"], copy["attempt_count"], copy["archived_at"]) == ([], 0, None)
    same = ("questions", "draw", "max_attempts", "grading", "feedback", "reveal_answers")
    assert {k: copy[k] for k in same} == {k: original[k] for k in same}
    # The copy has no attempts: what the original refuses, it takes.
    changed = teacher.patch(
        f"/api/quizzes/{copy['id']}", json={"points": {str(world["questions"][0]): 5}}
    )
    assert changed.status_code == 200, changed.get_json()
    # Points sent alone change that question's and keep the others'.
    assert [q["points"] for q in changed.get_json()["questions"]] == [5.0, 1.0, 1.0]
    assert teacher.get(f"/api/quizzes/{world['quiz']}").get_json() == original
    # Learners of the original's class do not see the copy.
    assigned = learner.get("/api/me/assignments").get_json()
    assert [a["quiz"]["id"] for a in assigned] == [world["quiz"]]


def test_a_copy_of_a_long_title_still_fits(teacher: Any, loaded_bank: Any) -> None:
    title = "x" * 200
    quiz = teacher.post(
        "/api/quizzes", json={"title": title, "question_ids": bank_ids(teacher, 1)}
    ).get_json()
    copy = teacher.post(f"/api/quizzes/{quiz['id']}/duplicate").get_json()
    assert copy["title"] == "x" * 193 + " (copy)"


# --- unassign ----------------------------------------------------------------------------------


def test_unassigning_hides_the_quiz_and_keeps_the_attempts(
    teacher: Any, learner: Any, world: dict[str, Any], clock: Any
) -> None:
    done = submit_with(learner, teacher, world["quiz"], right=2)
    started = learner.post(f"/api/quizzes/{world['quiz']}/attempts").get_json()
    first_item = started["items"][0]
    keys = correct_answers(teacher, started["id"])
    learner.put(
        f"/api/attempts/{started['id']}/responses/{first_item['id']}",
        json={"response": keys[first_item["id"]]},
    )

    gone = teacher.delete(f"/api/quizzes/{world['quiz']}/assignments/{world['class']}")
    assert gone.status_code == 204

    assert learner.get("/api/me/assignments").get_json() == []
    assert learner.post(f"/api/quizzes/{world['quiz']}/attempts").status_code == 404
    assert teacher.get(f"/api/quizzes/{world['quiz']}").get_json()["assignments"] == []
    # The attempts are kept; the one in progress was submitted with the answer it had.
    assert teacher.get(f"/api/attempts/{done}/review").status_code == 200
    closed = teacher.get(f"/api/attempts/{started['id']}").get_json()
    assert closed["state"] == "submitted"
    assert closed["score"] == first_item["points"]
    assert learner.get(f"/api/attempts/{done}").status_code == 200


def test_unassigning_from_one_class_leaves_a_learner_who_has_it_through_another(
    teacher: Any, learner: Any, world: dict[str, Any]
) -> None:
    other = teacher.post("/api/classes", json={"name": "8C"}).get_json()
    learner.post("/api/classes/join", json={"join_code": other["join_code"]})
    teacher.post(f"/api/quizzes/{world['quiz']}/assignments", json={"class_id": other["id"]})
    started = learner.post(f"/api/quizzes/{world['quiz']}/attempts").get_json()
    teacher.delete(f"/api/quizzes/{world['quiz']}/assignments/{world['class']}")
    assert learner.get(f"/api/attempts/{started['id']}").get_json()["state"] == "in_progress"
    assert [a["class_id"] for a in learner.get("/api/me/assignments").get_json()] == [other["id"]]


@pytest.mark.parametrize(
    ("who", "path", "status"),
    [
        ("teacher", "/api/quizzes/{quiz}/assignments/{unassigned_class}", 404),
        ("teacher", "/api/quizzes/{quiz}/assignments/{big}", 404),
        ("teacher", "/api/quizzes/{big}/assignments/{class}", 404),
        ("other", "/api/quizzes/{quiz}/assignments/{class}", 404),
        ("learner", "/api/quizzes/{quiz}/assignments/{class}", 403),
    ],
)
def test_unassigning_what_is_not_there_is_a_problem_that_writes_nothing(
    teacher: Any,
    learner: Any,
    sign_up: Any,
    world: dict[str, Any],
    db: Any,
    who: str,
    path: str,
    status: int,
) -> None:
    people = {"teacher": teacher, "learner": learner, "other": sign_up("teacher", "other")}
    unassigned = teacher.post("/api/classes", json={"name": "9D"}).get_json()["id"]
    before = row_counts(db.engine)
    for big in BIG_IDS:
        url = path.format(big=big, unassigned_class=unassigned, **world)
        answer = people[who].delete(url)
        assert answer.status_code == status, (url, answer.get_json())
        assert answer.mimetype == "application/problem+json"
        assert answer.get_json()["detail"]
    assert row_counts(db.engine) == before


def test_unassigning_twice_says_it_is_not_assigned(teacher: Any, world: dict[str, Any]) -> None:
    path = f"/api/quizzes/{world['quiz']}/assignments/{world['class']}"
    assert teacher.delete(path).status_code == 204
    again = teacher.delete(path)
    assert again.status_code == 404
    assert again.get_json()["detail"] == (
        f"Quiz {world['quiz']} is not assigned to class {world['class']}."
    )


# --- archive -----------------------------------------------------------------------------------


def test_an_archived_quiz_is_put_away_for_everyone_and_comes_back(
    teacher: Any, learner: Any, world: dict[str, Any], clock: Any
) -> None:
    done = submit_with(learner, teacher, world["quiz"], right=3)
    started = learner.post(f"/api/quizzes/{world['quiz']}/attempts").get_json()

    archived = teacher.post(f"/api/quizzes/{world['quiz']}/archive")
    assert archived.status_code == 200
    stamp = archived.get_json()["archived_at"]
    assert stamp == clock().isoformat()

    assert teacher.get("/api/quizzes").get_json() == []
    assert [q["id"] for q in teacher.get("/api/quizzes?archived=true").get_json()] == [
        world["quiz"]
    ]
    assert learner.get("/api/me/assignments").get_json() == []
    refused = learner.post(f"/api/quizzes/{world['quiz']}/attempts")
    assert refused.status_code == 409
    assert "archived" in refused.get_json()["detail"]
    # The attempt in progress was submitted; grades and reviews stay.
    assert learner.get(f"/api/attempts/{started['id']}").get_json()["state"] == "submitted"
    assert learner.get(f"/api/attempts/{done}/review").status_code == 200
    grid = teacher.get(f"/api/classes/{world['class']}/progress").get_json()
    assert grid["quizzes"][0]["archived"] is True
    assert grid["learners"][0]["grades"][str(world["quiz"])] == 100.0
    # Assigning it again waits for it to be unarchived.
    other = teacher.post("/api/classes", json={"name": "8C"}).get_json()
    assign = teacher.post(
        f"/api/quizzes/{world['quiz']}/assignments", json={"class_id": other["id"]}
    )
    assert assign.status_code == 409 and "unarchive" in assign.get_json()["detail"]

    # Archiving again changes nothing; unarchiving brings it back.
    clock.advance(minutes=5)
    again = teacher.post(f"/api/quizzes/{world['quiz']}/archive").get_json()
    assert again["archived_at"] == stamp
    back = teacher.post(f"/api/quizzes/{world['quiz']}/unarchive")
    assert back.status_code == 200 and back.get_json()["archived_at"] is None
    assert [a["quiz"]["id"] for a in learner.get("/api/me/assignments").get_json()] == [
        world["quiz"]
    ]
    assert learner.post(f"/api/quizzes/{world['quiz']}/attempts").status_code == 201


def test_practice_no_longer_holds_back_the_facts_of_an_archived_quiz(
    teacher: Any, learner: Any, world: dict[str, Any]
) -> None:
    bank = teacher.get(f"/api/questions/{world['questions'][0]}").get_json()["bank_id"]

    def held_back() -> int:
        return int(learner.get(f"/api/practice/next?bank={bank}").get_json()["held_back"])

    assert held_back() > 0
    teacher.post(f"/api/quizzes/{world['quiz']}/archive")
    assert held_back() == 0


@pytest.mark.parametrize("query", ["archived=maybe", "archived=", "archived=2"])
def test_a_bad_archived_filter_is_a_422(teacher: Any, world: dict[str, Any], query: str) -> None:
    answer = teacher.get(f"/api/quizzes?{query}")
    assert answer.status_code == 422
    assert answer.mimetype == "application/problem+json"
    assert "archived" in answer.get_json()["errors"]["query"]


@pytest.mark.parametrize("action", ["duplicate", "archive", "unarchive"])
def test_someone_elses_or_a_missing_quiz_writes_nothing(
    sign_up: Any, world: dict[str, Any], db: Any, action: str
) -> None:
    other = sign_up("teacher", "other")
    before = row_counts(db.engine), quiz_row(db, world["quiz"])
    for quiz_id in (world["quiz"], *BIG_IDS):
        answer = other.post(f"/api/quizzes/{quiz_id}/{action}")
        assert answer.status_code == 404
        assert answer.mimetype == "application/problem+json"
    assert (row_counts(db.engine), quiz_row(db, world["quiz"])) == before


# --- the class grid: from a grade to its attempt ----------------------------------------------


@pytest.mark.parametrize(
    ("grading", "graded"),
    [("highest", 1), ("first", 0), ("last", 2), ("average", 2)],
)
def test_the_grid_names_the_attempt_each_grade_comes_from(
    teacher: Any,
    learner: Any,
    sign_up: Any,
    loaded_bank: Any,
    clock: Any,
    grading: str,
    graded: int,
) -> None:
    idle = sign_up("learner", "idle")
    class_id = classroom(teacher, learner, idle)
    quiz_id = assigned_quiz(teacher, class_id, bank_ids(teacher, 3), grading=grading)
    taken = [submit_with(learner, teacher, quiz_id, right) for right in (1, 3, 2)]
    grid = teacher.get(f"/api/classes/{class_id}/progress").get_json()
    rows = {row["display_name"]: row for row in grid["learners"]}
    assert rows["learner"]["attempts"] == {str(quiz_id): taken[graded]}
    assert rows["idle"]["attempts"] == {str(quiz_id): None}
    review = teacher.get(f"/api/attempts/{taken[graded]}/review")
    assert review.status_code == 200 and review.get_json()["id"] == taken[graded]


def test_a_question_taken_out_of_the_middle_leaves_the_others_in_order(
    teacher: Any, loaded_bank: Any
) -> None:
    """Found by a teacher in the browser: removing any question but the last gave 409 (the
    positions moved up one by one, and a question met its own old row)."""
    ids = bank_ids(teacher, 4)
    quiz = teacher.post(
        "/api/quizzes",
        json={"title": "Four", "question_ids": ids, "points": {str(ids[3]): 3}},
    ).get_json()
    for kept in (ids[1:], [ids[3], ids[1]]):
        changed = teacher.patch(f"/api/quizzes/{quiz['id']}", json={"question_ids": kept})
        assert changed.status_code == 200, changed.get_json()
        assert [q["question_id"] for q in changed.get_json()["questions"]] == kept
    # Points of the questions kept stay theirs when the list alone changes.
    points = {q["question_id"]: q["points"] for q in changed.get_json()["questions"]}
    assert points == {ids[3]: 3, ids[1]: 1}
