"""Spaced repetition with FSRS: one card per learner and fact.

An answer becomes an FSRS rating by how it went (the same rule for quizzes and practice):

| outcome                                      | rating |
|----------------------------------------------|--------|
| no marks                                     | Again  |
| some marks, not all                          | Hard   |
| full marks                                   | Good   |
| full marks within 15 s of being shown        | Easy   |

Quizzes do not time single items, so a quiz answer is at best Good. Fuzzing is off: the
same answers at the same times give the same schedule.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from fsrs import Card, Rating, Scheduler, State

# fsrs makes up a card_id from the clock, sleeping 1 ms each time, when given none; a card
# here is identified by (learner, fact) in the database, so the id fsrs keeps is never read.
UNUSED_CARD_ID = 0

FAST_ANSWER = timedelta(seconds=15)
SCHEDULER = Scheduler(enable_fuzzing=False)


def rating_for(fraction: float, elapsed: timedelta | None = None) -> Rating:
    if fraction <= 0:
        return Rating.Again
    if fraction < 1:
        return Rating.Hard
    if elapsed is not None and elapsed <= FAST_ANSWER:
        return Rating.Easy
    return Rating.Good


@dataclass(frozen=True)
class CardState:
    """The scheduling fields of a card, as stored."""

    state: int
    step: int | None
    stability: float | None
    difficulty: float | None
    due: datetime
    last_review: datetime | None

    def to_card(self) -> Card:
        return Card(
            card_id=UNUSED_CARD_ID,
            state=State(self.state),
            step=self.step,
            stability=self.stability,
            difficulty=self.difficulty,
            due=self.due,
            last_review=self.last_review,
        )

    @classmethod
    def from_card(cls, card: Card) -> CardState:
        return cls(
            state=int(card.state),
            step=card.step,
            stability=card.stability,
            difficulty=card.difficulty,
            due=card.due,
            last_review=card.last_review,
        )


def new_card(now: datetime) -> CardState:
    return CardState.from_card(Card(card_id=UNUSED_CARD_ID, due=now))


def review(card: CardState, rating: Rating, at: datetime) -> CardState:
    """The card after a review at `at` (never before its last review)."""
    when = max(at, card.last_review) if card.last_review else at
    updated, _log = SCHEDULER.review_card(card.to_card(), rating, review_datetime=when)
    return CardState.from_card(updated)


def retrievability(card: CardState | None, now: datetime) -> float:
    """The probability of recalling the fact now (0 for a fact never reviewed)."""
    if card is None or card.last_review is None:
        return 0.0
    return float(SCHEDULER.get_card_retrievability(card.to_card(), current_datetime=now))
