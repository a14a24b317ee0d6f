"""The generator's rules, each as a teacher would state it (issue 11), on facts made here."""

from __future__ import annotations

from typing import Any

from app.content.documents import FactDoc
from app.content.generate import generate_questions

SETTINGS = {
    "timelines": 2,
    "timeline_size": 3,
    "matchings": 2,
    "matching_size": 3,
    "multiple_choice_per_document": 2,
    "choices": 4,
    "exclude": [],
    "metadata": False,
}


def fact(slug: str, kind: str, statement: str = "", **fields: Any) -> FactDoc:
    return FactDoc(
        source="s",
        slug=slug,
        kind=kind,
        statement=statement or f"Statement of {slug}.",
        fields=fields,
        evidence_start=0,
        evidence_end=5,
        evidence_text="Evidence",
        evidence_sentences=(0,),
        position=0,
        tags=("background",),
        difficulty="medium",
        path="facts.toml",
        line=1,
    )


def generate(*facts: FactDoc, **settings: Any) -> dict[str, dict[str, Any]]:
    questions, _skipped = generate_questions("bank", list(facts), {**SETTINGS, **settings})
    return {q["id"]: q for q in questions}


def skipped(*facts: FactDoc, **settings: Any) -> list[tuple[str, str, str]]:
    return generate_questions("bank", list(facts), {**SETTINGS, **settings})[1]


PEOPLE = [
    fact("ann", "entity", name="Ann Lee", role="the foreign minister", entity_type="person"),
    fact("bob", "entity", name="Bob Ray", role="a senior fellow", entity_type="person"),
    fact("cy", "entity", name="Cy Dune", role="the spokesperson", entity_type="person"),
    fact("di", "entity", name="Di Fox", role="the president", entity_type="person"),
    fact("eve", "entity", name="Eve Oak", role="a reporter", entity_type="person"),
]


def quote(slug: str, speaker: str, direct: bool = True) -> FactDoc:
    return fact(slug, "quote", speaker=speaker, words=f"Words of {slug}.", direct=direct)


def test_a_single_choice_has_four_options_or_is_not_asked() -> None:
    two_speakers = generate(*PEOPLE, quote("q1", "ann"), quote("q2", "bob"))
    assert "q1--single-choice" not in two_speakers
    four = generate(
        *PEOPLE, quote("q1", "ann"), quote("q2", "bob"), quote("q3", "cy"), quote("q4", "di")
    )
    assert len(four["q1--single-choice"]["options"]) == 4


def test_who_said_it_offers_only_people_who_speak() -> None:
    questions = generate(
        *PEOPLE, quote("q1", "ann"), quote("q2", "bob"), quote("q3", "cy"), quote("q4", "di")
    )
    options = set(questions["q1--single-choice"]["options"])
    assert options == {"Ann Lee", "Bob Ray", "Cy Dune", "Di Fox"}  # never Eve, who is silent


def test_a_fragment_is_reported_speech_and_a_whole_sentence_a_quotation() -> None:
    questions = generate(
        *PEOPLE,
        quote("q1", "ann", direct=True),
        quote("q2", "bob", direct=False),
        quote("q3", "cy"),
        quote("q4", "di"),
    )
    assert "“Words of q1.”" in questions["q1--single-choice"]["prompt"]
    reported = questions["q2--single-choice"]["prompt"]
    assert "“" not in reported and "who made this point" in reported


def test_an_acronym_is_never_asked_for_by_its_expansion() -> None:
    questions = generate(
        fact("kcna", "definition", term="KCNA", expansion="Korean Central News Agency"),
        fact("wmd", "definition", term="WMD", expansion="weapons of mass destruction"),
    )
    assert set(questions) == {"kcna--short-text", "wmd--short-text"}


def test_a_role_that_tells_its_answer_is_not_asked() -> None:
    orgs = [
        fact(f"o{i}", "entity", name=f"Org {i}", role=f"the {w} office", entity_type="organisation")
        for i, w in enumerate(["trade", "press", "budget", "audit", "census"])
    ]
    named = fact(
        "nsc",
        "entity",
        name="the National Security Council",
        role="the council of the president",
        entity_type="organisation",
    )
    questions = generate(*orgs, named)
    assert questions["o1--role"]["options"][0][0].isupper()  # "The press office"
    assert not {"nsc--role", "nsc--name"} & set(questions)  # "council" would tell the answer
    assert ("nsc", "nsc--role", "its answer shares a word with its stem") in skipped(*orgs, named)


def test_roles_are_not_asked_when_every_question_would_show_the_same_options() -> None:
    """Four people, four roles: each role question would offer the same four, so in one
    attempt they would answer each other by elimination."""
    assert not [q for q in generate(*PEOPLE[:4]) if q.endswith(("--role", "--name"))]
    assert len(skipped(*PEOPLE[:4])) == 4


def test_which_country_or_organisation_and_who_for_people() -> None:
    # Three countries the article only calls neighbours: the host's role cannot be asked
    # among four different roles, so its name is, phrased for a country.
    countries = [
        fact(f"c{i}", "entity", name=f"Land {i}", role="a neighbour", entity_type="country")
        for i in range(4)
    ]
    host = fact("host", "entity", name="Hostland", role="the host", entity_type="country")
    questions = generate(*countries, host)
    assert questions["host--name"]["prompt"] == (
        "Which country does the article describe as the host?"
    )
    assert "Hostland" in questions["host--name"]["options"]
    assert len(questions["host--name"]["options"]) == 4


def test_one_true_false_per_fact_never_the_statement_beside_its_negation() -> None:
    clause = fact(
        "c1",
        "clause",
        document="treaty",
        false_statements=["Not c1, first.", "Not c1, second."],
    )
    questions = generate(clause)
    assert [q for q in questions if q.startswith("c1--true-false")] == ["c1--true-false"]


def test_select_all_that_apply_never_holds_a_clause_and_its_negation() -> None:
    clauses = [
        fact(f"c{i}", "clause", document="treaty", false_statements=[f"Not c{i}."])
        for i in range(5)
    ]
    for question in generate(*clauses).values():
        if question["type"] != "multiple_choice":
            continue
        for answer in question["answers"]:
            slug = answer.split()[-1].rstrip(".")
            assert f"Not {slug}." not in question["options"]


def test_page_facts_are_asked_only_when_the_bank_says_so() -> None:
    updated = fact("updated", "date", event="The article was updated.", year=2024, metadata=True)
    assert generate(updated) == {}
    assert "updated--numeric" in generate(updated, metadata=True)


def test_find_the_evidence_needs_a_claim_and_never_shows_the_passage() -> None:
    with_claim = fact("f1", "event", claim="Which day did the report come out?")
    without = fact("f2", "event")
    refused = fact("f3", "event", claim="Somewhere.", find_evidence=False)
    questions = generate(with_claim, without, refused)
    assert set(questions) == {"f1--find-evidence"}
    prompt = questions["f1--find-evidence"]["prompt"]
    assert prompt == (
        "Which sentence or sentences of the article answer this? Which day did the report come out?"
    )


def test_timelines_and_matchings_never_share_a_fact() -> None:
    dated = [
        fact(f"d{i}", "event", timeline=f"200{i}", timeline_label=f"Event {i}") for i in range(7)
    ]
    quotes = [quote(f"q{i}", PEOPLE[i % 5].slug) for i in range(8)]
    groups = [
        set(q["facts"])
        for q in generate(*dated, *PEOPLE, *quotes).values()
        if q["type"] in ("ordering", "matching")
    ]
    for i, first in enumerate(groups):
        for second in groups[i + 1 :]:
            assert not first & second


# A teacher's source (issue 12): few people, so names are asked as short answers.


def test_with_short_answers_who_said_it_is_a_name_to_write_when_a_choice_is_unfair() -> None:
    two = generate(*PEOPLE[:2], quote("q1", "ann"), quote("q2", "bob"), short_answers=True)
    asked = two["q1--short-text"]
    assert asked["type"] == "short_text" and asked["accepted"] == ["Ann Lee", "Lee"]
    assert "q1--single-choice" not in two
    four = generate(
        *PEOPLE,
        quote("q1", "ann"),
        quote("q2", "bob"),
        quote("q3", "cy"),
        quote("q4", "di"),
        short_answers=True,
    )
    assert "q1--single-choice" in four and "q1--short-text" not in four  # a fair choice stays


def test_with_short_answers_a_role_asks_for_the_name() -> None:
    questions = generate(*PEOPLE[:2], short_answers=True)
    asked = questions["ann--name"]
    assert asked["prompt"] == "Who does the article describe as the foreign minister?"
    assert asked["accepted"] == ["Ann Lee", "Lee"]
    assert "ann--name" not in generate(*PEOPLE[:2])  # the article's bank: not asked


def test_a_number_is_asked_in_its_sentence_with_the_figure_blanked() -> None:
    number = fact("loans", "number", value=3.2, unit="billion dollars", counts="loans")
    number = FactDoc(**{**number.__dict__, "evidence_text": "The bank lent $3.2 billion in 2020"})
    asked = generate(number)["loans--numeric"]
    assert asked["prompt"] == (
        "Fill in the figure, according to the article: “The bank lent $___ billion in 2020” "
        "(in billion dollars)"
    )
    assert asked["answer"] == 3.2


def test_a_negative_figure_is_blanked_and_minus_stays() -> None:
    cold = fact("cold", "number", value=-370, unit="degrees Fahrenheit", counts="temperature")
    cold = FactDoc(**{**cold.__dict__, "evidence_text": "It works at minus 370 degrees Fahrenheit"})
    asked = generate(cold)["cold--numeric"]
    assert "“It works at minus ___ degrees Fahrenheit”" in asked["prompt"]
    assert asked["answer"] == 370  # what fills the blank
