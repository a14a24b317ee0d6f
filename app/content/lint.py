"""The bank's quality lint, as a teacher would read it (`flask questions lint`, run by
`validate` and in CI): what gives a question away by itself, pairs that give each other away
or ask the same thing twice, too few options, a statement beside its own negation, and
quotations that are not whole quoted sentences. Each finding names the file and line of the
question, or of the fact a generated question comes from."""

from __future__ import annotations

import re
from collections import defaultdict
from itertools import combinations

from app.content.documents import Catalog, ContentProblem, FactDoc, QuestionDraft
from app.domain.giveaways import Asked, copied_run, gives_away, own_tells
from app.domain.sentences import split_sentences
from app.domain.text import normalise_answer

MIN_SINGLE_CHOICE_OPTIONS = 4
# Words of a passage another sentence may leave out and still repeat it.
RESTATED_SLACK = 2
# Where a whole quoted sentence may start: an opening quote, or a sentence end inside one.
_QUOTE_START = re.compile(r"(“|[.?!]\s)$")


NAME_KINDS = frozenset({"quote", "entity"})


def asked(draft: QuestionDraft, kinds: dict[str, str] | None = None) -> Asked:
    """`kinds`: fact slug -> kind, to tell answers that are names (who said it, who is it)."""
    fact_kinds = {(kinds or {}).get(slug) for _source, slug in draft.facts}
    return Asked(
        slug=repr(draft.slug),
        type=draft.type,
        prompt=draft.prompt,
        content=draft.content,
        key=draft.answer_key,
        facts=frozenset(slug for _source, slug in draft.facts),
        evidence=tuple(span["text"] for span in draft.evidence),
        answer_is_a_name=draft.type == "single_choice" and fact_kinds <= NAME_KINDS,
        sentences=frozenset(i for span in draft.evidence for i in span.get("sentences", [])),
    )


def lint_catalog(catalog: Catalog) -> list[ContentProblem]:
    """Every finding of the lint, in file order."""
    findings: list[ContentProblem] = []
    for facts in catalog.facts.values():
        for fact in facts:
            findings += _quote_form(fact, catalog.sources[fact.source].text)
    facts_by_slug = {f.slug: f for facts in catalog.facts.values() for f in facts}
    kinds = {slug: fact.kind for slug, fact in facts_by_slug.items()}
    for bank in catalog.banks:
        for draft in bank.questions:
            findings += [_at(draft, tell) for tell in own_tells(asked(draft, kinds))]
            findings += _restated(draft, catalog)
            findings += _options_count(draft) + _beside_its_negation(draft, facts_by_slug)
        findings += _pairs(bank.questions, kinds)
    return sorted(findings, key=lambda p: (p.path, p.line or 0, p.message))


def _at(draft: QuestionDraft, message: str, other: QuestionDraft | None = None) -> ContentProblem:
    path, line = draft.origin
    message = f"question {draft.slug!r}: {message}"
    return ContentProblem(path, line, message, draft.slug, other.slug if other else None)


def _restated(draft: QuestionDraft, catalog: Catalog) -> list[ContentProblem]:
    """A find-the-evidence key must be the only place that says it: another sentence that
    repeats the passage (all but a word or two of it, in a row) would be as right, and
    score nothing. A sentence repeating only part of it (a subheading without the detail the
    claim asks for) is not another answer."""
    if draft.type != "find_evidence":
        return []
    source = catalog.sources[draft.content["source"]].text
    key = set(draft.answer_key["sentences"])
    found = []
    for span in draft.evidence:
        length = len(normalise_answer(span["text"]).split()) - RESTATED_SLACK
        for index, (start, end) in enumerate(split_sentences(source)):
            if index in key or length < 3:
                continue
            run = copied_run(span["text"], source[start:end], length)
            if run:
                found.append(
                    _at(
                        draft,
                        f"sentence {index + 1} repeats its passage (“{run}”): either sentence "
                        "would be right; set find_evidence = false",
                    )
                )
                break
    return found


def _options_count(draft: QuestionDraft) -> list[ContentProblem]:
    options = draft.content.get("options", [])
    if draft.type == "single_choice" and len(options) < MIN_SINGLE_CHOICE_OPTIONS:
        return [
            _at(
                draft,
                f"{len(options)} options: a single choice needs {MIN_SINGLE_CHOICE_OPTIONS}",
            )
        ]
    return []


def _beside_its_negation(
    draft: QuestionDraft, facts_by_slug: dict[str, FactDoc]
) -> list[ContentProblem]:
    if draft.type != "multiple_choice":
        return []
    texts = {normalise_answer(o["text"]) for o in draft.content["options"]}
    found = []
    for _source, slug in draft.facts:
        fact = facts_by_slug[slug]
        negations = {normalise_answer(w) for w in fact.get("false_statements", [])}
        if normalise_answer(fact.statement) in texts and negations & texts:
            found.append(_at(draft, f"shows the statement of {slug!r} beside its negation"))
    return found


def _pairs(drafts: list[QuestionDraft], kinds: dict[str, str]) -> list[ContentProblem]:
    """Twins (same type and facts, or the same answer to the same kind of question, names
    aside), and one question's stem giving another's answer away."""
    found = []
    views = {d.slug: asked(d, kinds) for d in drafts}
    by_answer: dict[tuple[str, str], list[QuestionDraft]] = defaultdict(list)
    for draft in drafts:
        # Names aside: "who said it" of two quotations of one speaker are no twins.
        names = {kinds.get(slug) for _source, slug in draft.facts} <= NAME_KINDS
        if draft.type in ("single_choice", "short_text", "numeric") and not (
            views[draft.slug].answer_is_a_name or (draft.type == "short_text" and names)
        ):
            answer = _answer(draft)
            by_answer[(draft.type, normalise_answer(answer))].append(draft)
    for same in by_answer.values():
        for first, second in combinations(same, 2):
            if views[first.slug].facts != views[second.slug].facts:
                found.append(
                    _at(
                        second,
                        f"asks for the same answer as {first.slug!r}: {_answer(first)!r}",
                        first,
                    )
                )
    for first, second in combinations(drafts, 2):
        a, b = views[first.slug], views[second.slug]
        if a.type == b.type and a.facts == b.facts:
            found.append(_at(second, f"is a twin of {first.slug!r} (same type, same facts)", first))
        elif a.type == b.type and a.type in ("matching", "ordering"):
            shared = a.facts & b.facts
            if len(shared) * 2 >= min(len(a.facts), len(b.facts)):
                found.append(
                    _at(second, f"shares {len(shared)} of its facts with {a.slug!r}", first)
                )
        for x, y, draft, other in ((a, b, first, second), (b, a, second, first)):
            reason = gives_away(x, y)
            if reason:
                found.append(_at(draft, reason, other))
    return found


def _answer(draft: QuestionDraft) -> str:
    if draft.type == "single_choice":
        return next(
            o["text"] for o in draft.content["options"] if o["id"] == draft.answer_key["choice"]
        )
    if draft.type == "short_text":
        return str(draft.answer_key["accepted"][0])
    return str(draft.answer_key["value"])


def _quote_form(fact: FactDoc, text: str) -> list[ContentProblem]:
    """A direct quotation must be one or more whole quoted sentences, exactly as printed."""
    if fact.kind != "quote" or not fact.get("direct"):
        return []
    problem = quote_form_problem(fact.get("words", ""), text)
    if problem is None:
        return []
    return [
        ContentProblem(fact.path, fact.line, f"quote {fact.slug!r}: its words {problem}", fact.slug)
    ]


def quote_form_problem(words: str, text: str) -> str | None:
    """Why `words` are not whole quoted sentences of `text`, or None if they are."""
    core = words.rstrip(".,?!")
    at = text.find(core)
    problem = None
    if at < 0:
        problem = "is not in the article word for word; mark it direct = false"
    elif not _QUOTE_START.search(text[max(0, at - 2) : at]):
        problem = "starts inside a sentence: a fragment, so direct = false (reported speech)"
    elif text[at + len(core) : at + len(core) + 1] not in (".", ",", "?", "!", "”"):
        problem = "stops inside a sentence: a fragment, so direct = false (reported speech)"
    return problem
