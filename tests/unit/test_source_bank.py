"""A teacher's source bank (issue 12): the generator and lint of the files, with what they
refuse left out one question at a time, and why."""

from __future__ import annotations

from typing import Any

from app.content.documents import FactDoc, SourceDoc
from app.content.source_bank import build_source_bank

TEXT = "The three countries will spend $450 million over 10 years on reservoirs and canals."


def number(slug: str, position: int, **fields: Any) -> FactDoc:
    return FactDoc(
        source="pact",
        slug=slug,
        kind="number",
        statement=TEXT,
        fields=fields,
        evidence_start=0,
        evidence_end=len(TEXT) - 1,
        evidence_text=TEXT[:-1],
        evidence_sentences=(0,),
        position=position,
        tags=("numbers",),
        difficulty="medium",
        path="source pact",
        line=None,
    )


SOURCE = SourceDoc("pact", "Pact", "Daily", None, None, None, None, None, TEXT)


def test_of_two_questions_that_give_each_other_away_the_first_stays() -> None:
    facts = [
        number("money", 0, value=450, unit="million dollars", counts="spending"),
        number("years", 1, value=10, unit="years", counts="years of spending"),
    ]
    built = build_source_bank("pact", "Pact", SOURCE, facts)
    assert [q.slug for q in built.bank.questions] == ["money--numeric"]
    assert [(o.subject, "holds the answer" in o.reason) for o in built.left_out] == [
        ("years--numeric", True)
    ]
    assert built.excluded == ["years--numeric"]
