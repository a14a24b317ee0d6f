"""A teacher's pages (issue 13, items 5 and 6), on a laptop (1280x800) and a phone (390x844): a
quiz's page (its questions, settings and classes; preview, edit, duplicate, unassign,
archive), the class grid's links to the learners' reviews, the bank paged from the server with
picks kept in a tray across pages and filters, the builder that makes a quiz of them, and the
charts (Chart.js, under the page's CSP). Every page: axe finds no violation of any impact,
nothing scrolls sideways, errors show where the action was, inside the screen."""

from __future__ import annotations

import re
from typing import Any

import pytest
from conftest import (
    ARTIFACTS,
    PASSWORD,
    ApiUser,
    assert_accessible,
    questions_of_types,
    screenshot,
    screenshot_of,
    sign_in,
)
from flask import Flask
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e

SIZES = {"laptop": {"width": 1280, "height": 800}, "phone": {"width": 390, "height": 844}}
TYPES = ["single_choice", "true_false", "matching", "ordering", "find_evidence"]
RIGHT_ITEMS = (0, 2)  # of the learner's attempt: the others are answered wrong (low facility)


# --- what the teacher's pages are checked for -----------------------------------------------


def assert_fits(page: Any, name: str) -> None:
    """Nothing is wider than the screen: the page does not scroll sideways."""
    page.evaluate("() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)))")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= page.viewport_size["width"], f"{name}: {width}px wide"


def assert_in_viewport(page: Any, locator: Any) -> None:
    """The element is on the screen as it is scrolled now, not somewhere above or below."""
    expect(locator).to_be_visible()
    box = locator.bounding_box()
    height = page.viewport_size["height"]
    assert box is not None and box["y"] >= 0 and box["y"] + min(box["height"], 40) <= height, box


def check_page(page: Any, name: str, size: str) -> None:
    assert_fits(page, f"{name} at {size}")
    assert_accessible(page, f"{name} at {size}")
    screenshot(page, f"teacher-{name}-{size}")


# --- the world: a class, a quiz of five types, a learner's submitted attempt -------------------


def answer(learner: ApiUser, teacher: ApiUser, quiz_id: int, right: tuple[int, ...]) -> int:
    attempt = learner.post(f"/api/quizzes/{quiz_id}/attempts")
    keys = {
        i["id"]: i["result"]["correct_answer"]
        for i in teacher.get(f"/api/attempts/{attempt['id']}")["items"]
    }
    for index, item in enumerate(attempt["items"]):
        key = keys[item["id"]]
        if index not in right:
            key = wrong(item, key)
        saved = learner.put(
            f"/api/attempts/{attempt['id']}/responses/{item['id']}", {"response": key}
        )
        assert saved.status_code == 200, saved.get_json()
    learner.post(f"/api/attempts/{attempt['id']}/submit")
    return int(attempt["id"])


def wrong(item: dict[str, Any], key: dict[str, Any]) -> dict[str, Any]:
    content = item["content"]
    if item["type"] == "single_choice":
        return {"choice": next(o["id"] for o in content["options"] if o["id"] != key["choice"])}
    if item["type"] == "true_false":
        return {"value": not key["value"]}
    if item["type"] == "ordering":
        return {"order": list(reversed(key["order"]))}
    if item["type"] == "find_evidence":
        return {"sentences": [0] if key["sentences"] != [0] else [1]}
    if item["type"] == "matching":
        options = [o["id"] for o in content["options"]]
        return {"pairs": {p: options[-1] for p in key["pairs"]}}
    raise AssertionError(item["type"])


@pytest.fixture
def world(live_app: Flask) -> dict[str, Any]:
    teacher = ApiUser(live_app, "teacher", "teacher")
    learner = ApiUser(live_app, "learner", "ada")
    school_class = teacher.post("/api/classes", {"name": "History 10"})
    learner.post("/api/classes/join", {"join_code": school_class["join_code"]})
    ids = questions_of_types(teacher, TYPES)
    quiz = teacher.post(
        "/api/quizzes",
        {
            "title": "Treaty quiz",
            "question_ids": ids,
            "points": {str(ids[0]): 2},
            "max_attempts": 3,
            "reveal_answers": "after_each_attempt",
        },
    )
    teacher.post(
        f"/api/quizzes/{quiz['id']}/assignments",
        {"class_id": school_class["id"], "due_at": "2031-05-01T15:00:00+00:00"},
    )
    attempt = answer(learner, teacher, quiz["id"], RIGHT_ITEMS)
    return {
        "teacher": teacher,
        "learner": learner,
        "class": school_class,
        "quiz": quiz,
        "questions": ids,
        "attempt": attempt,
    }


def signed_in_page(new_page: Any, live_url: str, world: dict[str, Any], size: str) -> Any:
    page = new_page()
    page.set_viewport_size(SIZES[size])
    sign_in(page, live_url, world["teacher"].email, PASSWORD)
    return page


def open_quiz(page: Any, live_url: str, quiz_id: int, title: str) -> None:
    page.goto(f"{live_url}/#/quiz/{quiz_id}")
    # The quiz page's own questions card: the Teaching page just left lists the same title
    # as a heading, so the title alone could be found before this page has loaded (seen in
    # CI: the page then loaded after a learner had started, without its points inputs).
    page.locator("main [data-questions]").wait_for()
    page.get_by_role("heading", name=title, exact=True).wait_for()


# --- a quiz's page ------------------------------------------------------------------------------


@pytest.mark.parametrize("size", SIZES)
def test_a_quiz_page_shows_previews_copies_unassigns_and_archives(
    live_url: str, new_page: Any, world: dict[str, Any], size: str
) -> None:
    teacher, quiz = world["teacher"], world["quiz"]
    page = signed_in_page(new_page, live_url, world, size)
    open_quiz(page, live_url, quiz["id"], "Treaty quiz")

    # Its questions, numbered, with type and points; its settings in words; its classes.
    questions = page.locator("[data-questions] li.quiz-question")
    expect(questions).to_have_count(len(TYPES))
    prompts = [teacher.get(f"/api/questions/{i}")["prompt"] for i in world["questions"]]
    expect(questions.locator(".q-prompt")).to_have_text(
        [f"Q{i + 1}: {p}" for i, p in enumerate(prompts)]
    )
    # Attempted: points are said, not offered for editing, and the page says why.
    expect(questions.first.locator(".q-meta")).to_have_text("Choose one · 2 points")
    expect(page.get_by_label("Points for Q1")).to_have_count(0)
    expect(page.locator("[data-questions] [data-locked-note]")).to_be_visible()
    settings = page.locator("[data-settings] dl")
    expect(settings).to_contain_text("Up to 3")
    expect(settings).to_contain_text("The best attempt counts")
    expect(settings).to_contain_text("After each attempt, as soon as results show")
    classes = page.locator("[data-classes]")
    expect(classes.locator("[data-assignment]")).to_have_text(re.compile(r"History 10 · due "))

    # The results: two charts drawn on canvases, the low-facility note naming the bars.
    charts = page.locator("figure[data-chart][data-drawn] canvas")
    expect(charts).to_have_count(2)
    legend = page.locator("[data-chart-legend]")
    expect(legend).to_contain_text("below 40 %")
    expect(legend).to_contain_text("Q2")
    expect(page.locator("table th[scope=row]").filter(has_text="Q2").first).to_be_visible()
    check_page(page, "quiz", size)

    # A preview as the learner sees it: choices to click, and the evidence picker's article.
    questions.first.get_by_role("button", name=re.compile("^Preview Q1")).click()
    dialog = page.locator("dialog[data-preview]")
    expect(dialog.get_by_text(prompts[0])).to_be_visible()
    expect(dialog.get_by_role("radio")).not_to_have_count(0)
    dialog.get_by_text("The answer").click()
    expect(dialog.locator("details.answer")).not_to_contain_text("{")
    assert_accessible(page, f"quiz preview at {size}")
    page.screenshot(path=str(ARTIFACTS / f"teacher-quiz-preview-{size}.png"))  # the screen, as seen
    dialog.get_by_role("button", name="Close").click()
    expect(dialog).to_be_hidden()
    questions.nth(4).get_by_role("button", name=re.compile("^Preview Q5")).click()
    expect(dialog.locator("[data-sentence-picker]")).to_be_visible()
    page.keyboard.press("Escape")

    # Settings edit: what is locked is disabled; a change that is allowed is saved.
    page.get_by_role("button", name="Edit settings").click()
    form = page.locator("[data-settings-form]")
    expect(form.get_by_label("Grade by")).to_be_disabled()
    assert_fits(page, f"settings form at {size}")
    assert_accessible(page, f"settings form at {size}")
    screenshot_of(page.locator("[data-settings]"), f"teacher-quiz-edit-{size}")
    form.get_by_label("Attempts allowed").fill("4")
    form.get_by_role("button", name="Save settings").click()
    expect(page.locator("[data-toast=ok]").last).to_have_text(re.compile("Settings saved"))
    expect(page.locator("[data-settings] dl")).to_contain_text("Up to 4")

    # Duplicate: the copy's page, not assigned, every field editable.
    page.get_by_role("button", name="Duplicate").click()
    page.get_by_role("heading", name="Treaty quiz (copy)").wait_for()
    expect(page.locator("[data-toast=ok]").last).to_contain_text("Copied as “Treaty quiz (copy)”")
    expect(page.locator("[data-classes]")).to_contain_text("Not assigned to any class yet.")
    expect(page.get_by_label("Points for Q1")).to_be_enabled()
    copy_id = int(page.url.rsplit("/", 1)[1])
    assert copy_id != quiz["id"]

    # Unassign the original from its class: asked first, then done and said.
    open_quiz(page, live_url, quiz["id"], "Treaty quiz")
    page.get_by_role("button", name="Unassign from History 10").click()
    page.get_by_role("button", name="Unassign from History 10").last.click()
    expect(page.locator("[data-toast=ok]").last).to_have_text(
        re.compile("Unassigned from History 10")
    )
    expect(page.locator("[data-classes]")).to_contain_text("Not assigned to any class yet.")
    assert teacher.get(f"/api/quizzes/{quiz['id']}")["assignments"] == []
    assert world["learner"].get("/api/me/assignments") == []

    # Archive it: asked first; the page says it is archived; home lists it under archived.
    page.get_by_role("button", name="Archive", exact=True).click()
    confirm = page.locator("[data-confirm]")
    expect(confirm).to_contain_text("attempts in progress are submitted")
    assert_in_viewport(page, confirm)
    confirm.get_by_role("button", name="Archive the quiz").click()
    expect(page.locator("[data-archived-note]")).to_be_visible()
    expect(page.get_by_role("button", name="Unarchive")).to_be_visible()
    assert teacher.get(f"/api/quizzes/{quiz['id']}")["archived_at"]
    page.get_by_role("link", name="Teaching").click()
    page.get_by_role("button", name="Show archived quizzes").click()
    archived = page.locator("[data-archived] li")
    expect(archived).to_have_count(1)
    expect(archived).to_contain_text("Treaty quiz")
    check_page(page, "home", size)


@pytest.mark.parametrize("size", SIZES)
def test_a_points_change_refused_because_of_attempts_is_shown_by_the_questions(
    live_url: str, new_page: Any, world: dict[str, Any], size: str
) -> None:
    """The page loaded before a learner started: the edit is refused (409), in plain words,
    where the teacher clicked, on the screen; the points can no longer be edited."""
    teacher, learner = world["teacher"], world["learner"]
    fresh = teacher.post(
        "/api/quizzes", {"title": "Fresh quiz", "question_ids": world["questions"]}
    )
    teacher.post(f"/api/quizzes/{fresh['id']}/assignments", {"class_id": world["class"]["id"]})
    page = signed_in_page(new_page, live_url, world, size)
    open_quiz(page, live_url, fresh["id"], "Fresh quiz")
    learner.post(f"/api/quizzes/{fresh['id']}/attempts")

    page.get_by_label("Points for Q3").fill("3")
    page.get_by_role("button", name="Save points").click()
    # Said next to the button, on the screen; the points go back to what they are, locked.
    problem = page.locator("[data-questions] .points-bar [data-problem]")
    expect(problem).to_contain_text("Learners have attempted this quiz")
    assert_in_viewport(page, problem)
    expect(page.get_by_label("Points for Q3")).to_be_disabled()
    expect(page.get_by_label("Points for Q3")).to_have_value("1")
    assert [q["points"] for q in teacher.get(f"/api/quizzes/{fresh['id']}")["questions"]] == [
        1.0
    ] * len(TYPES)
    assert_fits(page, f"refused edit at {size}")
    screenshot(page, f"teacher-quiz-refused-{size}")


# --- the class grid -----------------------------------------------------------------------------


@pytest.mark.parametrize("size", SIZES)
def test_a_grade_in_the_class_grid_opens_that_learners_review(
    live_url: str, new_page: Any, world: dict[str, Any], size: str
) -> None:
    page = signed_in_page(new_page, live_url, world, size)
    page.goto(f"{live_url}/#/class/{world['class']['id']}")
    page.get_by_role("heading", name="History 10").wait_for()
    link = page.locator("table[data-grid] a[data-review]")
    expect(link).to_have_count(1)
    expect(link).to_have_accessible_name(re.compile(r"review ada's attempt at Treaty quiz"))
    check_page(page, "class", size)
    link.click()
    page.wait_for_url(re.compile(rf"#/review/{world['attempt']}$"))
    page.locator("main section.card, main fieldset").first.wait_for()
    # The teacher's review names the learner, not "you".
    expect(page.locator("main .lead")).to_contain_text("ada's attempt 1, submitted")
    expect(page.locator("main section.card").first).to_contain_text("ada's answer:")
    expect(page.locator("main")).not_to_contain_text("Your answer")
    assert_fits(page, f"review at {size}")
    screenshot(page, f"teacher-review-{size}")


# --- the bank and the builder -------------------------------------------------------------------


def bank_total(teacher: ApiUser, query: str = "") -> int:
    import json

    response = teacher.client.get(f"/api/questions?page_size=1{query}", headers=teacher.headers)
    return int(json.loads(response.headers["X-Pagination"])["total"])


@pytest.mark.parametrize("size", SIZES)
def test_the_bank_pages_keeps_picks_across_filters_and_builds_a_quiz_from_them(
    live_url: str, new_page: Any, world: dict[str, Any], size: str
) -> None:
    teacher = world["teacher"]
    total = bank_total(teacher)
    pages = -(-total // 20)
    requested: list[str] = []
    page = signed_in_page(new_page, live_url, world, size)
    page.on("request", lambda r: requested.append(r.url) if "/api/questions?" in r.url else None)
    page.goto(f"{live_url}/#/bank")
    page.get_by_role("heading", name="The question bank").wait_for()
    caption = page.locator("[data-bank-status]")
    expect(caption).to_have_text(f"Page 1 of {pages} · {total} questions")
    rows = page.locator("[data-bank-question]")
    expect(rows).to_have_count(20)
    # Keys in words, never as JSON.
    for key in page.locator("[data-key]").all_inner_texts():
        assert "{" not in key and "choice" not in key, key
    check_page(page, "bank", size)

    # A preview from the bank.
    rows.first.get_by_role("button", name=re.compile("^Preview")).click()
    expect(page.locator("dialog[data-preview] fieldset")).to_be_visible()
    page.locator("dialog[data-preview]").get_by_role("button", name="Close").click()

    # Two picks on page 1, one on page 2, one after a filter change: all four in the tray.
    picked = [rows.nth(0), rows.nth(1)]
    chosen = [int(r.locator("input[type=checkbox]").get_attribute("value")) for r in picked]
    for row in picked:
        row.locator("input[type=checkbox]").check()
    page.get_by_role("button", name="Next →").click()
    expect(caption).to_have_text(f"Page 2 of {pages} · {total} questions")
    third = rows.nth(3).locator("input[type=checkbox]")
    chosen.append(int(third.get_attribute("value")))
    third.check()
    page.get_by_label("Type").select_option("true_false")
    page.get_by_role("button", name="Filter").click()
    true_false = bank_total(teacher, "&type=true_false")
    expect(caption).to_have_text(f"Page 1 of {-(-true_false // 20)} · {true_false} questions")
    fourth = rows.locator("input[type=checkbox]:not(:checked)").first
    chosen.append(int(fourth.get_attribute("value")))
    fourth.check()
    tray = page.locator("[data-tray]")
    if size == "phone":  # the tray is below the list: the bar at the screen's foot leads there
        page.get_by_role("link", name="See the picks").click()
        assert_in_viewport(page, tray.get_by_role("heading"))
    expect(tray.locator("[data-picked-question]")).to_have_count(4)
    expect(tray.get_by_role("heading")).to_have_text("Picked questions (4)")
    # Not the whole bank: the page asked for pages of 20.
    assert requested and all("page_size=20" in url for url in requested), requested

    # Remove one from the tray: its box on the page is unticked too.
    tray.get_by_role("button", name=re.compile("^Remove from the picks")).last.click()
    expect(tray.locator("[data-picked-question]")).to_have_count(3)
    expect(page.locator(f'[data-bank-question] input[value="{chosen[3]}"]')).not_to_be_checked()
    assert_fits(page, f"bank with picks at {size}")
    screenshot(page, f"teacher-bank-tray-{size}")

    tray.get_by_role("button", name="Create quiz with these 3").click()
    page.get_by_role("heading", name="Build a quiz").wait_for()
    expect(page.locator("[data-tray] [data-picked-question]")).to_have_count(3)
    # Come with picks, the quiz's form is first; the tray's button leads to its title.
    form = page.locator("[data-quiz-form]")
    expect(form).to_contain_text("3 picked questions, asked in every attempt.")
    page.locator("[data-tray]").get_by_role("button", name="Create quiz with these 3").click()
    expect(page.get_by_label("Title")).to_be_focused()
    assert_in_viewport(page, page.get_by_label("Title"))
    expect(form.locator("[data-problem]")).to_have_count(0)
    page.get_by_label("Title").fill("Picked three")
    page.get_by_label("Assign to class").select_option(label="History 10")
    page.get_by_label("Due (optional)").fill("2031-05-04T09:30")
    check_page(page, "builder", size)
    page.get_by_role("button", name="Create and assign").click()
    expect(page.locator("[data-toast=ok]").last).to_contain_text(
        "Quiz Picked three created and assigned to History 10."
    )
    # Picks that give each other away are named first, with a way on to the quiz.
    made_page = page.get_by_role("heading", name=re.compile(r"^Picked three(: created)?$"))
    made_page.wait_for()
    if made_page.inner_text().endswith("created"):
        page.get_by_role("link", name="Go to the quiz").click()
        page.get_by_role("heading", name="Picked three", exact=True).wait_for()
    expect(page.locator("[data-tray]")).to_have_count(0)
    made = teacher.get(f"/api/quizzes/{int(page.url.rsplit('/', 1)[1])}")
    assert [q["question_id"] for q in made["questions"]] == chosen[:3]
    assert [a["class_name"] for a in made["assignments"]] == ["History 10"]
    assert made["assignments"][0]["due_at"].startswith("2031-05-04")
    # The address is the quiz's: a reload shows it, not an empty builder.
    page.reload()
    page.get_by_role("heading", name="Picked three", exact=True).wait_for()


def test_a_builder_error_is_shown_in_the_form_on_the_screen(
    live_url: str, new_page: Any, world: dict[str, Any]
) -> None:
    page = signed_in_page(new_page, live_url, world, "phone")
    page.goto(f"{live_url}/#/quiz/new")
    page.get_by_role("heading", name="Build a quiz").wait_for()
    page.get_by_label("Title").fill("Nothing in it")
    page.get_by_role("button", name="Create and assign").click()
    problem = page.locator("[data-quiz-form] [data-problem]")
    expect(problem).to_be_visible()
    assert_in_viewport(page, problem)


# --- charts under the page's own CSP --------------------------------------------------------------


def test_charts_draw_under_the_content_security_policy(
    live_url: str, browser: Any, world: dict[str, Any]
) -> None:
    """Without bypass_csp (which the other tests need for axe): Chart.js loads from this origin
    and sizes its canvas through the CSSOM, which the policy allows; nothing is refused."""
    context = browser.new_context(viewport=SIZES["phone"])
    try:
        page = context.new_page()
        messages: list[str] = []
        page.on("console", lambda m: messages.append(f"{m.type}: {m.text}"))
        page.on("pageerror", lambda e: messages.append(f"pageerror: {e}"))
        sign_in(page, live_url, world["teacher"].email, PASSWORD)
        messages.clear()  # the page's first question, am I signed in, answered 401
        page.goto(f"{live_url}/#/quiz/{world['quiz']['id']}")
        canvases = page.locator("figure[data-chart][data-drawn] canvas")
        expect(canvases).to_have_count(2)
        width = canvases.first.evaluate("c => c.getBoundingClientRect().width")
        assert 200 < width <= SIZES["phone"]["width"]
        assert_fits(page, "charts under CSP")
        refused = [m for m in messages if "Content Security Policy" in m or "Refused" in m]
        assert refused == [] and not [m for m in messages if m.startswith(("error", "pageerror"))]
    finally:
        context.close()


def test_a_new_join_code_is_asked_for_first_and_the_glossary_explains_the_figures(
    live_url: str, new_page: Any, world: dict[str, Any]
) -> None:
    page = signed_in_page(new_page, live_url, world, "laptop")
    page.goto(f"{live_url}/#/class/{world['class']['id']}")
    code = page.locator("[data-join-code]")
    before = code.inner_text()
    page.locator("[data-new-code]").click()
    confirm = page.locator("[data-confirm]")
    expect(confirm).to_contain_text("A new code replaces this one at once")
    confirm.get_by_role("button", name="Cancel").click()
    expect(code).to_have_text(before)  # nothing changed
    page.locator("[data-new-code]").click()
    page.get_by_role("button", name="Make a new code").click()
    expect(code).not_to_have_text(before)
    expect(page.locator("[data-toast=ok]").last).to_contain_text("the old one no longer works")

    open_quiz(page, live_url, world["quiz"]["id"], world["quiz"]["title"])
    glossary = page.locator("[data-glossary]")
    glossary.locator("summary").click()
    expect(glossary).to_contain_text("Cronbach's alpha")
    expect(glossary).to_contain_text("under 40 % it was hard")
    assert_accessible(page, "quiz page, glossary open")
