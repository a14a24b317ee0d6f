"""The article's content is valid and complete; broken content is caught with file and line."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from app.content.documents import Catalog
from app.content.read import read_catalog
from app.domain.question_types import QUESTION_TYPES

SLUG = "rfa-nk-russia-treaty-2024"
REQUIRED_TAGS = {"treaty-years", "clauses", "who-said-what", "people", "background"}


def test_the_article_content_is_valid(catalog: Catalog) -> None:
    assert [str(p) for p in catalog.problems] == []


def test_the_bank_has_80_questions_of_all_nine_types(catalog: Catalog) -> None:
    (bank,) = catalog.banks
    types = Counter(q.type for q in bank.questions)
    assert len(bank.questions) >= 80
    assert set(types) == set(QUESTION_TYPES)


def test_every_question_is_tagged_rated_explained_and_proven(catalog: Catalog) -> None:
    (bank,) = catalog.banks
    assert {t for q in bank.questions for t in q.tags} >= REQUIRED_TAGS
    source = catalog.sources[SLUG].text
    for question in bank.questions:
        assert question.tags and question.difficulty and question.explanation, question.slug
        assert question.evidence, f"{question.slug} has no evidence"
        for span in question.evidence:
            assert source[span["start"] : span["end"]] == span["text"], question.slug


def test_facts_cover_every_kind_the_article_has(catalog: Catalog) -> None:
    facts = catalog.facts[SLUG]
    kinds = Counter(f.kind for f in facts)
    assert set(kinds) == {"date", "clause", "quote", "entity", "definition", "event"}
    years = {f.get("year") for f in facts if f.kind == "date"}
    assert {1961, 1991, 2000, 2024} <= years
    speakers = {f.get("speaker") for f in facts if f.kind == "quote"}
    assert {"john-kirby", "sue-mi-terry", "vladimir-putin", "kim-jong-un"} <= speakers
    terms = {f.get("term") for f in facts if f.kind == "definition"}
    assert {"DPRK", "KCNA", "WMD"} <= terms


def test_generation_is_deterministic() -> None:
    root = Path(__file__).resolve().parents[2] / "questions"
    first, second = read_catalog(root), read_catalog(root)
    assert [q.content_hash for q in first.banks[0].questions] == [
        q.content_hash for q in second.banks[0].questions
    ]


def test_distractors_come_from_facts_of_the_same_kind(catalog: Catalog) -> None:
    (bank,) = catalog.banks
    by_slug = {q.slug: q for q in bank.questions}
    facts = catalog.facts[SLUG]
    years = {str(f.get("year")) for f in facts if f.get("year") and not f.get("metadata")}
    offered = {o["text"] for o in by_slug["treaty-1961--single-choice"].content["options"]}
    assert "1961" in offered and offered & (years - {"1961"})
    # Another fact's year, or one close to the answer: never a year from nowhere.
    assert all(y in years or abs(int(y) - 1961) <= 3 for y in offered), offered
    speakers = {o["text"] for o in by_slug["terry-wmd--single-choice"].content["options"]}
    assert "Sue Mi Terry" in speakers and len(speakers) == 4
    # Only people who speak in the article (issue 11: never the reporter nor Biden).
    assert speakers <= {"Kim Jong Un", "Vladimir Putin", "John Kirby", "Sue Mi Terry"}


# --- broken content ------------------------------------------------------------------------


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"test setup: {old!r} not in {path}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def line_of(path: Path, needle: str) -> int:
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if needle in line:
            return number
    raise AssertionError(needle)


def problems(root: Path) -> list[str]:
    return [str(p) for p in read_catalog(root).problems]


def test_missing_evidence_is_reported_with_file_and_line(content_copy: Path) -> None:
    facts = content_copy / "facts" / f"{SLUG}.toml"
    edit(facts, 'evidence = "the 1961 Treaty', 'evidence = "the 1962 Treaty')
    line = line_of(facts, 'id = "treaty-1961"')
    (message,) = problems(content_copy)
    assert message.startswith(f"questions/facts/{SLUG}.toml:{line}: fact 'treaty-1961':")
    assert "evidence not found verbatim" in message and "1962 Treaty" in message


def test_evidence_with_straight_quotes_gets_a_hint(content_copy: Path) -> None:
    facts = content_copy / "facts" / f"{SLUG}.toml"
    edit(
        facts,
        'at the beginning of Putin’s reign"\ntimeline',
        "at the beginning of Putin's reign\"\ntimeline",
    )
    (message,) = problems(content_copy)
    assert "differs from the source only in quotes or spaces" in message


def test_ambiguous_evidence_must_name_its_occurrence(content_copy: Path) -> None:
    facts = content_copy / "facts" / f"{SLUG}.toml"
    edit(facts, 'evidence = "Russian President Vladimir Putin"', 'evidence = "Putin"')
    (message,) = problems(content_copy)
    assert "'vladimir-putin'" in message and "occurrence = N" in message


def test_answer_key_of_the_wrong_type_is_reported(content_copy: Path) -> None:
    bank = content_copy / "banks" / f"{SLUG}.toml"
    edit(bank, "answer = 51\n", 'answer = "51"\n')
    line = line_of(bank, 'id = "un-charter-article-number"')
    (message,) = problems(content_copy)
    assert message == (
        f"questions/banks/{SLUG}.toml:{line}: question 'un-charter-article-number': "
        "answer: Must be a number, written without quotes."
    )


def test_year_written_as_text_is_reported(content_copy: Path) -> None:
    facts = content_copy / "facts" / f"{SLUG}.toml"
    edit(facts, "year = 1961", 'year = "1961"')
    (message,) = problems(content_copy)
    assert "fact 'treaty-1961': year: Must be a whole number" in message


def test_distractor_equal_to_the_answer_is_reported(content_copy: Path) -> None:
    bank = content_copy / "banks" / f"{SLUG}.toml"
    edit(
        bank,
        '  "The announcement of the agreement came as no surprise at all.",',
        '  "Russia is reaching out to North Korea for missiles, and getting drones from Iran!",',
    )
    (message,) = problems(content_copy)
    assert "question 'kirby-evidence-for-desperation'" in message
    assert "is the same as the answer" in message


def test_duplicate_question_is_reported(content_copy: Path) -> None:
    bank = content_copy / "banks" / f"{SLUG}.toml"
    text = bank.read_text(encoding="utf-8")
    start = text.index('[[question]]\nid = "why-treaty-cites-article-51"')
    block = text[start : text.index("[[question]]", start + 1)]
    copy = block.replace("why-treaty-cites-article-51", "why-again")
    bank.write_text(text + "\n" + copy, "utf-8")
    (message,) = problems(content_copy)
    assert "question 'why-again': asks the same as question 'why-treaty-cites-article-51'" in (
        message
    )


def test_unknown_fields_and_bad_toml_are_reported(content_copy: Path) -> None:
    bank = content_copy / "banks" / f"{SLUG}.toml"
    edit(
        bank,
        'tolerance = 0\nfacts = ["clause-legal-basis"]',
        'tolerence = 0\nfacts = ["clause-legal-basis"]',
    )
    assert any("tolerence: Unknown field." in p for p in problems(content_copy))
    bank.write_text("title = \n", encoding="utf-8")
    (message,) = problems(content_copy)
    assert message.startswith(f"questions/banks/{SLUG}.toml:1: not valid TOML")


def test_quote_speaker_must_be_an_entity(content_copy: Path) -> None:
    facts = content_copy / "facts" / f"{SLUG}.toml"
    edit(facts, 'speaker = "kim-jong-un"', 'speaker = "kim-jong-il"')
    assert any("speaker 'kim-jong-il' is not an entity fact" in p for p in problems(content_copy))


@pytest.mark.parametrize("exclude", ['["no-such-question"]'])
def test_unknown_exclusion_is_reported(content_copy: Path, exclude: str) -> None:
    bank = content_copy / "banks" / f"{SLUG}.toml"
    edit(bank, "exclude = []", f"exclude = {exclude}")
    (message,) = problems(content_copy)
    assert "generator.exclude names no generated question: 'no-such-question'" in message
