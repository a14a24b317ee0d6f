"""The bank's quality lint (file and line for each finding) and the draw that never asks a
fact twice nor shows one item's answer in another (issue 11)."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from app.content.documents import Catalog
from app.content.lint import asked, lint_catalog
from app.content.read import read_catalog
from app.domain.giveaways import Asked, conflicts, gives_away
from app.services.attempts import pick_questions

SLUG = "rfa-nk-russia-treaty-2024"


def findings(root: Path) -> list[str]:
    return [str(p) for p in lint_catalog(read_catalog(root))]


def append_question(root: Path, toml: str) -> None:
    bank = root / "banks" / f"{SLUG}.toml"
    bank.write_text(bank.read_text(encoding="utf-8") + "\n" + toml, encoding="utf-8")


def test_the_shipped_bank_has_no_finding(catalog: Catalog) -> None:
    assert [str(p) for p in lint_catalog(catalog)] == []


def test_a_stem_that_answers_another_question_is_found(content_copy: Path) -> None:
    before = set(findings(content_copy))
    append_question(
        content_copy,
        """[[question]]
id = "giveaway-by-hand"
type = "true_false"
prompt = "True or false? North Korea’s official name is the Democratic People’s Republic of Korea."
answer = true
tags = ["background"]
difficulty = "easy"
explanation = "It is."
""",
    )
    new = set(findings(content_copy)) - before
    assert any(
        "question 'giveaway-by-hand': the text of 'giveaway-by-hand' holds the answer of" in f
        and "democratic people" in f.lower()
        for f in new
    ), new
    assert all(f.startswith(f"questions/banks/{SLUG}.toml:") for f in new), new


def test_too_few_options_and_an_initials_answer_are_found(content_copy: Path) -> None:
    append_question(
        content_copy,
        """[[question]]
id = "three-options"
type = "single_choice"
prompt = "Which agency, the Korean Central News Agency, reported the pact?"
options = ["KCNA", "TASS", "RIA"]
answer = "KCNA"
tags = ["background"]
difficulty = "easy"
explanation = "KCNA."
""",
    )
    mine = [f for f in findings(content_copy) if "'three-options'" in f]
    assert any("3 options: a single choice needs 4" in f for f in mine), mine
    assert any("is the initials of words in its stem" in f for f in mine), mine


def fact_block(text: str, slug: str) -> tuple[int, int]:
    start = text.index(f'id = "{slug}"')
    end = text.find("[[fact]]", start)
    return start, len(text) if end < 0 else end


def test_a_find_the_evidence_claim_that_copies_its_passage_is_found(content_copy: Path) -> None:
    facts = content_copy / "facts" / f"{SLUG}.toml"
    text = facts.read_text(encoding="utf-8")
    start, end = fact_block(text, "clause-third-countries")
    lines = [
        line
        for line in text[start:end].splitlines(keepends=True)
        if not line.startswith(("claim", "find_evidence"))
    ]
    copied = 'claim = "both sides not to sign treaties with third countries that infringe"\n'
    block = lines[0] + copied + "".join(lines[1:])
    facts.write_text(text[:start] + block + text[end:], encoding="utf-8")
    found = [f for f in findings(content_copy) if "clause-third-countries--find-evidence" in f]
    assert any("its prompt copies its passage" in f for f in found), found


def test_a_fragment_marked_as_a_quotation_is_found(content_copy: Path) -> None:
    facts = content_copy / "facts" / f"{SLUG}.toml"
    text = facts.read_text(encoding="utf-8")
    start, end = fact_block(text, "kim-alliance")
    block = text[start:end]
    fragment = block.replace("direct = false", "direct = true")
    fragment = fragment.replace(
        fragment[fragment.index("words = ") : fragment.index("\n", fragment.index("words = "))],
        'words = "upgraded to the level of alliance"',
    )
    facts.write_text(text[:start] + fragment + text[end:], encoding="utf-8")
    found = [f for f in findings(content_copy) if "quote 'kim-alliance'" in f]
    assert (found and "fragment" in found[0]) or "word for word" in found[0], found
    assert found[0].startswith(f"questions/facts/{SLUG}.toml:")


@pytest.mark.parametrize("count", [10, 20])
def test_a_thousand_draws_never_ask_a_fact_twice_nor_give_an_item_away(
    catalog: Catalog, count: int
) -> None:
    (bank,) = catalog.banks
    kinds = {f.slug: f.kind for facts in catalog.facts.values() for f in facts}
    views = {i: asked(draft, kinds) for i, draft in enumerate(bank.questions)}
    ids = list(views)

    def clash(a: int, b: int) -> bool:
        return conflicts(views[a], views[b]) is not None

    short = 0
    for seed in range(1000):
        chosen = [
            qid
            for qid, _ in pick_questions([], [(ids, count, 1.0)], random.Random(seed), False, clash)
        ]
        short += len(chosen) < count
        for i, a in enumerate(chosen):
            for b in chosen[i + 1 :]:
                assert conflicts(views[a], views[b]) is None, (seed, a, b)
    assert short == 0, f"{short} of 1000 draws of {count} came short of clash-free questions"


def test_a_passage_repeated_in_another_sentence_is_found(content_copy: Path) -> None:
    """Either sentence would be right, but only the key scores: the question is unfair."""
    source = content_copy / "sources" / f"{SLUG}.txt"
    text = source.read_text(encoding="utf-8")
    # All but the last two words of the passage, in a row (the passage itself stays unique).
    repeated = "We repeat: DPRK, the Democratic People’s Republic of Korea, is North Korea’s name."
    source.write_text(text + "\n" + repeated + "\n", encoding="utf-8")
    found = [f for f in findings(content_copy) if "dprk--find-evidence" in f]
    assert any("repeats its passage" in f for f in found), found


def _asked(slug: str, prompt: str, facts: set[str], **numeric: object) -> Asked:
    kind = "numeric" if numeric else "single_choice"
    content = {"unit": numeric["unit"]} if numeric.get("unit") else {"options": []}
    key = {"value": numeric["value"]} if numeric else {"choice": "x"}
    return Asked(slug, kind, prompt, content, key, frozenset(facts), ())


@pytest.mark.parametrize(
    ("stem", "given_away"),
    [
        ("It flew two months after launch, 5 months before the review.", True),
        ("It was launched on an Ariane 5 rocket.", False),  # a small figure alone tells nothing
        ("The treaty of 1961 is still cited.", True),  # a year tells alone
    ],
)
def test_a_figure_gives_an_answer_away_with_its_unit_a_year_alone(
    stem: str, given_away: bool
) -> None:
    """No item shows another item's answer (product rule): a numeric answer below 1,000 with a
    unit counts as shown when a stem holds it with its unit; a year, bare."""
    months = _asked("months", "How many months did cooling take?", {"cool"}, value=5, unit="months")
    year = _asked("year", "In which year was the treaty signed?", {"sign"}, value=1961)
    other = _asked("other", stem, {"other"})
    shown = gives_away(other, months) or gives_away(other, year)
    assert bool(shown) is given_away, shown
