"""Quizzes whose fixed questions test the same fact or give each other away: the builder
shows the server's warnings after creating the quiz, the quiz's page shows them too, both name
the questions by their prompts with the reason, and removing one of a pair clears them."""

from __future__ import annotations

import re
from typing import Any

import pytest
from conftest import (
    PASSWORD,
    ApiUser,
    assert_accessible,
    facts_in_sentences,
    find_evidence_question,
    fits_a_phone,
    screenshot,
    sign_in,
)
from flask import Flask
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e


def test_the_builder_shows_questions_that_give_each_other_away(
    live_app: Flask, live_url: str, new_page: Any
) -> None:
    teacher = ApiUser(live_app, "teacher", "teacher")
    teacher.post("/api/classes", {"name": "History 10"})
    fact, _ = facts_in_sentences(teacher)[0]
    prompts = [
        "Pair check: which sentence says when the earliest treaty was signed?",
        "Pair check: where does the article date the first treaty between the two?",
    ]
    ids = [find_evidence_question(teacher, [fact], prompt)["id"] for prompt in prompts]

    page = new_page()
    sign_in(page, live_url, teacher.email, PASSWORD)
    page.goto(f"{live_url}/#/quiz/new")
    page.get_by_label("Text").fill("Pair check")
    page.get_by_role("button", name="Filter").click()
    expect(page.locator("[data-bank-status]")).to_have_text("Page 1 of 1 · 2 questions")
    for question_id in ids:
        page.locator(f'[data-bank-question="{question_id}"] input[type=checkbox]').check()
    page.get_by_label("Title").fill("Twins")
    page.get_by_label("Assign to class").select_option(label="History 10")
    page.get_by_role("button", name="Create and assign").click()

    # Created and assigned; the pair is named by its prompts, with the reason.
    page.get_by_role("heading", name="Twins: created").wait_for()
    expect(
        page.locator("main").get_by_text("Quiz Twins created and assigned to History 10.")
    ).to_be_visible()
    panel = page.locator("[data-warnings]")
    expect(panel.get_by_role("heading")).to_have_text(
        "Two questions of this quiz give each other away"
    )
    expect(panel.locator("[data-warning] q")).to_have_text(prompts)
    # The server names both questions by their prompts and the fact by its statement.
    expect(panel.locator("[data-warning] p")).to_have_text(
        re.compile(r"^Why: “.+” and “.+” both test the fact “In 1961 ")
    )
    assert_accessible(page, "builder, warnings")
    screenshot(page, "teacher-quiz-warnings")
    fits_a_phone(page, "teacher-quiz-warnings-phone")

    # The quiz's page shows them too; removing one of the two leaves no warning.
    page.get_by_role("link", name="Go to the quiz").click()
    page.get_by_role("heading", name="Twins", exact=True).wait_for()
    quiz_id = int(page.url.rsplit("/", 1)[1])
    expect(panel.locator("[data-warning] q")).to_have_text(prompts)
    screenshot(page, "teacher-quiz-page-warnings")
    panel.get_by_role("button", name=f"Remove from the quiz: {prompts[1]}").click()
    expect(panel).to_have_count(0)
    expect(page.locator("[data-settings]")).to_contain_text("1 fixed question")
    quiz = teacher.get(f"/api/quizzes/{quiz_id}")
    assert [q["question_id"] for q in quiz["questions"]] == ids[:1]
    assert quiz["warnings"] == []
