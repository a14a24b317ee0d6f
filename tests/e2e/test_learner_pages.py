"""Issue 13's learner pages in Chromium at a laptop's size and a phone's: the assignments as
cards, the quiz's sticky bar and navigator, the summary before submitting, the locked page at
0:00, the review with its proof beside each item, practice as a session, and errors shown where
the learner is. Every page: nothing scrolls sideways, axe finds no violation of any impact, a
screenshot under tests/artifacts/."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from conftest import (
    PASSWORD,
    PHONE,
    ApiUser,
    assert_accessible,
    close_article,
    open_article,
    questions_of_types,
    screenshot,
    sign_in,
)
from flask import Flask
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e
LAPTOP = {"width": 1280, "height": 800}
SIZES = {"laptop": LAPTOP, "phone": PHONE}
TYPES = ["single_choice", "true_false", "short_text", "numeric"]


def sized_page(new_page: Any, size: str) -> Any:
    page = new_page()
    page.set_viewport_size(SIZES[size])
    return page


def settle(page: Any) -> None:
    """Two frames: whatever scrolls into place has, and is painted."""
    page.evaluate("() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)))")


def check_page(page: Any, name: str, size: str) -> None:
    """Nothing wider than the screen, no axe violation, and a screenshot to look at."""
    settle(page)
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= SIZES[size]["width"], f"{name} scrolls sideways at {size}: {width}px"
    assert_accessible(page, f"{name} ({size})")
    screenshot(page, f"learner-{name}-{size}")


def in_viewport(page: Any, locator: Any) -> bool:
    box = locator.bounding_box()
    size = page.viewport_size
    return (
        box is not None
        and box["y"] >= 0
        and box["y"] + box["height"] <= size["height"]
        and box["x"] >= 0
        and box["x"] + box["width"] <= size["width"]
    )


class Classroom:
    """A teacher, a learner in a class, and a four-question quiz assigned to it."""

    def __init__(self, app: Flask, **settings: Any) -> None:
        self.teacher = ApiUser(app, "teacher", "teacher")
        self.learner = ApiUser(app, "learner", "learner")
        school_class = self.teacher.post("/api/classes", {"name": "History 9"})
        self.learner.post("/api/classes/join", {"join_code": school_class["join_code"]})
        self.question_ids = questions_of_types(self.teacher, TYPES)
        body = {"title": "Treaty basics", "question_ids": self.question_ids, **settings}
        self.quiz = self.teacher.post("/api/quizzes", body)
        due = (datetime.now(UTC) + timedelta(days=2)).isoformat()
        self.teacher.post(
            f"/api/quizzes/{self.quiz['id']}/assignments",
            {"class_id": school_class["id"], "due_at": due},
        )

    def keys(self, attempt_id: int) -> dict[int, Any]:
        full = self.teacher.get(f"/api/attempts/{attempt_id}")
        return {item["id"]: item["result"]["correct_answer"] for item in full["items"]}


def answer(card: Any, item: dict[str, Any], key: dict[str, Any]) -> None:
    kind = item["type"]
    if kind == "single_choice":
        card.locator(f'input[value="{key["choice"]}"]').check()
    elif kind == "true_false":
        card.locator(f'input[value="{str(key["value"]).lower()}"]').check()
    elif kind == "short_text":
        card.locator("input").fill(key["text"])
    elif kind == "numeric":
        card.locator("input").fill(str(key["value"]))
    card.locator(".status", has_text="Saved ✓").wait_for()


@pytest.mark.parametrize("size", ["laptop", "phone"])
def test_a_learner_takes_a_quiz_with_the_bar_the_navigator_and_the_summary(
    live_app: Flask, live_url: str, new_page: Any, size: str
) -> None:
    room = Classroom(live_app, time_limit_s=1800, max_attempts=1)
    page = sized_page(new_page, size)
    sign_in(page, live_url, room.learner.email, PASSWORD)

    # The assignment is a card: its class, its due date in words, a badge and a Start button.
    card = page.locator("[data-assignment]")
    expect(card).to_contain_text("Treaty basics")
    expect(card).to_contain_text("History 9 · due in 2 days")
    expect(card.locator(".badge.info")).to_have_text("To do")
    # The clock starts at Start: the card says how long the quiz gives before it is pressed.
    expect(card.locator("[data-time-limit]")).to_have_text("⏱ 30 minutes")
    check_page(page, "assignments", size)
    card.get_by_role("button", name="Start").click()

    bar = page.locator("[data-quiz-bar]")
    bar.wait_for()
    expect(page.get_by_role("timer")).to_have_text(re.compile(r"^Time left (29:\d\d|30:00)$"))
    expect(bar.locator("[data-progress]")).to_have_text("0 of 4 answered")
    check_page(page, "attempt", size)

    attempt_id = int(page.url.rsplit("/", 1)[1])
    items = room.learner.get(f"/api/attempts/{attempt_id}")["items"]
    keys = room.keys(attempt_id)
    for item in items[:3]:  # the last one is left unanswered
        answer(page.locator(f'fieldset[data-item="{item["id"]}"]'), item, keys[item["id"]])
    expect(bar.locator("[data-progress]")).to_have_text("3 of 4 answered")
    expect(bar.get_by_role("link", name="Question 1: answered")).to_have_class("answered")
    expect(bar.get_by_role("link", name="Question 4: unanswered")).to_be_visible()

    # The bar stays on screen while the page scrolls, and its links go to their question.
    page.locator(f'fieldset[data-item="{items[3]["id"]}"]').scroll_into_view_if_needed()
    assert in_viewport(page, bar)
    page.mouse.wheel(0, -20000)
    bar.get_by_role("link", name="Question 4: unanswered").click()
    fourth = page.locator("#question-4")
    expect(fourth).to_be_in_viewport()
    assert fourth.bounding_box()["y"] >= bar.bounding_box()["y"] + bar.bounding_box()["height"] - 2
    check_page(page, "attempt-answered", size)

    # The summary names what is unanswered, and a link goes there.
    page.get_by_role("button", name="Submit my answers").click()
    summary = page.locator("[data-submit]")
    expect(summary.locator("[data-unanswered]")).to_have_text("1 question unanswered: question 4.")
    assert in_viewport(page, summary.get_by_role("button", name="Submit now"))
    check_page(page, "summary", size)
    page.get_by_role("button", name="Submit now").click()

    score = page.locator("main p.score")
    expect(score).to_have_text("Your score: 3 / 4 · 75 %")
    check_page(page, "result", size)

    # The review: each item quotes the sentence that proves it; the article opens once, at it.
    page.get_by_role("link", name="Review my answers").click()
    page.get_by_role("heading", name="Review: Treaty basics").wait_for()
    expect(page.locator("main .article")).to_have_count(0)
    sections = page.locator("main section.card")
    expect(sections).to_have_count(4)
    expect(sections.last.locator(".verdict")).to_have_text("Not answered: 0 of 1 point")
    first = sections.first
    proof = first.locator("[data-proof] mark").first
    expect(proof).to_be_visible()
    check_page(page, "review", size)
    dialog = open_article(page, first)
    settle(page)
    mark = dialog.locator("mark").first
    expect(mark).to_have_text(proof.inner_text())
    assert in_viewport(page, mark), "the article opened away from its evidence"
    assert_accessible(page, f"review, the article open ({size})")
    screenshot(page, f"learner-review-article-{size}")
    close_article(page)
    expect(page.locator("main")).not_to_contain_text("characters")


def test_at_zero_the_page_locks_and_says_the_attempt_was_submitted(
    live_app: Flask, live_url: str, new_page: Any
) -> None:
    room = Classroom(live_app, time_limit_s=4)
    attempt = room.learner.post(f"/api/quizzes/{room.quiz['id']}/attempts")
    page = sized_page(new_page, "laptop")
    sign_in(page, live_url, room.learner.email, PASSWORD)
    page.goto(f"{live_url}/#/attempt/{attempt['id']}")
    first = attempt["items"][0]
    answer(
        page.locator(f'fieldset[data-item="{first["id"]}"]'),
        first,
        room.keys(attempt["id"])[first["id"]],
    )
    page.mouse.wheel(0, 5000)  # far down the page when the time runs out
    banner = page.locator("[data-time-up]")
    done = "Time is up: your attempt was submitted. See my result"
    expect(banner).to_have_text(done, timeout=15000)
    assert in_viewport(page, banner), "the time-up message is out of sight"
    expect(page.locator("fieldset.question :is(input, select, textarea):enabled")).to_have_count(0)
    assert room.learner.get(f"/api/attempts/{attempt['id']}")["state"] == "submitted"
    banner.get_by_role("link", name="See my result").click()
    expect(page.locator("main p.score")).to_contain_text("Your score: 1 / 4 · 25 %")


@pytest.mark.parametrize("size", ["laptop", "phone"])
def test_practice_is_a_session_driven_by_the_keyboard(
    live_app: Flask, live_url: str, new_page: Any, size: str
) -> None:
    learner = ApiUser(live_app, "learner", "learner")
    page = sized_page(new_page, size)
    sign_in(page, live_url, learner.email, PASSWORD)
    page.get_by_role("link", name="Practice").click()
    page.get_by_label("Session").select_option("5")
    check_page(page, "practice-start", size)
    page.get_by_role("button", name="Start").click()

    for number in range(1, 3):
        expect(page.locator("[data-session-count]")).to_have_text(f"{number} of 5")
        form = page.locator("[data-practice] form")
        first = form.locator("input").first
        first.focus()
        if first.get_attribute("type") in ("radio", "checkbox"):
            page.keyboard.press("Space")
        else:
            page.keyboard.type("1991")
        if number == 1:
            check_page(page, "practice-question", size)
        page.keyboard.press("Enter")  # checks
        go = page.locator("[data-continue]")
        expect(go).to_be_focused()
        expect(page.locator("[data-practice] .verdict")).to_be_visible()
        if number == 1:
            check_page(page, "practice-feedback", size)
        page.keyboard.press("Enter")  # goes on
    expect(page.locator("[data-session-count]")).to_have_text("3 of 5")
    page.get_by_role("button", name="End session").click()
    end = page.locator("[data-session-end]")
    expect(end.get_by_role("heading", name="Session complete")).to_be_visible()
    expect(end.locator("[data-learned] li")).to_have_count(2)
    expect(end.locator("[data-next-review]")).to_contain_text("Your next review is due")
    expect(end.locator("[data-next-review] time")).to_have_attribute(
        "datetime", re.compile(r"^\d{4}-")
    )
    check_page(page, "practice-end", size)


@pytest.mark.parametrize("size", ["laptop", "phone"])
def test_errors_show_where_the_learner_is_in_plain_words(
    live_app: Flask, live_url: str, new_page: Any, size: str
) -> None:
    learner = ApiUser(live_app, "learner", "learner")
    page = sized_page(new_page, size)
    page.goto(live_url + "/")
    check_page(page, "sign-in", size)
    page.get_by_label("Email", exact=True).first.fill(learner.email)
    page.get_by_label("Password", exact=True).fill("not the password")
    page.get_by_role("button", name="Sign in").click()
    problem = page.locator("form [data-problem]")
    expect(problem).to_have_text("Wrong email or password.")
    assert in_viewport(page, problem)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("button", name="Sign out").wait_for()

    # A wrong class code: the message under the form, in words, in view; it goes on success.
    page.get_by_label("Class code from your teacher").fill("NOSUCHCODE")
    page.get_by_role("button", name="Join").click()
    problem = page.locator("[data-join] [data-problem]")
    expect(problem).to_contain_text("join code")
    assert in_viewport(page, problem)
    assert not re.search(r"join_code|json|\{", problem.inner_text()), problem.inner_text()
    check_page(page, "join-error", size)
    teacher = ApiUser(live_app, "teacher", "teacher")
    school_class = teacher.post("/api/classes", {"name": "History 9"})
    page.get_by_label("Class code from your teacher").fill(school_class["join_code"])
    page.get_by_role("button", name="Join").click()
    expect(page.locator("[data-toast=ok]")).to_have_text(re.compile("You joined History 9."))
    expect(page.locator("[data-problem]")).to_have_count(0)

    # A page that cannot be drawn says so in words, with a way on.
    page.goto(f"{live_url}/#/attempt/999999")
    expect(page.get_by_role("heading", name="This page could not be shown")).to_be_visible()
    expect(page.get_by_role("alert")).to_contain_text("does not exist")
    check_page(page, "not-found", size)


def test_the_progress_page_fits_both_sizes(live_app: Flask, live_url: str, new_page: Any) -> None:
    room = Classroom(live_app)
    attempt = room.learner.post(f"/api/quizzes/{room.quiz['id']}/attempts")
    keys = room.keys(attempt["id"])
    for item in attempt["items"]:
        saved = room.learner.put(
            f"/api/attempts/{attempt['id']}/responses/{item['id']}",
            {"response": keys[item["id"]]},
        )
        assert saved.status_code == 200
    room.learner.post(f"/api/attempts/{attempt['id']}/submit")
    for size in SIZES:
        page = sized_page(new_page, size)
        sign_in(page, live_url, room.learner.email, PASSWORD)
        page.get_by_role("link", name="Progress").click()
        page.get_by_role("heading", name="My progress").wait_for()
        expect(page.locator("main")).to_contain_text("100 %")
        expect(page.locator("main")).not_to_contain_text("0.6667")
        check_page(page, "progress", size)


def test_a_quiz_address_marks_its_card_and_focuses_start(
    live_app: Flask, live_url: str, new_page: Any
) -> None:
    """Where an LMS launch lands a learner (issue 15): #/quiz/<id> is My quizzes with that
    quiz's card marked, in view, and its Start button focused, one key from starting."""
    room = Classroom(live_app)
    other = room.teacher.post("/api/quizzes", {"title": "Other", "question_ids": room.question_ids})
    assert other["id"] != room.quiz["id"]
    for size in SIZES:
        page = sized_page(new_page, size)
        sign_in(page, live_url, room.learner.email, PASSWORD)
        page.goto(f"{live_url}/#/quiz/{room.quiz['id']}")
        card = page.locator(f'[data-assignment="{room.quiz["id"]}"]')
        expect(card).to_have_class(re.compile(r"\bplaced\b"))
        start = card.get_by_role("button", name="Start")
        expect(start).to_be_focused()
        assert in_viewport(page, card)
        expect(page.get_by_role("link", name="My quizzes")).to_have_attribute(
            "aria-current", "page"
        )
        check_page(page, "placed-quiz", size)
    page.keyboard.press("Enter")  # at the phone's size, last
    page.wait_for_url(re.compile(r"#/attempt/\d+$"))


def test_api_problems_reach_people_in_plain_words_at_their_field(
    live_url: str, new_page: Any
) -> None:
    """What the API says is translated: a throttle's wait in minutes, a dropped connection,
    a field's message under that field (marked invalid) and never its API name."""
    page = sized_page(new_page, "phone")
    page.goto(live_url + "/")
    login = page.locator("form", has=page.get_by_role("button", name="Sign in"))
    problem = login.locator("[data-problem]")
    throttled = {
        "type": "https://sourcequiz.example/problems/too-many-requests",
        "title": "Too Many Requests",
        "status": 429,
        "detail": "10 per 15 minute",
    }
    page.route(
        "**/api/auth/login",
        lambda route: route.fulfill(
            status=429,
            json=throttled,
            headers={"Retry-After": "840", "Content-Type": "application/problem+json"},
        ),
    )
    page.get_by_label("Email", exact=True).first.fill("someone@example.test")
    page.get_by_label("Password", exact=True).fill("whatever-it-is")
    page.get_by_role("button", name="Sign in").click()
    expect(problem).to_have_text("Too many tries in a short time. Try again in 14 minutes.")
    assert in_viewport(page, problem)
    page.unroute("**/api/auth/login")

    page.route("**/api/auth/login", lambda route: route.abort("connectionrefused"))
    page.get_by_role("button", name="Sign in").click()
    expect(problem).to_have_text(
        "No connection to the server. Check your connection and try again."
    )
    page.unroute("**/api/auth/login")

    register = page.locator("form", has=page.get_by_role("button", name="Create account"))
    invalid = {
        "title": "Unprocessable Content",
        "status": 422,
        "detail": "The request did not validate; see errors for each field.",
        "errors": {"json": {"display_name": ["Shorter than minimum length 1."]}},
    }
    page.route(
        "**/api/auth/register",
        lambda route: route.fulfill(status=422, json=invalid),
    )
    register.get_by_label("Email").fill("new@example.test")
    register.get_by_label("Name").fill("x")
    register.get_by_label("Choose a password").fill("a-long-enough-password")
    register.get_by_role("button", name="Create account").click()
    name = register.get_by_label("Name")
    expect(name).to_have_attribute("aria-invalid", "true")
    note = register.locator("[data-field-error]")
    expect(note).to_have_text("Shorter than minimum length 1.")
    expect(name).to_have_accessible_description(re.compile("Shorter than minimum length 1."))
    expect(register.locator("[data-problem]")).to_have_text("Please check what you entered.")
    assert "display_name" not in register.inner_text()
    assert in_viewport(page, note)
    assert_accessible(page, "a field marked invalid")
    screenshot(page, "learner-field-error-phone")


def test_a_time_in_a_problem_is_shown_in_the_learners_words(
    live_app: Flask, live_url: str, new_page: Any
) -> None:
    """A review that opens when the quiz closes says when, as a date, not as ISO 8601."""
    closes = (datetime.now(UTC) + timedelta(days=3)).replace(microsecond=0)
    room = Classroom(live_app, feedback="after_close", closes_at=closes.isoformat())
    attempt = room.learner.post(f"/api/quizzes/{room.quiz['id']}/attempts")
    room.learner.post(f"/api/attempts/{attempt['id']}/submit")
    page = sized_page(new_page, "laptop")
    sign_in(page, live_url, room.learner.email, PASSWORD)
    page.goto(f"{live_url}/#/review/{attempt['id']}")
    notice = page.locator("main .notice")
    expect(notice).to_contain_text("opens when it closes")
    assert not re.search(r"\d{4}-\d\d-\d\dT", notice.inner_text()), notice.inner_text()
    expect(notice).to_contain_text(str(closes.year))
