"""Each question type compiles its authoring fields and refuses what does not fit it."""

from __future__ import annotations

from typing import Any

import pytest

from app.domain.question_types import QuestionProblem, compile_question_body
from app.domain.question_types.cloze import parse_cloze
from app.domain.text import normalise_answer, short_id


def q(type_: str, **body: Any) -> dict[str, Any]:
    defaults: dict[str, Any] = {"tolerance": 0, "unit": None, "distractors": []}
    return {"id": "q1", "type": type_, **defaults, **body}


def test_single_choice_key_is_the_answer_option_id() -> None:
    body = compile_question_body(q("single_choice", options=["1961", "2000"], answer="2000"))
    assert body.answer_key == {"choice": short_id("o", "2000")}
    assert {o["text"] for o in body.content["options"]} == {"1961", "2000"}
    assert "2000" not in str(body.content.get("answer", ""))


def test_single_choice_distractor_equal_to_answer_is_refused() -> None:
    with pytest.raises(
        QuestionProblem, match="distractor 'kim jong un!' is the same as the answer"
    ):
        compile_question_body(
            q(
                "single_choice",
                options=["Kim Jong Un", "kim jong un!", "Putin"],
                answer="Kim Jong Un",
            )
        )


def test_single_choice_answer_must_be_an_option() -> None:
    with pytest.raises(QuestionProblem, match="not one of the options"):
        compile_question_body(q("single_choice", options=["a", "b"], answer="c"))


def test_multiple_choice_distractor_equal_to_an_answer_is_refused() -> None:
    with pytest.raises(QuestionProblem, match="same as an answer"):
        compile_question_body(
            q("multiple_choice", options=["Iran", "iran.", "Vietnam"], answers=["Iran"])
        )


def test_matching_distractor_equal_to_a_match_is_refused() -> None:
    with pytest.raises(QuestionProblem, match="same as a matching answer"):
        compile_question_body(
            q("matching", pairs=[["a", "Kirby"], ["b", "Terry"]], distractors=["kirby"])
        )


def test_matching_key_pairs_prompt_ids_with_option_ids() -> None:
    body = compile_question_body(q("matching", pairs=[["a", "Kirby"], ["b", "Terry"]]))
    assert body.answer_key["pairs"] == {
        short_id("p", "a"): short_id("o", "Kirby"),
        short_id("p", "b"): short_id("o", "Terry"),
    }


def test_ordering_never_shows_items_in_the_answer_order() -> None:
    for n in range(3, 8):
        items = [f"event {i}" for i in range(n)]
        body = compile_question_body(q("ordering", id=f"order-{n}", items=items))
        shown = [i["id"] for i in body.content["items"]]
        assert shown != body.answer_key["order"]
        assert sorted(shown) == sorted(body.answer_key["order"])


def test_ordering_needs_three_items() -> None:
    with pytest.raises(QuestionProblem, match="at least 3 items"):
        compile_question_body(q("ordering", id="two", items=["1961", "2000"]))


def test_cloze_splits_blanks_and_variants() -> None:
    segments, blanks = parse_cloze("Article [[51|fifty-one]] of the [[U.N. Charter]].")
    assert segments == ["Article ", " of the ", "."]
    assert blanks == [["51", "fifty-one"], ["U.N. Charter"]]


@pytest.mark.parametrize("text", ["no blanks here", "an [[]] empty blank", "open [[blank"])
def test_cloze_without_a_usable_blank_is_refused(text: str) -> None:
    with pytest.raises(QuestionProblem):
        compile_question_body(q("cloze", text=text))


def test_numeric_negative_tolerance_is_refused() -> None:
    with pytest.raises(QuestionProblem, match="tolerance"):
        compile_question_body(q("numeric", answer=1961, tolerance=-1))


def test_find_evidence_keys_the_sentences_of_its_evidence() -> None:
    """Issue 11: the key is the set of sentences holding the evidence (it was one span)."""
    with pytest.raises(QuestionProblem, match="needs a fact or evidence"):
        compile_question_body(q("find_evidence", evidence=[]))
    span = {"source": "s", "fact": "f", "start": 3, "end": 9, "text": "abcdef", "sentences": [4]}
    other = {**span, "fact": "g", "sentences": [7, 4]}
    body = compile_question_body(q("find_evidence", evidence=[span, other]))
    assert body.answer_key == {"sentences": [4, 7]}
    assert body.content == {"source": "s"}
    with pytest.raises(QuestionProblem, match="one source"):
        compile_question_body(q("find_evidence", evidence=[span, {**span, "source": "t"}]))


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Democratic People’s Republic of Korea", "democratic peoples republic of korea"),
        # A hyphen joins words (issue 11: "fifty-one" is "fifty one").
        ("  Korean   Central News-Agency. ", "korean central news agency"),
        ("Pyöngyang", "pyongyang"),
    ],
)
def test_normalise_answer_folds_case_accents_punctuation_and_space(raw: str, expected: str) -> None:
    assert normalise_answer(raw) == expected
