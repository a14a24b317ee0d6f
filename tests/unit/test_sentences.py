"""Sentences of a source: what find-the-evidence answers select."""

from __future__ import annotations

import pytest

from app.domain.question_types import grade_response, ideal_response, response_problem
from app.domain.sentences import sentences_of_span, split_sentences


def texts(text: str) -> list[str]:
    return [text[s:e] for s, e in split_sentences(text)]


def test_sentences_end_at_stops_and_lines_but_not_at_abbreviations() -> None:
    text = (
        "The U.N. Charter applies. Kirby spoke at 11 a.m. on Thursday.\n"
        "“Our view is that this is a sign,” Kirby added. “I mean, they need friends.”\n"
        "Sue Mi Terry, of the Council, agreed."
    )
    assert texts(text) == [
        "The U.N. Charter applies.",
        "Kirby spoke at 11 a.m. on Thursday.",
        "“Our view is that this is a sign,” Kirby added.",
        "“I mean, they need friends.”",
        "Sue Mi Terry, of the Council, agreed.",
    ]


def test_a_span_maps_to_the_sentences_it_touches() -> None:
    text = "One. Two and three. Four."
    sentences = split_sentences(text)
    assert sentences_of_span(sentences, text.index("Two"), text.index("three") + 5) == [1]
    assert sentences_of_span(sentences, text.index("One"), text.index("Two") + 3) == [0, 1]


def test_the_article_has_its_sentences(catalog: object) -> None:
    text = catalog.sources["rfa-nk-russia-treaty-2024"].text  # type: ignore[attr-defined]
    found = texts(text)
    assert "DPRK, the Democratic People’s Republic of Korea, is North Korea’s official name." in (
        found
    )
    assert not any("Add your comment" in sentence for sentence in found)


CONTENT = {"source": "s", "source_id": 1, "sentence_count": 30}
KEY = {"sentences": [12, 13]}


@pytest.mark.parametrize(
    ("chosen", "score"),
    [([12, 13], 1.0), ([13, 12], 1.0), ([12], 0.5), ([12, 13, 14], 0.6667), ([1], 0.0)],
)
def test_sentence_selection_scores_by_agreement_with_the_key(
    chosen: list[int], score: float
) -> None:
    grade = grade_response("find_evidence", CONTENT, KEY, {"sentences": chosen})
    assert grade.score == score and grade.correct is (score == 1.0)


@pytest.mark.parametrize(
    "response",
    [
        {"sentences": [30]},
        {"sentences": [1, 1]},
        {"sentences": ["1"]},
        {"sentences": [True]},
        {"sentences": list(range(11))},
        {"start": 0, "end": 5},
    ],
)
def test_a_sentence_selection_must_fit_the_source(response: dict) -> None:
    assert response_problem("find_evidence", CONTENT, response) is not None


def test_an_empty_selection_withdraws_the_answer_and_scores_nothing() -> None:
    assert response_problem("find_evidence", CONTENT, {"sentences": []}) is None
    assert grade_response("find_evidence", CONTENT, KEY, {"sentences": []}).score == 0


def test_the_ideal_response_is_the_key_and_scores_full() -> None:
    ideal = ideal_response("find_evidence", KEY)
    assert ideal == {"sentences": [12, 13]}
    assert response_problem("find_evidence", CONTENT, ideal) is None
    assert grade_response("find_evidence", CONTENT, KEY, ideal).correct


def test_items_asked_before_sentences_keep_their_rule() -> None:
    legacy = {"source": "s", "source_length": 1000}
    key = {"start": 100, "end": 200}
    assert response_problem("find_evidence", legacy, {"start": 100, "end": 200}) is None
    assert response_problem("find_evidence", legacy, {"sentences": [1]}) is not None
    assert grade_response("find_evidence", legacy, key, {"start": 100, "end": 200}).correct
    assert ideal_response("find_evidence", key) == key
