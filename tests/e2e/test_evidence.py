"""Find the evidence by sentences: the learner selects the article's sentences with the
keyboard (full marks for exactly the key, part for part of it), the review marks the chosen
sentences and the key's in the article, an item asked before sentences (a passage of
characters) is still shown and reviewed, and practice serves it the same way."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from conftest import (
    PASSWORD,
    ApiUser,
    assert_accessible,
    close_article,
    facts_in_sentences,
    find_evidence_question,
    fits_a_phone,
    open_article,
    screenshot,
    screenshot_of,
    select_sentences,
    sign_in,
    submit_answers,
)
from flask import Flask
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e
RESPONSES = re.compile(r"/api/attempts/\d+/responses/\d+$")
SAVED = re.compile(r"^Saved ✓")


class Evidence:
    """A teacher, a learner in their class, and a quiz of two find-the-evidence questions of
    the teacher's own (the bank's content may change): one proved by one sentence, one by
    two. The learner has one attempt, so the review shows the keys."""

    def __init__(self, app: Flask, **settings: Any) -> None:
        self.teacher = ApiUser(app, "teacher", "teacher")
        self.learner = ApiUser(app, "learner", "learner")
        school_class = self.teacher.post("/api/classes", {"name": "7B"})
        self.learner.post("/api/classes/join", {"join_code": school_class["join_code"]})
        source = self.teacher.get("/api/sources/1")
        text = source["text"]
        self.sentences = [text[s["start"] : s["end"]] for s in source["sentences"]]
        facts = facts_in_sentences(self.teacher)
        # One fact in one sentence, then two facts in two other sentences: the 1961 treaty and
        # the two treaties after it where the content has them, else the first that fit.
        liked = ["treaty-1961", "treaty-2000", "clause-replaces-earlier-treaties"]
        facts.sort(key=lambda f: liked.index(f[0]["slug"]) if f[0]["slug"] in liked else 99)
        (one, self.single), rest = facts[0], facts[1:]
        pairs = [
            (a, b)
            for a in rest
            for b in rest
            if self.single not in (a[1], b[1]) and a[1] < b[1]
        ]  # fmt: skip
        (first, second) = pairs[0]
        self.pair = [first[1], second[1]]
        self.one = find_evidence_question(self.teacher, [one])
        self.two = find_evidence_question(
            self.teacher,
            [first[0], second[0]],
            "Which sentences of the article show that the new treaty follows earlier ones?",
        )
        quiz = self.teacher.post(
            "/api/quizzes",
            {
                "title": "Evidence quiz",
                "question_ids": [self.one["id"], self.two["id"]],
                "max_attempts": 1,
                **settings,
            },
        )
        self.teacher.post(
            f"/api/quizzes/{quiz['id']}/assignments", {"class_id": school_class["id"]}
        )
        self.attempt = self.learner.post(f"/api/quizzes/{quiz['id']}/attempts")
        self.first, self.second = self.attempt["items"]

    def card(self, page: Any, item: dict[str, Any]) -> Any:
        return page.locator(f'fieldset[data-item="{item["id"]}"]')


def focused_name(page: Any) -> str:
    return page.evaluate(
        "document.activeElement.getAttribute('aria-label') || document.activeElement.textContent"
    )


def shown_within(page: Any, selector: str) -> bool:
    """The element is inside its scrolling box's visible part."""
    return page.evaluate(
        """(selector) => {
            const el = document.querySelector(selector);
            const box = el.closest('.article, .sentences').getBoundingClientRect();
            const r = el.getBoundingClientRect();
            return r.top >= box.top - 1 && r.top < box.bottom;
        }""",
        selector,
    )


def test_a_learner_selects_sentences_with_the_keyboard_and_sees_them_marked_in_the_review(
    live_app: Flask, live_url: str, new_page: Any
) -> None:
    quiz = Evidence(live_app)
    single, (a, b) = quiz.single, quiz.pair
    page = new_page()
    saved: list[tuple[int, Any]] = []
    page.on(
        "request",
        lambda r: (
            saved.append((int(r.url.rsplit("/", 1)[1]), json.loads(r.post_data)["response"]))
            if r.method == "PUT" and RESPONSES.search(r.url)
            else None
        ),
    )
    sign_in(page, live_url, quiz.learner.email, PASSWORD)
    page.goto(f"{live_url}/#/attempt/{quiz.attempt['id']}")
    one, two = quiz.card(page, quiz.first), quiz.card(page, quiz.second)
    one.locator("[data-sentence-picker]").wait_for()
    # The article as its sentences, each a checkbox named by its number and first words.
    boxes = one.locator("[data-sentence-picker] input[type=checkbox]")
    expect(boxes).to_have_count(len(quiz.sentences))
    assert boxes.nth(single).get_attribute("aria-label").startswith(f"Sentence {single + 1}: ")
    expect(one.locator("[data-picked]")).to_have_text("No sentence selected.")
    # The article is one stop for Tab: only one of its sentences is in the Tab order.
    expect(one.locator("[data-sentence-picker] input[tabindex='0']")).to_have_count(1)

    select_sentences(page, one, [single])
    expect(one.locator(".status")).to_have_text(SAVED)
    expect(one.locator("[data-picked]")).to_have_text(f"1 sentence selected: {single + 1}.")
    expect(one.locator(f'label[data-sentence="{single}"]')).to_have_class(re.compile("selected"))
    assert saved == [(quiz.first["id"], {"sentences": [single]})]
    # Tab leaves the article for its "Clear selection"; Shift+Tab comes back to the sentence.
    page.keyboard.press("Tab")
    assert focused_name(page) == "Clear selection"
    page.keyboard.press("Shift+Tab")
    assert focused_name(page).startswith(f"Sentence {single + 1}: ")
    assert_accessible(page, "find the evidence by sentences")
    screenshot_of(one, "learner-evidence-sentences")

    # A wrong sentence, then one of the two right ones; "Clear selection" takes both back.
    wrong = next(i for i in (a - 1, b + 1, a + 1) if 0 <= i < len(quiz.sentences) and i != b)
    select_sentences(page, two, [wrong, a])
    expect(two.locator("[data-picked]")).to_have_text(
        f"2 sentences selected: {min(a, wrong) + 1} and {max(a, wrong) + 1}."
    )
    expect(two.locator(".status")).to_have_text(SAVED)
    two.get_by_role("button", name="Clear selection").focus()
    page.keyboard.press("Enter")
    expect(two.locator("[data-picked]")).to_have_text("No sentence selected.")
    expect(two.locator("input[type=checkbox]:checked")).to_have_count(0)
    # The server takes no empty answer: the page says the saved one still counts.
    expect(two.locator(".status")).to_have_text(re.compile("the answer saved before still counts"))
    # Space on a selected sentence deselects it too.
    select_sentences(page, two, [a])
    expect(two.locator(".status")).to_have_text(SAVED)
    page.keyboard.press("Space")
    expect(two.locator("[data-picked]")).to_have_text("No sentence selected.")
    page.keyboard.press("Space")
    expect(two.locator("[data-picked]")).to_have_text(f"1 sentence selected: {a + 1}.")
    expect(two.locator(".status")).to_have_text(SAVED)
    assert saved[-1] == (quiz.second["id"], {"sentences": [a]})
    assert all(response["sentences"] for _, response in saved)  # never an empty one
    fits_a_phone(page, "learner-evidence-phone", "Evidence quiz")

    submit_answers(page)
    # Exactly the key: 1 point; one of the two sentences of the key: half of one.
    page.locator("main p.score", has_text="Your score: 1.5 / 2").wait_for()
    page.get_by_role("link", name="Review my answers").click()
    page.get_by_role("heading", name="Review: Evidence quiz").wait_for()
    first, second = page.locator("main section.card").all()
    expect(first.locator(".result .ok")).to_have_text("Correct")
    expect(first).to_contain_text(f"Your answer: Sentence {single + 1}: “")
    # The proving sentence is quoted with the item; the article is not repeated per item.
    expect(first.locator("[data-proof]")).to_contain_text(quiz.sentences[single])
    expect(page.locator("main .article")).to_have_count(0)
    # The chosen sentence is the key's: marked as both, with the whole sentence.
    dialog = open_article(page, first)
    mark = dialog.locator(f'mark[data-marked="{single}"]')
    expect(mark).to_have_class("key chosen")
    expect(mark.locator(".badge")).to_have_text(f"Sentence {single + 1} · your choice · evidence")
    expect(mark).to_contain_text(quiz.sentences[single])
    expect(dialog.locator("[data-marked]")).to_have_count(1)
    close_article(page)

    expect(second.get_by_text("Not quite: 0.5 of 1 point")).to_be_visible()
    expect(second).to_contain_text(f"Your answer: Sentence {a + 1}: “")
    expect(second).to_contain_text(f"Correct answer: Sentences {a + 1} and {b + 1}: “")
    dialog = open_article(page, second)
    found, missed = dialog.locator(f'[data-marked="{a}"]'), dialog.locator(f'[data-marked="{b}"]')
    expect(found).to_have_class("key chosen")
    expect(missed).to_have_class("key")
    expect(missed.locator(".badge")).to_have_text(f"Sentence {b + 1} · evidence")
    expect(missed).to_contain_text(quiz.sentences[b])
    expect(dialog.locator("[data-marked]")).to_have_count(2)
    # The article opens where the article says it, not at its top.
    page.wait_for_timeout(100)
    assert shown_within(page, f'dialog[data-article-dialog] [data-marked="{a}"]')
    expect(found).to_be_in_viewport()
    assert_accessible(page, "review, the article open at the evidence")
    screenshot(page, "learner-evidence-review-article")
    close_article(page)
    expect(page.locator("main")).not_to_contain_text("characters")
    assert_accessible(page, "review, sentences marked")
    screenshot(page, "learner-evidence-review")
    screenshot_of(second, "learner-evidence-review-item")
    fits_a_phone(page, "learner-evidence-review-phone", "Review: Evidence quiz")


def test_under_immediate_feedback_the_selected_sentences_are_checked_once(
    live_app: Flask, live_url: str, new_page: Any
) -> None:
    quiz = Evidence(live_app, feedback="immediate", reveal_answers="after_each_attempt")
    page = new_page()
    puts: list[str] = []
    page.on("request", lambda r: puts.append(r.url) if r.method == "PUT" else None)
    sign_in(page, live_url, quiz.learner.email, PASSWORD)
    page.goto(f"{live_url}/#/attempt/{quiz.attempt['id']}")
    two = quiz.card(page, quiz.second)
    two.locator("[data-sentence-picker]").wait_for()
    select_sentences(page, two, quiz.pair)
    expect(two.locator(".status")).to_have_text("Not checked yet")
    page.keyboard.press("Space")  # the last one off, and on again: still nothing sent
    page.keyboard.press("Space")
    assert puts == []
    two.get_by_role("button", name="Check answer").focus()
    page.keyboard.press("Enter")
    expect(two.locator(".result .ok")).to_have_text("Correct")
    assert len(puts) == 1
    # Locked: no sentence can change; the key's sentences are marked in the article.
    expect(two.locator("input[type=checkbox]:enabled")).to_have_count(0)
    expect(two.get_by_role("button", name="Clear selection")).to_have_count(0)
    dialog = open_article(page, two)
    for index in quiz.pair:
        expect(dialog.locator(f'mark[data-marked="{index}"]')).to_have_class("key chosen")
    close_article(page)
    # An item not answered cannot be checked empty.
    one = quiz.card(page, quiz.first)
    one.get_by_role("button", name="Check answer").click()
    expect(one.locator(".status")).to_have_text("Answer first, then check it.")
    select_sentences(page, one, [quiz.single])
    page.keyboard.press("Space")  # taken back: nothing to check again
    one.get_by_role("button", name="Check answer").click()
    expect(one.locator(".status")).to_have_text("Answer first, then check it.")
    assert len(puts) == 1
    assert_accessible(page, "find the evidence, checked")
    screenshot_of(two, "learner-evidence-checked")


def test_an_item_asked_before_sentences_is_answered_and_reviewed_as_a_passage(
    live_app: Flask, live_url: str, new_page: Any
) -> None:
    """An attempt started before sentences keeps `content.source_length` and answers and keys
    of character offsets. None can be made any more, so the server's answers are rewritten on
    their way to the page: the page must choose the widget from the item's content."""
    quiz = Evidence(live_app)
    attempt_id, item = quiz.attempt["id"], quiz.first
    text = quiz.teacher.get("/api/sources/1")["text"]
    evidence = quiz.teacher.get(f"/api/questions/{quiz.one['id']}")["evidence"][0]
    passage = {"start": evidence["start"], "end": evidence["end"]}

    def as_before_sentences(entry: dict[str, Any]) -> None:
        if entry["id"] != item["id"]:
            return
        content = entry["content"]
        del content["sentence_count"]
        content["source_length"] = len(text)
        result = entry.get("result")
        if result:
            entry["response"] = dict(passage)
            result["correct_answer"] = dict(passage)
            result["detail"] = [{"recall": 1.0, "precision": 1.0}]
            for span in result["evidence"]:
                span.pop("sentences", None)

    def rewrite(route: Any) -> None:
        body = route.fetch().json()
        for entry in body["items"]:
            as_before_sentences(entry)
        route.fulfill(json=body)

    put: list[Any] = []

    def save(route: Any) -> None:  # what the server said to such answers then
        put.append(json.loads(route.request.post_data)["response"])
        route.fulfill(
            json={"item_id": item["id"], "result": None, "saved_at": "2024-06-20T00:00:00Z"}
        )

    page = new_page()
    page.route(re.compile(rf"/api/attempts/{attempt_id}(/review)?$"), rewrite)
    page.route(re.compile(rf"/api/attempts/{attempt_id}/responses/{item['id']}$"), save)
    sign_in(page, live_url, quiz.learner.email, PASSWORD)
    page.goto(f"{live_url}/#/attempt/{attempt_id}")
    card = quiz.card(page, item)
    # The passage widget for it, sentences for the other item.
    expect(card.locator("textarea.source")).to_have_value(text)
    expect(card.locator("[data-sentence-picker]")).to_have_count(0)
    expect(quiz.card(page, quiz.second).locator("[data-sentence-picker]")).to_have_count(1)
    # Found by typing a phrase, selected, used: with the keyboard.
    card.get_by_label("Or type a phrase from the passage").focus()
    page.keyboard.type(evidence["text"])
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    card.get_by_role("button", name="Use the selected passage").focus()
    page.keyboard.press("Enter")
    expect(card.locator(".status")).to_have_text(SAVED)
    assert put == [passage]
    screenshot_of(card, "learner-evidence-passage")

    # The real attempt is answered and submitted; its review comes back as it was then.
    page.unroute(re.compile(rf"/api/attempts/{attempt_id}/responses/{item['id']}$"))
    answer = {"response": {"sentences": [quiz.single]}}
    saved = quiz.learner.put(f"/api/attempts/{attempt_id}/responses/{item['id']}", answer)
    assert saved.status_code == 200
    quiz.learner.post(f"/api/attempts/{attempt_id}/submit")
    page.goto(f"{live_url}/#/review/{attempt_id}")
    page.get_by_role("heading", name="Review: Evidence quiz").wait_for()
    first = page.locator("main section.card").first
    expect(first).to_contain_text(f"Your answer: “{evidence['text']}”")
    expect(first).to_contain_text(f"Correct answer: “{evidence['text']}”")
    expect(first.locator("mark")).to_have_text([evidence["text"]])
    expect(first.locator("[data-marked]")).to_have_count(0)
    assert_accessible(page, "review of an item asked before sentences")


def test_practice_asks_for_sentences_and_marks_them_in_its_feedback(
    live_app: Flask, live_url: str, new_page: Any
) -> None:
    """Which question practice serves is the scheduler's choice, so the page is served one of
    the teacher's find-the-evidence questions as practice serves it (and that answer's
    feedback, evidence without `sentences`): the same widget, the same marks."""
    teacher = ApiUser(live_app, "teacher", "teacher")
    learner = ApiUser(live_app, "learner", "learner")
    fact, sentence = facts_in_sentences(teacher)[0]
    question = find_evidence_question(teacher, [fact])
    source = teacher.get("/api/sources/1")
    served = {
        "question": {
            "question_id": question["id"],
            "version": 1,
            "type": "find_evidence",
            "prompt": question["prompt"],
            "content": {
                **question["content"],
                "source_id": 1,
                "sentence_count": len(source["sentences"]),
            },
            "is_new": True,
            "due": None,
        },
        "next_due": None,
        "new_today": 0,
        "new_per_day": 10,
        "held_back": 0,
    }
    span = question["evidence"][0]
    feedback = {
        "result": {
            "score": 1.0,
            "points": 1.0,
            "correct": True,
            "detail": [{"sentence": sentence, "correct": True}],
            "correct_answer": {"sentences": [sentence]},
            "explanation": question["explanation"],
            "evidence": [
                {"source_id": 1, "start": span["start"], "end": span["end"], "text": span["text"]}
            ],
        },
        "rating": "Good",
        "next_due": "2030-01-01T00:00:00Z",
    }
    answers: list[Any] = []

    def answer(route: Any) -> None:
        answers.append(json.loads(route.request.post_data))
        route.fulfill(json=feedback)

    page = new_page()
    page.route(re.compile(r"/api/practice/next\?"), lambda route: route.fulfill(json=served))
    page.route(re.compile(rf"/api/practice/{question['id']}/answer$"), answer)
    sign_in(page, live_url, learner.email, PASSWORD)
    page.get_by_role("link", name="Practice").click()
    page.get_by_role("button", name="Start").click()
    card = page.locator("fieldset[data-type=find_evidence]")
    card.locator("[data-sentence-picker]").wait_for()
    # Practice puts the focus on the article's sentence in the Tab order.
    assert page.evaluate("document.activeElement.getAttribute('aria-label')").startswith(
        "Sentence 1: "
    )
    select_sentences(page, card, [sentence])
    page.get_by_role("button", name="Check my answer").click()
    expect(page.locator(".result .ok")).to_have_text("Correct")
    assert answers == [{"response": {"sentences": [sentence]}}]
    dialog = open_article(page, page.locator("main"))
    expect(dialog.locator(f'mark[data-marked="{sentence}"]')).to_have_class("key chosen")
    close_article(page)
    assert_accessible(page, "practice, find the evidence")
    screenshot(page, "learner-practice-evidence")
