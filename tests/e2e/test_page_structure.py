"""What the page takes from the server rather than copying it (question types and their labels,
quiz settings' values), lists followed to their last page, tables built one way, and the skip
link that moves focus without being taken for a page."""

from __future__ import annotations

import json
import re
from typing import Any
from urllib.parse import parse_qs, urlparse

import pytest
from conftest import PASSWORD, ApiUser, questions_of_types, screenshot, sign_in
from flask import Flask
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e
PHONE = {"width": 390, "height": 844}
QUESTIONS = re.compile(r"/api/questions(\?|$)")

# Every table of the page as the browser sees it: caption, header cells and their scope.
TABLES = """() => [...document.querySelectorAll("main table")].map((t) => ({
  caption: t.caption ? t.caption.textContent.trim() : null,
  columns: [...t.querySelectorAll("thead th")].map((th) => th.getAttribute("scope")),
  rowHeaders: [...t.querySelectorAll("tbody th")].map((th) => th.getAttribute("scope")),
  rows: t.querySelectorAll("tbody tr").length,
  cells: t.querySelectorAll("tbody tr:first-child > *").length,
}))"""


def tables_of(page: Any) -> list[dict[str, Any]]:
    return page.evaluate(TABLES)


def assert_well_formed(tables: list[dict[str, Any]], where: str) -> None:
    assert tables, f"{where}: no table"
    for table in tables:
        assert table["caption"], f"{where}: a table without a caption: {table}"
        assert table["columns"] and set(table["columns"]) == {"col"}, f"{where}: {table}"
        assert set(table["rowHeaders"]) <= {"row"}, f"{where}: {table}"
        assert table["cells"] == len(table["columns"]), f"{where}: rows and headers differ"


def last_question(teacher: ApiUser, total: int) -> dict[str, Any]:
    return teacher.get(f"/api/questions?page_size=1&page={total}")[0]


def count(teacher: ApiUser, path: str) -> int:
    """How many items a list holds, as its X-Pagination header says."""
    response = teacher.client.get(path, headers=teacher.headers)
    assert response.status_code == 200
    return int(json.loads(response.headers["X-Pagination"])["total"])


BANK_PAGE = 20  # questions a page of the bank shows (teacher.js BANK_PAGE_SIZE)


def bank_status(page_number: int, total: int) -> str:
    pages = max(1, -(-total // BANK_PAGE))
    noun = "question" if total == 1 else "questions"
    return f"Page {page_number} of {pages} · {total} {noun}"


def test_the_bank_pages_through_every_question(
    live_app: Flask, live_url: str, new_page: Any
) -> None:
    teacher = ApiUser(live_app, "teacher", "teacher")
    # Several pages, whatever the bank holds: the teacher's own questions make up the rest.
    for number in range(count(teacher, "/api/questions?page_size=1"), 130):
        teacher.post(
            "/api/questions",
            {
                "type": "true_false",
                "prompt": f"Filler {number}: the article reports a treaty.",
                "answer": True,
                "tags": ["background"],
                "difficulty": "easy",
                "explanation": "It does.",
            },
        )
    total = count(teacher, "/api/questions?page_size=1")
    pages = -(-total // BANK_PAGE)
    last = last_question(teacher, total)

    page = new_page()
    asked: list[str] = []
    page.on("request", lambda r: asked.append(r.url) if QUESTIONS.search(r.url) else None)
    sign_in(page, live_url, teacher.email, PASSWORD)
    page.goto(f"{live_url}/#/bank")
    status = page.locator("[data-bank-status]")
    cards = page.locator("[data-bank-question]")
    expect(status).to_have_text(bank_status(1, total))
    expect(cards).to_have_count(BANK_PAGE)
    expect(page.locator("[data-page-previous]")).to_be_disabled()
    # Page after page, one request each, to the last one, which holds the last question.
    for number in range(2, pages + 1):
        page.locator("[data-page-next]").click()
        expect(status).to_have_text(bank_status(number, total))
    expect(cards).to_have_count(total - BANK_PAGE * (pages - 1))
    expect(cards.filter(has_text=last["prompt"]).first).to_be_visible()
    expect(page.locator("[data-page-next]")).to_be_disabled()
    served = [parse_qs(urlparse(url).query) for url in asked]
    assert [p["page_size"] for p in served] == [[str(BANK_PAGE)]] * len(served)
    assert [p["page"][0] for p in served] == [str(n) for n in range(1, pages + 1)]
    screenshot(page, "teacher-bank-last-page")

    # A filter starts again at its first page and says how many questions match.
    page.get_by_label("Type").select_option("find_evidence")
    page.get_by_role("button", name="Filter").click()
    matching = count(teacher, "/api/questions?type=find_evidence&page_size=1")
    expect(status).to_have_text(bank_status(1, matching))
    expect(cards).to_have_count(min(matching, BANK_PAGE))


def test_a_filter_given_while_the_bank_loads_is_not_overwritten_by_the_first_load(
    live_app: Flask, live_url: str, new_page: Any
) -> None:
    """The bank's first, unfiltered load may answer after a filter the teacher gave
    meanwhile: the filtered list must stay (a race seen in CI)."""
    teacher = ApiUser(live_app, "teacher", "teacher")
    page = new_page()
    sign_in(page, live_url, teacher.email, PASSWORD)

    def slow_unfiltered(route: Any) -> None:
        if "type=" not in route.request.url:
            page.wait_for_timeout(1500)
        route.continue_()

    page.route(QUESTIONS, slow_unfiltered)
    page.goto(f"{live_url}/#/bank")
    page.get_by_label("Type").select_option("ordering")
    page.get_by_role("button", name="Filter").click()
    ordering = count(teacher, "/api/questions?type=ordering&page_size=1")
    status = page.locator("[data-bank-status]")
    expect(status).to_have_text(bank_status(1, ordering))
    page.wait_for_timeout(3500)  # the slow first load has answered by now
    expect(status).to_have_text(bank_status(1, ordering))


def test_type_labels_and_the_type_filter_come_from_the_server(
    live_app: Flask, live_url: str, new_page: Any
) -> None:
    teacher = ApiUser(live_app, "teacher", "teacher")
    served = live_app.test_client().get("/api/question-types").get_json()
    renamed = {t["type"]: f"{t['label']} (from the server)" for t in served}
    page = new_page()
    # The server's labels, changed on the way: the page can only show these if it reads them.
    page.route(
        "**/api/question-types",
        lambda route: route.fulfill(
            json=[{**t, "label": renamed[t["type"]]} for t in served],
        ),
    )
    sign_in(page, live_url, teacher.email, PASSWORD)
    page.goto(f"{live_url}/#/bank")
    page.locator("[data-bank-question]").first.wait_for()
    # The type filter offers the server's types, in its order, with its labels.
    offered = page.get_by_label("Type").locator("option").all_inner_texts()
    assert offered == ["any type"] + [renamed[t["type"]] for t in served]
    page.get_by_label("Type").select_option(label=renamed["single_choice"])
    page.get_by_role("button", name="Filter").click()
    expect(page.locator("[data-bank-status]")).to_have_text(re.compile(r"^Page 1 of"))
    kinds = page.locator("[data-bank-question] .q-meta")
    expect(kinds.first).to_have_text(re.compile("^" + re.escape(renamed["single_choice"]) + " · "))
    assert {text.split(" · ")[0] for text in kinds.all_inner_texts()} == {renamed["single_choice"]}


def test_quiz_settings_offer_the_values_the_server_accepts(
    live_app: Flask, live_url: str, new_page: Any
) -> None:
    teacher = ApiUser(live_app, "teacher", "teacher")
    page = new_page()
    document = live_app.test_client().get("/api/openapi.json").get_json()
    # A grading method the page has no words for: offered, named by its value.
    settings = document["components"]["schemas"]["QuizInput"]["properties"]
    settings["grading"]["enum"] = [*settings["grading"]["enum"], "median"]
    page.route("**/api/openapi.json", lambda route: route.fulfill(json=document))
    sign_in(page, live_url, teacher.email, PASSWORD)
    page.goto(f"{live_url}/#/quiz/new")
    grading = page.get_by_label("Grade by")
    grading.wait_for()
    assert grading.locator("option").all_inner_texts() == [
        "highest", "average", "first", "last", "median",
    ]  # fmt: skip
    feedback = page.get_by_label("Feedback")
    assert feedback.input_value() == "on_submit"  # the page's default, first, as before
    assert feedback.locator("option").all_inner_texts() == [
        "on submit", "immediate", "after close",
    ]  # fmt: skip
    difficulty = page.get_by_label("Difficulty")
    assert difficulty.locator("option").all_inner_texts() == ["any", "easy", "medium", "hard"]


def test_a_question_type_the_page_cannot_draw_says_so(
    live_app: Flask, live_url: str, new_page: Any
) -> None:
    teacher = ApiUser(live_app, "teacher", "teacher")
    learner = ApiUser(live_app, "learner", "learner")
    school_class = teacher.post("/api/classes", {"name": "7B"})
    learner.post("/api/classes/join", {"join_code": school_class["join_code"]})
    ids = questions_of_types(teacher, ("single_choice", "true_false"))
    quiz = teacher.post("/api/quizzes", {"title": "New types", "question_ids": ids})
    teacher.post(f"/api/quizzes/{quiz['id']}/assignments", {"class_id": school_class["id"]})
    attempt = learner.post(f"/api/quizzes/{quiz['id']}/attempts")
    first, second = attempt["items"]
    served = live_app.test_client().get("/api/question-types").get_json()

    def as_hotspot(route: Any) -> None:
        body = route.fetch().json()
        for item in body["items"]:
            if item["id"] == first["id"]:
                item["type"] = "hotspot"
        route.fulfill(json=body)

    page = new_page()
    # A server a step ahead of the page: a type it knows and the page does not draw.
    page.route(
        "**/api/question-types",
        lambda route: route.fulfill(
            json=[*served, {**served[0], "type": "hotspot", "label": "Hot spot"}]
        ),
    )
    page.route(re.compile(rf"/api/attempts/{attempt['id']}$"), as_hotspot)
    sign_in(page, live_url, learner.email, PASSWORD)
    page.goto(f"{live_url}/#/attempt/{attempt['id']}")
    card = page.locator(f'fieldset[data-item="{first["id"]}"]')
    expect(card.locator("legend")).to_have_text("Question 1 of 2 · Hot spot")
    expect(card.locator("[data-unsupported]")).to_have_text(
        "This question type (Hot spot) is not supported by this page: "
        "this question cannot be answered here."
    )
    # The rest of the quiz works as ever.
    other = page.locator(f'fieldset[data-item="{second["id"]}"]')
    other.locator('input[value="true"]').check()
    expect(other.locator(".status")).to_have_text(re.compile(r"^Saved ✓"))
    screenshot(page, "learner-unsupported-type")


def test_the_skip_link_moves_focus_to_the_main_region_and_is_no_page(
    live_app: Flask, live_url: str, new_page: Any
) -> None:
    teacher = ApiUser(live_app, "teacher", "teacher")
    page = new_page()
    sign_in(page, live_url, teacher.email, PASSWORD)
    page.goto(f"{live_url}/#/bank")
    heading = page.get_by_role("heading", level=1)
    expect(heading).to_have_text("The question bank")
    page.locator("[data-bank-question]").first.wait_for()

    # The skip link, followed with the keyboard.
    page.get_by_role("link", name="Skip to content").focus()
    page.keyboard.press("Enter")
    expect(page.locator("#main")).to_be_focused()
    expect(heading).to_have_text("The question bank")
    assert page.url.endswith("#/bank")
    # The next Tab goes on from the main region, not from the top.
    page.keyboard.press("Tab")
    assert page.evaluate("document.getElementById('main').contains(document.activeElement)")

    # A fragment in the address is a place on the page, not a page.
    page.evaluate("location.hash = '#main'")
    expect(page.locator("#main")).to_be_focused()
    expect(heading).to_have_text("The question bank")
    expect(page.get_by_text("There is no such page.")).to_have_count(0)
    # Loaded with one, the page shows the home page.
    page.reload()
    expect(heading).to_have_text("Teaching")
    # A hash that starts with "#/" and names no page is still "Not found".
    page.goto(f"{live_url}/#/nowhere")
    expect(heading).to_have_text("Not found")


def test_every_table_has_a_caption_and_scoped_headers(
    live_app: Flask, live_url: str, new_page: Any
) -> None:
    teacher = ApiUser(live_app, "teacher", "teacher")
    learner = ApiUser(live_app, "learner", "ann")
    school_class = teacher.post("/api/classes", {"name": "History 10"})
    learner.post("/api/classes/join", {"join_code": school_class["join_code"]})
    ids = questions_of_types(teacher, ("single_choice", "true_false"))
    quiz = teacher.post("/api/quizzes", {"title": "Two questions", "question_ids": ids})
    teacher.post(f"/api/quizzes/{quiz['id']}/assignments", {"class_id": school_class["id"]})
    attempt = learner.post(f"/api/quizzes/{quiz['id']}/attempts")
    full = teacher.get(f"/api/attempts/{attempt['id']}")
    for item in full["items"]:
        answer = {"response": item["result"]["correct_answer"]}
        saved = learner.put(f"/api/attempts/{attempt['id']}/responses/{item['id']}", answer)
        assert saved.status_code == 200
    learner.post(f"/api/attempts/{attempt['id']}/submit")

    page = new_page()
    sign_in(page, live_url, teacher.email, PASSWORD)
    for route, name, shot in (
        (f"#/class/{school_class['id']}", "History 10", "teacher-class-grades"),
        (f"#/quiz/{quiz['id']}", "Two questions", "teacher-statistics"),
    ):
        page.goto(f"{live_url}/{route}")
        expect(page.get_by_role("heading", level=1)).to_have_text(name)
        page.locator("main table tbody tr").first.wait_for()
        assert_well_formed(tables_of(page), name)
        phone_screenshot(page, f"{shot}-phone")
    page.goto(f"{live_url}/#/class/{school_class['id']}")
    grid = page.locator("table[data-grid]")
    expect(grid.locator("caption")).to_have_text("Grades and accuracy per tag in History 10")
    expect(grid.locator("tbody th[scope=row]")).to_have_text(["ann"])

    # No question: the empty message, not an empty list.
    page.goto(f"{live_url}/#/bank")
    page.get_by_label("Text").fill("no prompt says this")
    page.get_by_role("button", name="Filter").click()
    expect(page.get_by_text("No question matches these filters.")).to_be_visible()
    expect(page.locator("[data-bank-question]")).to_have_count(0)
    assert "null" not in page.locator("main").inner_text()  # an absent part is not "null"

    learner_page = new_page()
    sign_in(learner_page, live_url, learner.email, PASSWORD)
    expect(learner_page.get_by_role("heading", level=1)).to_have_text("My quizzes")
    learner_page.get_by_role("link", name="Progress").click()
    expect(learner_page.get_by_role("heading", level=1)).to_have_text("My progress")
    learner_page.locator("main table tbody tr").first.wait_for()
    assert_well_formed(tables_of(learner_page), "My progress")
    phone_screenshot(learner_page, "learner-progress-phone")


def phone_screenshot(page: Any, name: str) -> None:
    """The page at a phone's width, where nothing is wider than the screen (a wide table
    scrolls in its own region), then back at the desktop's."""
    size = page.viewport_size
    page.set_viewport_size(PHONE)
    expect(page.locator("main")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"], name
    screenshot(page, name)
    page.set_viewport_size(size)
