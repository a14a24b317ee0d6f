"""What a learner may see of their attempts, and when: one pure policy, from the quiz's
settings, the attempt's state and the clock. (A quiz's teacher sees everything, always.)

`feedback` decides when results show (score, right or wrong, which parts were right):

| feedback    | an item's result                                           | score, review |
|-------------|------------------------------------------------------------|---------------|
| immediate   | once the item is checked; the item is then locked          | on submit     |
| on_submit   | on submit                                                  | on submit     |
| after_close | once the quiz's closes_at has passed (and it is submitted) | same          |

`reveal_answers` decides when, once results show, correct answers, explanations and evidence
show too: `after_last_attempt` (the default) once the learner has no attempt left or the quiz
has closed, so attempt 1's review cannot hand attempt 2 its keys; `after_each_attempt` at once;
`after_close` once the quiz has closed.

Under immediate feedback the first answer saved to an item is final: a result the learner has
seen can never be turned into a mark by answering again.
"""

from __future__ import annotations

from datetime import datetime
from typing import Protocol


class QuizSettings(Protocol):
    """What the policy reads of a quiz (a Quiz, or a row of these columns)."""

    feedback: str
    reveal_answers: str
    max_attempts: int | None
    closes_at: datetime | None


def closed(quiz: QuizSettings, now: datetime) -> bool:
    return quiz.closes_at is not None and now >= quiz.closes_at


def scores_visible(quiz: QuizSettings, now: datetime) -> bool:
    """Whether scores of the quiz's submitted attempts may show now (grades, progress)."""
    return closed(quiz, now) if quiz.feedback == "after_close" else True


def score_visible(quiz: QuizSettings, submitted: bool, now: datetime) -> bool:
    """An attempt's score and its review."""
    return submitted and scores_visible(quiz, now)


def item_result_visible(quiz: QuizSettings, submitted: bool, answered: bool, now: datetime) -> bool:
    """One item's result."""
    if quiz.feedback == "immediate":
        return submitted or answered
    return score_visible(quiz, submitted, now)


def item_locked(quiz: QuizSettings, submitted: bool, answered: bool) -> bool:
    """Whether the item's answer can no longer change: submitted, or checked under immediate
    feedback (its result was shown with the save)."""
    return submitted or (quiz.feedback == "immediate" and answered)


def answers_revealed(quiz: QuizSettings, attempts_used: int, now: datetime) -> bool:
    """Whether shown results carry correct answers, explanations and evidence.
    `attempts_used` counts the learner's attempts at the quiz, one in progress included."""
    if quiz.reveal_answers == "after_each_attempt":
        return True
    if quiz.reveal_answers == "after_close":
        return closed(quiz, now)
    no_attempt_left = quiz.max_attempts is not None and attempts_used >= quiz.max_attempts
    return closed(quiz, now) or no_attempt_left


def reveal_counts_attempts(quiz: QuizSettings) -> bool:
    """Whether `answers_revealed` turns on the learner's count of attempts (so a caller need
    not count them otherwise)."""
    return (
        quiz.reveal_answers not in ("after_each_attempt", "after_close")
        and quiz.max_attempts is not None
    )


def results_visible_from(quiz: QuizSettings, submitted_at: datetime) -> datetime:
    """When the learner may learn how a submitted attempt went: progress and the practice
    schedule count its answers only from then on."""
    if quiz.feedback == "after_close" and quiz.closes_at is not None:
        return max(submitted_at, quiz.closes_at)
    return submitted_at
