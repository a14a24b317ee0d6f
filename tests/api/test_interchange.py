"""Moving questions in and out (issue 15): a bank's or a quiz's questions as GIFT and as a QTI
3.0 package, and GIFT files and QTI packages imported into a teacher's bank, with what each
format cannot carry reported, and the evidence rule kept (see app.services.interchange)."""

from __future__ import annotations

import io
import json
import re
import zipfile
from typing import Any
from xml.etree import ElementTree as ET

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from app.interchange.gift import parse_gift
from app.interchange.qti import QTI_NS
from app.models import Bank, Question

PROBLEM = "application/problem+json"
GIFT_TYPES = {"single_choice", "multiple_choice", "true_false", "numeric", "short_text"}


# --- helpers ----------------------------------------------------------------------------------


def shared_bank(db: Any) -> Bank:
    return db.session.scalar(select(Bank).where(Bank.owner_id.is_(None)).order_by(Bank.id))


def questions_of(db: Any, bank_id: int) -> list[Question]:
    db.session.expire_all()
    return list(
        db.session.scalars(
            select(Question)
            .where(Question.bank_id == bank_id, Question.is_active)
            .options(selectinload(Question.current))
            .order_by(Question.id)
        )
    )


def counts(db: Any) -> tuple[int, int]:
    """Banks and questions: what a refused import must not change."""
    db.session.expire_all()
    return (
        db.session.scalar(select(func.count()).select_from(Bank)),
        db.session.scalar(select(func.count()).select_from(Question)),
    )


def import_file(
    teacher: Any,
    format: str,
    data: bytes,
    name: str = "questions.txt",
    raw: bool = False,
    **query: Any,
) -> Any:
    """POST the file as a multipart upload, the way the page sends it, or (`raw`) as the
    whole body, the way a script does."""
    params = "&".join(f"{key}={value}" for key, value in query.items())
    path = f"/api/banks/import/{format}?{params}"
    if raw:
        media_type = "application/zip" if format == "qti" else "text/plain; charset=utf-8"
        return teacher.post(path, data=data, content_type=media_type)
    return teacher.post(
        path, data={"file": (io.BytesIO(data), name)}, content_type="multipart/form-data"
    )


def gift_ids(text: str) -> list[str]:
    return re.findall(r"^// \[id:([^\]]+)\]", text, flags=re.MULTILINE)


def identity(question: dict[str, Any]) -> str:
    """Type, prompt and key: what makes a question the same question."""
    return json.dumps(
        [question["type"], question["prompt"], question["answer_key"]], sort_keys=True
    )


def canonical(content: Any) -> Any:
    """Content with its lists sorted: the stored order of options is seeded by the slug."""
    if isinstance(content, dict):
        return {key: canonical(value) for key, value in content.items()}
    if isinstance(content, list):
        return sorted((canonical(v) for v in content), key=lambda v: json.dumps(v, sort_keys=True))
    return content


def version_identity(question: Question) -> str:
    version = question.current
    return json.dumps([version.type, version.prompt, version.answer_key], sort_keys=True)


def package_files(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        return {name: package.read(name) for name in package.namelist()}


def zipped(entries: dict[str, str | bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as package:
        for name, content in entries.items():
            package.writestr(name, content)
    return buffer.getvalue()


# --- exporting --------------------------------------------------------------------------------


def test_the_articles_bank_as_gift_holds_every_question_gift_can_say(
    teacher: Any, loaded_bank: Any, db: Any
) -> None:
    bank = shared_bank(db)
    response = teacher.get(f"/api/banks/{bank.id}/gift")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/plain; charset=utf-8"
    assert response.headers["Content-Disposition"] == (
        f'attachment; filename="{bank.slug}.gift.txt"'
    )
    text = response.get_data(as_text=True)
    questions = questions_of(db, bank.id)
    by_slug = {q.slug: q for q in questions}
    written = gift_ids(text)
    assert len(written) == len(set(written)) and set(written) <= set(by_slug)

    report = teacher.get(f"/api/banks/{bank.id}/exports").get_json()
    gift = next(r for r in report if r["format"] == "gift")
    assert gift["written"] == len(written)
    left_out = {
        p["slug"] for p in gift["problems"] if p["message"].lower().endswith("not written.")
    }
    # Every question is either in the file or reported as left out, never both, never neither.
    assert left_out | set(written) == set(by_slug) and not left_out & set(written)
    for question in questions:
        kind = question.current.type
        if kind in GIFT_TYPES or kind == "matching":
            assert question.slug in written, question.slug
        if kind in ("find_evidence", "ordering"):
            problem = next(p for p in gift["problems"] if p["slug"] == question.slug)
            assert problem["question_id"] == question.id
            assert "GIFT has no" in problem["message"]
    assert int(response.headers["X-Export-Problems"]) == len(gift["problems"])
    # The file says so too, in comments GIFT readers skip.
    assert text.startswith("// Not exported as written: ")
    assert "find-the-evidence" in text and "GIFT has no ordering question" in text

    # The file reads back as the same questions (their keys: see the round trips below).
    read = parse_gift(text)
    assert len(read.questions) == len(written)
    for parsed, slug in zip(read.questions, written, strict=True):
        original = by_slug[slug].current
        assert parsed.idnumber == slug and parsed.type == original.type
        assert parsed.explanation == original.explanation
        assert parsed.category == bank.title and parsed.prompt == original.prompt


def test_the_articles_bank_as_a_qti_package(teacher: Any, loaded_bank: Any, db: Any) -> None:
    bank = shared_bank(db)
    response = teacher.get(f"/api/banks/{bank.id}/qti")
    assert response.status_code == 200
    assert response.mimetype == "application/zip"
    assert response.headers["Content-Disposition"] == (
        f'attachment; filename="{bank.slug}.qti.zip"'
    )
    files = package_files(response.get_data())
    manifest = ET.fromstring(files["imsmanifest.xml"])
    assert manifest.tag.endswith("}manifest")
    hrefs = [
        r.get("href")
        for r in manifest.iter()
        if r.tag.endswith("}resource") and r.get("type") == "imsqti_item_xmlv3p0"
    ]
    items = sorted(name for name in files if name.startswith("items/"))
    assert sorted(hrefs) == items and items
    kinds = set()
    for name in items:
        item = ET.fromstring(files[name])
        assert item.tag == f"{{{QTI_NS}}}qti-assessment-item"
        assert item.find(f"{{{QTI_NS}}}qti-response-declaration") is not None
        assert item.find(f".//{{{QTI_NS}}}qti-correct-response") is not None or (
            item.find(f".//{{{QTI_NS}}}qti-mapping") is not None
        )
        kinds |= {
            child.tag.split("}")[1] for child in item.iter() if child.tag.endswith("-interaction")
        }
    assert kinds >= {
        "qti-choice-interaction",
        "qti-text-entry-interaction",
        "qti-order-interaction",
        "qti-match-interaction",
    }
    questions = questions_of(db, bank.id)
    evidence = [q for q in questions if q.current.type == "find_evidence"]
    assert len(items) == len(questions) - len(evidence)
    report = teacher.get(f"/api/banks/{bank.id}/exports").get_json()
    qti = next(r for r in report if r["format"] == "qti")
    assert qti["written"] == len(items) and qti["media_type"] == "application/zip"
    reported = {p["slug"]: p["message"] for p in qti["problems"]}
    assert {q.slug for q in evidence} <= set(reported)
    ordering = [q for q in questions if q.current.type == "ordering"]
    assert ordering and all("match_correct" in reported[q.slug] for q in ordering)
    assert int(response.headers["X-Export-Problems"]) == len(qti["problems"])


def test_a_quiz_exports_its_fixed_questions_in_order_and_reports_its_draws(
    teacher: Any, loaded_bank: Any, db: Any
) -> None:
    bank = shared_bank(db)
    picked = [
        teacher.get(f"/api/questions?type={kind}&page_size=1").get_json()[0]
        for kind in ("true_false", "numeric", "single_choice")
    ]
    quiz = teacher.post(
        "/api/quizzes",
        json={
            "title": "Treaty quiz",
            "question_ids": [q["id"] for q in picked],
            "draw": [{"bank": bank.id, "tag": "clauses", "count": 2}],
        },
    )
    assert quiz.status_code == 201, quiz.get_json()
    quiz_id = quiz.get_json()["id"]
    gift = teacher.get(f"/api/quizzes/{quiz_id}/gift")
    assert gift.status_code == 200
    assert gift.headers["Content-Disposition"] == f'attachment; filename="quiz-{quiz_id}.gift.txt"'
    assert gift_ids(gift.get_data(as_text=True)) == [q["slug"] for q in picked]
    assert "$CATEGORY: Treaty quiz" in gift.get_data(as_text=True)
    qti = teacher.get(f"/api/quizzes/{quiz_id}/qti")
    assert qti.status_code == 200 and qti.mimetype == "application/zip"
    assert len([n for n in package_files(qti.get_data()) if n.startswith("items/")]) == 3
    report = teacher.get(f"/api/quizzes/{quiz_id}/exports").get_json()
    for entry in report:
        assert entry["written"] == 3
        (draw,) = entry["problems"]
        assert draw["question_id"] is None and "Draw rule 1" in draw["message"]


# --- round trips ------------------------------------------------------------------------------


@pytest.mark.parametrize("format", ["gift", "qti"])
def test_an_exported_bank_imports_as_the_same_questions_with_their_evidence(
    teacher: Any, loaded_bank: Any, db: Any, format: str
) -> None:
    bank = shared_bank(db)
    exported = teacher.get(f"/api/banks/{bank.id}/{format}")
    report = teacher.get(f"/api/banks/{bank.id}/exports").get_json()
    written = next(r for r in report if r["format"] == format)["written"]
    changed = {p["slug"] for r in report if r["format"] == format for p in r["problems"]}
    before = counts(db)
    imported = import_file(teacher, format, exported.get_data(), name=f"bank.{format}")
    assert imported.status_code == 201, imported.get_json()
    body = imported.get_json()
    assert imported.headers["Location"].endswith(f"/api/questions?bank={body['bank']['id']}")
    assert body["bank"]["title"] == f"Imported from {format.upper()}: bank.{format}"
    assert len(body["questions"]) == written
    assert counts(db) == (before[0] + 1, before[1] + written)
    originals = {version_identity(q): q for q in questions_of(db, bank.id)}
    for question in body["questions"]:
        original = originals.get(identity(question))
        assert original is not None, question["prompt"]
        assert question["tags"] == sorted(original.current.authoring["tags"])
        assert question["explanation"] == original.current.explanation
        if canonical(question["content"]) == canonical(original.current.content):
            # The app knows this question: it keeps the facts and sentences that prove it.
            assert question["has_evidence"], question["prompt"]
            assert question["evidence"] == original.current.evidence
        else:
            # Only what the export said it changed (a numeric's unit in GIFT) differs, and a
            # changed question is not taken as proven: it waits for its evidence.
            assert original.slug in changed, question["prompt"]
            assert not question["has_evidence"]
    assert body["needs_evidence"] == [q["id"] for q in body["questions"] if not q["has_evidence"]]
    assert len(body["needs_evidence"]) < written / 5
    # Each question that came back without its proof is told why, where it is in the file.
    why = [p for p in body["problems"] if "its evidence is not copied" in p["message"]]
    assert len(why) == len(body["needs_evidence"]), body["problems"]
    # Imported again into the same bank (as a script sends it): every question is there.
    again = import_file(teacher, format, exported.get_data(), raw=True, bank=body["bank"]["id"])
    assert again.status_code == 422 and again.mimetype == PROBLEM
    assert "already has this question" in str(again.get_json()["errors"]["file"])
    assert counts(db) == (before[0] + 1, before[1] + written)


def test_a_one_blank_cloze_keeps_its_text_and_blank_through_gift(
    teacher: Any, loaded_bank: Any
) -> None:
    own = teacher.post(
        "/api/questions",
        json={
            "type": "cloze",
            "prompt": "Complete the clause.",
            "text": "The treaty was signed in [[Pyongyang|Pyong-yang]] on 19 June.",
            "tags": ["clauses"],
            "difficulty": "easy",
            "explanation": "It was signed in Pyongyang.",
        },
    ).get_json()
    gift = teacher.get(f"/api/banks/{own['bank_id']}/gift").get_data()
    body = import_file(teacher, "gift", gift).get_json()
    (question,) = body["questions"]
    assert question["type"] == "cloze" and question["prompt"] == "Complete the clause."
    assert question["answer_key"] == own["answer_key"]
    assert question["content"] == own["content"]


def test_a_question_proven_by_words_of_a_source_keeps_them_through_qti(
    teacher: Any, loaded_bank: Any
) -> None:
    source = teacher.get("/api/sources").get_json()[0]
    own = teacher.post(
        "/api/questions",
        json={
            "type": "true_false",
            "prompt": "Kim and Putin met in Pyongyang.",
            "answer": True,
            "tags": ["background"],
            "difficulty": "easy",
            "explanation": "They met there for talks.",
            "evidence": {"source_id": source["id"], "text": "met in Pyongyang for talks"},
        },
    ).get_json()
    package = teacher.get(f"/api/banks/{own['bank_id']}/qti").get_data()
    body = import_file(teacher, "qti", package, raw=True).get_json()
    (question,) = body["questions"]
    assert question["evidence"] == own["evidence"] and body["needs_evidence"] == []
    # Changed on the way (another answer), it is another question: no evidence carried.
    gift = teacher.get(f"/api/banks/{own['bank_id']}/gift").get_data(as_text=True)
    changed = import_file(teacher, "gift", gift.replace("{TRUE", "{FALSE").encode()).get_json()
    assert changed["needs_evidence"] == [changed["questions"][0]["id"]]
    assert any("its evidence is not copied" in p["message"] for p in changed["problems"])


# --- importing GIFT ---------------------------------------------------------------------------

# Every type GIFT has, written as the format's documentation writes them (docs.moodle.org,
# "GIFT format"), with comments, escapes, a category, titles, feedback and weights.
EVERY_TYPE = """// A teacher's GIFT file, as Moodle reads it.
$CATEGORY: $course$/Treaty

// [tag:treaty-years] [tag:Who Signed]
::Signed::Who signed the 2024 treaty for Russia? {
  =Vladimir Putin#Right: he signed it in Pyongyang.
  ~Dmitry Medvedev#No, he was not there.
  ~Sergei Lavrov
}

::Clauses::Which are clauses of the treaty? {
  ~%50%Mutual military assistance
  ~%50%No treaties against the other side
  ~%-100%A shared currency
}

The 1961 treaty became void in 1991.{T#It lapsed when the Soviet Union collapsed.}

It is a treaty of {=Comprehensive Strategic Partnership =Strategic Partnership} for both.

What does DPRK stand for? {=Democratic People's Republic of Korea =DPR of Korea}

In which year was the first treaty concluded? {#1961:0####The Soviet treaty was signed in 1961.}

How many years passed between the treaties? {#62..64}

Match each person with their role. {
  =Kim Jong Un -> Leader of North Korea
  =Vladimir Putin -> President of Russia
  =John Kirby -> U.S. National Security Council spokesman
  = -> Chinese foreign minister
}

Putin arrived in Pyongyang {~Monday =Wednesday ~Friday} for a two-day visit.

Price of a ticket\\: 5 \\{euros\\} \\~ roughly? {#5:1}

Write about the treaty. {}
"""


def test_a_gift_file_of_every_type_imports(teacher: Any, loaded_bank: Any, db: Any) -> None:
    response = import_file(teacher, "gift", EVERY_TYPE.encode(), name="treaty.gift")
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    questions = {q["prompt"]: q for q in body["questions"]}

    def option_id(question: dict[str, Any], text: str) -> str:
        return next(o["id"] for o in question["content"]["options"] if o["text"] == text)

    signed = questions["Who signed the 2024 treaty for Russia?"]
    assert signed["type"] == "single_choice"
    assert signed["answer_key"] == {"choice": option_id(signed, "Vladimir Putin")}
    assert signed["tags"] == ["treaty-years", "who-signed"]
    assert signed["difficulty"] == "medium"
    clauses = questions["Which are clauses of the treaty?"]
    assert clauses["type"] == "multiple_choice"
    assert sorted(clauses["answer_key"]["choices"]) == sorted(
        option_id(clauses, t)
        for t in ("Mutual military assistance", "No treaties against the other side")
    )
    assert clauses["tags"] == ["imported"]
    void = questions["The 1961 treaty became void in 1991."]
    assert void["type"] == "true_false" and void["answer_key"] == {"value": True}
    name = questions["What does DPRK stand for?"]
    assert name["type"] == "short_text"
    assert "Democratic People's Republic of Korea" in name["answer_key"]["accepted"]
    year = questions["In which year was the first treaty concluded?"]
    assert year["type"] == "numeric" and year["answer_key"]["value"] == 1961
    assert year["explanation"] == "The Soviet treaty was signed in 1961."
    gap = questions["How many years passed between the treaties?"]
    assert gap["answer_key"]["value"] == 63 and gap["answer_key"]["tolerance"] == 1
    matching = questions["Match each person with their role."]
    assert matching["type"] == "matching"
    assert len(matching["answer_key"]["pairs"]) == 3
    assert len(matching["content"]["options"]) == 4
    cloze = next(q for q in body["questions"] if q["type"] == "cloze")
    assert "Strategic Partnership" in str(cloze["answer_key"])
    blank = next(q for q in body["questions"] if "arrived in Pyongyang" in q["prompt"])
    assert blank["type"] == "single_choice" and "_____" in blank["prompt"]
    escaped = next(q for q in body["questions"] if q["prompt"].startswith("Price"))
    assert escaped["prompt"] == "Price of a ticket: 5 {euros} ~ roughly?"
    assert len(body["questions"]) == 10
    # Nothing in a GIFT file proves an answer: each question waits for its evidence.
    assert sorted(body["needs_evidence"]) == sorted(q["id"] for q in body["questions"])
    assert all(not q["has_evidence"] for q in body["questions"])
    assert all(
        q["explanation"] == "No explanation came with this imported question."
        for q in body["questions"]
        if q is not year
    )
    problems = body["problems"]
    assert [p["line"] for p in problems] == sorted(p["line"] for p in problems)
    essay = next(p for p in problems if "essay" in p["message"].lower())
    assert essay["line"] == EVERY_TYPE.splitlines().index("Write about the treaty. {}") + 1
    feedback = [p for p in problems if "feedback on particular answers" in p["message"]]
    assert {p["title"] for p in feedback} == {"Signed", None}
    banks = {b["id"]: b for b in teacher.get("/api/banks").get_json()}
    mine = banks[body["bank"]["id"]]
    assert mine["owner_id"] == teacher.id and mine["published"] is False
    assert mine["question_count"] == 10
    assert mine["title"] == "Imported from GIFT: treaty.gift"


def test_an_imported_question_is_anchored_like_any_of_the_teachers(
    teacher: Any, loaded_bank: Any
) -> None:
    body = import_file(
        teacher,
        "gift",
        b"Where did Putin and Kim sign the treaty? {=Pyongyang =Pyong yang}",
        title="From Moodle",
    ).get_json()
    assert body["bank"]["title"] == "From Moodle"
    (question,) = body["questions"]
    assert body["needs_evidence"] == [question["id"]]
    source = teacher.get("/api/sources").get_json()[0]
    anchored = teacher.patch(
        f"/api/questions/{question['id']}",
        json={"evidence": {"source_id": source["id"], "text": "met in Pyongyang for talks"}},
    )
    assert anchored.status_code == 200, anchored.get_json()
    assert anchored.get_json()["has_evidence"] and anchored.get_json()["version"] == 2


def test_a_raw_body_imports_into_a_bank_of_the_teachers_own(teacher: Any, loaded_bank: Any) -> None:
    own = teacher.post(
        "/api/questions",
        json={
            "type": "true_false",
            "prompt": "The treaty was signed in Moscow.",
            "answer": False,
            "tags": ["background"],
            "difficulty": "easy",
            "explanation": "It was signed in Pyongyang.",
        },
    ).get_json()
    response = teacher.post(
        f"/api/banks/import/gift?bank={own['bank_id']}",
        data=b"Russia and North Korea signed a treaty in 2024.{TRUE}",
        content_type="text/plain; charset=utf-8",
    )
    assert response.status_code == 201, response.get_json()
    assert response.get_json()["bank"]["id"] == own["bank_id"]
    listed = teacher.get(f"/api/questions?bank={own['bank_id']}").get_json()
    assert len(listed) == 2


# --- refused imports --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "status", "said"),
    [
        (b"::Broken::What is this? {=one ~two\n\nWrite an essay. {}\n", 422, "line 1"),
        (b"Just a description, no answer block.\n", 422, "description"),
        (b"", 422, "empty"),
        ("Résumé? {T}".encode("latin-1"), 415, "UTF-8"),
        ("Résumé? {T}".encode("utf-16"), 415, "UTF-16"),
        (b"PK\x03\x04\x00\x00binary", 415, "binary"),
    ],
    ids=["malformed", "description", "empty", "latin-1", "utf-16", "binary"],
)
def test_a_gift_file_that_imports_nothing_is_refused_and_writes_nothing(
    teacher: Any, loaded_bank: Any, db: Any, data: bytes, status: int, said: str
) -> None:
    before = counts(db)
    response = import_file(teacher, "gift", data)
    assert response.status_code == status, response.get_json()
    assert response.mimetype == PROBLEM
    assert said in str(response.get_json())
    assert counts(db) == before


def test_a_multipart_request_without_its_file_is_422(teacher: Any, loaded_bank: Any) -> None:
    response = teacher.post(
        "/api/banks/import/gift", data={"other": "x"}, content_type="multipart/form-data"
    )
    assert response.status_code == 422 and response.mimetype == PROBLEM
    assert response.get_json()["errors"] == {
        "files": {"file": ["Missing data for required field."]}
    }


def test_an_import_larger_than_the_limit_is_refused_before_it_is_read(
    app: Any, teacher: Any, loaded_bank: Any, db: Any, monkeypatch: Any
) -> None:
    monkeypatch.setitem(app.config, "SOURCE_MAX_BYTES", 4096)
    before = counts(db)
    big = ("Is this long? {T}\n\n" * 400).encode()
    response = import_file(teacher, "gift", big)
    assert response.status_code == 413 and response.mimetype == PROBLEM
    assert counts(db) == before


def test_a_file_of_more_questions_than_an_import_takes_is_refused(
    teacher: Any, loaded_bank: Any, db: Any, monkeypatch: Any
) -> None:
    monkeypatch.setattr("app.services.interchange.IMPORT_MAX_QUESTIONS", 3)
    before = counts(db)
    response = import_file(teacher, "gift", b"A? {T}\n\nB? {T}\n\nC? {T}\n\nD? {T}\n")
    assert response.status_code == 422 and "at most 3" in response.get_json()["detail"]
    assert counts(db) == before


MANIFEST = """<?xml version="1.0"?>
<manifest xmlns="http://www.imsglobal.org/xsd/qti/qtiv3p0/imscp_v1p1" identifier="M">
  <resources>
    <resource identifier="I1" type="imsqti_item_xmlv3p0" href="items/one.xml"/>
  </resources>
</manifest>"""
DOCTYPE = """<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;">]>
<manifest xmlns="http://www.imsglobal.org/xsd/qti/qtiv3p0/imscp_v1p1">&lol2;</manifest>"""


@pytest.mark.parametrize(
    ("package", "said"),
    [
        (zipped({"imsmanifest.xml": MANIFEST, "../evil.xml": "<x/>"}), "outside itself"),
        (zipped({"imsmanifest.xml": MANIFEST, "/etc/passwd": "root"}), "outside itself"),
        (zipped({"imsmanifest.xml": DOCTYPE}), "DOCTYPE"),
        (zipped({"imsmanifest.xml": MANIFEST, "items/one.xml": DOCTYPE}), "DOCTYPE"),
        (zipped({"imsmanifest.xml": MANIFEST.replace("items/one.xml", "../one.xml")}), "outside"),
        (zipped({"items/one.xml": "<x/>"}), "imsmanifest.xml"),
        (zipped({"imsmanifest.xml": "<manifest"}), "well-formed"),
        (b"not a zip at all", "zip"),
        (zipped({"imsmanifest.xml": '<?xml version="1.0" encoding="utk-8"?><manifest/>'}), "encod"),
    ],
    ids=[
        "dot-dot",
        "absolute",
        "doctype-manifest",
        "doctype-item",
        "href-outside",
        "no-manifest",
        "broken-xml",
        "not-zip",
        "unknown-encoding",
    ],
)
def test_an_unsafe_or_unreadable_package_is_refused_and_writes_nothing(
    teacher: Any, loaded_bank: Any, db: Any, package: bytes, said: str
) -> None:
    before = counts(db)
    response = import_file(teacher, "qti", package, raw=True)
    assert response.status_code == 422, response.get_json()
    assert response.mimetype == PROBLEM
    assert said in str(response.get_json()["errors"]["file"])
    assert counts(db) == before


# --- who may ----------------------------------------------------------------------------------


def test_learners_may_neither_export_nor_import(
    learner: Any, loaded_bank: Any, db: Any, teacher: Any
) -> None:
    bank = shared_bank(db)
    for path in (f"/api/banks/{bank.id}/gift", f"/api/banks/{bank.id}/qti"):
        response = learner.get(path)
        assert response.status_code == 403 and response.mimetype == PROBLEM
    before = counts(db)
    assert import_file(learner, "gift", b"A? {T}").status_code == 403
    assert counts(db) == before


def test_another_teachers_bank_and_quiz_are_404_and_a_shared_bank_takes_no_import(
    teacher: Any, sign_up: Any, loaded_bank: Any, db: Any
) -> None:
    other = sign_up("teacher", "other")
    own = import_file(other, "gift", b"Was the treaty signed in 2024? {T}").get_json()
    their_bank = own["bank"]["id"]
    quiz = other.post(
        "/api/quizzes", json={"title": "Theirs", "question_ids": [own["questions"][0]["id"]]}
    ).get_json()
    for path in (
        f"/api/banks/{their_bank}/gift",
        f"/api/banks/{their_bank}/qti",
        f"/api/banks/{their_bank}/exports",
        f"/api/quizzes/{quiz['id']}/gift",
        f"/api/quizzes/{quiz['id']}/qti",
        f"/api/quizzes/{quiz['id']}/exports",
        "/api/banks/999999/gift",
    ):
        response = teacher.get(path)
        assert response.status_code == 404 and response.mimetype == PROBLEM, path
    before = counts(db)
    into_theirs = import_file(teacher, "gift", b"A? {T}", bank=their_bank)
    assert into_theirs.status_code == 404
    into_shared = import_file(teacher, "gift", b"A? {T}", bank=shared_bank(db).id)
    assert into_shared.status_code == 403
    assert counts(db) == before
    # The owner reads their own bank and quiz.
    assert other.get(f"/api/banks/{their_bank}/gift").status_code == 200
    assert other.get(f"/api/quizzes/{quiz['id']}/qti").status_code == 200


def test_a_sources_bank_takes_no_import(teacher: Any, loaded_bank: Any, db: Any) -> None:
    published = Bank(
        slug="a-source-bank", title="From a source", owner_id=teacher.id, published=True
    )
    db.session.add(published)
    db.session.commit()
    before = counts(db)
    response = import_file(teacher, "gift", b"A? {T}", bank=published.id)
    assert response.status_code == 422
    assert "source" in str(response.get_json()["errors"]["query"]["bank"])
    assert counts(db) == before


def test_the_openapi_document_describes_the_files(client: Any) -> None:
    spec = client.get("/api/openapi.json").get_json()
    paths = spec["paths"]
    gift = paths["/api/banks/{bank_id}/gift"]["get"]["responses"]["200"]["content"]
    assert list(gift) == ["text/plain"]
    qti = paths["/api/quizzes/{quiz_id}/qti"]["get"]["responses"]["200"]["content"]
    assert list(qti) == ["application/zip"]
    body = paths["/api/banks/import/qti"]["post"]["requestBody"]["content"]
    assert set(body) == {"multipart/form-data", "application/zip"}
    assert "201" in paths["/api/banks/import/gift"]["post"]["responses"]
