"""Find the evidence: the learner selects the sentence or sentences of the source that prove
a claim. The key is the set of sentences holding the evidence of the question's facts; the
score is the share of the selection and the key that agree (|selected ∩ key| / |selected ∪
key|), so full marks take exactly the key, and a missing or an extra sentence costs alike.

Items asked before sentences (a key of character offsets, `{"start", "end"}`) keep their
rule: by overlap with the evidence span, recall = overlap / evidence length, precision =
overlap / selection length; 1 if recall >= 0.8 and precision >= 0.5, 0.5 if recall >= 0.5 and
precision >= 0.25, else 0.
"""

from __future__ import annotations

import random
from typing import Any

from app.domain.question_types.base import (
    CompiledBody,
    Grade,
    QuestionBaseSchema,
    QuestionProblem,
    QuestionType,
    is_int,
    keys_are,
    register,
)

# A claim is proved by a few sentences; a selection of more is a guess.
MAX_SELECTED = 10
FULL_RECALL, FULL_PRECISION = 0.8, 0.5
HALF_RECALL, HALF_PRECISION = 0.5, 0.25


class FindEvidenceSchema(QuestionBaseSchema):
    pass


def _legacy(key: dict[str, Any]) -> bool:
    return "sentences" not in key


@register
class FindEvidence(QuestionType):
    name = "find_evidence"
    label = "Find the evidence"
    response_shape = (
        '{"sentences": [<sentence index>, ...]}: at most 10 indices into the source\'s '
        "`sentences` ([] withdraws the answer)"
    )
    authoring_schema = FindEvidenceSchema

    def compile(self, question: dict[str, Any]) -> CompiledBody:
        spans = question.get("evidence") or []
        if not spans:
            raise QuestionProblem("needs a fact or evidence: its sentences are the answer")
        if len({span["source"] for span in spans}) != 1:
            raise QuestionProblem("its evidence must come from one source")
        sentences = sorted({i for span in spans for i in span.get("sentences", [])})
        if not sentences:
            raise QuestionProblem("its evidence lies in no sentence of the source")
        return CompiledBody({"source": spans[0]["source"]}, {"sentences": sentences})

    def present(
        self,
        content: dict[str, Any],
        rng: random.Random,
        shuffle_options: bool,
        sources: dict[str, tuple[int, int]],
    ) -> dict[str, Any]:
        source_id, sentence_count = sources[content["source"]]
        return {**content, "source_id": source_id, "sentence_count": sentence_count}

    def accepts(self, content: dict[str, Any], response: dict[str, Any]) -> bool:
        if "source_length" in content:  # an item asked before sentences
            start, end = response.get("start"), response.get("end")
            return (
                keys_are(response, "start", "end")
                and is_int(start)
                and is_int(end)
                and 0 <= start < end <= content["source_length"]
            )
        chosen = response.get("sentences")
        return (
            keys_are(response, "sentences")
            and isinstance(chosen, list)
            and len(chosen) <= MAX_SELECTED  # empty: the learner withdrew the answer (0)
            and all(is_int(i) and 0 <= i < content["sentence_count"] for i in chosen)
            and len(set(chosen)) == len(chosen)
        )

    def grade(
        self, content: dict[str, Any], key: dict[str, Any], response: dict[str, Any]
    ) -> Grade:
        if _legacy(key):
            return _grade_span(key, response)
        right = set(key["sentences"])
        chosen = set(response.get("sentences") or [])
        together = right | chosen
        score = len(right & chosen) / len(together) if together else 0.0
        parts = [{"sentence": i, "correct": i in right} for i in sorted(chosen)]
        return Grade(round(score, 4), 1.0, parts)

    def ideal_response(self, key: dict[str, Any]) -> dict[str, Any]:
        if _legacy(key):
            return {"start": key["start"], "end": key["end"]}
        return {"sentences": list(key["sentences"])}


def _grade_span(key: dict[str, Any], response: dict[str, Any]) -> Grade:
    start, end = response.get("start", 0), response.get("end", 0)
    overlap = max(0, min(end, key["end"]) - max(start, key["start"]))
    selected = max(0, end - start)
    recall = overlap / (key["end"] - key["start"])
    precision = overlap / selected if selected else 0.0
    if recall >= FULL_RECALL and precision >= FULL_PRECISION:
        score = 1.0
    elif recall >= HALF_RECALL and precision >= HALF_PRECISION:
        score = 0.5
    else:
        score = 0.0
    return Grade(score, 1.0, [{"recall": round(recall, 3), "precision": round(precision, 3)}])
