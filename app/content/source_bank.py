"""A bank from one teacher's source and its accepted facts: the generator and the quality
lint that the content files go through, with what they refused said per question.

The files' path reports problems by file and line; here there is no file, so problems are
kept by the fact or question they are about, and a question the lint finds fault with is
left out of the bank (with why) rather than published for a teacher to discover in class.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from app.content.documents import (
    BankDoc,
    Catalog,
    ContentProblem,
    FactDoc,
    QuestionDraft,
    SourceDoc,
)
from app.content.lint import lint_catalog
from app.content.read import build_bank_questions
from app.schemas.content_files import GeneratorSchema

# The generator's settings for a teacher's source (written out with its bank on export).
GENERATOR = {"short_answers": True}


@dataclass(frozen=True)
class LeftOut:
    """A question (or every question of a fact) the bank does not ask, and why."""

    subject: str  # a question id, or a fact id
    reason: str


@dataclass
class SourceBank:
    bank: BankDoc
    left_out: list[LeftOut] = field(default_factory=list)
    # Generated questions the lint refused (a bank file's `generator.exclude`).
    excluded: list[str] = field(default_factory=list)


class _SourceProblems:
    """The `ProblemSink` of a teacher's source: problems kept by what they are about."""

    def __init__(self, name: str) -> None:
        self.name = name

    def line_of_id(self, slug: str) -> int | None:
        return None

    def problem(self, catalog: Catalog, slug: str | None, message: str) -> None:
        catalog.problems.append(ContentProblem(self.name, None, message, slug))


def build_source_bank(slug: str, title: str, source: SourceDoc, facts: list[FactDoc]) -> SourceBank:
    """The bank's questions from `facts` (accepted ones), the lint's findings left out."""
    sink = _SourceProblems(f"source {source.slug}")
    catalog = Catalog(sources={source.slug: source}, facts={source.slug: facts})
    bank = BankDoc(slug, title, f"Questions drafted from “{source.title}”.", [source.slug])
    settings = {"generator": GeneratorSchema().load(GENERATOR), "question": []}
    build_bank_questions(sink, catalog, bank, facts, settings, {source.slug: sink})
    catalog.banks.append(bank)
    findings = _unresolved(catalog.problems + lint_catalog(catalog), bank)
    left_out = [LeftOut(p.subject or "", _reason(p.message)) for p in findings]
    left_out += [LeftOut(n.subject or "", _reason(n.message)) for n in catalog.notes]
    refused = {p.subject for p in findings}
    excluded = [q.slug for q in bank.questions if _refused(q, refused)]
    bank.questions = [q for q in bank.questions if not _refused(q, refused)]
    return SourceBank(bank, left_out, excluded)


def _unresolved(findings: list[ContentProblem], bank: BankDoc) -> list[ContentProblem]:
    """The findings left once each pair is settled by leaving one of the two out: of two
    questions that give each other away, the first asked stays."""
    slugs = [q.slug for q in bank.questions]
    dropped: set[str] = set()
    kept = []
    for finding in sorted(findings, key=lambda p: -_position(p.subject, slugs)):
        if finding.other in dropped:
            continue  # the other question is left out already: no conflict remains
        if finding.subject:
            dropped.add(finding.subject)
        kept.append(finding)
    return kept


def _position(subject: str | None, slugs: list[str]) -> int:
    return slugs.index(subject) if subject in slugs else -1


def _refused(draft: QuestionDraft, refused: set[str | None]) -> bool:
    return draft.slug in refused or any(slug in refused for _source, slug in draft.facts)


def _reason(message: str) -> str:
    # "question 'x': reason" / "not generated: 'x': reason" -> "reason"
    return message.split(": ", 1)[1] if message.count(": ") else message
