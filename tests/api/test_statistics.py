"""Item statistics checked against a hand calculation, and the class's figures."""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest
from quiz_helpers import assigned_quiz, classroom, correct_answers, wrong_answer
from sqlalchemy import update

from app.models import User

SLUGS = (
    "treaty-1961--single-choice",
    "treaty-2000-no-defense-clause--true-false",
    "treaty-1961-void--numeric",
)
# Which of the three questions each learner gets right.
PATTERN = {"L1": (1, 1, 1), "L2": (1, 1, 0), "L3": (1, 0, 0), "L4": (0, 0, 0)}


def bank_questions(teacher: Any) -> list[dict[str, Any]]:
    everything = teacher.get("/api/questions?page_size=100").get_json()
    everything += teacher.get("/api/questions?page_size=100&page=2").get_json()
    by_slug = {q["slug"]: q for q in everything}
    return [by_slug[slug] for slug in SLUGS]


@pytest.fixture
def taken(teacher: Any, sign_up: Any, loaded_bank: Any, clock: Any) -> dict[str, Any]:
    """Four learners take a three-question quiz; each saves answers 10, 30 and 60 s in."""
    learners = {name: sign_up("learner", name) for name in PATTERN}
    class_id = classroom(teacher, *learners.values())
    questions = bank_questions(teacher)
    quiz_id = assigned_quiz(teacher, class_id, [q["id"] for q in questions])
    for name, learner in learners.items():
        attempt = learner.post(f"/api/quizzes/{quiz_id}/attempts").get_json()
        right = correct_answers(teacher, attempt["id"])
        start = clock()
        by_question = {item["prompt"]: item for item in attempt["items"]}
        for index, (question, seconds) in enumerate(zip(questions, (10, 30, 60), strict=True)):
            item = by_question[question["prompt"]]
            response = (
                right[item["id"]] if PATTERN[name][index] else wrong_answer(item, right[item["id"]])
            )
            clock.current = start.replace(second=seconds % 60, minute=start.minute + seconds // 60)
            saved = learner.client.put(
                f"/api/attempts/{attempt['id']}/responses/{item['id']}",
                json={"response": response},
                headers={"X-CSRF-Token": learner.csrf},
            )
            assert saved.status_code == 200
        learner.post(f"/api/attempts/{attempt['id']}/submit")
        clock.advance(minutes=5)
    return {"quiz_id": quiz_id, "class_id": class_id, "learners": learners, "questions": questions}


def test_item_statistics_match_the_hand_calculation(teacher: Any, taken: dict[str, Any]) -> None:
    """By hand, with x the item score and r the rest of the test (share of its 2 points):

    Q1 x=[1,1,1,0] r=[1,.5,0,0]:  facility 75, SD sqrt(.75/3)=50,
        corr = .375 / sqrt(.75 * .6875) = 52.22
    Q2 x=[1,1,0,0] r=[1,.5,.5,0]: facility 50, SD sqrt(1/3)=57.74, corr = .5/sqrt(.5) = 70.71
    Q3 x=[1,0,0,0] r=[1,1,.5,0]:  facility 25, SD 50, corr = .375 / sqrt(.75 * .6875) = 52.22
    Totals [3,2,1,0] of 3 = [100, 66.67, 33.33, 0] %: mean 50, median 50,
        SD sqrt(.5556/3) = 43.03
    Cronbach's alpha: item variances .25 + .3333 + .25 = .8333, total variance 5/3,
        alpha = 3/2 * (1 - .8333 / 1.6667) = .75
    Times: answers saved 10, 30 and 60 s in: 10, 20 and 30 s per item.
    """
    stats = teacher.get(f"/api/quizzes/{taken['quiz_id']}/statistics").get_json()
    assert stats["quiz"] == {
        "attempts": 4,
        "mean": 50.0,
        "median": 50.0,
        "sd": 43.03,
        "cronbach_alpha": 0.75,
        "histogram": [1, 0, 0, 1, 0, 0, 1, 0, 0, 1],  # 0, 33.3, 66.7 and 100 %
    }
    by_id = {q["question_id"]: q for q in stats["questions"]}
    expected = [(75.0, 50.0, 52.22, 10.0), (50.0, 57.74, 70.71, 20.0), (25.0, 50.0, 52.22, 30.0)]
    for question, (facility, sd, discrimination, seconds) in zip(
        taken["questions"], expected, strict=True
    ):
        row = by_id[question["id"]]
        assert (row["attempts"], row["facility"], row["sd"]) == (4, facility, sd)
        assert row["discrimination"] == discrimination
        assert row["mean_time_s"] == seconds

    choice = by_id[taken["questions"][0]["id"]]["options"]
    assert sum(o["count"] for o in choice) == 4
    assert [o["count"] for o in choice if o["correct"]] == [3]
    true_false = by_id[taken["questions"][1]["id"]]["options"]
    assert sorted((o["id"], o["count"]) for o in true_false) == [("false", 2), ("true", 2)]


def test_per_fact_results_point_at_the_source(teacher: Any, taken: dict[str, Any]) -> None:
    stats = teacher.get(f"/api/quizzes/{taken['quiz_id']}/statistics").get_json()
    source = teacher.get("/api/sources").get_json()[0]
    text = teacher.get(f"/api/sources/{source['id']}").get_json()["text"]
    facts = {f["evidence_text"]: f for f in stats["facts"]}
    assert len(facts) == 3
    for fact in facts.values():
        assert text[fact["evidence_start"] : fact["evidence_end"]] == fact["evidence_text"]
        assert fact["learners"] == 4
    shares = sorted(f["share_right"] for f in facts.values())
    assert shares == [25.0, 50.0, 75.0]


def test_statistics_of_an_unattempted_quiz_are_empty(teacher: Any, loaded_bank: Any) -> None:
    questions = bank_questions(teacher)
    quiz = teacher.post(
        "/api/quizzes", json={"title": "new", "question_ids": [questions[0]["id"]]}
    ).get_json()
    stats = teacher.get(f"/api/quizzes/{quiz['id']}/statistics").get_json()
    assert stats["quiz"]["attempts"] == 0 and stats["questions"] == [] and stats["facts"] == []


def test_class_grid_and_gradebook(teacher: Any, taken: dict[str, Any]) -> None:
    grid = teacher.get(f"/api/classes/{taken['class_id']}/progress").get_json()
    assert [q["id"] for q in grid["quizzes"]] == [taken["quiz_id"]]
    rows = {row["display_name"]: row for row in grid["learners"]}
    assert rows["L1"]["grades"][str(taken["quiz_id"])] == 100.0
    assert rows["L4"]["grades"][str(taken["quiz_id"])] == 0.0
    # All three questions carry treaty-years; only Q2 (a clause) carries clauses.
    assert rows["L2"]["tags"]["treaty-years"] == {"answered": 3, "accuracy": 0.6667}
    assert rows["L3"]["tags"]["clauses"] == {"answered": 1, "accuracy": 0.0}
    assert set(grid["tags"]) == {"treaty-years", "clauses"}

    response = teacher.get(f"/api/classes/{taken['class_id']}/gradebook.csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    text = response.get_data(as_text=True)
    assert text.startswith("\ufeff")
    table = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    assert table[0] == ["Learner", "Email", f"Treaty quiz (#{taken['quiz_id']})"]
    assert {(r[0], r[2]) for r in table[1:]} == {
        ("L1", "100.00"),
        ("L2", "66.67"),
        ("L3", "33.33"),
        ("L4", "0.00"),
    }


def test_gradebook_quotes_awkward_names(
    teacher: Any, sign_up: Any, loaded_bank: Any, clock: Any
) -> None:
    learner = sign_up("learner", "quoted")
    class_id = classroom(teacher, learner)
    teacher.post(
        "/api/quizzes",
        json={
            "title": 'Commas, "quotes" and ; semicolons',
            "question_ids": [bank_questions(teacher)[0]["id"]],
        },
    )
    quiz_id = teacher.get("/api/quizzes").get_json()[0]["id"]
    teacher.post(f"/api/quizzes/{quiz_id}/assignments", json={"class_id": class_id})
    text = teacher.get(f"/api/classes/{class_id}/gradebook.csv").get_data(as_text=True)
    table = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    assert table[0][2] == f'Commas, "quotes" and ; semicolons (#{quiz_id})'
    assert table[1] == ["quoted", "quoted@example.test", ""]


def test_class_grid_queries_do_not_grow_with_the_class(
    teacher: Any, sign_up: Any, loaded_bank: Any, clock: Any, count_queries: Any
) -> None:
    counts = []
    for size in (2, 6):
        learners = [sign_up("learner") for _ in range(size)]
        class_id = classroom(teacher, *learners)
        quiz_id = assigned_quiz(teacher, class_id, [q["id"] for q in bank_questions(teacher)])
        for learner in learners:
            attempt = learner.post(f"/api/quizzes/{quiz_id}/attempts").get_json()
            learner.post(f"/api/attempts/{attempt['id']}/submit")
        with count_queries() as grid_queries:
            assert teacher.get(f"/api/classes/{class_id}/progress").status_code == 200
        with count_queries() as csv_queries:
            teacher.get(f"/api/classes/{class_id}/gradebook.csv").get_data()
        with count_queries() as stats_queries:
            teacher.get(f"/api/quizzes/{quiz_id}/statistics")
        counts.append((len(grid_queries), len(csv_queries), len(stats_queries)))
    assert counts[0] == counts[1], counts


@pytest.mark.parametrize(
    "name", ['=HYPERLINK("http://x.test","hi")', "+SUM(1)", "-2+3", "@SUM(1)", "\tTab", "\rCR"]
)
def test_gradebook_cells_never_start_a_formula(
    teacher: Any, sign_up: Any, loaded_bank: Any, clock: Any, db: Any, name: str
) -> None:
    """Issue 9, fault 5: names and titles went out as formulas (OWASP's CSV injection)."""
    learner = sign_up("learner", "formula")
    # Tab and CR cannot come through the API (names are one line); older rows may hold them.
    db.session.execute(update(User).where(User.id == learner.id).values(display_name=name))
    db.session.commit()
    class_id = classroom(teacher, learner)
    quiz = teacher.post(
        "/api/quizzes",
        json={"title": "=1+1 quiz", "question_ids": [bank_questions(teacher)[0]["id"]]},
    ).get_json()
    teacher.post(f"/api/quizzes/{quiz['id']}/assignments", json={"class_id": class_id})
    text = teacher.get(f"/api/classes/{class_id}/gradebook.csv").get_data(as_text=True)
    table = list(csv.reader(io.StringIO(text.lstrip("\ufeff"), newline="")))
    cells = [cell for row in table for cell in row]
    assert not [c for c in cells if c[:1] in ("=", "+", "-", "@", "\t", "\r")], cells
    assert table[0][2] == f"'=1+1 quiz (#{quiz['id']})"
    assert table[1][0] == "'" + name


@pytest.mark.parametrize("batch", [1, 2, 500])
def test_the_streamed_gradebook_agrees_with_the_class_grid(
    teacher: Any, sign_up: Any, loaded_bank: Any, clock: Any, db: Any, batch: int
) -> None:
    """Issue 14: the gradebook streams its learners in batches (memory flat in the class
    size); whatever the batch, each learner's grade is the grid's, under every method,
    with several attempts per learner, learners without any, and quizzes never taken."""
    from app.services.statistics import gradebook_rows

    learners = [sign_up("learner", name) for name in ("Cy", "Al", "Bo", "Di")]
    class_id = classroom(teacher, *learners)
    questions = [q["id"] for q in bank_questions(teacher)]
    quizzes = [
        assigned_quiz(teacher, class_id, questions, grading=method, max_attempts=3)
        for method in ("highest", "average", "last")
    ]
    for n, learner in enumerate(learners[:3]):
        for quiz_id in quizzes[: n + 1]:
            for round_ in range(n + 1):
                attempt = learner.post(f"/api/quizzes/{quiz_id}/attempts").get_json()
                right = correct_answers(teacher, attempt["id"])
                for position, item in enumerate(attempt["items"][: round_ + 1]):
                    answer = right[item["id"]]
                    if position == n:
                        answer = wrong_answer(item, answer)
                    learner.put(
                        f"/api/attempts/{attempt['id']}/responses/{item['id']}",
                        json={"response": answer},
                    )
                learner.post(f"/api/attempts/{attempt['id']}/submit")
    grid = teacher.get(f"/api/classes/{class_id}/progress").get_json()
    expected = [
        [row["display_name"], row["email"]]
        + ["" if row["grades"][str(q)] is None else f"{row['grades'][str(q)]:.2f}" for q in quizzes]
        for row in grid["learners"]
    ]
    streamed = list(gradebook_rows(db.session, class_id, batch=batch))
    assert streamed[1:] == expected
    assert len(streamed) == 1 + len(learners)
    assert len({tuple(row[2:]) for row in expected}) > 2  # the grades differ: a real check
    over_http = teacher.get(f"/api/classes/{class_id}/gradebook.csv").get_data(as_text=True)
    assert list(csv.reader(io.StringIO(over_http.lstrip("\ufeff"))))[1:] == expected
