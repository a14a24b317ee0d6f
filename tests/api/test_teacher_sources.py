"""A teacher's own source (issue 12): paste or upload, review the drafted facts, publish the
bank, quiz and practise it, and bring a new version of it."""

from __future__ import annotations

import io
from typing import Any

import pytest
from quiz_helpers import NEW_ARTICLE as ARTICLE
from quiz_helpers import bearer, classroom, run_together
from sqlalchemy import select

from app.models import Bank, Fact, Question, Source

PROBLEM = "application/problem+json"


def paste(teacher: Any, text: str = ARTICLE, **meta: Any) -> Any:
    body = {"title": "Fisheries pact", "publisher": "Pacific Daily", "text": text, **meta}
    return teacher.post("/api/sources", json=body)


def upload(teacher: Any, name: str, data: bytes, form: dict[str, str] | None = None) -> Any:
    """POST /api/sources/upload with a file called `name` holding `data` (and a title and a
    publisher unless `form` says otherwise)."""
    fields = {"title": "T", "publisher": "P"} if form is None else form
    body = {**fields, "file": (io.BytesIO(data), name)}
    return teacher.post("/api/sources/upload", data=body, content_type="multipart/form-data")


def facts_of(teacher: Any, source_id: int, **query: str) -> list[dict[str, Any]]:
    params = "&".join(f"{k}={v}" for k, v in query.items())
    response = teacher.get(f"/api/sources/{source_id}/facts?page_size=100&{params}")
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def counts(db: Any) -> tuple[int, int, int]:
    """Rows of sources, facts and questions: what a refused request must not change."""
    session = db.session
    return (
        session.query(Source).count(),
        session.query(Fact).count(),
        session.query(Question).count(),
    )


def accept_all(teacher: Any, source_id: int) -> list[dict[str, Any]]:
    accepted = []
    for fact in facts_of(teacher, source_id, status="proposed"):
        response = teacher.patch(
            f"/api/sources/{source_id}/facts/{fact['id']}", json={"status": "accepted"}
        )
        if response.status_code == 200:
            accepted.append(response.get_json())
    return accepted


@pytest.fixture
def source(teacher: Any, loaded_bank: Any) -> dict[str, Any]:
    created = paste(teacher)
    assert created.status_code == 201, created.get_json()
    return created.get_json()


def test_pasting_an_article_drafts_proposed_facts_with_verbatim_evidence(
    teacher: Any, source: dict[str, Any]
) -> None:
    assert source["text"] == ARTICLE.strip()
    assert source["owner_id"] == teacher.id and source["revision"] == 1
    facts = facts_of(teacher, source["id"])
    assert {f["status"] for f in facts} == {"proposed"}
    kinds = {f["kind"] for f in facts}
    assert {"date", "quote", "definition", "entity", "number", "list"} <= kinds
    for fact in facts:
        assert (
            source["text"][fact["evidence_start"] : fact["evidence_end"]] == (fact["evidence_text"])
        )
    quotes = {f["answer"] for f in facts if f["kind"] == "quote"}
    assert quotes == {"Sitiveni Rabuka", "Maria Lopez"}


def test_own_sources_are_the_teachers_alone(
    teacher: Any, sign_up: Any, source: dict[str, Any]
) -> None:
    other = sign_up("teacher", "other")
    assert other.get(f"/api/sources/{source['id']}").status_code == 404
    assert other.get(f"/api/sources/{source['id']}/facts").status_code == 404
    fact = facts_of(teacher, source["id"])[0]
    edit = other.patch(
        f"/api/sources/{source['id']}/facts/{fact['id']}", json={"status": "accepted"}
    )
    assert edit.status_code == 404
    mine = [s["id"] for s in teacher.get("/api/sources?mine=true").get_json()]
    assert mine == [source["id"]]
    assert source["id"] not in [s["id"] for s in other.get("/api/sources").get_json()]


def test_review_accepts_edits_and_rejects(teacher: Any, source: dict[str, Any]) -> None:
    facts = facts_of(teacher, source["id"])
    date = next(f for f in facts if f["kind"] == "date")
    url = f"/api/sources/{source['id']}/facts/{date['id']}"
    edited = teacher.patch(
        url,
        json={
            "status": "accepted",
            "statement": "The pact was signed in Suva in 2025.",
            "tags": ["pact-dates"],
            "distractors": ["2023", "2024"],
        },
    )
    assert edited.status_code == 200, edited.get_json()
    body = edited.get_json()
    assert body["status"] == "accepted" and body["tags"] == ["pact-dates"]
    assert body["statement"] == "The pact was signed in Suva in 2025."
    quote = next(f for f in facts if f["kind"] == "quote")
    renamed = teacher.patch(
        f"/api/sources/{source['id']}/facts/{quote['id']}", json={"answer": "Maria Lopez"}
    )
    assert renamed.status_code == 200 and renamed.get_json()["answer"] == "Maria Lopez"
    rejected = teacher.patch(
        f"/api/sources/{source['id']}/facts/{quote['id']}", json={"status": "rejected"}
    )
    assert rejected.get_json()["status"] == "rejected"
    assert [f["id"] for f in facts_of(teacher, source["id"], status="accepted")] == [date["id"]]


def test_a_fact_of_ones_own_from_a_selected_passage(teacher: Any, source: dict[str, Any]) -> None:
    text = source["text"]
    passage = "Fiji, Tonga and Samoa will share patrol boats"
    start = text.index(passage)
    created = teacher.post(
        f"/api/sources/{source['id']}/facts",
        json={
            "kind": "entity",
            "statement": "The Pacific Islands Forum brokered the fisheries pact.",
            "answer": "Pacific Islands Forum",
            "fields": {"role": "the broker of the pact", "entity_type": "organisation"},
            "evidence_start": start,
            "evidence_end": start + len(passage),
        },
    )
    assert created.status_code == 201, created.get_json()
    fact = created.get_json()
    assert fact["status"] == "accepted" and fact["evidence_text"] == passage


@pytest.mark.parametrize(
    "change",
    [
        {},
        {"status": "stale"},
        {"status": "maybe"},
        {"evidence_start": 10, "evidence_end": 5},
        {"evidence_start": 0, "evidence_end": 10**6},
        {"fields": {"statement": "sneaked in"}},
        {"answer": "not a year"},
        {"tags": []},
        {"statement": ""},
    ],
)
def test_a_bad_edit_is_a_clean_4xx_and_changes_nothing(
    teacher: Any, source: dict[str, Any], change: dict[str, Any]
) -> None:
    fact = next(f for f in facts_of(teacher, source["id"]) if f["kind"] == "date")
    response = teacher.patch(f"/api/sources/{source['id']}/facts/{fact['id']}", json=change)
    assert 400 <= response.status_code < 500 and response.mimetype == PROBLEM
    after = next(f for f in facts_of(teacher, source["id"]) if f["id"] == fact["id"])
    assert after == fact


@pytest.mark.parametrize(
    ("sent", "status"),
    [
        (("empty.txt", b""), 422),
        (("spaces.txt", b"   \n\n  "), 422),
        (("binary.txt", bytes(range(256)) * 8), 415),
        (("latin1.txt", "Caf\xe9 ".encode("latin-1") * 100), 415),
        (("picture.png", b"\x89PNG\r\n\x1a\n" + b"0" * 400), 415),
        (("short.txt", b"Too short to be an article."), 422),
    ],
)
def test_a_bad_upload_is_a_clean_4xx_and_writes_nothing(
    teacher: Any, loaded_bank: Any, sent: tuple[str, bytes], status: int, db: Any
) -> None:
    before = counts(db)
    name, data = sent
    response = upload(teacher, name, data)
    assert response.status_code == status, response.get_json()
    assert response.mimetype == PROBLEM and response.get_json()["detail"]
    assert response.get_json()["errors"]["files"]["file"]  # the field at fault
    assert counts(db) == before


def test_an_oversized_upload_is_refused_before_it_is_read(
    teacher: Any, loaded_bank: Any, app: Any, db: Any
) -> None:
    before = counts(db)
    big = b"word " * (app.config["SOURCE_MAX_BYTES"] // 5 + 10)
    response = upload(teacher, "big.txt", big)
    assert response.status_code == 413 and response.mimetype == PROBLEM
    pasted = paste(teacher, text="word " * 50_000)  # within the body limit, past 200,000 chars
    assert pasted.status_code == 422 and pasted.mimetype == PROBLEM
    assert counts(db) == before


def test_an_uploaded_page_keeps_the_article_and_leaves_the_furniture(
    teacher: Any, loaded_bank: Any
) -> None:
    paragraphs = "".join(
        f"<p>{p}</p>" for p in ARTICLE.split("\n\n")[1:] if p.strip()
    )  # the headline is the page's title
    page = f"""<!doctype html><html><head><title>Fisheries pact | Pacific Daily</title>
    <meta property="og:site_name" content="Pacific Daily"></head><body>
    <nav><a href="/">Home</a> <a href="/world">World</a> <a href="/sport">Sport</a></nav>
    <article><h1>Pacific nations sign fisheries pact</h1>{paragraphs}</article>
    <div class="share">Share on Facebook Share on X</div>
    <aside class="related"><h3>Related stories</h3><ul><li><a href="/a">Tuna prices fall</a>
    </li></ul></aside><section id="comments"><h3>Comments</h3><p>Great article, first!</p>
    </section><footer>© Pacific Daily</footer></body></html>"""
    response = upload(teacher, "pact.html", page.encode(), form={})  # the page names itself
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert "Rabuka" in body["text"] and "patrol boats" in body["text"]
    for furniture in ("Share on Facebook", "Related stories", "first!", "Sport"):
        assert furniture not in body["text"]
    assert "fisheries pact" in body["title"].lower() and body["publisher"] == "Pacific Daily"


def published(teacher: Any, source_id: int) -> dict[str, Any]:
    accept_all(teacher, source_id)
    preview = teacher.get(f"/api/sources/{source_id}/bank")
    assert preview.status_code == 200, preview.get_json()
    assert preview.get_json()["questions"]
    response = teacher.put(f"/api/sources/{source_id}/bank")
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def test_publishing_makes_a_bank_to_quiz_and_practise(
    teacher: Any, learner: Any, sign_up: Any, source: dict[str, Any]
) -> None:
    empty = teacher.put(f"/api/sources/{source['id']}/bank")
    assert empty.status_code == 422  # nothing accepted yet
    result = published(teacher, source["id"])
    bank = result["bank"]
    assert result["created"] >= 5 and bank["published"] is True
    questions = teacher.get(f"/api/questions?bank={bank['id']}&page_size=100").get_json()
    assert len(questions) == result["created"]
    class_id = classroom(teacher, learner)
    quiz = teacher.post(
        "/api/quizzes", json={"title": "Pact", "question_ids": [q["id"] for q in questions[:5]]}
    ).get_json()
    teacher.post(f"/api/quizzes/{quiz['id']}/assignments", json={"class_id": class_id})
    attempt = learner.post(f"/api/quizzes/{quiz['id']}/attempts")
    assert attempt.status_code == 201, attempt.get_json()
    # The learner reads the source the questions quote, and practises the bank.
    assert learner.get(f"/api/sources/{source['id']}").status_code == 200
    practice = learner.get(f"/api/practice/next?bank={bank['id']}")
    assert practice.status_code == 200, practice.get_json()
    # Another teacher's learner sees neither.
    stranger = sign_up("learner", "stranger")
    assert stranger.get(f"/api/sources/{source['id']}").status_code == 404
    assert stranger.get(f"/api/practice/next?bank={bank['id']}").status_code in {403, 404}


def test_the_shared_article_stays_shared_and_its_bank_cannot_be_edited_from_a_source(
    teacher: Any, loaded_bank: Any
) -> None:
    shared = teacher.get("/api/sources").get_json()[0]
    assert shared["owner_id"] is None
    response = teacher.put(f"/api/sources/{shared['id']}/bank")
    assert response.status_code in {403, 404}


def test_a_revision_with_a_changed_sentence_makes_its_facts_stale(
    teacher: Any, learner: Any, source: dict[str, Any], db: Any
) -> None:
    result = published(teacher, source["id"])
    bank_id = result["bank"]["id"]
    class_id = classroom(teacher, learner)
    questions = teacher.get(f"/api/questions?bank={bank_id}&page_size=100").get_json()
    quiz = teacher.post(
        "/api/quizzes", json={"title": "Pact", "question_ids": [q["id"] for q in questions]}
    ).get_json()
    teacher.post(f"/api/quizzes/{quiz['id']}/assignments", json={"class_id": class_id})
    attempt = learner.post(f"/api/quizzes/{quiz['id']}/attempts").get_json()
    before_items = learner.get(f"/api/attempts/{attempt['id']}").get_json()["items"]

    old = "The agreement was signed on March 3, 2025, in Suva after two years of talks."
    new = "The agreement was signed on March 4, 2025, in Nadi after three years of talks."
    revised = teacher.post(
        f"/api/sources/{source['id']}/revisions", json={"text": ARTICLE.replace(old, new)}
    )
    assert revised.status_code == 201, revised.get_json()
    changes = revised.get_json()
    assert changes["previous"]["id"] == source["id"] and changes["source"]["revision"] == 2
    assert [(c["change"], c["before"], c["after"]) for c in changes["sentences"]] == [
        ("changed", [old], [new])
    ]
    stale = changes["stale"]
    assert stale and all(f["status"] == "stale" for f in stale)
    assert all(f["evidence_text"] in old for f in stale), [f["evidence_text"] for f in stale]
    new_id = changes["source"]["id"]
    # The stale facts' questions left the bank (retired: never deleted); the others stay.
    after = teacher.get(f"/api/questions?bank={bank_id}&page_size=100").get_json()
    before_ids, after_ids = {q["id"] for q in questions}, {q["id"] for q in after}
    assert after_ids < before_ids
    for gone in before_ids - after_ids:
        assert db.session.get(Question, gone).is_active is False
    # The learner's attempt keeps the version it asked, evidence and all.
    assert learner.get(f"/api/attempts/{attempt['id']}").get_json()["items"] == before_items
    # The old version is read-only; the teacher re-anchors a stale fact in the new one.
    fact = stale[0]
    old_version = teacher.patch(
        f"/api/sources/{source['id']}/facts/{fact['id']}", json={"status": "rejected"}
    )
    assert old_version.status_code == 409 and old_version.mimetype == PROBLEM
    start = teacher.get(f"/api/sources/{new_id}").get_json()["text"].index(new)
    reanchored = teacher.patch(
        f"/api/sources/{new_id}/facts/{fact['id']}",
        json={"evidence_start": start, "evidence_end": start + len(new) - 1},
    )
    assert reanchored.status_code == 200, reanchored.get_json()
    # Back to review: the new passage may prove another answer ("March 4", not "March 3").
    assert reanchored.get_json()["status"] == "proposed"
    assert reanchored.get_json()["evidence_text"] == new[:-1]
    accepted = teacher.patch(
        f"/api/sources/{new_id}/facts/{fact['id']}",
        json={"status": "accepted", "statement": "The agreement was signed in Nadi."},
    )
    assert accepted.status_code == 200 and accepted.get_json()["status"] == "accepted"
    # The changes stay readable on the new version.
    assert teacher.get(f"/api/sources/{new_id}/changes").get_json()["sentences"]


def test_a_revision_of_the_same_text_is_a_conflict(
    teacher: Any, source: dict[str, Any], db: Any
) -> None:
    before = counts(db)
    response = teacher.post(f"/api/sources/{source['id']}/revisions", json={"text": ARTICLE})
    assert response.status_code == 409 and response.mimetype == PROBLEM
    assert counts(db) == before


def test_a_learner_cannot_add_a_source(learner: Any, loaded_bank: Any, db: Any) -> None:
    before = counts(db)
    assert paste(learner).status_code == 403
    assert counts(db) == before


def test_the_bank_is_a_teachers_own_bank(teacher: Any, source: dict[str, Any], db: Any) -> None:
    result = published(teacher, source["id"])
    bank = db.session.get(Bank, result["bank"]["id"])
    assert bank is not None and bank.owner_id == teacher.id and bank.published


def test_a_fact_whose_words_stand_in_a_changed_sentence_is_to_check(
    teacher: Any, source: dict[str, Any]
) -> None:
    accept_all(teacher, source["id"])
    old = "which the Pacific Islands Forum (PIF) brokered."
    new = "which the Pacific Islands Forum (PIF) brokered in secret."
    revised = teacher.post(
        f"/api/sources/{source['id']}/revisions", json={"text": ARTICLE.replace(old, new)}
    ).get_json()
    definition = next(f for f in revised["to_check"] if f["kind"] == "definition")
    assert definition["evidence_text"] == "Pacific Islands Forum (PIF)"
    assert definition["status"] == "accepted"
    assert definition["id"] not in {f["id"] for f in revised["stale"]}
    unchanged = "Maria Lopez, a senior fellow at the Lowy Institute"
    assert all(unchanged not in f["evidence_text"] for f in revised["to_check"])


LONGER = (
    ARTICLE
    + "\n\n"
    + "\n\n".join(
        [
            "The Solomon Islands and Vanuatu joined the talks in 2019, officials said.",
            "“We will patrol every reef,” Fisheries Minister Ana Tui said on Monday.",
            "Tonga will spend $12 million over 5 years on two new boats.",
            "The Forum Fisheries Agency (FFA) will train 300 crew members by 2027.",
        ]
    )
)


def test_reading_the_review_costs_the_same_queries_for_more_facts(
    teacher: Any, loaded_bank: Any, count_queries: Any
) -> None:
    costs = []
    for text in (ARTICLE, LONGER):
        source = paste(teacher, text).get_json()
        accept_all(teacher, source["id"])
        facts = facts_of(teacher, source["id"])
        with count_queries() as queries:
            assert teacher.get(f"/api/sources/{source['id']}").status_code == 200
            assert (
                teacher.get(f"/api/sources/{source['id']}/facts?page_size=100").status_code == 200
            )
            assert teacher.get(f"/api/sources/{source['id']}/bank").status_code == 200
        costs.append((len(facts), len(queries)))
    (few, short_cost), (many, long_cost) = costs
    assert many > few + 3
    assert long_cost == short_cost, costs


def test_publishing_reads_per_bank_not_per_question(
    teacher: Any, loaded_bank: Any, count_queries: Any
) -> None:
    """Reads stay the same for more questions; the rows it writes are batched INSERTs."""
    costs = []
    for text in (ARTICLE, LONGER):
        source = paste(teacher, text).get_json()
        accept_all(teacher, source["id"])
        with count_queries() as queries:
            published = teacher.put(f"/api/sources/{source['id']}/bank").get_json()
        reads = [q for q in queries if q.lstrip().upper().startswith("SELECT")]
        costs.append((published["created"], len(reads), len(queries)))
    (few, short_reads, short_all), (many, long_reads, long_all) = costs
    assert many > few
    assert long_reads == short_reads, costs
    assert long_all - short_all < many - few + 4, costs  # not several statements a question


# Found by an attack on these endpoints: each as it was reproduced.


def test_a_draft_source_is_its_teachers_alone_until_its_bank_is_published(
    teacher: Any, learner: Any, source: dict[str, Any]
) -> None:
    classroom(teacher, learner)
    assert learner.get(f"/api/sources/{source['id']}").status_code == 404
    assert source["id"] not in [s["id"] for s in learner.get("/api/sources").get_json()]
    published(teacher, source["id"])
    assert learner.get(f"/api/sources/{source['id']}").status_code == 200


def stale_fact(teacher: Any, source: dict[str, Any]) -> tuple[int, dict[str, Any]]:
    """A new version without the first paragraph: (the new version's id, a stale date)."""
    accept_all(teacher, source["id"])
    old = "The agreement was signed on March 3, 2025, in Suva after two years of talks.\n\n"
    changes = teacher.post(
        f"/api/sources/{source['id']}/revisions", json={"text": ARTICLE.replace(old, "")}
    ).get_json()
    date = next(f for f in changes["stale"] if f["kind"] == "date")
    return changes["source"]["id"], date


@pytest.mark.parametrize(
    "change",
    [
        {"status": "proposed"},  # would hide it from the stale list, evidence still gone
        {"status": "accepted"},
        {"evidence_start": 0},  # one end of the passage: the other would be the old text's
        {"evidence_end": 40},
    ],
)
def test_a_stale_fact_leaves_stale_only_with_a_whole_new_passage_or_rejected(
    teacher: Any, source: dict[str, Any], change: dict[str, Any], db: Any
) -> None:
    new_id, date = stale_fact(teacher, source)
    before = counts(db)
    response = teacher.patch(f"/api/sources/{new_id}/facts/{date['id']}", json=change)
    assert response.status_code == 422 and response.mimetype == PROBLEM
    assert facts_of(teacher, new_id, status="stale")[0]["id"] == date["id"]
    assert counts(db) == before
    retired = teacher.patch(
        f"/api/sources/{new_id}/facts/{date['id']}", json={"status": "rejected"}
    )
    assert retired.status_code == 200


def test_a_fact_is_accepted_only_with_its_year_or_figure_in_its_passage(
    teacher: Any, source: dict[str, Any]
) -> None:
    new_id, date = stale_fact(teacher, source)
    text = teacher.get(f"/api/sources/{new_id}").get_json()["text"]
    passage = "Maria Lopez, a senior fellow at the Lowy Institute"
    start = text.index(passage)
    url = f"/api/sources/{new_id}/facts/{date['id']}"
    moved = teacher.patch(url, json={"evidence_start": start, "evidence_end": start + len(passage)})
    assert moved.status_code == 200 and moved.get_json()["status"] == "proposed"
    refused = teacher.patch(url, json={"status": "accepted"})
    assert refused.status_code == 422
    assert "not in its passage" in refused.get_json()["detail"] + str(refused.get_json()["errors"])
    number = next(f for f in facts_of(teacher, new_id) if f["kind"] == "number")
    wrong = teacher.patch(
        f"/api/sources/{new_id}/facts/{number['id']}", json={"answer": "7", "status": "accepted"}
    )
    assert wrong.status_code == 422


def test_tags_are_kept_once(teacher: Any, source: dict[str, Any]) -> None:
    fact = facts_of(teacher, source["id"])[0]
    edited = teacher.patch(
        f"/api/sources/{source['id']}/facts/{fact['id']}", json={"tags": ["pact", "pact"]}
    )
    assert edited.get_json()["tags"] == ["pact"]


@pytest.mark.parametrize(
    ("sent", "words"),
    [
        (("utf16.txt", "\ufeffThe deal. ".encode("utf-16-le") * 40), "UTF-16"),
        (
            (
                "busy.html",
                (
                    "<html><body><article><p>"
                    + "<span>w </span>" * 12_000
                    + "</p></article></body></html>"
                ).encode(),
            ),
            "paste the article's text instead",
        ),
    ],
)
def test_a_file_it_cannot_read_says_why(
    teacher: Any, loaded_bank: Any, sent: tuple[str, bytes], words: str, db: Any
) -> None:
    before = counts(db)
    name, data = sent
    response = upload(teacher, name, data)
    assert 400 <= response.status_code < 500 and response.mimetype == PROBLEM
    assert words in response.get_json()["detail"]
    assert counts(db) == before


@pytest.mark.commits
def test_reviews_racing_a_new_version_never_accept_a_fact_without_its_evidence(
    postgres_only: None, app: Any, teacher: Any, db: Any
) -> None:
    """Accepting facts while a new version drops half the paragraphs: each fact ends either
    accepted with its evidence in the version it belongs to, or stale, or the review was
    refused (409: the source has a newer version)."""
    source = paste(teacher).get_json()
    facts = facts_of(teacher, source["id"], status="proposed")
    paragraphs = ARTICLE.split("\n\n")
    shorter = "\n\n".join(paragraphs[::2])
    auth = bearer(teacher)
    clients = [app.test_client() for _ in range(len(facts) + 1)]

    def revise() -> Any:
        return clients[0].post(
            f"/api/sources/{source['id']}/revisions", json={"text": shorter}, headers=auth
        )

    def accept(client: Any, fact_id: int) -> Any:
        return client.patch(
            f"/api/sources/{source['id']}/facts/{fact_id}",
            json={"status": "accepted"},
            headers=auth,
        )

    calls = [revise] + [
        (lambda c=c, f=f: accept(c, f["id"])) for c, f in zip(clients[1:], facts, strict=True)
    ]
    responses = run_together(*calls)
    assert responses[0].status_code == 201, responses[0].get_json()
    assert {r.status_code for r in responses[1:]} <= {200, 409, 422}
    rows = db.session.execute(
        select(Fact.status, Fact.evidence_text, Source.text).join(
            Source, Fact.source_id == Source.id
        )
    ).all()
    assert rows
    for status, evidence, text in rows:
        assert status != "accepted" or evidence in text
