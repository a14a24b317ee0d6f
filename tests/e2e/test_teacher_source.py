"""The whole flow of a teacher's own source in the browser (issue 12): paste an article,
review the drafted facts with their evidence in the article, accept, edit, reject, add one of
your own from a selection, preview and publish the bank, build a quiz from it; a learner
takes it."""

from __future__ import annotations

import re
from typing import Any

import pytest
from conftest import (
    PASSWORD,
    ApiUser,
    assert_accessible,
    fits_a_phone,
    screenshot,
    sign_in,
    submit_answers,
)
from flask import Flask
from playwright.sync_api import expect
from test_pages import keyboard_answer

pytestmark = pytest.mark.e2e
SAVED = re.compile(r"^Saved ✓")

ARTICLE = """Andean nations sign water-sharing treaty

LIMA, Peru — Chile, Peru and Bolivia signed a treaty on Tuesday to share the waters of the \
Lauca river, ending a dispute that began in 1962.

The agreement was negotiated under the Organization of American States (OAS), which \
hosted the talks in Lima on March 3.

“This treaty turns a border of quarrels into a border of cooperation,” Foreign Minister \
Elena Vargas said at the signing ceremony.

The three countries will spend $450 million over 10 years on reservoirs and canals, \
according to the treaty.

Carlos Mendoza, a hydrologist at the University of Chile, said the plan was realistic.

“The river carries enough water for all three countries,” he told reporters. “What it \
lacked was a rule for sharing it.”

The International Court of Justice (ICJ) ruled on a related dispute in 2022.
"""


def select_passage(page: Any, passage: str) -> None:
    """Select `passage` in the article box, as a mouse would, and let go."""
    page.evaluate(
        """(passage) => {
          const box = document.querySelector("[data-article]");
          const walker = document.createTreeWalker(box, NodeFilter.SHOW_TEXT);
          let node, offset = -1;
          while ((node = walker.nextNode())) {
            offset = node.textContent.indexOf(passage);
            if (offset >= 0) break;
          }
          const range = document.createRange();
          range.setStart(node, offset);
          range.setEnd(node, offset + passage.length);
          const selection = window.getSelection();
          selection.removeAllRanges();
          selection.addRange(range);
          box.dispatchEvent(new MouseEvent("mouseup", { bubbles: true }));
        }""",
        passage,
    )


def test_a_teacher_turns_a_new_article_into_a_quiz_a_learner_takes(
    live_app: Flask, live_url: str, new_page: Any
) -> None:
    teacher = ApiUser(live_app, "teacher", "tess")
    learner = ApiUser(live_app, "learner", "leo")
    school_class = teacher.post("/api/classes", {"name": "Geography 9"})
    learner.post("/api/classes/join", {"join_code": school_class["join_code"]})

    page = new_page()
    sign_in(page, live_url, teacher.email, PASSWORD)
    page.get_by_role("link", name="Sources").click()
    page.get_by_role("heading", name="Sources", exact=True).wait_for()
    page.get_by_label("Title", exact=True).fill("Andean water treaty")
    page.get_by_label("Publisher").fill("Andes Herald")
    # A headline pasted for an article: the API's own words say what is wrong, in view.
    page.get_by_label("Paste the article's text").fill("Too short.")
    page.get_by_role("button", name="Add and draft facts").click()
    problem = page.get_by_role("alert").filter(has_text="characters long")
    expect(problem).to_contain_text("The article's text is 10 characters long; give at least 200")
    expect(problem).to_be_in_viewport()
    page.get_by_label("Paste the article's text").fill(ARTICLE)
    assert_accessible(page, "add a source")
    screenshot(page, "teacher-sources")
    fits_a_phone(page, "teacher-sources-phone")
    page.get_by_role("button", name="Add and draft facts").click()
    page.get_by_role("heading", name="Andean water treaty").wait_for()

    # The drafted facts, grouped by kind, each with its evidence.
    for kind in ("date", "quote", "definition", "entity", "number", "list"):
        assert page.locator(f'section[data-kind="{kind}"] li[data-fact]').count() >= 1, kind
    quotes = page.locator('section[data-kind="quote"] li[data-fact]')
    assert "Elena Vargas" in quotes.first.inner_text()
    assert page.locator("li[data-status=proposed]").count() == page.locator("li[data-fact]").count()
    # "Show in the article" marks that fact's evidence in the article.
    card = quotes.nth(1)
    evidence = card.locator("blockquote").inner_text()
    card.get_by_role("button", name="Show in the article").click()
    assert page.locator("[data-article] mark").inner_text() == evidence
    assert_accessible(page, "review")
    screenshot(page, "teacher-source-review")
    fits_a_phone(page, "teacher-source-review-phone")

    # Reject the list, edit a date's tags, accept everything else.
    page.locator('section[data-kind="list"] li[data-fact]').first.get_by_role(
        "button", name="Reject"
    ).click()
    page.locator('section[data-kind="list"] li[data-status="rejected"]').wait_for()
    date = page.locator('section[data-kind="date"] li[data-fact]').first
    date.locator("summary").click()
    date_id = date.get_attribute("data-fact")
    date.get_by_label("Tags (comma-separated)").fill("Treaty Dates")  # made a tag: treaty-dates
    date.get_by_role("button", name="Save").click()
    page.wait_for_function(
        """(id) => [...document.querySelectorAll(`li[data-fact="${id}"] input`)]
          .some((input) => input.value === "treaty-dates")""",
        arg=date_id,
    )
    source_id = int(page.url.rsplit("/", 1)[1])
    saved = teacher.get(f"/api/sources/{source_id}/facts?page_size=100")
    assert next(f for f in saved if f["id"] == int(date_id))["tags"] == ["treaty-dates"]
    # A bad answer: the message shows in the fact's card, on screen, in plain words.
    year_card = page.locator('section[data-kind="date"] li[data-fact]', has_text="Year: 1962")
    year_card.locator("summary").click()
    year_card.get_by_label("Answer", exact=True).fill("long ago")
    year_card.get_by_role("button", name="Save").click()
    problem = year_card.get_by_role("alert")
    problem.wait_for()
    assert "year, as digits" in problem.inner_text()
    box = problem.bounding_box()
    assert box is not None and box["y"] >= 0 and box["y"] + box["height"] <= 900  # on screen
    proposed = page.locator("li[data-status=proposed]")
    while proposed.count():
        before = proposed.count()
        proposed.first.get_by_role("button", name="Accept").click()
        page.wait_for_function(
            "(n) => document.querySelectorAll('li[data-status=proposed]').length < n", arg=before
        )
    assert page.locator("li[data-status=accepted]").count() >= 8

    # A fact of the teacher's own, from a passage selected in the article.
    select_passage(page, "ending a dispute that began in 1962")
    own = page.locator("form[data-own-fact]")
    own.wait_for()
    own.get_by_label("Kind").select_option("date")
    own.get_by_label("Statement").fill("The dispute over the Lauca river began in 1962.")
    own.get_by_label("Year").fill("1962")
    own.get_by_label("What happened").fill("The dispute over the Lauca river began.")
    own.get_by_role("button", name="Add fact").click()
    own_card = page.locator('section[data-kind="date"] li[data-fact]', has_text="Lauca river began")
    own_card.wait_for()
    assert own_card.get_attribute("data-status") == "accepted"

    # Preview, then publish. A reason for leaving a question out names the others by their
    # prompts, never by the generator's slugs (two reasons added on the way, as the lint words
    # them).
    def with_reasons(route: Any) -> None:
        body = route.fetch().json()
        kept = body["questions"][0]
        body["left_out"] += [
            {"subject": "date-9--numeric", "reason": f"asks for the same answer as '{kept['id']}'"},
            {"subject": "date-9--cloze", "reason": "gives away 'date-9--numeric': '1962'"},
        ]
        route.fulfill(json=body)

    page.route(re.compile(r"/api/sources/\d+/bank$"), with_reasons)
    page.get_by_role("button", name="Preview the bank").click()
    preview = page.locator("[data-preview]")
    preview.wait_for()
    drafted = preview.locator("ol > li").count()
    assert drafted >= 6
    reasons = preview.locator("[data-left-out]")
    expect(reasons.nth(-2)).to_have_text(re.compile(r"^asks for the same answer as “.+”$"))
    expect(reasons.last).to_have_text("gives away another question: '1962'")
    assert "--" not in preview.inner_text()
    page.unroute(re.compile(r"/api/sources/\d+/bank$"))
    page.get_by_role("button", name="Publish the bank").click()
    published = page.locator("[data-published]")
    published.wait_for()
    assert f"{drafted} new questions" in published.inner_text()
    screenshot(page, "teacher-source-published")

    # A quiz that draws five questions from the new bank, assigned to the class.
    page.get_by_role("link", name="Build a quiz").first.click()
    page.get_by_role("heading", name="Build a quiz").wait_for()
    page.get_by_label("Title", exact=True).fill("Water treaty quiz")
    draw = page.locator("fieldset", has_text="Draw at random")
    draw.get_by_label("Bank", exact=True).select_option(label="Andean water treaty")
    page.get_by_label("How many", exact=True).fill("5")
    page.get_by_label("Assign to class").select_option(label="Geography 9")
    page.get_by_role("button", name="Create and assign").click()
    page.get_by_role("heading", name=re.compile("^Water treaty quiz")).wait_for()

    # The learner takes it in the browser and gets every answer right.
    learner_page = new_page()
    sign_in(learner_page, live_url, learner.email, PASSWORD)
    learner_page.get_by_role("heading", name="My quizzes").wait_for()
    learner_page.get_by_role("button", name="Start").click()
    learner_page.get_by_role("button", name="Submit my answers").wait_for()
    attempt_id = int(learner_page.url.rsplit("/", 1)[1])
    key = {
        i["id"]: i["result"]["correct_answer"]
        for i in teacher.get(f"/api/attempts/{attempt_id}")["items"]
    }
    items = learner.get(f"/api/attempts/{attempt_id}")["items"]
    # Up to five: a draw never asks one fact twice nor pairs questions that give each other away.
    assert 3 <= len(items) <= 5
    bank = next(b for b in teacher.get("/api/banks") if b["title"] == "Andean water treaty")
    questions = teacher.get(f"/api/questions?bank={bank['id']}&page_size=100")
    assert {i["prompt"] for i in items} <= {q["prompt"] for q in questions}
    for item in items:
        keyboard_answer(learner_page, item, key[item["id"]])
    screenshot(learner_page, "learner-teacher-source-quiz")
    submit_answers(learner_page)
    learner_page.locator(
        "main p.score", has_text=f"Your score: {len(items)} / {len(items)}"
    ).wait_for()


def test_a_new_version_shows_what_changed_and_a_stale_fact_is_re_anchored(
    live_app: Flask, live_url: str, new_page: Any
) -> None:
    teacher = ApiUser(live_app, "teacher", "rita")
    source = teacher.post(
        "/api/sources",
        {"title": "Andean water treaty", "publisher": "Andes Herald", "text": ARTICLE},
    )
    for fact in teacher.get(f"/api/sources/{source['id']}/facts?page_size=100"):
        teacher.client.patch(
            f"/api/sources/{source['id']}/facts/{fact['id']}",
            json={"status": "accepted"},
            headers=teacher.headers,
        )
    assert teacher.put(f"/api/sources/{source['id']}/bank", {}).status_code == 200

    page = new_page()
    sign_in(page, live_url, teacher.email, PASSWORD)
    page.goto(f"{live_url}/#/source/{source['id']}")
    page.get_by_role("heading", name="Andean water treaty").wait_for()
    old = "The agreement was negotiated under the Organization of American States (OAS)"
    new = "The agreement was negotiated under the auspices of the United Nations"
    page.get_by_text("The article was updated: add the new version").click()
    page.get_by_label("The article's new text").fill(ARTICLE.replace(old, new))
    page.get_by_role("button", name="Compare and add version").click()
    changes = page.locator("[data-changes]")
    changes.wait_for()
    assert "Changed:" in changes.inner_text() and "United Nations" in changes.inner_text()
    # The date fact "hosted the talks in Lima on March 3" kept its words, not its subject.
    assert "March 3" in page.locator("[data-to-check]").inner_text()
    stale = page.locator("li[data-status=stale]")
    assert stale.count() >= 1
    assert_accessible(page, "new version")
    screenshot(page, "teacher-source-new-version")
    fits_a_phone(page, "teacher-source-new-version-phone")

    # Re-anchor the first stale fact on the new sentence: back to review, then accepted.
    first = stale.first
    fact_id = first.get_attribute("data-fact")
    select_passage(page, new)
    first.get_by_role("button", name="Re-anchor on the selection").click()
    card = page.locator(f'li[data-fact="{fact_id}"][data-status=proposed]')
    card.wait_for()
    assert new in card.locator("blockquote").inner_text()
    card.get_by_role("button", name="Accept").click()
    page.locator(f'li[data-fact="{fact_id}"][data-status=accepted]').wait_for()

    # The old version is kept, read-only, and points to the new one.
    page.goto(f"{live_url}/#/source/{source['id']}")
    notice = page.locator("[data-old-version]")
    notice.wait_for()
    assert "This is version 1" in notice.inner_text()
