"""The web page in a real browser: a learner takes a quiz of all nine types with the
keyboard; a teacher builds, assigns and reads the results."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from conftest import (
    PASSWORD,
    ApiUser,
    assert_accessible,
    questions_of_types,
    screenshot,
    screenshot_of,
    select_sentences,
    sign_in,
    unwarned_pair,
)
from flask import Flask
from playwright.sync_api import expect

from app.domain.question_types import QUESTION_TYPES

pytestmark = pytest.mark.e2e
# "Saved ✓", not "Not saved" (has_text with a string matches any substring, in any case).
SAVED = re.compile(r"^Saved ✓")


def keyboard_answer(page: Any, item: dict[str, Any], right: dict[str, Any]) -> None:
    """Answer one item with the keyboard only: focus, Space, arrows, typing, Enter."""
    card = page.locator(f'fieldset[data-item="{item["id"]}"]')
    kind, content = item["type"], item["content"]
    keyboard = page.keyboard
    if kind == "single_choice":
        card.locator(f'input[value="{right["choice"]}"]').focus()
        keyboard.press("Space")
    elif kind == "multiple_choice":
        for choice in right["choices"]:
            card.locator(f'input[value="{choice}"]').focus()
            keyboard.press("Space")
    elif kind == "true_false":
        card.locator(f'input[value="{str(right["value"]).lower()}"]').focus()
        keyboard.press("Space")
    elif kind in ("numeric", "short_text"):
        card.locator("input").focus()
        keyboard.type(str(right["value"] if kind == "numeric" else right["text"]))
    elif kind == "matching":
        options = [o["id"] for o in content["options"]]
        for prompt, option in right["pairs"].items():
            card.locator(f'select[data-prompt="{prompt}"]').focus()
            for _ in range(options.index(option) + 1):
                keyboard.press("ArrowDown")
    elif kind == "ordering":
        moved = False
        for target, wanted in enumerate(right["order"]):
            current = [
                m.group(1)
                for m in (
                    re.match(r"(.+):up", b.get_attribute("data-move"))
                    for b in card.locator("[data-move$=':up']").all()
                )
                if m
            ]
            for _ in range(current.index(wanted) - target):
                card.locator(f'[data-move="{wanted}:up"]').focus()
                keyboard.press("Enter")
                moved = True
        if not moved:  # shuffled into the right order already: keep it as it is
            card.get_by_role("button", name="Save this order").focus()
            keyboard.press("Enter")
    elif kind == "cloze":
        for index, text in enumerate(right["blanks"]):
            card.get_by_label(f"Blank {index + 1}").focus()
            keyboard.type(text)
    elif kind == "find_evidence":
        select_sentences(page, card, right["sentences"])
    card.locator(".status", has_text=SAVED).wait_for()


def test_a_learner_takes_a_quiz_of_every_type_with_the_keyboard(
    live_app: Flask, live_url: str, new_page: Any
) -> None:
    teacher = ApiUser(live_app, "teacher", "teacher")
    learner = ApiUser(live_app, "learner", "learner")
    school_class = teacher.post("/api/classes", {"name": "7B"})
    learner.post("/api/classes/join", {"join_code": school_class["join_code"]})
    question_ids = questions_of_types(teacher, QUESTION_TYPES)
    quiz = teacher.post(
        "/api/quizzes",
        {
            "title": "Treaty quiz",
            "question_ids": question_ids,
            "time_limit_s": 1800,
            # One attempt: once it is submitted, the review shows the correct answers.
            "max_attempts": 1,
        },
    )
    teacher.post(f"/api/quizzes/{quiz['id']}/assignments", {"class_id": school_class["id"]})

    page = new_page()
    learner_bodies: list[str] = []
    page.on(
        "response",
        lambda r: (
            learner_bodies.append(r.text())
            if "/api/" in r.url and "application" in (r.headers.get("content-type") or "")
            else None
        ),
    )
    sign_in(page, live_url, learner.email, PASSWORD)
    page.get_by_role("heading", name="My quizzes").wait_for()
    assert_accessible(page, "learner assignments")
    screenshot(page, "learner-assignments")

    start = page.get_by_role("button", name="Start")
    start.focus()
    page.keyboard.press("Enter")
    page.locator("fieldset[data-item]").first.wait_for()
    page.get_by_role("timer").wait_for()
    # The countdown runs from the server's deadline (the Date header has 1 s resolution).
    assert re.fullmatch(r"Time left (29:\d\d|30:0\d)", page.get_by_role("timer").inner_text())
    assert_accessible(page, "taking a quiz")
    screenshot(page, "learner-attempt")

    attempt_id = int(page.url.rsplit("/", 1)[1])
    teacher_view = teacher.get(f"/api/attempts/{attempt_id}")
    right = {item["id"]: item["result"]["correct_answer"] for item in teacher_view["items"]}
    for item in teacher_view["items"]:
        keyboard_answer(page, item, right[item["id"]])
    screenshot(page, "learner-answered")

    # Before submitting, nothing the page received held a key or the evidence.
    assert learner_bodies
    for body in learner_bodies:
        for field in ('"correct_answer"', '"answer_key"', '"explanation"', '"evidence"'):
            assert field not in body, f"a response before submit carried {field}: {body[:200]}"

    # The sticky bar counts every answer; the summary before submitting says none is missing.
    expect(page.locator("[data-progress]")).to_have_text("9 of 9 answered")
    submit = page.get_by_role("button", name="Submit my answers")
    submit.focus()
    page.keyboard.press("Enter")
    expect(page.locator("[data-submit]")).to_contain_text("Every question is answered.")
    expect(page.get_by_role("button", name="Submit now")).to_be_focused()
    page.keyboard.press("Enter")
    page.locator("main p.score", has_text="Your score: 9 / 9 · 100 %").wait_for()
    screenshot(page, "learner-result")

    page.get_by_role("link", name="Review my answers").click()
    page.get_by_role("heading", name="Review: Treaty quiz").wait_for()
    expect(page.locator("main p.score")).to_have_text("Score: 9 / 9 · 100 %")
    marks = page.locator("mark")
    marks.first.wait_for()
    assert marks.count() >= 9
    spans = [
        s
        for item in learner.get(f"/api/attempts/{attempt_id}/review")["items"]
        for s in item["result"]["evidence"]
    ]
    assert spans[0]["text"] in marks.all_inner_texts()
    # A sentence proving two parts of an answer (matching, ordering) is quoted once per item.
    for section in page.locator("main section.card").all():
        quotes = section.locator("[data-proof]").all_inner_texts()
        assert len(quotes) == len(set(quotes)), quotes
    assert_accessible(page, "review")
    screenshot(page, "learner-review")
    screenshot_of(page.locator("main section.card").first, "learner-review-first-item")

    page.get_by_role("link", name="Progress").click()
    page.get_by_role("heading", name="My progress").wait_for()
    page.locator("figure[data-chart][data-drawn] canvas").wait_for()
    assert_accessible(page, "progress")
    screenshot(page, "learner-progress")

    page.get_by_role("link", name="Practice").click()
    page.get_by_role("button", name="Start").click()
    # The quiz's facts do not use up the day's new ones: practice still has a question.
    page.locator("fieldset[data-type]").wait_for()
    assert_accessible(page, "practice")
    screenshot(page, "learner-practice")


def test_a_teacher_builds_assigns_and_reads_the_results(
    live_app: Flask, live_url: str, new_page: Any
) -> None:
    teacher_user = ApiUser(live_app, "teacher", "teacher")
    page = new_page()
    sign_in(page, live_url, teacher_user.email, PASSWORD)
    page.get_by_role("heading", name="Teaching").wait_for()
    assert_accessible(page, "teacher home")

    page.get_by_label("New class name").fill("History 10")
    page.get_by_role("button", name="Create class").click()
    page.get_by_role("heading", name="History 10").wait_for()
    code = page.locator("[data-join-code]").inner_text()
    assert len(code) == 10
    screenshot(page, "teacher-class")

    page.get_by_role("link", name="Bank", exact=True).click()
    page.get_by_role("heading", name="The question bank").wait_for()
    page.locator("[data-bank-question]").first.wait_for()
    assert_accessible(page, "bank")
    screenshot(page, "teacher-bank")

    page.get_by_role("link", name="Build a quiz").first.click()
    page.get_by_role("heading", name="Build a quiz").wait_for()
    page.get_by_label("Type").select_option("single_choice")
    page.get_by_role("button", name="Filter").click()
    page.locator("[data-bank-question] input[type=checkbox]").first.wait_for()
    # Two that do not give each other away: the quiz goes straight to its page.
    pair = unwarned_pair(teacher_user, "single_choice")
    page.get_by_label("Text").fill("")
    for question_id in pair:
        prompt = teacher_user.get(f"/api/questions/{question_id}")["prompt"]
        page.get_by_label("Text").fill(prompt[:40])
        page.get_by_role("button", name="Filter").click()
        page.locator(f'[data-bank-question="{question_id}"] input[type=checkbox]').check()
    expect(page.locator("[data-tray] li")).to_have_count(2)
    page.get_by_label("Title").fill("Two questions")
    page.get_by_label("Assign to class").select_option(label="History 10")
    reveal = page.get_by_label("Show the correct answers")
    assert reveal.input_value() == "after_last_attempt"  # the server's default, first
    reveal.select_option(label="After each attempt, as soon as results show")
    assert_accessible(page, "quiz builder")
    screenshot(page, "teacher-quiz-builder")
    screenshot_of(page.locator("form", has=reveal), "teacher-quiz-settings")
    page.get_by_role("button", name="Create and assign").click()
    page.get_by_role("heading", name="Two questions").wait_for()
    quiz_id = int(page.url.rsplit("/", 1)[1])
    assert teacher_user.get(f"/api/quizzes/{quiz_id}")["reveal_answers"] == "after_each_attempt"
    screenshot(page, "teacher-quiz")

    # A learner joins with the code and takes the quiz, one right and one wrong.
    learner = ApiUser(live_app, "learner", "ann")
    learner.post("/api/classes/join", {"join_code": code})
    attempt = learner.post(f"/api/quizzes/{quiz_id}/attempts")
    key = {
        i["id"]: i["result"]["correct_answer"]
        for i in teacher_user.get(f"/api/attempts/{attempt['id']}")["items"]
    }
    first, second = attempt["items"]
    wrong = next(
        o["id"] for o in second["content"]["options"] if o["id"] != key[second["id"]]["choice"]
    )
    for item, response in ((first, key[first["id"]]), (second, {"choice": wrong})):
        saved = learner.put(
            f"/api/attempts/{attempt['id']}/responses/{item['id']}", {"response": response}
        )
        assert saved.status_code == 200
    learner.post(f"/api/attempts/{attempt['id']}/submit")

    page.reload()
    page.locator("[data-summary]").wait_for()
    expect(page.locator("[data-summary]")).to_contain_text("1 submitted attempt · mean 50 %")
    figures = page.locator("figure[data-chart] figcaption").all_inner_texts()
    assert figures == [
        "Scores: attempts per band",
        "Facility: share of marks earned per question",
    ]
    page.locator("figure[data-chart][data-drawn] canvas").nth(1).wait_for()
    assert_accessible(page, "quiz statistics")
    screenshot(page, "teacher-statistics")

    page.get_by_role("link", name="Teaching").click()
    # The quiz page being left links "History 10" too: wait for the Teaching page first.
    page.get_by_role("heading", name="Teaching").wait_for()
    page.get_by_role("link", name="History 10").click()
    grid = page.locator("table[data-grid]")
    grid.wait_for()
    expect(grid).to_contain_text("ann")
    expect(grid).to_contain_text("50 %")
    link = page.get_by_role("link", name="Download the gradebook (CSV)")
    assert link.get_attribute("href") == f"/api/classes/{_class_id(page)}/gradebook.csv"
    with page.expect_download() as download:
        link.click()
    text = Path(download.value.path()).read_text(encoding="utf-8-sig")
    assert "ann" in text and "50.00" in text
    assert_accessible(page, "class")
    screenshot(page, "teacher-class-grades")


def _class_id(page: Any) -> str:
    return page.url.rsplit("/", 1)[1]


def test_the_page_has_a_strict_content_security_policy(live_app: Flask) -> None:
    response = live_app.test_client().get("/")
    policy = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy
    # One static shell: no inline script, no data; everything comes from the API.
    assert "<script>" not in response.get_data(as_text=True)
