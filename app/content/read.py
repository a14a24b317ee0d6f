"""Reads and validates everything under `questions/` into a `Catalog`.

Layout: `sources/<slug>.txt` (the text) with `sources/<slug>.toml` (its metadata),
`facts/<source slug>.toml` (`[[fact]]` tables), `banks/<slug>.toml` (generator settings and
hand-written `[[question]]` tables). Every problem is reported with file and line; nothing
stops at the first one.
"""

from __future__ import annotations

import json
import re
import tomllib
from dataclasses import replace
from pathlib import Path
from typing import Any, Protocol

from marshmallow import ValidationError

from app.content.documents import (
    BankDoc,
    Catalog,
    ContentProblem,
    FactDoc,
    QuestionDraft,
    SourceDoc,
)
from app.content.drafts import build_draft, load_authoring
from app.content.evidence import locate_evidence
from app.content.generate import generate_questions
from app.domain.question_types import QuestionProblem
from app.domain.sentences import sentences_of_span, split_sentences
from app.domain.text import normalise_answer
from app.schemas.content_files import (
    FACT_COMMON_FIELDS,
    FACT_SCHEMAS,
    BankFileSchema,
    SourceMetaSchema,
)


class ProblemSink(Protocol):
    """Where a bank's problems go: a content file (file and line), or a teacher's source."""

    name: str

    def line_of_id(self, slug: str) -> int | None: ...

    def problem(self, catalog: Catalog, slug: str | None, message: str) -> None: ...


# A line that gives an id: `id = "slug"` or `id = 'slug'` (what line_of_id points at).
_ID_LINE = re.compile(r"""^\s*id\s*=\s*(["'])(.*?)\1""")


class ContentFile:
    """A TOML file with what is needed to point an author at a line of it."""

    def __init__(self, root: Path, path: Path) -> None:
        self.path = path
        self.name = str(path.relative_to(root.parent)) if root.parent in path.parents else str(path)
        self.raw = path.read_text(encoding="utf-8")
        self._id_lines: dict[str, int] | None = None

    def parse(self, catalog: Catalog) -> dict[str, Any] | None:
        try:
            return tomllib.loads(self.raw)
        except tomllib.TOMLDecodeError as error:
            found = re.search(r"at line (\d+)", str(error))
            line = int(found.group(1)) if found else None
            catalog.problems.append(ContentProblem(self.name, line, f"not valid TOML: {error}"))
            return None

    def line_of_id(self, slug: str) -> int | None:
        # Every `id = "..."` line indexed once: a search of the whole file per id made loading
        # a bank quadratic in its size (bench/RESULTS.md: 10,000 questions took 25x 1,000).
        if self._id_lines is None:
            self._id_lines = {}
            for number, line in enumerate(self.raw.split("\n"), start=1):
                found = _ID_LINE.match(line)
                if found:
                    self._id_lines.setdefault(found.group(2), number)
        return self._id_lines.get(slug)

    def problem(self, catalog: Catalog, slug: str | None, message: str) -> None:
        line = self.line_of_id(slug) if slug else None
        catalog.problems.append(ContentProblem(self.name, line, message, slug))


def format_errors(messages: Any, prefix: str = "") -> list[str]:
    """Flatten marshmallow's nested messages into 'field: message' lines."""
    if isinstance(messages, dict):
        lines = []
        for key, value in messages.items():
            name = f"{prefix}.{key}" if prefix else str(key)
            lines += format_errors(value, name)
        return lines
    if isinstance(messages, list) and all(isinstance(m, str) for m in messages):
        return [f"{prefix}: {' '.join(messages)}" if prefix else " ".join(messages)]
    if isinstance(messages, list):
        return [line for m in messages for line in format_errors(m, prefix)]
    return [f"{prefix}: {messages}"]


def read_sources(root: Path, catalog: Catalog) -> None:
    for meta_path in sorted((root / "sources").glob("*.toml")):
        file = ContentFile(root, meta_path)
        data = file.parse(catalog)
        if data is None:
            continue
        text_path = meta_path.with_suffix(".txt")
        if not text_path.exists():
            file.problem(catalog, None, f"no text file {text_path.name} beside it")
            continue
        try:
            meta = SourceMetaSchema().load(data)
        except ValidationError as error:
            for line in format_errors(error.messages):
                file.problem(catalog, None, line)
            continue
        with text_path.open(encoding="utf-8", newline="") as handle:
            text = handle.read()
        catalog.sources[meta_path.stem] = SourceDoc(slug=meta_path.stem, text=text, **meta)


def read_facts(root: Path, catalog: Catalog) -> dict[str, ProblemSink]:
    files: dict[str, ProblemSink] = {}
    for path in sorted((root / "facts").glob("*.toml")):
        file = ContentFile(root, path)
        files[path.stem] = file
        data = file.parse(catalog)
        if data is None:
            continue
        source = catalog.sources.get(path.stem)
        if source is None:
            file.problem(catalog, None, f"no source named {path.stem!r} in sources/")
            continue
        extra = set(data) - {"fact"}
        if extra:
            file.problem(catalog, None, f"unknown top-level keys {sorted(extra)}; use [[fact]]")
        problems_before = len(catalog.problems)
        facts: list[FactDoc] = []
        for position, raw in enumerate(data.get("fact", [])):
            fact = read_fact(file, catalog, source, raw, position)
            if fact is None:
                continue
            if any(f.slug == fact.slug for f in facts):
                file.problem(catalog, fact.slug, f"fact id {fact.slug!r} is used twice")
                continue
            facts.append(fact)
        declared_entities = {
            raw.get("id") for raw in data.get("fact", []) if raw.get("kind") == "entity"
        }
        check_fact_references(file, catalog, facts, declared_entities)
        # A bank built on broken facts would only repeat their problems in other words.
        if len(catalog.problems) == problems_before:
            catalog.facts[path.stem] = facts
    return files


def read_fact(
    file: ContentFile, catalog: Catalog, source: SourceDoc, raw: dict[str, Any], position: int
) -> FactDoc | None:
    slug = raw.get("id") if isinstance(raw.get("id"), str) else None
    label = f"fact {slug!r}" if slug else f"fact #{position + 1}"
    schema = FACT_SCHEMAS.get(raw.get("kind"))  # type: ignore[arg-type]
    if schema is None:
        file.problem(catalog, slug, f"{label}: kind must be one of {sorted(FACT_SCHEMAS)}")
        return None
    try:
        data = schema().load(raw)
    except ValidationError as error:
        for line in format_errors(error.messages):
            file.problem(catalog, slug, f"{label}: {line}")
        return None
    span = locate_evidence(source.text, data["evidence"], data["occurrence"])
    if isinstance(span, str):
        file.problem(catalog, slug, f"{label}: {span}")
        return None
    return FactDoc(
        source=source.slug,
        slug=data["id"],
        kind=data["kind"],
        statement=data["statement"],
        fields=fact_fields(data),
        evidence_start=span[0],
        evidence_end=span[1],
        evidence_text=data["evidence"],
        evidence_sentences=tuple(sentences_of_span(split_sentences(source.text), *span)),
        position=position,
        tags=tuple(data["tags"]),
        difficulty=data["difficulty"],
        path=file.name,
        line=file.line_of_id(data["id"]),
    )


def fact_fields(data: dict[str, Any]) -> dict[str, Any]:
    """A loaded fact's own fields, as the generator reads them (the rest are columns)."""
    return {k: v for k, v in data.items() if k not in FACT_COMMON_FIELDS and v is not None}


def check_fact_references(
    file: ContentFile, catalog: Catalog, facts: list[FactDoc], entities: set[Any]
) -> None:
    for fact in facts:
        if fact.kind == "quote" and fact.get("speaker") and fact.get("speaker") not in entities:
            file.problem(
                catalog,
                fact.slug,
                f"fact {fact.slug!r}: speaker {fact.get('speaker')!r} is not an entity fact",
            )


def read_banks(root: Path, catalog: Catalog, fact_files: dict[str, ProblemSink]) -> None:
    for path in sorted((root / "banks").glob("*.toml")):
        file = ContentFile(root, path)
        data = file.parse(catalog)
        if data is None:
            continue
        try:
            bank = BankFileSchema().load(data)
        except ValidationError as error:
            for line in format_errors(error.messages):
                file.problem(catalog, None, line)
            continue
        missing = [s for s in bank["sources"] if s not in catalog.facts]
        if missing:
            unknown = [s for s in missing if s not in fact_files]
            if unknown:
                file.problem(catalog, None, f"sources {unknown} have no facts file")
            continue
        doc = BankDoc(path.stem, bank["title"], bank["description"], bank["sources"])
        facts = [f for s in bank["sources"] for f in catalog.facts[s]]
        build_bank_questions(file, catalog, doc, facts, bank, fact_files)
        catalog.banks.append(doc)


def build_bank_questions(
    file: ProblemSink,
    catalog: Catalog,
    doc: BankDoc,
    facts: list[FactDoc],
    bank: dict[str, Any],
    fact_files: dict[str, ProblemSink],
) -> None:
    generated, skipped = generate_questions(doc.slug, facts, bank["generator"])
    generated_ids = {q["id"] for q in generated}
    for fact_slug, qid, why in skipped:
        origin = next(f for f in facts if f.slug == fact_slug)
        catalog.notes.append(
            ContentProblem(origin.path, origin.line, f"not generated: {qid!r}: {why}", fact_slug)
        )
    for unknown in sorted(set(bank["generator"]["exclude"]) - generated_ids):
        file.problem(catalog, None, f"generator.exclude names no generated question: {unknown!r}")
    facts_by_slug: dict[str, list[FactDoc]] = {}
    for fact in facts:
        facts_by_slug.setdefault(fact.slug, []).append(fact)

    seen: dict[str, str] = {}
    fingerprints: dict[str, str] = {}
    for raw, is_generated in [
        *((q, True) for q in generated if q["id"] not in bank["generator"]["exclude"]),
        *((q, False) for q in bank["question"]),
    ]:
        qid = raw.get("id") if isinstance(raw.get("id"), str) else None

        def origin_of(
            raw: dict[str, Any], qid: str | None, gen: bool
        ) -> tuple[ProblemSink, str | None]:
            if gen:
                fact = facts_by_slug[raw["facts"][0]][0]
                return fact_files[fact.source], fact.slug
            return file, qid

        def report(
            message: str, raw: dict[str, Any] = raw, qid: str | None = qid, gen: bool = is_generated
        ) -> None:
            where, slug = origin_of(raw, qid, gen)
            label = "generated question" if gen else "question"
            where.problem(catalog, slug, f"{label} {qid!r}: {message}")

        if qid in seen:
            report(f"id is used twice (also a {seen[qid]} question)")
            continue
        draft = compile_draft(raw, facts_by_slug, is_generated, report)
        if draft is None:
            continue
        seen[draft.slug] = "generated" if is_generated else "hand-written"
        fingerprint = _fingerprint(draft)
        if fingerprint in fingerprints:
            report(f"asks the same as question {fingerprints[fingerprint]!r}")
            continue
        fingerprints[fingerprint] = draft.slug
        where, slug = origin_of(raw, qid, is_generated)
        origin = (where.name, where.line_of_id(slug) if slug else None)
        doc.questions.append(replace(draft, origin=origin))


def _fingerprint(draft: QuestionDraft) -> str:
    """What two questions asking the same thing share, whatever order their options and
    items are stored in (an id shuffles them)."""
    texts = {
        name: sorted(normalise_answer(entry["text"]) for entry in entries)
        for name, entries in draft.content.items()
        if isinstance(entries, list) and all(isinstance(e, dict) for e in entries)
    }
    return json.dumps(
        [draft.type, normalise_answer(draft.prompt), texts, draft.content.get("segments")],
        sort_keys=True,
    )


def compile_draft(
    raw: dict[str, Any],
    facts_by_slug: dict[str, list[FactDoc]],
    is_generated: bool,
    report: Any,
) -> QuestionDraft | None:
    try:
        data = load_authoring(raw)
    except ValidationError as error:
        for line in format_errors(error.messages):
            report(line)
        return None
    facts = []
    for slug in data["facts"]:
        matches = facts_by_slug.get(slug, [])
        if len(matches) != 1:
            report(f"fact {slug!r} is {'ambiguous' if matches else 'not in the bank sources'}")
            return None
        facts.append(matches[0])
    try:
        return build_draft(
            data,
            [f.evidence_span() for f in facts],
            tuple((f.source, f.slug) for f in facts),
            generated=is_generated,
        )
    except QuestionProblem as problem:
        report(str(problem))
        return None


def read_catalog(root: Path | str) -> Catalog:
    """Read, validate and compile the whole content tree; never raises on bad content."""
    root = Path(root)
    catalog = Catalog()
    read_sources(root, catalog)
    fact_files = read_facts(root, catalog)
    read_banks(root, catalog, fact_files)
    return catalog
