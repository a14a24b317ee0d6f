"""The closed sets of values the product knows. Each one is, from here alone, a CHECK
constraint (`in_check`), a schema's `OneOf` and an enum of the OpenAPI document; the
question types come from their registry (`app.domain.question_types`)."""

from __future__ import annotations

ROLES = ("teacher", "learner")
DIFFICULTIES = ("easy", "medium", "hard")
FACT_KINDS = ("date", "clause", "quote", "entity", "definition", "event", "number", "list")
# A fact a teacher's source drafted is proposed until they accept or reject it; one whose
# evidence a new version of the source no longer holds is stale until they decide.
FACT_STATUSES = ("proposed", "accepted", "rejected", "stale")
GRADING_METHODS = ("highest", "average", "first", "last")
# When an item's result (score, right or wrong) shows to the learner.
FEEDBACK_POLICIES = ("immediate", "on_submit", "after_close")
# When, once results show, correct answers, explanations and evidence show too: after the
# attempt that leaves none (or the close), after every attempt, or after the close.
REVEAL_POLICIES = ("after_last_attempt", "after_each_attempt", "after_close")
ATTEMPT_STATES = ("in_progress", "submitted")
ANSWER_SOURCES = ("quiz", "practice")


def in_check(column: str, values: tuple[str, ...]) -> str:
    """The SQL of a CHECK constraint: `column IN ('a', 'b')`."""
    return f"{column} IN ({', '.join(repr(v) for v in values)})"
