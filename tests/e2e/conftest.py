"""A live server on a free port with a fresh database, and Debian's Chromium driven by
Playwright. Without /usr/bin/chromium the browser tests are skipped (failed under CI=true)."""

from __future__ import annotations

import os
import shutil
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask_migrate import upgrade
from werkzeug.serving import make_server

from app import create_app
from app.content.load import load_catalog
from app.extensions import db

CHROMIUM = "/usr/bin/chromium"
PASSWORD = "e2e-long-password"
PHONE = {"width": 390, "height": 844}
ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts"
AXE = Path(__file__).resolve().parent / "vendor" / "axe.min.js"


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    if not Path(CHROMIUM).exists():
        if os.environ.get("CI") == "true":
            pytest.fail(f"{CHROMIUM} is missing; .ci/run installs the chromium package")
        pytest.skip(f"{CHROMIUM} is missing (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--headless",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--no-first-run",
            ],
        )
        yield browser
        browser.close()


@pytest.fixture(scope="session")
def e2e_database(tmp_path_factory: pytest.TempPathFactory, catalog: Any) -> Path:
    """A SQLite file migrated and loaded with the article's bank, once per session: each test
    gets a copy of it."""
    path = tmp_path_factory.mktemp("e2e-template") / "e2e.sqlite3"
    app = create_app({"ENV_NAME": "testing", "SQLALCHEMY_DATABASE_URI": f"sqlite:///{path}"})
    with app.app_context():
        upgrade()
        load_catalog(db.session, catalog)
        db.session.commit()  # services flush; whoever calls one commits
        db.session.remove()
        db.engine.dispose()
    return path


@pytest.fixture
def live_app(tmp_path: Path, e2e_database: Path) -> Iterator[Flask]:
    """The app on a fresh copy of the loaded database."""
    shutil.copyfile(e2e_database, tmp_path / "e2e.sqlite3")
    app = create_app(
        {"ENV_NAME": "testing", "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/e2e.sqlite3"}
    )
    yield app
    with app.app_context():
        db.engine.dispose()


@pytest.fixture
def live_url(live_app: Flask) -> Iterator[str]:
    server = make_server("127.0.0.1", 0, live_app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=5)


@pytest.fixture
def new_page(browser: Any) -> Iterator[Any]:
    contexts, errors = [], []

    def make() -> Any:
        # bypass_csp lets the test inject axe-core; the app's own page never needs it.
        context = browser.new_context(bypass_csp=True, viewport={"width": 1200, "height": 900})
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(15000)
        # Script errors fail the test: a broken page must not pass by waiting politely.
        page.on("pageerror", lambda error: errors.append(str(error)))
        return page

    yield make
    for context in contexts:
        context.close()
    assert errors == [], errors


def screenshot(page: Any, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def screenshot_of(element: Any, name: str) -> None:
    """One part of a long page, at its size."""
    ARTIFACTS.mkdir(exist_ok=True)
    element.screenshot(path=str(ARTIFACTS / f"{name}.png"))


def fits_a_phone(page: Any, name: str, heading: str | None = None) -> None:
    """At 390 px nothing is wider than the screen (the article scrolls inside its box). With
    `heading`, the page is loaded again at that width first, as a phone would draw it."""
    size = page.viewport_size
    page.set_viewport_size(PHONE)
    if heading:
        page.reload()
        page.get_by_role("heading", name=heading).wait_for()
    page.locator("main").wait_for()
    # Two frames: the boxes have scrolled to what they show first, and are painted.
    page.evaluate("() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)))")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"], name
    screenshot(page, name)
    page.set_viewport_size(size)


def assert_accessible(page: Any, name: str) -> None:
    """axe-core finds no violation of any impact (minor included) on the page as it is."""
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    bad = [
        f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes'][:3]]}"
        for v in result["violations"]
    ]
    assert bad == [], f"{name}: {bad}"


def submit_answers(page: Any) -> None:
    """Submit the attempt on screen: its summary first, then "Submit now"."""
    page.get_by_role("button", name="Submit my answers").click()
    page.get_by_role("button", name="Submit now").click()


def open_article(page: Any, scope: Any) -> Any:
    """Open the article from an item ("Show … in the article"): the dialog, once shown."""
    scope.locator("[data-show-article]").first.click()
    dialog = page.locator("dialog[data-article-dialog]")
    dialog.wait_for()
    return dialog


def close_article(page: Any) -> None:
    page.locator("dialog[data-article-dialog]").get_by_role("button", name="Close").click()
    page.locator("dialog[data-article-dialog]").wait_for(state="hidden")


def sign_in(page: Any, base: str, email: str, password: str) -> None:
    page.goto(base + "/")
    page.get_by_label("Email", exact=True).first.fill(email)
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("button", name="Sign out").wait_for()


class ApiUser:
    """A person set up through the API (test client on the live app's database). It acts with
    a bearer token: signing in in the browser as the same person ends their other sessions."""

    def __init__(self, app: Flask, role: str, name: str) -> None:
        self.client = app.test_client()
        self.email = f"{name}@example.test"
        body = {"email": self.email, "password": PASSWORD, "display_name": name, "role": role}
        assert self.client.post("/api/auth/register", json=body).status_code == 201
        login = self.client.post(
            "/api/auth/login", json={"email": self.email, "password": PASSWORD}
        )
        issued = self.client.post(
            "/api/auth/tokens",
            json={"name": "e2e"},
            headers={"X-CSRF-Token": login.get_json()["csrf_token"]},
        )
        assert issued.status_code == 201, issued.get_json()
        self.headers = {"Authorization": f"Bearer {issued.get_json()['token']}"}
        self.client = app.test_client()  # no cookie: the token alone

    def get(self, path: str) -> Any:
        response = self.client.get(path, headers=self.headers)
        assert response.status_code == 200, response.get_json()
        return response.get_json()

    def put(self, path: str, body: dict[str, Any]) -> Any:
        return self.client.put(path, json=body, headers=self.headers)

    def post(self, path: str, body: dict[str, Any] | None = None) -> Any:
        response = self.client.post(path, json=body or {}, headers=self.headers)
        assert response.status_code < 300, response.get_json()
        return response.get_json()


def questions_of_types(teacher: ApiUser, types: Any) -> list[int]:
    """One question id per type, no two testing the same fact (an attempt asks each fact once).
    A find-the-evidence question the bank lacks is written through the teachers' API."""
    seen: set[str] = set()
    chosen: dict[str, int] = {}
    # The types whose questions test several facts at once pick first.
    for kind in sorted(types, key=lambda t: t not in ("ordering", "matching")):
        for question in teacher.get(f"/api/questions?type={kind}&page_size=100"):
            facts = {span["fact"] for span in question["evidence"] if span.get("fact")}
            if not facts & seen:
                seen |= facts
                chosen[kind] = question["id"]
                break
        else:
            if kind != "find_evidence":
                raise AssertionError(f"no {kind} question on facts not asked yet")
            fact = next(f for f, _ in facts_in_sentences(teacher) if f["slug"] not in seen)
            seen.add(fact["slug"])
            chosen[kind] = find_evidence_question(teacher, [fact])["id"]
    return [chosen[kind] for kind in types]


def unwarned_pair(teacher: ApiUser, kind: str) -> list[int]:
    """Two questions of a type that a quiz may ask together without a warning (the server
    says: a quiz titled "Pair probe" is tried with each pair in turn)."""
    ids = [q["id"] for q in teacher.get(f"/api/questions?type={kind}&page_size=100")]
    probe = teacher.post("/api/quizzes", {"title": "Pair probe", "question_ids": ids[:2]})
    for pair in ([a, b] for i, a in enumerate(ids) for b in ids[i + 1 :]):
        changed = teacher.client.patch(
            f"/api/quizzes/{probe['id']}", json={"question_ids": pair}, headers=teacher.headers
        )
        assert changed.status_code == 200, changed.get_json()
        if not changed.get_json()["warnings"]:
            return pair
    raise AssertionError(f"every two {kind} questions give each other away")


def facts_in_sentences(teacher: ApiUser, source_id: int = 1) -> list[tuple[dict[str, Any], int]]:
    """The source's facts whose evidence lies in one sentence, each with that sentence's index,
    in the source's order."""
    sentences = teacher.get(f"/api/sources/{source_id}")["sentences"]
    found = []
    for fact in teacher.get(f"/api/sources/{source_id}/facts?page_size=100"):
        start, end = fact["evidence_start"], fact["evidence_end"]
        inside = [i for i, s in enumerate(sentences) if s["start"] < end and start < s["end"]]
        if len(inside) == 1:
            found.append((fact, inside[0]))
    return found


def find_evidence_question(
    teacher: ApiUser, facts: list[dict[str, Any]], prompt: str | None = None
) -> dict[str, Any]:
    """A find-the-evidence question of the teacher's own on these facts: its key is the
    sentences that hold their evidence."""
    claim = " ".join(f["statement"] for f in facts)
    return teacher.post(
        "/api/questions",
        {
            "type": "find_evidence",
            "prompt": prompt
            or f"Select the sentence or sentences of the article that show this: {claim}",
            "facts": [f["id"] for f in facts],
            "tags": ["background"],
            "difficulty": "easy",
            "explanation": "The article says so in these words.",
        },
    )


def select_sentences(page: Any, card: Any, wanted: list[int]) -> None:
    """Toggle these sentences (API indices) of a find-the-evidence item with the keyboard
    alone: the article's one Tab stop, the arrow keys to each sentence, Space."""
    card.locator("[data-sentence-picker] input[tabindex='0']").focus()
    for index in sorted(wanted):
        here = int(page.evaluate("document.activeElement.value"))
        for _ in range(abs(index - here)):
            page.keyboard.press("ArrowDown" if index > here else "ArrowUp")
        name = page.evaluate("document.activeElement.getAttribute('aria-label')")
        assert name.startswith(f"Sentence {index + 1}: "), name
        page.keyboard.press("Space")
