"""The bank generator: turns facts into questions of the types that suit each kind of fact.

It writes questions in the same authoring form a teacher writes in a bank file, so generated
and hand-written questions go through one validation and compilation path. Output depends
only on the facts and the settings: every random choice is seeded from stable ids.

| fact kind   | questions                                                            |
|-------------|----------------------------------------------------------------------|
| date        | numeric and single choice on the year (when the source gives one)    |
| clause      | one true/false (the clause or one false variant), cloze, and multiple |
|             | choice over the clauses of one document                              |
| quote       | single choice "who said it", and matching quote -> speaker           |
| entity      | single choice on the role the article gives                          |
| definition  | short text (write out the acronym)                                   |
| event       | single choice on its question, one true/false                        |
| number      | numeric on the figure (its unit shown)                               |
| list        | multiple choice: which of these it names, other lists' items wrong   |
| any, with a | ordering of events on a timeline                                     |
| timeline    |                                                                      |
| any, with a | find the evidence: select the sentence(s) of the source proving it   |
| claim       |                                                                      |

The questions of one fact are variants of one family: an attempt asks at most one of them.

The rules a teacher would apply, each with its test in tests/unit/test_generator.py:
- a single choice has `choices` options (4 by default) or is not asked; its distractors are
  plausible and false: of the same kind and entity type (speakers who speak in the source,
  roles the source gives), never the only option that shares a word with the stem;
- nothing asks for an acronym by its expansion (the answer would be the stem's initials);
- a quotation is shown as one only when its words are whole quoted sentences (`direct`);
  a fragment is reported speech;
- "who" for people, "which organisation" and "which country" for the rest;
- no true statement beside its own negation, and one true/false per fact;
- facts about the page rather than the story (`metadata`) only when the bank asks for them.
"""

from __future__ import annotations

import hashlib
import random
import re
from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from app.content.documents import FactDoc
from app.domain.choices import DIFFICULTIES
from app.domain.giveaways import content_words
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


def _capitalised(text: str) -> str:
    """An option as a line of its own: "the Russian President" -> "The Russian President"."""
    return text[:1].upper() + text[1:]


def _word_tell(prompt: str, option: str) -> bool:
    """Whether `option` shares a word of substance with the stem."""
    return bool(content_words(prompt) & content_words(option))


def blank_number(evidence: str, value: Any) -> str | None:
    """The evidence with the figure `value` as written ("450", "5,500", "3.2") blanked out."""
    if not isinstance(value, int | float) or isinstance(value, bool):
        return None
    value = abs(value)  # "minus 370 degrees": the figure is blanked, "minus" stays
    forms = [f"{int(value):,}", str(int(value))] if float(value).is_integer() else [str(value)]
    for form in forms:
        match = re.search(rf"(?<![\d.,]){re.escape(form)}(?![\d]|[.,]\d)", evidence)
        if match:
            return f"{evidence[: match.start()]}___{evidence[match.end() :]}".strip()
    if float(value).is_integer() and 0 <= value < len(_NUMBER_WORDS):  # "five months"
        match = re.search(rf"\b{_NUMBER_WORDS[int(value)]}\b", evidence, re.IGNORECASE)
        if match:
            return f"{evidence[: match.start()]}___{evidence[match.end() :]}".strip()
    return None


_NUMBER_WORDS = [
    "zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
    "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen",
    "nineteen", "twenty",
]  # fmt: skip


class BankGenerator:
    def __init__(self, bank: str, facts: list[FactDoc], settings: dict[str, Any]) -> None:
        self.bank = bank
        # (fact slug, question id, why): what a rule refused, for `validate` to tell.
        self.skipped: list[tuple[str, str, str]] = []
        # Facts about the page rather than the story, only when the bank asks for them.
        facts = [f for f in facts if settings.get("metadata") or not f.get("metadata")]
        self.facts = facts
        self.settings = settings
        self.choices = settings["choices"]
        self.by_kind: dict[str, list[FactDoc]] = defaultdict(list)
        for fact in facts:
            self.by_kind[fact.kind].append(fact)
        self.entities = {f.slug: f for f in self.by_kind["entity"]}

    def skip(self, fact: FactDoc, qid: str, why: str) -> list[dict[str, Any]]:
        self.skipped.append((fact.slug, qid, why))
        return []

    def rng(self, *parts: str) -> random.Random:
        return seeded(self.bank, *parts)

    def others(self, fact: FactDoc) -> list[FactDoc]:
        return [f for f in self.by_kind[fact.kind] if f.slug != fact.slug]

    def single_choice(
        self, qid: str, prompt: str, fact: FactDoc, answer: str, pool: Iterable[str]
    ) -> list[dict[str, Any]]:
        """A single choice, or nothing: with fewer than `choices` options, or with the answer
        the only option sharing a word with the stem (a tell), it would not be worth asking."""
        # The author's own distractors come after the generator's: they fill what is short.
        pool = [*pool, *fact.get("distractors", [])]
        clean = [value for value in pool if not _word_tell(prompt, value)]
        if _word_tell(prompt, answer):
            return self.skip(fact, qid, "its answer shares a word with its stem")
        distractors = pick_distractors(answer, clean, self.choices - 1, self.rng(qid))
        if len(distractors) < self.choices - 1:
            return self.skip(
                fact, qid, f"{len(distractors) + 1} plausible options, {self.choices} needed"
            )
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
        """One true/false per fact: the statement or one of its false variants (seeded), never
        both, since each would answer the other."""
        variants: list[tuple[str, bool]] = [(fact.statement, True)] + [
            (wrong, False) for wrong in fact.get("false_statements", [])
        ]
        statement, truth = self.rng(fact.slug, "true-false").choice(variants)
        return [
            _question(
                f"{fact.slug}--true-false",
                "true_false",
                f"True or false, according to the article? {statement}",
                [fact],
                f"{'True' if truth else 'False'}. {fact.statement}",
                answer=truth,
            )
        ]

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
        hints = [str(h) for h in fact.get("distractors", [])]
        pool = hints + rng.sample(other_years, len(other_years)) + nearby
        distractors = pick_distractors(
            str(year), pool[: len(hints) + self.choices + 1], self.choices - 1, rng
        )
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

    def speakers(self) -> list[str]:
        """The people who speak in the source: the only plausible answers to "who said it"."""
        return sorted({self.speaker_of(q) for q in self.by_kind["quote"]})

    def speaker_of(self, quote: FactDoc) -> str:
        """The speaker's name: of the entity fact it names, or as the quote gives it."""
        entity = self.entities.get(quote.get("speaker"))
        return str(entity.get("name") if entity else quote.get("speaker_name"))

    def from_quote(self, fact: FactDoc) -> list[dict[str, Any]]:
        speaker = self.speaker_of(fact)
        words = fact.get("words")
        prompt = (
            f"Who said this, according to the article? “{words}”"
            if fact.get("direct")
            else f"According to the article, who made this point? {words}"
        )
        pool = self.speakers()
        pool = self.rng(fact.slug, "speakers").sample(pool, len(pool))
        if len(pool) >= self.choices or not self.settings.get("short_answers"):
            chosen = self.single_choice(f"{fact.slug}--single-choice", prompt, fact, speaker, pool)
            if chosen or not self.settings.get("short_answers"):
                return chosen
            self.skipped.pop()  # no fair choice: the name is asked instead
        return self.name_asked(
            f"{fact.slug}--short-text", f"{prompt} Give their name.", fact, speaker
        )

    def name_asked(self, qid: str, prompt: str, fact: FactDoc, name: str) -> list[dict[str, Any]]:
        """A name as a short answer: the full name, or the surname the article uses."""
        if _word_tell(prompt, name):
            return self.skip(fact, qid, "its answer shares a word with its stem")
        accepted = [name]
        if len(name.split()) > 1 and name.split()[-1][:1].isupper():
            accepted.append(name.split()[-1])
        return [_question(qid, "short_text", prompt, [fact], fact.statement, accepted=accepted)]

    def from_entity(self, fact: FactDoc) -> list[dict[str, Any]]:
        """The role the article gives, with the roles it gives others of the same type; where
        that cannot be asked fairly, the name for the role ("who", "which organisation")."""
        same_type = [
            f for f in self.others(fact) if f.get("entity_type") == fact.get("entity_type")
        ]
        which = {"person": "Who", "organisation": "Which organisation", "country": "Which country"}
        if len(same_type) < self.choices and self.settings.get("short_answers"):
            return self.name_asked(
                f"{fact.slug}--name",
                f"{which.get(fact.get('entity_type'), 'Which')} does the article describe as "
                f"{fact.get('role')}?",
                fact,
                str(fact.get("name")),
            )
        if len(same_type) < self.choices:
            # Every such question would show the same names (or roles), each the answer of
            # one: in one attempt they would answer each other by elimination.
            return self.skip(
                fact,
                f"{fact.slug}--role",
                f"only {len(same_type) + 1} of its type: the options would be the same for all",
            )
        name, role = fact.get("name"), _capitalised(fact.get("role"))
        asking_role = self.single_choice(
            f"{fact.slug}--role",
            f"How does the article describe {name}?",
            fact,
            role,
            [_capitalised(f.get("role")) for f in same_type],
        )
        if asking_role:
            return asking_role
        return self.single_choice(
            f"{fact.slug}--name",
            f"{which.get(fact.get('entity_type'), 'Which')} does the article describe as "
            f"{fact.get('role')}?",
            fact,
            name,
            [f.get("name") for f in same_type],
        )

    def from_definition(self, fact: FactDoc) -> list[dict[str, Any]]:
        # Only this way round: asked for the abbreviation of its expansion, the answer
        # would be the stem's initials.
        term, expansion = fact.get("term"), fact.get("expansion")
        return [
            _question(
                f"{fact.slug}--short-text",
                "short_text",
                f"What does {term} stand for? Write it out in full.",
                [fact],
                fact.statement,
                accepted=[expansion, *fact.get("variants", [])],
            )
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
                self.rng(fact.slug, "answers").sample(pool, len(pool)),
            )
        return questions

    def from_number(self, fact: FactDoc) -> list[dict[str, Any]]:
        """How many, or how much: the article's sentence with the figure blanked out, where
        the evidence shows it; otherwise what the figure counts."""
        unit = fact.get("unit")
        blanked = blank_number(fact.evidence_text, fact.get("value"))
        prompt = (
            f"Fill in the figure, according to the article: “{blanked}”"
            if blanked
            else f"According to the article, what is this figure: {fact.get('counts')}?"
        )
        return [
            _question(
                f"{fact.slug}--numeric",
                "numeric",
                prompt + (f" (in {unit})" if unit else ""),
                [fact],
                fact.statement,
                # "minus ___ degrees": the blank is the figure, the sign stays in the text.
                answer=abs(fact.get("value")) if blanked else fact.get("value"),
                tolerance=0,
                unit=unit,
            )
        ]

    def from_list(self, fact: FactDoc) -> list[dict[str, Any]]:
        """Which of these the text names together, with items of its other lists as wrong
        options; no other list, no question."""
        items = fact.get("items")
        others = [i for f in self.others(fact) for i in f.get("items") if i not in items]
        if len(others) < 2:
            return self.skip(fact, f"{fact.slug}--multiple-choice", "no other list to draw from")
        wrong = self.rng(fact.slug, "list").sample(others, min(len(others), max(2, len(items))))
        return [
            _question(
                f"{fact.slug}--multiple-choice",
                "multiple_choice",
                f"Which of these does the article name as {fact.get('of')}? Select all that apply.",
                [fact],
                fact.statement,
                options=[*items, *wrong],
                answers=list(items),
            )
        ]

    def find_evidence(self, fact: FactDoc) -> list[dict[str, Any]]:
        """Select the sentence(s) that prove the fact's `claim`: a paraphrase or a question
        its author wrote, never the passage itself. No claim, no question."""
        claim = fact.get("claim")
        if not claim or fact.get("find_evidence") is False:
            return []
        prompt = (
            f"Which sentence or sentences of the article answer this? {claim}"
            if claim.rstrip().endswith("?")
            else f"Select the sentence or sentences of the article that show this: {claim}"
        )
        return [
            _question(
                f"{fact.slug}--find-evidence",
                "find_evidence",
                prompt,
                [fact],
                f"The article says: “{fact.evidence_text}”",
            )
        ]

    # Questions over several facts ---------------------------------------------------------

    def timelines(self) -> list[dict[str, Any]]:
        dated = [f for f in self.facts if f.get("timeline")]
        size = self.settings["timeline_size"]
        if len(dated) < size:
            return []
        rng, seen, questions = self.rng("timelines"), [], []
        for _ in range(50 * self.settings["timelines"]):
            if len(questions) == self.settings["timelines"]:
                break
            group = sorted(rng.sample(dated, size), key=lambda f: f.get("timeline"))
            keys = [f.get("timeline") for f in group]
            slugs = frozenset(f.slug for f in group)
            # Two timelines sharing events are near twins: each event in one at most.
            if any(slugs & earlier for earlier in seen) or len(set(keys)) < size:
                continue
            seen.append(slugs)
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
        speakers = sorted({self.speaker_of(q) for q in quotes})
        if len(speakers) < size:
            return []
        rng, seen, questions = self.rng("matchings"), [], []
        for _ in range(50 * self.settings["matchings"]):
            if len(questions) == self.settings["matchings"]:
                break
            group: dict[str, FactDoc] = {}
            for quote in rng.sample(quotes, len(quotes)):
                group.setdefault(self.speaker_of(quote), quote)
            chosen = [group[s] for s in rng.sample(sorted(group), size)]
            slugs = frozenset(f.slug for f in chosen)
            # Each quote in one matching at most: two that share quotes are near twins.
            if any(slugs & earlier for earlier in seen):
                continue
            seen.append(slugs)
            in_group = {self.speaker_of(f) for f in chosen}
            # A spare name, of someone who speaks in the source too: without one, the last
            # pair would be found by elimination.
            unused = sorted(set(speakers) - in_group)
            if not unused:
                break
            questions.append(
                _question(
                    group_id("who-said-what", chosen),
                    "matching",
                    "Match each statement with who made it, according to the article.",
                    chosen,
                    " ".join(f.statement for f in chosen),
                    pairs=[[f.get("words"), self.speaker_of(f)] for f in chosen],
                    distractors=rng.sample(unused, min(1, len(unused))),
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
            rng, seen, used = self.rng("clauses", document), set(), set()
            for _ in range(50 * self.settings["multiple_choice_per_document"]):
                if len(seen) == self.settings["multiple_choice_per_document"]:
                    break
                free = [c for c in clauses if c.slug not in used]
                if len(free) < 2:
                    break
                # Each clause in one such question at most: two sharing clauses are twins.
                right = rng.sample(free, min(3, len(free)))
                # A false variant of a clause shown as true would give both away.
                others = [
                    (c, w) for c, w in false_statements if c not in right and c.slug not in used
                ]
                if len(others) < 2:
                    continue
                wrong = rng.sample(others, 2)
                facts = list({f.slug: f for f in right + [c for c, _ in wrong]}.values())
                key = frozenset(f.slug for f in right) | {w for _, w in wrong}
                if key in seen:
                    continue
                seen.add(key)
                used |= {f.slug for f in facts}
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
            "number": self.from_number,
            "list": self.from_list,
        }
        questions: list[dict[str, Any]] = []
        for fact in self.facts:
            questions += per_kind[fact.kind](fact) + self.find_evidence(fact)
        return questions + self.timelines() + self.matchings() + self.clause_sets()


def generate_questions(
    bank: str, facts: list[FactDoc], settings: dict[str, Any]
) -> tuple[list[dict[str, Any]], list[tuple[str, str, str]]]:
    """The generated questions of a bank, in authoring form, in a stable order, and what the
    rules refused to ask: (fact slug, question id, why).

    `settings["exclude"]` is applied by the caller, which also reports unknown ids in it.
    """
    generator = BankGenerator(bank, facts, settings)
    return generator.generate(), generator.skipped
