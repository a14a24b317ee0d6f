"""No answer the learner gave is lost: Submit first saves what is still pending (typed a
moment ago, on its way, or waiting to be retried), and submits nothing it could not save."""

from __future__ import annotations

import re
from typing import Any

import pytest
from conftest import PASSWORD, ApiUser, questions_of_types, sign_in
from flask import Flask
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e
TYPED = ("numeric", "short_text", "cloze")
RESPONSES = re.compile(r"/api/attempts/\d+/responses/\d+$")


class Quiz:
    """A quiz of the typed question types, assigned to a learner who opens it in the page."""

    def __init__(self, app: Flask, url: str, page: Any) -> None:
        self.teacher = ApiUser(app, "teacher", "teacher")
        self.learner = ApiUser(app, "learner", "learner")
        school_class = self.teacher.post("/api/classes", {"name": "7B"})
        self.learner.post("/api/classes/join", {"join_code": school_class["join_code"]})
        ids = questions_of_types(self.teacher, TYPED)
        quiz = self.teacher.post("/api/quizzes", {"title": "Typed answers", "question_ids": ids})
        self.teacher.post(
            f"/api/quizzes/{quiz['id']}/assignments", {"class_id": school_class["id"]}
        )
        self.attempt = self.learner.post(f"/api/quizzes/{quiz['id']}/attempts")
        self.items = self.attempt["items"]
        full = self.teacher.get(f"/api/attempts/{self.attempt['id']}")
        self.right = {i["id"]: i["result"]["correct_answer"] for i in full["items"]}
        self.page = page
        self.requests: list[tuple[str, str]] = []
        page.on("request", lambda r: self.requests.append((r.method, r.url)))
        sign_in(page, url, self.learner.email, PASSWORD)
        page.goto(f"{url}/#/attempt/{self.attempt['id']}")
        page.locator("fieldset[data-item]").first.wait_for()
        # Submitting takes two steps: the summary of what is answered, then "Submit now".
        self.summary = page.get_by_role("button", name="Submit my answers")
        self.submit = page.get_by_role("button", name="Submit now")
        self.note = page.locator("[data-submit-note]")
        self.problem = page.locator("[data-submit] [data-problem]")

    def card(self, index: int) -> Any:
        return self.page.locator(f'fieldset[data-item="{self.items[index]["id"]}"]')

    def type_answer(self, index: int) -> None:
        """Type the right answer, fast, and wait for nothing."""
        item, keyboard = self.items[index], self.page.keyboard
        right = self.right[item["id"]]
        if item["type"] == "cloze":
            for blank, text in enumerate(right["blanks"]):
                self.card(index).get_by_label(f"Blank {blank + 1}").focus()
                keyboard.type(text)
        else:
            self.card(index).locator("input").focus()
            keyboard.type(str(right["value"] if item["type"] == "numeric" else right["text"]))

    def submitted(self) -> bool:
        return any(m == "POST" and u.endswith("/submit") for m, u in self.requests)

    def expect_full_marks(self) -> None:
        self.page.locator("main p.score", has_text="Your score: 3 / 3").wait_for()
        saved = self.learner.get(f"/api/attempts/{self.attempt['id']}")
        assert saved["score"] == saved["max_score"] == 3


def test_submit_right_after_typing_saves_every_typed_answer_first(
    live_app: Flask, live_url: str, new_page: Any
) -> None:
    quiz = Quiz(live_app, live_url, new_page())
    for index in range(len(TYPED)):
        quiz.type_answer(index)
    # No pause: every answer is still waiting for the typing pause when Submit is pressed.
    quiz.summary.focus()
    quiz.page.keyboard.press("Enter")
    expect(quiz.page.locator("[data-submit]")).to_contain_text("You answered 3 of 3 questions.")
    expect(quiz.submit).to_be_focused()
    quiz.page.keyboard.press("Enter")
    quiz.expect_full_marks()
    puts = [i for i, (m, u) in enumerate(quiz.requests) if m == "PUT" and RESPONSES.search(u)]
    posts = [i for i, (m, u) in enumerate(quiz.requests) if m == "POST" and u.endswith("/submit")]
    assert len(posts) == 1 and puts and max(puts) < posts[0]


def test_submit_waits_for_a_save_on_its_way(live_app: Flask, live_url: str, new_page: Any) -> None:
    page = new_page()
    held: list[Any] = []

    def hold_the_first_two(route: Any) -> None:
        if len(held) < 2:
            held.append(route)
        else:
            route.continue_()

    page.route(RESPONSES, hold_the_first_two)
    quiz = Quiz(live_app, live_url, page)
    quiz.type_answer(0)
    quiz.type_answer(1)
    while len(held) < 2:  # both PUTs have left the page and the server has not answered
        page.wait_for_timeout(50)
    quiz.card(0).locator(".status", has_text="Saving…").wait_for()
    quiz.type_answer(2)
    quiz.summary.click()
    quiz.submit.click()
    page.wait_for_timeout(1500)
    assert not quiz.submitted(), "submitted while a save was still on its way"
    expect(quiz.submit).to_be_disabled()
    expect(quiz.note).to_have_text("Saving your answers…")
    for route in held:
        route.continue_()
    quiz.expect_full_marks()


def test_submit_retries_a_save_that_failed_on_the_network(
    live_app: Flask, live_url: str, new_page: Any
) -> None:
    page = new_page()
    failures: list[str] = []

    def fail_once(route: Any) -> None:
        if failures:
            route.continue_()
        else:
            failures.append(route.request.url)
            route.abort("internetdisconnected")

    page.route(RESPONSES, fail_once)
    quiz = Quiz(live_app, live_url, page)
    quiz.type_answer(0)
    quiz.type_answer(1)
    quiz.type_answer(2)
    quiz.card(0).locator(".status", has_text="no connection").wait_for()
    # The page would retry in a second; Submit does not wait for that, it retries now.
    quiz.summary.click()
    expect(page.locator("[data-submit]")).to_contain_text("Not saved yet: question 1")
    quiz.submit.click()
    quiz.expect_full_marks()
    assert len(failures) == 1


def test_an_answer_that_cannot_be_saved_stops_the_submit_and_says_which(
    live_app: Flask, live_url: str, new_page: Any
) -> None:
    page = new_page()
    offline = {"on": True}
    second = {"id": 0}

    def maybe_fail(route: Any) -> None:
        # The server unreachable while the device is online (no offline banner, no queue).
        if offline["on"] and route.request.url.endswith(f"/responses/{second['id']}"):
            route.abort("connectionfailed")
        else:
            route.continue_()

    page.route(RESPONSES, maybe_fail)
    quiz = Quiz(live_app, live_url, page)
    second["id"] = quiz.items[1]["id"]
    for index in range(len(TYPED)):
        quiz.type_answer(index)
    quiz.summary.click()
    quiz.submit.click()
    expect(quiz.problem).to_contain_text(
        "Not submitted: your answer to question 2 (no connection to the server) could not be saved"
    )
    expect(quiz.problem).to_have_attribute("role", "alert")
    expect(quiz.problem).to_be_in_viewport()
    expect(quiz.submit).to_be_enabled()
    expect(quiz.card(1)).to_have_class(re.compile(r"\bunsaved\b"))
    assert not quiz.submitted()
    # The other answers were saved; the learner retries once the connection is back.
    expect(quiz.card(0).locator(".status")).to_have_text("Saved ✓")
    offline["on"] = False
    quiz.submit.click()
    quiz.expect_full_marks()


def test_an_answer_typed_just_before_leaving_the_page_is_saved(
    live_app: Flask, live_url: str, new_page: Any
) -> None:
    page = new_page()
    quiz = Quiz(live_app, live_url, page)
    quiz.type_answer(1)
    page.goto("about:blank")  # at once: the typing pause has not passed
    item = quiz.items[1]["id"]
    for _ in range(50):
        attempt = quiz.learner.get(f"/api/attempts/{quiz.attempt['id']}")
        response = next(i["response"] for i in attempt["items"] if i["id"] == item)
        if response:
            break
        page.wait_for_timeout(100)
    assert response == quiz.right[item]


def test_offline_the_page_says_so_and_submits_when_the_connection_is_back(
    live_app: Flask, live_url: str, new_page: Any
) -> None:
    page = new_page()
    quiz = Quiz(live_app, live_url, page)
    banner = page.locator("#offline")
    expect(banner).to_be_hidden()
    for index in range(len(TYPED)):
        quiz.type_answer(index)
    expect(quiz.card(2).locator(".status")).to_have_text("Saved ✓")
    page.context.set_offline(True)
    expect(banner).to_be_visible()
    expect(banner).to_contain_text("You are offline")
    quiz.summary.click()
    quiz.submit.click()
    expect(quiz.note).to_contain_text("submitted as soon as the connection is back")
    assert quiz.learner.get(f"/api/attempts/{quiz.attempt['id']}")["state"] == "in_progress"
    page.context.set_offline(False)
    quiz.expect_full_marks()
    expect(banner).to_be_hidden()


def test_an_answer_given_offline_survives_the_page_closing_and_is_sent_when_back(
    live_app: Flask, live_url: str, new_page: Any
) -> None:
    page = new_page()
    quiz = Quiz(live_app, live_url, page)
    context = page.context
    context.set_offline(True)
    # The banner keeps the foot of the screen: the quiz's sticky bar stays in view above.
    banner, bar = page.locator("#offline"), page.locator("[data-quiz-bar]")
    expect(banner).to_be_visible()
    low, high = banner.bounding_box(), bar.bounding_box()
    assert high["y"] + high["height"] <= low["y"], "the offline banner covers the quiz bar"
    quiz.type_answer(1)
    expect(quiz.card(1).locator(".status")).to_contain_text("no connection")
    page.close()  # closed while offline: the answer was never saved
    context.set_offline(False)
    item = quiz.items[1]["id"]
    assert quiz.learner.get(f"/api/attempts/{quiz.attempt['id']}")["items"][1]["response"] is None

    again = context.new_page()
    again.goto(f"{live_url}/#/attempt/{quiz.attempt['id']}")
    card = again.locator(f'fieldset[data-item="{item}"]')
    expect(card.locator("input")).to_have_value(quiz.right[item]["text"])
    expect(card.locator(".status")).to_have_text("Saved ✓")
    saved = quiz.learner.get(f"/api/attempts/{quiz.attempt['id']}")["items"][1]["response"]
    assert saved == quiz.right[item]
    # Once saved, nothing is kept on the device for it.
    assert again.evaluate("localStorage.getItem('sourcequiz:unsaved')") == "{}"


def test_a_blank_left_empty_is_named_in_the_summary(
    live_app: Flask, live_url: str, new_page: Any
) -> None:
    page = new_page()
    quiz = Quiz(live_app, live_url, page)
    quiz.type_answer(0)
    quiz.type_answer(1)
    cloze = next(i for i, item in enumerate(quiz.items) if item["type"] == "cloze")
    quiz.card(cloze).get_by_label("Blank 1").fill(quiz.right[quiz.items[cloze]["id"]]["blanks"][0])
    expect(quiz.card(cloze).locator(".status")).to_have_text("Saved ✓")
    number = cloze + 1
    link = page.get_by_role("link", name=f"Question {number}: partly answered")
    expect(link).to_have_class("partial")
    quiz.summary.click()
    expect(page.locator("[data-partly]")).to_have_text(
        f"Partly answered (something left blank): question {number}."
    )
    expect(page.locator("[data-submit]")).not_to_contain_text("Every question is answered.")
