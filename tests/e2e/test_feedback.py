"""What the page shows under the server's rules: immediate feedback checks each answer once
and locks it; correct answers show only when the quiz reveals them; practice holds back the
facts of quizzes still open."""

from __future__ import annotations

import re
from typing import Any

import pytest
from conftest import (
    PASSWORD,
    ApiUser,
    assert_accessible,
    questions_of_types,
    screenshot,
    sign_in,
    submit_answers,
)
from flask import Flask
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e
RESPONSES = re.compile(r"/api/attempts/\d+/responses/\d+$")
LATER = "The correct answers show when you have no attempts left or the quiz closes."


class Setup:
    """A teacher, a learner in their class, and a quiz of the given types assigned to it."""

    def __init__(self, app: Flask, types: tuple[str, ...], **settings: Any) -> None:
        self.teacher = ApiUser(app, "teacher", "teacher")
        self.learner = ApiUser(app, "learner", "learner")
        school_class = self.teacher.post("/api/classes", {"name": "7B"})
        self.learner.post("/api/classes/join", {"join_code": school_class["join_code"]})
        ids = questions_of_types(self.teacher, types)
        body = {"title": "Checked quiz", "question_ids": ids, **settings}
        self.quiz = self.teacher.post("/api/quizzes", body)
        self.teacher.post(
            f"/api/quizzes/{self.quiz['id']}/assignments", {"class_id": school_class["id"]}
        )

    def start(self) -> tuple[dict[str, Any], dict[int, dict[str, Any]]]:
        attempt = self.learner.post(f"/api/quizzes/{self.quiz['id']}/attempts")
        full = self.teacher.get(f"/api/attempts/{attempt['id']}")
        return attempt, {i["id"]: i["result"]["correct_answer"] for i in full["items"]}


def expect_locked(card: Any) -> None:
    """Every control of the item is disabled."""
    expect(card).to_have_attribute("data-locked", "")
    expect(card.locator("input, select, textarea, button").first).to_be_disabled()
    expect(
        card.locator(":is(input, select, textarea, button:not([data-show-article])):enabled")
    ).to_have_count(0)


def wrong_choice(item: dict[str, Any], right: dict[str, Any]) -> str:
    return next(o["id"] for o in item["content"]["options"] if o["id"] != right["choice"])


def test_immediate_feedback_checks_each_answer_once_and_hides_answers_until_revealed(
    live_app: Flask, live_url: str, new_page: Any
) -> None:
    setup = Setup(
        live_app, ("single_choice", "short_text", "true_false", "numeric"), feedback="immediate",
        max_attempts=2,
    )  # fmt: skip
    attempt, right = setup.start()
    first, second, third, fourth = attempt["items"]
    page = new_page()
    puts: list[str] = []
    page.on("request", lambda r: puts.append(r.url) if r.method == "PUT" else None)
    sign_in(page, live_url, setup.learner.email, PASSWORD)
    page.goto(f"{live_url}/#/attempt/{attempt['id']}")
    card = page.locator(f'fieldset[data-item="{first["id"]}"]')
    card.wait_for()
    expect(card.get_by_text("You can check each answer once.")).to_be_visible()

    # Nothing is saved as it is given: only "Check answer" sends it.
    card.locator(f'input[value="{wrong_choice(first, right[first["id"]])}"]').check()
    page.locator(f'fieldset[data-item="{second["id"]}"] input').fill(right[second["id"]]["text"])
    page.wait_for_timeout(1200)
    assert puts == []
    expect(card.locator(".status")).to_have_text("Not checked yet")
    card.get_by_role("button", name="Check answer").click()
    expect(card.get_by_text("Not quite: 0 of 1 point")).to_be_visible()
    expect_locked(card)
    expect(card.get_by_role("button", name="Check answer")).to_have_count(0)
    # Attempt 1 of 2: the result shows, the correct answer does not, and the page says when.
    expect(card.locator("[data-reveal-note]")).to_have_text(LATER)
    expect(card.get_by_text("Correct answer:")).to_have_count(0)
    assert len(puts) == 1
    assert_accessible(page, "immediate feedback")
    screenshot(page, "learner-immediate-feedback")

    # Checked elsewhere (another tab): the page finds the item locked and shows it so.
    third_card = page.locator(f'fieldset[data-item="{third["id"]}"]')
    other = not right[third["id"]]["value"]
    checked = setup.learner.put(
        f"/api/attempts/{attempt['id']}/responses/{third['id']}", {"response": {"value": other}}
    )
    assert checked.status_code == 200
    third_card.locator(f'input[value="{str(right[third["id"]]["value"]).lower()}"]').check()
    third_card.get_by_role("button", name="Check answer").click()
    expect_locked(third_card)
    expect(third_card.get_by_text("Not quite: 0 of 1 point")).to_be_visible()
    expect(third_card.locator(f'input[value="{str(other).lower()}"]')).to_be_checked()

    # A reload shows checked items locked, with their results.
    page.reload()
    card.wait_for()
    expect_locked(card)
    expect(card.get_by_text("Not quite: 0 of 1 point")).to_be_visible()
    second_card = page.locator(f'fieldset[data-item="{second["id"]}"]')
    expect(second_card.locator("input")).to_be_enabled()

    # An answer given but not checked is saved and graded at submit.
    second_card.locator("input").fill(right[second["id"]]["text"])
    fourth_card = page.locator(f'fieldset[data-item="{fourth["id"]}"]')
    fourth_card.locator("input").fill(str(right[fourth["id"]]["value"]))
    submit_answers(page)
    page.locator("main p.score", has_text="Your score: 2 / 4").wait_for()
    expect(page.locator("[data-reveal-note]")).to_have_text(LATER)
    screenshot(page, "learner-result-answers-later")

    page.get_by_role("link", name="Review my answers").click()
    page.get_by_role("heading", name="Review: Checked quiz").wait_for()
    expect(page.locator("main [data-reveal-note]")).to_contain_text(LATER)
    expect(page.get_by_text("Correct answer:")).to_have_count(0)
    expect(page.locator("mark")).to_have_count(0)
    expect(page.locator("section.card")).to_have_count(4)
    assert_accessible(page, "review, answers later")
    screenshot(page, "learner-review-answers-later")


def test_answers_show_with_each_result_when_the_quiz_says_so(
    live_app: Flask, live_url: str, new_page: Any
) -> None:
    setup = Setup(
        live_app, ("single_choice", "ordering"), feedback="immediate",
        reveal_answers="after_each_attempt",
    )  # fmt: skip
    attempt, right = setup.start()
    first, second = attempt["items"]
    page = new_page()
    sign_in(page, live_url, setup.learner.email, PASSWORD)
    page.goto(f"{live_url}/#/attempt/{attempt['id']}")
    card = page.locator(f'fieldset[data-item="{first["id"]}"]')
    card.locator(f'input[value="{right[first["id"]]["choice"]}"]').check()
    card.get_by_role("button", name="Check answer").click()
    expect(card.locator(".result .ok")).to_have_text("Correct")
    expect(card.get_by_text("Correct answer:")).to_be_visible()
    expect(card.locator("mark").first).to_be_visible()
    expect(card.locator("[data-reveal-note]")).to_have_count(0)
    # An ordering left as it is shown can be checked as it is.
    order = page.locator(f'fieldset[data-item="{second["id"]}"]')
    order.get_by_role("button", name="Check answer").click()
    expect_locked(order)
    expect(order.get_by_text("Correct answer:")).to_be_visible()


def test_practice_says_how_many_facts_wait_for_open_quizzes(
    live_app: Flask, live_url: str, new_page: Any
) -> None:
    setup = Setup(live_app, ("single_choice",))
    bank = setup.teacher.get("/api/banks")[0]["id"]
    # A quiz that may draw any question of the bank (one per attempt): while it is open,
    # practice serves none of them.
    everything = setup.teacher.post(
        "/api/quizzes", {"title": "Everything", "draw": [{"bank": bank, "count": 1}]}
    )
    class_id = setup.teacher.get("/api/classes")[0]["id"]
    setup.teacher.post(f"/api/quizzes/{everything['id']}/assignments", {"class_id": class_id})
    held = setup.learner.get(f"/api/practice/next?bank={bank}")["held_back"]
    assert held > 1

    page = new_page()
    sign_in(page, live_url, setup.learner.email, PASSWORD)
    page.get_by_role("heading", name="My quizzes").wait_for()
    page.get_by_role("link", name="Practice").click()
    page.get_by_role("heading", name="Practice").wait_for()
    page.get_by_role("button", name="Start").click()
    note = page.locator("[data-held-back]")
    expect(note).to_have_text(f"{held} facts are held back until your open quizzes close.")
    expect(page.get_by_text("Nothing to practise here now.")).to_be_visible()
    assert_accessible(page, "practice, facts held back")
    screenshot(page, "learner-practice-held-back")
