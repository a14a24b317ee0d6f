"""The bank generator: turns facts into questions of the types that suit each kind of fact.

It writes questions in the same authoring form a teacher writes in a bank file, so generated
and hand-written questions go through one validation and compilation path. Output depends
only on the facts and the settings: every random choice is seeded from stable ids.

| fact kind   | questions                                                            |
|-------------|----------------------------------------------------------------------|
| date        | numeric and single choice on the year (when the source gives one)    |
| clause      | true/false (the clause, and each false variant), cloze, and multiple |
|             | choice over the clauses of one document                              |
| quote       | single choice "who said it", and matching quote -> speaker           |
| entity      | single choice on the role, and on the name for a role                |
| definition  | short text (write out the acronym), single choice (which acronym)    |
| event       | single choice on its question, true/false on its statement           |
| any, with a | ordering of events on a timeline                                     |
| timeline    |                                                                      |
| any         | find the evidence in the source                                      |

Distractors come from facts of the same kind (other years, other speakers, other roles).
"""

from __future__ import annotations

import hashlib
import random
from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from app.content.documents import FactDoc
from app.domain.choices import DIFFICULTIES
from app.domain.text import normalise_answer

# How much harder than its fact a question of each type is (in DIFFICULTIES steps).
DIFFICULTY_SHIFT = {
    "true_false": -1,
    "single_choice": 0,
    "short_text": 0,
    "cloze": 0,
    "matching": 0,
    "find_evidence": 0,
    "numeric": 1,
    "multiple_choice": 1,
    "ordering": 1,
}


def seeded(*parts: str) -> random.Random:
    digest = hashlib.sha256("|".join(parts).encode("utf-8")).digest()
    return random.Random(int.from_bytes(digest[:8], "big"))


def group_id(prefix: str, facts: Iterable[FactDoc]) -> str:
    digest = hashlib.sha1("|".join(sorted(f.slug for f in facts)).encode()).hexdigest()[:8]
    return f"{prefix}-{digest}"


def difficulty_for(base: str, question_type: str) -> str:
    index = DIFFICULTIES.index(base) + DIFFICULTY_SHIFT[question_type]
    return DIFFICULTIES[max(0, min(len(DIFFICULTIES) - 1, index))]


def pick_distractors(answer: str, pool: Iterable[str], count: int, rng: random.Random) -> list[str]:
    """Up to `count` distinct pool values that differ from the answer, chosen by `rng`."""
    seen = {normalise_answer(answer)}
    candidates = []
    for value in pool:
        norm = normalise_answer(value)
        if norm not in seen:
            seen.add(norm)
            candidates.append(value)
    return rng.sample(candidates, min(count, len(candidates)))


def _question(
    qid: str, qtype: str, prompt: str, facts: list[FactDoc], explanation: str, **body: Any
) -> dict[str, Any]:
    base = facts[0].difficulty if len(facts) == 1 else "medium"
    return {
        "id": qid,
        "type": qtype,
        "prompt": prompt,
        "facts": [f.slug for f in facts],
        "tags": sorted({tag for f in facts for tag in f.tags}),
        "difficulty": difficulty_for(base, qtype),
        "explanation": explanation,
        **body,
    }


class BankGenerator:
    def __init__(self, bank: str, facts: list[FactDoc], settings: dict[str, Any]) -> None:
        self.bank = bank
        self.facts = facts
        self.settings = settings
        self.choices = settings["choices"]
        self.by_kind: dict[str, list[FactDoc]] = defaultdict(list)
        for fact in facts:
            self.by_kind[fact.kind].append(fact)
        self.entities = {f.slug: f for f in self.by_kind["entity"]}

    def rng(self, *parts: str) -> random.Random:
        return seeded(self.bank, *parts)

    def others(self, fact: FactDoc) -> list[FactDoc]:
        return [f for f in self.by_kind[fact.kind] if f.slug != fact.slug]

    def single_choice(
        self, qid: str, prompt: str, fact: FactDoc, answer: str, pool: Iterable[str]
    ) -> list[dict[str, Any]]:
        distractors = pick_distractors(answer, pool, self.choices - 1, self.rng(qid))
        if not distractors:
            return []
        return [
            _question(
                qid,
                "single_choice",
                prompt,
                [fact],
                fact.statement,
                options=[answer, *distractors],
                answer=answer,
            )
        ]

    def true_false(self, fact: FactDoc) -> list[dict[str, Any]]:
        questions = [
            _question(
                f"{fact.slug}--true-false",
                "true_false",
                f"True or false, according to the article? {fact.statement}",
                [fact],
                f"True. {fact.statement}",
                answer=True,
            )
        ]
        for number, wrong in enumerate(fact.get("false_statements", []), start=1):
            questions.append(
                _question(
                    f"{fact.slug}--true-false-{number}",
                    "true_false",
                    f"True or false, according to the article? {wrong}",
                    [fact],
                    f"False. {fact.statement}",
                    answer=False,
                )
            )
        return questions

    # One method per fact kind -------------------------------------------------------------

    def from_date(self, fact: FactDoc) -> list[dict[str, Any]]:
        year = fact.get("year")
        if year is None:
            return []
        event = fact.get("event")
        numeric = _question(
            f"{fact.slug}--numeric",
            "numeric",
            f"In which year did this happen, according to the article? {event}",
            [fact],
            fact.statement,
            answer=year,
            tolerance=0,
        )
        other_years = [str(f.get("year")) for f in self.others(fact) if f.get("year")]
        nearby = [str(year + d) for d in (-1, 1, -2, 2, -3, 3)]
        rng = self.rng(fact.slug, "years")
        pool = rng.sample(other_years, len(other_years)) + nearby
        distractors = pick_distractors(str(year), pool[: self.choices + 1], self.choices - 1, rng)
        choice = _question(
            f"{fact.slug}--single-choice",
            "single_choice",
            f"Choose the year, according to the article: {event}",
            [fact],
            fact.statement,
            options=[str(year), *distractors],
            answer=str(year),
        )
        return [numeric, choice]

    def from_clause(self, fact: FactDoc) -> list[dict[str, Any]]:
        questions = self.true_false(fact)
        if fact.get("cloze"):
            questions.append(
                _question(
                    f"{fact.slug}--cloze",
                    "cloze",
                    f"Fill in the blanks with the words of the article ({fact.get('document')}).",
                    [fact],
                    fact.statement,
                    text=fact.get("cloze"),
                )
            )
        return questions

    def from_quote(self, fact: FactDoc) -> list[dict[str, Any]]:
        speaker = self.entities[fact.get("speaker")].get("name")
        words = fact.get("words")
        prompt = (
            f"Who said this, according to the article? “{words}”"
            if fact.get("direct")
            else f"According to the article, who made this point? {words}"
        )
        pool = [self.entities[f.get("speaker")].get("name") for f in self.others(fact)]
        people = [e.get("name") for e in self.entities.values() if e.get("entity_type") == "person"]
        rng = self.rng(fact.slug, "speakers")
        ordered_pool = rng.sample(pool, len(pool)) + rng.sample(people, len(people))
        return self.single_choice(
            f"{fact.slug}--single-choice", prompt, fact, speaker, ordered_pool
        )

    def from_entity(self, fact: FactDoc) -> list[dict[str, Any]]:
        same_type = [
            f for f in self.others(fact) if f.get("entity_type") == fact.get("entity_type")
        ]
        name, role = fact.get("name"), fact.get("role")
        return [
            *self.single_choice(
                f"{fact.slug}--role",
                f"How does the article describe {name}?",
                fact,
                role,
                [f.get("role") for f in same_type or self.others(fact)],
            ),
            *self.single_choice(
                f"{fact.slug}--name",
                f"Who or what does the article describe as {role}?",
                fact,
                name,
                [f.get("name") for f in same_type],
            ),
        ]

    def from_definition(self, fact: FactDoc) -> list[dict[str, Any]]:
        term, expansion = fact.get("term"), fact.get("expansion")
        return [
            _question(
                f"{fact.slug}--short-text",
                "short_text",
                f"What does {term} stand for? Write it out in full.",
                [fact],
                fact.statement,
                accepted=[expansion, *fact.get("variants", [])],
            ),
            *self.single_choice(
                f"{fact.slug}--single-choice",
                f"Which abbreviation does the article use for “{expansion}”?",
                fact,
                term,
                [f.get("term") for f in self.others(fact)],
            ),
        ]

    def from_event(self, fact: FactDoc) -> list[dict[str, Any]]:
        questions = self.true_false(fact) if fact.get("false_statements") else []
        if fact.get("question"):
            kind = fact.get("answer_kind")
            pool = [f.get("answer") for f in self.others(fact) if f.get("answer_kind") == kind]
            questions += self.single_choice(
                f"{fact.slug}--single-choice",
                fact.get("question"),
                fact,
                fact.get("answer"),
                self.rng(fact.slug, "answers").sample(pool, len(pool)) + fact.get("distractors"),
            )
        return questions

    def find_evidence(self, fact: FactDoc) -> dict[str, Any]:
        return _question(
            f"{fact.slug}--find-evidence",
            "find_evidence",
            f"Select the passage of the article that shows this: {fact.statement}",
            [fact],
            f"The article says: “{fact.evidence_text}”",
        )

    # Questions over several facts ---------------------------------------------------------

    def timelines(self) -> list[dict[str, Any]]:
        dated = [f for f in self.facts if f.get("timeline")]
        size = self.settings["timeline_size"]
        if len(dated) < size:
            return []
        rng, seen, questions = self.rng("timelines"), set(), []
        for _ in range(50 * self.settings["timelines"]):
            if len(questions) == self.settings["timelines"]:
                break
            group = sorted(rng.sample(dated, size), key=lambda f: f.get("timeline"))
            keys = [f.get("timeline") for f in group]
            slugs = frozenset(f.slug for f in group)
            if slugs in seen or len(set(keys)) < size:
                continue
            seen.add(slugs)
            questions.append(
                _question(
                    group_id("timeline", group),
                    "ordering",
                    "Put these in the order they happened, earliest first.",
                    group,
                    " Then: ".join(f.statement for f in group),
                    items=[f.get("timeline_label") or f.get("event") for f in group],
                )
            )
        return questions

    def matchings(self) -> list[dict[str, Any]]:
        quotes = self.by_kind["quote"]
        size = self.settings["matching_size"]
        speakers = sorted({q.get("speaker") for q in quotes})
        if len(speakers) < size:
            return []
        rng, seen, questions = self.rng("matchings"), set(), []
        for _ in range(50 * self.settings["matchings"]):
            if len(questions) == self.settings["matchings"]:
                break
            group: dict[str, FactDoc] = {}
            for quote in rng.sample(quotes, len(quotes)):
                group.setdefault(quote.get("speaker"), quote)
            chosen = [group[s] for s in rng.sample(sorted(group), size)]
            slugs = frozenset(f.slug for f in chosen)
            if slugs in seen:
                continue
            seen.add(slugs)
            in_group = {f.get("speaker") for f in chosen}
            unused = [
                e.slug
                for e in self.entities.values()
                if e.get("entity_type") == "person" and e.slug not in in_group
            ]
            name = lambda slug: self.entities[slug].get("name")  # noqa: E731
            questions.append(
                _question(
                    group_id("who-said-what", chosen),
                    "matching",
                    "Match each statement with who made it, according to the article.",
                    chosen,
                    " ".join(f.statement for f in chosen),
                    pairs=[[f.get("words"), name(f.get("speaker"))] for f in chosen],
                    distractors=[name(s) for s in rng.sample(unused, min(1, len(unused)))],
                )
            )
        return questions

    def clause_sets(self) -> list[dict[str, Any]]:
        by_document: dict[str, list[FactDoc]] = defaultdict(list)
        for clause in self.by_kind["clause"]:
            by_document[clause.get("document")].append(clause)
        questions: list[dict[str, Any]] = []
        for document, clauses in sorted(by_document.items()):
            # Wrong options are the false variants of the same document's clauses.
            false_statements = [(c, w) for c in clauses for w in c.get("false_statements", [])]
            if len(clauses) < 2 or not false_statements:
                continue
            rng, seen = self.rng("clauses", document), set()
            for _ in range(50 * self.settings["multiple_choice_per_document"]):
                if len(seen) == self.settings["multiple_choice_per_document"]:
                    break
                right = rng.sample(clauses, min(3, len(clauses)))
                wrong = rng.sample(false_statements, min(2, len(false_statements)))
                facts = list({f.slug: f for f in right + [c for c, _ in wrong]}.values())
                key = frozenset(f.slug for f in right) | {w for _, w in wrong}
                if key in seen:
                    continue
                seen.add(key)
                digest = hashlib.sha1("|".join(sorted(key)).encode()).hexdigest()[:8]
                questions.append(
                    _question(
                        f"clauses-{digest}",
                        "multiple_choice",
                        f"Which of these are true of the {document}, according to the article? "
                        "Select all that apply.",
                        facts,
                        " ".join(f.statement for f in right),
                        options=[f.statement for f in right] + [w for _, w in wrong],
                        answers=[f.statement for f in right],
                    )
                )
        return questions

    def generate(self) -> list[dict[str, Any]]:
        per_kind = {
            "date": self.from_date,
            "clause": self.from_clause,
            "quote": self.from_quote,
            "entity": self.from_entity,
            "definition": self.from_definition,
            "event": self.from_event,
        }
        questions: list[dict[str, Any]] = []
        for fact in self.facts:
            questions += per_kind[fact.kind](fact)
            questions.append(self.find_evidence(fact))
        return questions + self.timelines() + self.matchings() + self.clause_sets()


def generate_questions(
    bank: str, facts: list[FactDoc], settings: dict[str, Any]
) -> list[dict[str, Any]]:
    """The generated questions of a bank, in authoring form, in a stable order.

    `settings["exclude"]` is applied by the caller, which also reports unknown ids in it.
    """
    return BankGenerator(bank, facts, settings).generate()
