"""Find the evidence: the learner selects a passage of the source (character offsets) and
scores by its overlap with the evidence span: recall = overlap / evidence length, precision =
overlap / selection length; 1 if recall >= 0.8 and precision >= 0.5, 0.5 if recall >= 0.5 and
precision >= 0.25, else 0."""

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

FULL_RECALL, FULL_PRECISION = 0.8, 0.5
HALF_RECALL, HALF_PRECISION = 0.5, 0.25


class FindEvidenceSchema(QuestionBaseSchema):
    pass


@register
class FindEvidence(QuestionType):
    name = "find_evidence"
    label = "Find the evidence"
    response_shape = '{"start": <int>, "end": <int>} with 0 <= start < end <= text length'
    authoring_schema = FindEvidenceSchema

    def compile(self, question: dict[str, Any]) -> CompiledBody:
        spans = question.get("evidence") or []
        if len(spans) != 1:
            raise QuestionProblem("needs exactly one fact, whose evidence span is the answer")
        span = spans[0]
        return CompiledBody(
            {"source": span["source"]}, {"start": span["start"], "end": span["end"]}
        )

    def present(
        self,
        content: dict[str, Any],
        rng: random.Random,
        shuffle_options: bool,
        sources: dict[str, tuple[int, int]],
    ) -> dict[str, Any]:
        source_id, length = sources[content["source"]]
        return {**content, "source_id": source_id, "source_length": length}

    def accepts(self, content: dict[str, Any], response: dict[str, Any]) -> bool:
        start, end = response.get("start"), response.get("end")
        return (
            keys_are(response, "start", "end")
            and is_int(start)
            and is_int(end)
            and 0 <= start < end <= content["source_length"]
        )

    def grade(
        self, content: dict[str, Any], key: dict[str, Any], response: dict[str, Any]
    ) -> Grade:
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
