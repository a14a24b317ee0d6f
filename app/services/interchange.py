"""Questions in and out as the files other tools read: a bank's or a quiz's questions
exported as Moodle's GIFT or as a QTI 3.0 content package, and a GIFT file or a QTI package
imported into a teacher's own bank. The formats are `app.interchange` (plain functions, no
database); this module maps them onto banks, quizzes and questions.

Evidence. Every question of this app is built from facts of a source and carries the
sentence that proves its answer; a GIFT file or a QTI package carries no source. So:

- An imported question that this app already knows (the file names it, as the app's own
  exports do, and a question of that id the teacher can read has the same type, prompt,
  options and answer) keeps that question's facts and evidence: a bank exported and
  imported again is proven as before.
- Any other imported question lands without evidence, as a teacher's own question written
  without any does (`has_evidence: false`); the import lists it under `needs_evidence`. The
  teacher anchors it as any question of their own, with `PATCH /api/questions/<id>`
  `{"facts": [ids]}` or `{"evidence": {"source_id", "text"}}` (the words of a source that
  prove it, found verbatim), which makes its next version.
- Imports go into a bank of the teacher's own that is never published (learners do not
  practise it), never into a source's bank, which is rebuilt from its facts.

Whatever a format cannot carry (find-the-evidence questions, an ordering's partial credit,
feedback on particular answers, ...) is reported as a problem naming the question, never
dropped silently. A file that imports nothing is refused whole (422) and writes nothing.
"""

from __future__ import annotations

import io
import json
import re
import secrets
import unicodedata
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from app.content.documents import QuestionDraft
from app.errors import DomainError, ForbiddenError, InvalidContentError, NotFoundError
from app.interchange.gift import (
    ExportableQuestion,
    ExportProblem,
    ImportedQuestion,
    format_gift,
    parse_gift,
)
from app.interchange.qti import QtiQuestion, export_qti_package, import_qti_package
from app.models import Bank, Fact, Question, QuestionVersion, Quiz, QuizQuestion, User
from app.services.ownership import bank_visible_to, owned_by
from app.services.questions import (
    SOURCE_BANK_EDITS,
    draft_question,
    new_question_slug,
    store_question,
)

GIFT_MEDIA_TYPE = "text/plain; charset=utf-8"
QTI_MEDIA_TYPE = "application/zip"
# One import is one request and one transaction: a larger file is split by its teacher.
IMPORT_MAX_QUESTIONS = 500
# What the formats carry that an imported question does not need to be asked.
IMPORT_DIFFICULTY = "medium"
IMPORT_TAG = "imported"
NO_EXPLANATION = "No explanation came with this imported question."
ALREADY_IN_BANK = (
    "The bank already has this question (same prompt, options and answer): not imported again."
)
FEEDBACK_NOT_KEPT = (
    "Its feedback on particular answers is not kept: the app explains every answer with the "
    "explanation and the evidence."
)
# The authoring fields every type shares: the rest are the type's own, which the formats write.
_COMMON_FIELDS = frozenset(
    {"id", "type", "prompt", "facts", "tags", "difficulty", "explanation", "evidence", "bank"}
)
_FORMAT_NAMES = {"gift": "GIFT", "qti": "QTI"}
_TAG_LENGTH = 60


# --- what the functions return ------------------------------------------------------------


@dataclass(frozen=True)
class ExportNote:
    """A question a format left out or wrote without something; `question_id` is None for
    what is not one question (a quiz's draw rule)."""

    question_id: int | None
    slug: str | None
    message: str


@dataclass(frozen=True)
class ExportFile:
    format: str
    filename: str
    media_type: str
    data: bytes
    written: int
    problems: list[ExportNote]


# A question of this app's that came back changed (in the file, or by what the format could
# not carry): the teacher must learn why it waits for evidence, beside where it is.
CHANGED_ON_THE_WAY = (
    "Imported without evidence: it differs from the question {slug} this app knows (changed "
    "in the file, or by what the format cannot carry, such as a unit), so its evidence is not "
    "copied; anchor it with PATCH /api/questions/<id>."
)


@dataclass(frozen=True)
class ImportNote:
    """Something of the file the app did not take as written: `line` (GIFT) or `file` (the
    path in a QTI package, empty for the package as a whole) says where."""

    message: str
    line: int | None = None
    file: str | None = None
    title: str | None = None

    def where(self) -> str:
        if self.line is not None:
            return f"line {self.line}"
        return self.file or "the package"


@dataclass(frozen=True)
class ImportResult:
    bank: Bank
    questions: list[Question]
    problems: list[ImportNote]

    @property
    def needs_evidence(self) -> list[int]:
        """The imported questions that carry no evidence yet: the teacher's to anchor."""
        return [q.id for q in self.questions if not q.current.evidence]


class NothingImported(InvalidContentError):
    """A file none of whose questions could be imported: 422, nothing written."""

    def __init__(self, format_name: str, problems: list[ImportNote]) -> None:
        detail = f"No question of this {format_name} file could be imported; see errors."
        messages = [f"{note.where()}: {note.message}" for note in problems] or [
            "It holds no question."
        ]
        super().__init__(detail, errors={"file": messages})


class UnreadableFile(DomainError):
    status = 415
    slug = "unreadable-file"


# --- exporting ------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Selection:
    """What an export writes: questions at their current version, named as a whole."""

    stem: str  # the file name without its suffix
    title: str
    identifier: str
    category: str
    questions: list[Question]
    problems: list[ExportNote] = field(default_factory=list)


def _with_current() -> tuple[Any, ...]:
    return (selectinload(Question.current), selectinload(Question.tags))


def _bank_selection(session: Session, teacher: User, bank_id: int) -> _Selection:
    bank = session.scalar(select(Bank).where(Bank.id == bank_id, bank_visible_to(teacher)))
    if bank is None:
        raise NotFoundError(f"Bank {bank_id} does not exist.")
    questions = session.scalars(
        select(Question)
        .where(Question.bank_id == bank.id, Question.is_active)
        .options(*_with_current())
        .order_by(Question.id)
    )
    return _Selection(bank.slug, bank.title, f"bank-{bank.id}", bank.title, list(questions))


def _quiz_selection(session: Session, teacher: User, quiz_id: int) -> _Selection:
    quiz = session.scalar(
        owned_by(Quiz, teacher)
        .where(Quiz.id == quiz_id)
        .options(
            selectinload(Quiz.questions)
            .selectinload(QuizQuestion.question)
            .options(*_with_current()),
            selectinload(Quiz.draw_rules),
        )
    )
    if quiz is None:
        raise NotFoundError(f"Quiz {quiz_id} does not exist.")
    problems = [
        ExportNote(
            None,
            None,
            f"Draw rule {index}: {rule.count} question(s) drawn at random from bank "
            f"{rule.bank_id} on each attempt are not fixed questions: not written (export "
            "that bank instead).",
        )
        for index, rule in enumerate(quiz.draw_rules, start=1)
    ]
    return _Selection(
        f"quiz-{quiz.id}",
        quiz.title,
        f"quiz-{quiz.id}",
        quiz.title,
        [entry.question for entry in quiz.questions],
        problems,
    )


def _exportable(question: Question, category: str) -> ExportableQuestion:
    version = question.current
    return ExportableQuestion(
        id=question.slug,
        type=version.type,
        prompt=version.prompt,
        fields={k: v for k, v in version.authoring.items() if k not in _COMMON_FIELDS},
        explanation=version.explanation or None,
        tags=tuple(tag.name for tag in question.tags),
        category=category,
    )


def _notes(selection: _Selection, problems: Iterable[ExportProblem]) -> list[ExportNote]:
    ids: dict[str, int] = {}
    for question in selection.questions:
        ids.setdefault(question.slug, question.id)
    return [
        *selection.problems,
        *(ExportNote(ids.get(p.question_id), p.question_id, p.message) for p in problems),
    ]


def _gift_file(selection: _Selection) -> ExportFile:
    exported = format_gift(_exportable(q, selection.category) for q in selection.questions)
    problems = _notes(selection, exported.problems)
    # Said in the file too, as GIFT comments (a block of comments only is no question).
    head = "".join(
        f"// Not exported as written: {note.slug or 'quiz'}: {' '.join(note.message.split())}\n"
        for note in problems
    )
    text = f"{head}\n{exported.text}" if head else exported.text
    # Each question written starts with the comment that names its id.
    written = sum(line.startswith("// [id:") for line in exported.text.splitlines())
    return ExportFile(
        "gift",
        f"{selection.stem}.gift.txt",
        GIFT_MEDIA_TYPE,
        text.encode("utf-8"),
        written,
        problems,
    )


def _qti_file(selection: _Selection) -> ExportFile:
    exported = export_qti_package(
        (_exportable(q, selection.category) for q in selection.questions),
        title=_xml_safe(selection.title),
        identifier=selection.identifier,
    )
    problems = _notes(selection, exported.problems)
    with zipfile.ZipFile(io.BytesIO(exported.data)) as package:
        written = sum(name.startswith("items/") for name in package.namelist())
    return ExportFile(
        "qti", f"{selection.stem}.qti.zip", QTI_MEDIA_TYPE, exported.data, written, problems
    )


def _xml_safe(title: str) -> str:
    # Titles are checked text already; what XML 1.0 cannot carry could still be in old rows.
    return re.sub("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]", " ", title)


_WRITERS = {"gift": _gift_file, "qti": _qti_file}


def export_bank(session: Session, teacher: User, bank_id: int, format: str) -> ExportFile:
    """The active questions of a bank the teacher can read (shared or their own), in
    `format` ("gift" or "qti"); what the format cannot hold is in `problems`."""
    return _WRITERS[format](_bank_selection(session, teacher, bank_id))


def export_quiz(session: Session, teacher: User, quiz_id: int, format: str) -> ExportFile:
    """The fixed questions of the teacher's quiz, in its order, in `format`; its draw rules
    (questions drawn per attempt) are reported, not written."""
    return _WRITERS[format](_quiz_selection(session, teacher, quiz_id))


def bank_exports(session: Session, teacher: User, bank_id: int) -> list[ExportFile]:
    """What each format would write of the bank and what it leaves out, before a download."""
    selection = _bank_selection(session, teacher, bank_id)
    return [write(selection) for write in _WRITERS.values()]


def quiz_exports(session: Session, teacher: User, quiz_id: int) -> list[ExportFile]:
    selection = _quiz_selection(session, teacher, quiz_id)
    return [write(selection) for write in _WRITERS.values()]


# --- importing ------------------------------------------------------------------------------


def import_target(session: Session, teacher: User, bank_id: int | None) -> Bank | None:
    """The bank an import goes into: one of the teacher's own that is not a source's
    (published) bank; None for a new bank of its own. Someone else's bank answers 404, a
    shared one 403."""
    if bank_id is None:
        return None
    bank = session.scalar(select(Bank).where(Bank.id == bank_id, bank_visible_to(teacher)))
    if bank is None:
        raise NotFoundError(f"Bank {bank_id} does not exist.")
    if bank.owner_id != teacher.id:
        raise ForbiddenError(
            "Questions are imported into a bank of your own; leave `bank` out for a new one."
        )
    if bank.published:
        raise InvalidContentError(
            "This bank is made from a source's facts.",
            errors={"query": {"bank": [SOURCE_BANK_EDITS]}},
        )
    return bank


def gift_text(data: bytes) -> str:
    """An uploaded GIFT file as text: UTF-8 (a BOM allowed), never binary."""
    if not data.strip():
        raise InvalidContentError(
            "The file is empty.", errors={"file": ["Send a GIFT file (UTF-8 text)."]}
        )
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise UnreadableFile("The file is UTF-16 text: save it as UTF-8.")
    if b"\x00" in data:
        raise UnreadableFile("The file is binary, not a GIFT text file.")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise UnreadableFile("The file is not UTF-8 text: save it as UTF-8.") from None


@dataclass(frozen=True)
class _Incoming:
    """One question a file brought, whichever its format."""

    question: ImportedQuestion | QtiQuestion
    external_id: str | None  # the id the file gives it (the app's own, in its exports)
    feedback: bool  # whether it has feedback on particular answers
    line: int | None = None
    file: str | None = None

    def note(self, message: str) -> ImportNote:
        return ImportNote(message, line=self.line, file=self.file, title=self.question.title)


def import_gift(
    session: Session,
    teacher: User,
    bank: Bank | None,
    data: bytes,
    *,
    title: str | None = None,
    filename: str | None = None,
) -> ImportResult:
    """A GIFT file's questions, into `bank` (see `import_target`) or a new bank of the
    teacher's; the problems with their line. NothingImported when none can be."""
    parsed = parse_gift(gift_text(data))
    problems = [ImportNote(p.message, line=p.line, title=p.title) for p in parsed.problems]
    incoming = [_Incoming(q, q.idnumber, bool(q.feedback), line=q.line) for q in parsed.questions]
    return _import(session, teacher, bank, "gift", incoming, problems, title, filename)


def import_qti(
    session: Session,
    teacher: User,
    bank: Bank | None,
    data: bytes,
    *,
    title: str | None = None,
    filename: str | None = None,
) -> ImportResult:
    """A QTI 3.0 package's items, as `import_gift`; the problems with their file. A package
    with a DOCTYPE, a path outside itself or past the size limits is refused whole."""
    if not data:
        raise InvalidContentError(
            "The package is empty.", errors={"file": ["Send a QTI 3.0 content package (zip)."]}
        )
    parsed = import_qti_package(data)
    problems = [ImportNote(p.message, file=p.file) for p in parsed.problems]
    incoming = [_Incoming(q, q.id, False, file=q.file) for q in parsed.questions]
    return _import(session, teacher, bank, "qti", incoming, problems, title, filename)


def _import(
    session: Session,
    teacher: User,
    bank: Bank | None,
    format: str,
    incoming: list[_Incoming],
    problems: list[ImportNote],
    title: str | None,
    filename: str | None,
) -> ImportResult:
    name = _FORMAT_NAMES[format]
    if len(incoming) > IMPORT_MAX_QUESTIONS:
        raise InvalidContentError(
            f"The file holds {len(incoming)} questions; import at most {IMPORT_MAX_QUESTIONS} "
            "at a time (split the file).",
            errors={"file": [f"More than {IMPORT_MAX_QUESTIONS} questions."]},
        )
    seen = _identities_in(session, bank) if bank is not None else set()
    proofs = _known_proofs(session, teacher, {i.external_id for i in incoming if i.external_id})
    known_slugs = {slug for slug, _ in proofs}
    ready: list[tuple[str, QuestionDraft, list[Fact]]] = []
    for item in incoming:
        slug = new_question_slug()
        fields = _authoring(item.question)
        try:
            draft, facts = draft_question(session, teacher, slug, fields)
        except InvalidContentError as error:
            problems.append(item.note(f"Not imported: {_messages(error.errors)}"))
            continue
        identity = _identity(draft)
        if identity in seen:
            problems.append(item.note(ALREADY_IN_BANK))
            continue
        seen.add(identity)
        proof = proofs.get((item.external_id, identity)) if item.external_id else None
        if proof is not None:
            draft, facts = _proven(session, teacher, slug, fields, proof) or (draft, facts)
        elif item.external_id in known_slugs:
            problems.append(item.note(CHANGED_ON_THE_WAY.format(slug=item.external_id)))
        if item.feedback:
            problems.append(item.note(FEEDBACK_NOT_KEPT))
        ready.append((slug, draft, facts))
    if not ready:
        raise NothingImported(name, problems)
    if bank is None:
        bank = _new_bank(session, teacher, title or _default_title(name, filename), name)
    stored = [store_question(session, bank, slug, draft, facts) for slug, draft, facts in ready]
    questions = session.scalars(
        select(Question)
        .where(Question.id.in_([q.id for q in stored]))
        .options(*_with_current())
        .order_by(Question.id)
        .execution_options(populate_existing=True)
    )
    return ImportResult(bank, list(questions), sorted(problems, key=_position))


def _position(note: ImportNote) -> tuple[int, str]:
    return (note.line or 0, note.file or "")


def _messages(errors: Any) -> str:
    """Validation messages as one line: `options: Must not be blank. answer: ...`."""
    parts: list[str] = []

    def walk(value: Any, path: str) -> None:
        if isinstance(value, dict):
            for key, inner in value.items():
                name = "" if key in ("json", "_schema") else str(key)
                walk(inner, f"{path}.{name}" if path and name else path or name)
        elif isinstance(value, list):
            for inner in value:
                walk(inner, path)
        else:
            parts.append(f"{path}: {value}" if path else str(value))

    walk(errors, "")
    return " ".join(parts) or "it is not a valid question."


def _authoring(question: ImportedQuestion | QtiQuestion) -> dict[str, Any]:
    """The question's fields as a teacher's request writes them, with no evidence yet."""
    fields = question.as_authoring(
        id="imported",
        tags=_tags(question.tags),
        difficulty=IMPORT_DIFFICULTY,
        explanation=(question.explanation or "").strip() or NO_EXPLANATION,
    )
    del fields["id"]
    return {**fields, "facts": [], "evidence": None}


def _tags(names: Iterable[str]) -> list[str]:
    """The file's tags as the app's (slugs); `imported` for a question that has none."""
    tags = list(dict.fromkeys(tag for tag in (_slug(name) for name in names) if tag))
    return tags or [IMPORT_TAG]


def _slug(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    return slug[:_TAG_LENGTH].strip("-")


def _canonical(value: Any) -> Any:
    """Content with its lists in one order: what an attempt shuffles anyway."""
    if isinstance(value, dict):
        return {key: _canonical(inner) for key, inner in value.items()}
    if isinstance(value, list):
        items = [_canonical(inner) for inner in value]
        return sorted(items, key=lambda item: json.dumps(item, sort_keys=True))
    return value


def _identity_of(type_: str, prompt: str, content: Any, key: Any) -> str:
    """What makes two questions the same question, whatever their slugs (which only seed
    the stored order of their options)."""
    return json.dumps([type_, prompt, _canonical(content), key], sort_keys=True)


def _identity(draft: QuestionDraft) -> str:
    return _identity_of(draft.type, draft.prompt, draft.content, draft.answer_key)


def _identities_in(session: Session, bank: Bank) -> set[str]:
    rows = session.execute(
        select(
            QuestionVersion.type,
            QuestionVersion.prompt,
            QuestionVersion.content,
            QuestionVersion.answer_key,
        )
        .join(Question.current)
        .where(Question.bank_id == bank.id, Question.is_active)
    )
    return {_identity_of(*row) for row in rows}


@dataclass(frozen=True)
class _Proof:
    """How a known question is proven, in a teacher's request's terms."""

    facts: list[int]
    evidence: dict[str, Any] | None


def _known_proofs(
    session: Session, teacher: User, external_ids: set[str]
) -> dict[tuple[str, str], _Proof]:
    """(id in the file, identity) -> the proof of the question of that id and identity the
    teacher can read: what the app's own exports bring back (in a fixed number of queries)."""
    ids = {i for i in external_ids if len(i) <= 160}
    if not ids:
        return {}
    known = session.scalars(
        select(Question)
        .join(Question.bank)
        .where(Question.slug.in_(ids), bank_visible_to(teacher))
        .options(selectinload(Question.current).selectinload(QuestionVersion.facts))
    )
    proofs: dict[tuple[str, str], _Proof] = {}
    for question in known:
        version = question.current
        proof = _proof_of(version)
        if proof is not None:
            identity = _identity_of(
                version.type, version.prompt, version.content, version.answer_key
            )
            proofs.setdefault((question.slug, identity), proof)
    return proofs


def _proof_of(version: QuestionVersion) -> _Proof | None:
    """The facts (in the order of its evidence) and the text evidence of a version; None
    when it has no evidence, or evidence a request could not give again."""
    if not version.evidence:
        return None
    by_slug: dict[str, list[int]] = {}
    for fact in version.facts:
        by_slug.setdefault(fact.slug, []).append(fact.id)
    facts: list[int] = []
    free_text = False
    for span in version.evidence:
        if span.get("fact") is None:
            free_text = True
        elif len(by_slug.get(span["fact"], [])) == 1:
            facts.append(by_slug[span["fact"]][0])
        else:
            return None  # a fact gone, or two of one slug: not certain which
    evidence = version.authoring.get("evidence")
    if free_text and not isinstance(evidence, dict):
        return None
    return _Proof(list(dict.fromkeys(facts)), evidence if free_text else None)


def _proven(
    session: Session, teacher: User, slug: str, fields: dict[str, Any], proof: _Proof
) -> tuple[QuestionDraft, list[Fact]] | None:
    try:
        return draft_question(
            session, teacher, slug, {**fields, "facts": proof.facts, "evidence": proof.evidence}
        )
    except InvalidContentError:
        return None  # its proof no longer holds (a source revised): imported without


def _default_title(format_name: str, filename: str | None) -> str:
    """`Imported from GIFT: <the file's name>`, the name cut to what a title holds."""
    shown = " ".join(re.sub(r"[\x00-\x1f\x7f-\x9f]", " ", filename or "").split())[:200]
    return f"Imported from {format_name}: {shown}" if shown else f"Imported from {format_name}"


def _new_bank(session: Session, teacher: User, title: str, format_name: str) -> Bank:
    bank = Bank(
        slug=f"import-{secrets.token_hex(5)}",
        title=title[:300],
        description=f"Imported from a {format_name} file.",
        owner_id=teacher.id,
        published=False,
    )
    session.add(bank)
    session.flush()
    return bank
