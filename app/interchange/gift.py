"""Moodle's GIFT text format, both ways: `parse_gift` reads a GIFT file into questions of the
app's types, their fields as each type's `authoring_schema` takes them; `format_gift` writes
the app's questions out as GIFT. Whatever one side cannot say in the other's terms comes back
as a problem naming the question, never dropped silently.

The reading follows Moodle's own importer (question/format/gift/format.php) and the format's
documentation (docs.moodle.org, "GIFT format"), so a file Moodle reads one way reads the same
way here:

- Questions are separated by blank lines; a line starting with `//` is a comment (Moodle's
  `[id:...]` and `[tag:...]` in a question's comments give its idnumber and tags).
- `$CATEGORY: path` sets the category of the questions after it.
- `::title::` names a question; `[html]`, `[moodle]`, `[markdown]` or `[plain]` at the start
  of a text gives its format (the question text's format is the default of its other texts).
- `\\~ \\= \\# \\{ \\} \\:` are those characters, `\\\\` a backslash, `\\n` a line break.
- The answer block `{...}` decides the type, in Moodle's order: empty -> essay; `#...` ->
  numerical; any `~` -> multiple choice; `=` with `->` -> matching; `T`, `TRUE`, `F`,
  `FALSE` (in any case) -> true/false; otherwise short answer. No block at all is a
  description. Text after the block makes it a missing-word question: the block's place in
  the text is the blank (`_____` in the prompt, as Moodle shows it).
- `#` starts an answer's feedback, `####` the question's general feedback, `%n%` an answer's
  weight in percent.

How GIFT maps onto the app's types:

- multiple choice with one `=` answer -> `single_choice` (`options`, `answer`); with
  `~%n%` weights and no `=` -> `multiple_choice` (`options`, `answers`: the options of
  positive weight). The app scores all or nothing (single choice) and +1/R per right option,
  -1/W per wrong one (multiple choice): other weights are reported.
- true/false -> `true_false` (`answer`); its `#wrong feedback#right feedback` -> feedback on
  "false"/"true".
- short answer -> `short_text` (`accepted`: the answers of full credit); a missing-word short
  answer -> `cloze` (`text` with one `[[answer|variant]]` blank).
- numerical `{#answer:tolerance}`, `{#low..high}` (the midpoint, with half the width as
  tolerance) -> `numeric` (`answer`, `tolerance`).
- matching `=prompt -> match` -> `matching` (`pairs`; `= -> extra` answers are
  `distractors`).
- general feedback -> the question's explanation.
- essay and description: no such type in the app, reported and not imported.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from html.parser import HTMLParser
from typing import Any

from app.domain.question_types.cloze import parse_cloze

# What Moodle writes in place of the answer block of a missing-word question.
BLANK = "_____"
# The prompt of a cloze read from a GIFT question that carries no separate instruction.
CLOZE_PROMPT = "Fill in the blank."
TEXT_FORMATS = ("moodle", "html", "plain", "markdown")

# An escaped character stands in the text as a Unicode noncharacter (never in a real file)
# until every control character has been read; then it becomes itself again.
_ESCAPED = {
    "\\": "\ufdd0",
    "~": "\ufdd1",
    "=": "\ufdd2",
    "#": "\ufdd3",
    "{": "\ufdd4",
    "}": "\ufdd5",
    ":": "\ufdd6",
    "n": "\ufdd7",
}
_NEWLINE = _ESCAPED["n"]
_RESTORE = str.maketrans({mark: "\n" if char == "n" else char for char, mark in _ESCAPED.items()})
_RESTORE_BUT_NEWLINE = str.maketrans({mark: char for char, mark in _ESCAPED.items() if char != "n"})
# Where the blank of a missing-word question stands while its text is read.
_BLANK_MARK = "\ufdde"

_FORMAT_MARK = re.compile(r"^\[(moodle|html|plain|markdown)\]")
_WEIGHT = re.compile(r"^%(-?\d{1,3}(?:\.\d*)?)%")
_ID_COMMENT = re.compile(r"\[id:((?:\\\]|[^\]\x00-\x1f])+)\]")
_TAG_COMMENT = re.compile(r"\[tag:((?:\\\]|[^\]<>`\x00-\x1f])+)\]")
_TRUE_FALSE = {"T": True, "TRUE": True, "F": False, "FALSE": False}
# Layout inside an answer block (answers on lines of their own, indented) is not text.
_WRAPPED = re.compile(r"[ \t]*\n\s*")
_STANDALONE_BLANK = re.compile(r"(?<!_)_____(?!_)")
_WEIGHT_EPSILON = 0.01


# --- what parse_gift returns ------------------------------------------------------------------


@dataclass(frozen=True)
class GiftProblem:
    """Something in a GIFT file that the app cannot take as written: what was read instead,
    or why the question was left out. `line` is the question's first line (1-based)."""

    line: int
    title: str | None
    message: str


@dataclass(frozen=True)
class ImportedQuestion:
    """One GIFT question as a question of the app's type `type`.

    `fields` are the type's own authoring fields, as its `authoring_schema` takes them (the
    common ones, `id`, `tags`, `difficulty`, `explanation`, are the importer's to choose).
    `feedback` maps an option (choice types), an answer (short answer, cloze, numeric, `*`
    for any other) or "true"/"false" to the feedback GIFT gives for it.
    """

    type: str
    prompt: str
    fields: dict[str, Any]
    line: int
    title: str | None = None
    explanation: str | None = None
    feedback: dict[str, str] = field(default_factory=dict)
    category: str | None = None
    tags: list[str] = field(default_factory=list)
    idnumber: str | None = None
    text_format: str = "moodle"

    def as_authoring(
        self, *, id: str, tags: list[str], difficulty: str, explanation: str | None = None
    ) -> dict[str, Any]:
        """The question as a bank file or a teacher's request writes it, with the fields
        the file does not carry given by the caller (QTI's questions share it)."""
        return {
            "id": id,
            "type": self.type,
            "prompt": self.prompt,
            "tags": tags,
            "difficulty": difficulty,
            "explanation": explanation if explanation is not None else self.explanation,
            **self.fields,
        }


@dataclass(frozen=True)
class GiftImport:
    questions: list[ImportedQuestion]
    problems: list[GiftProblem]


# --- what format_gift takes and returns -------------------------------------------------------


@dataclass(frozen=True)
class ExportableQuestion:
    """A question of the app as GIFT writes it: `fields` are its type's authoring fields
    (as in a bank file), `explanation` becomes GIFT's general feedback."""

    id: str
    type: str
    prompt: str
    fields: dict[str, Any]
    explanation: str | None = None
    title: str | None = None
    tags: tuple[str, ...] = ()
    category: str | None = None


@dataclass(frozen=True)
class ExportProblem:
    """A question GIFT cannot hold as it is: left out, or written without what it names."""

    question_id: str
    title: str | None
    message: str


@dataclass(frozen=True)
class GiftExport:
    text: str
    problems: list[ExportProblem]


# --- reading ----------------------------------------------------------------------------------


def parse_gift(text: str) -> GiftImport:
    """Read a GIFT file: every question the app can ask, and a problem for each one it
    cannot, or can only with another reading (which the problem names)."""
    questions: list[ImportedQuestion] = []
    problems: list[GiftProblem] = []
    category: str | None = None
    for block in _blocks(text):
        if block.category is not None:
            category = block.category
        if not block.lines:
            continue
        reader = _QuestionReader(block, category, problems)
        question = reader.read()
        if question is not None:
            questions.append(question)
    return GiftImport(questions, problems)


@dataclass
class _Block:
    """The lines of one question (comments apart) and the category line that opened it."""

    line: int = 0
    lines: list[str] = field(default_factory=list)
    comments: list[str] = field(default_factory=list)
    category: str | None = None


def _blocks(text: str) -> list[_Block]:
    lines = text.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n").split("\n")
    blocks: list[_Block] = []
    current = _Block()
    for number, line in enumerate(lines, start=1):
        stripped = line.strip()
        if not stripped:
            if current.lines or current.comments or current.category is not None:
                blocks.append(current)
            current = _Block()
        elif stripped.startswith("//"):
            current.comments.append(stripped)
        elif not current.lines and stripped.startswith("$CATEGORY:"):
            # Moodle wants a blank line after it; a question straight below still reads.
            current.category = _protect(stripped[len("$CATEGORY:") :]).translate(_RESTORE).strip()
        else:
            if not current.lines:
                current.line = number
            current.lines.append(line)
    if current.lines or current.comments or current.category is not None:
        blocks.append(current)
    return blocks


def _protect(text: str) -> str:
    """Replace each escaped character by its stand-in, so that only unescaped `~ = # { } :`
    act as GIFT's control characters. A backslash before any other character stays."""
    out: list[str] = []
    index = 0
    while index < len(text):
        char = text[index]
        following = text[index + 1] if index + 1 < len(text) else ""
        if char == "\\" and following in _ESCAPED:
            out.append(_ESCAPED[following])
            index += 2
        else:
            out.append(char)
            index += 1
    return "".join(out)


def _restore(text: str) -> str:
    return text.translate(_RESTORE).strip()


# What a type's reader returns: the app's type, the prompt, its fields and its feedback.
_Built = tuple[str, str, dict[str, Any], dict[str, str]]


@dataclass
class _Answer:
    text: str
    weight: float
    feedback: str = ""
    full_marker: bool = False  # written `=` in a multiple choice


class _QuestionReader:
    """Reads one block into an `ImportedQuestion`, noting problems as it goes."""

    def __init__(self, block: _Block, category: str | None, problems: list[GiftProblem]):
        self.block = block
        self.category = category
        self.problems = problems
        self.title: str | None = None
        self.format = "moodle"
        self.lost_html: set[str] = set()

    def problem(self, message: str) -> None:
        self.problems.append(GiftProblem(self.block.line, self.title, message))

    def read(self) -> ImportedQuestion | None:
        text = _protect("\n".join(self.block.lines)).strip()
        if text.startswith("::"):
            end = text.find("::", 2)
            if end == -1:
                self.problem("The title is not closed by '::': read as question text.")
                text = text[2:].strip()
            else:
                self.title = _restore(text[2:end]) or None
                text = text[end + 2 :].strip()
        start, finish = text.find("{"), text.find("}")
        if start == -1 and finish == -1:
            self.problem(
                "A description (text with no answer block) is not a question: not imported."
            )
            return None
        if start == -1 or finish == -1 or finish < start:
            self.problem("Unmatched '{' or '}' (escape them as \\{ and \\}): not imported.")
            return None
        if "{" in text[start + 1 :] or "}" in text[finish + 1 :]:
            self.problem("More than one answer block: a GIFT question has one. Not imported.")
            return None
        answers = text[start + 1 : finish].strip()
        before, after = text[:start], text[finish + 1 :]
        missing_word = bool(after.strip())
        general = ""
        split = answers.rfind("####")
        if split != -1:
            answers, general = answers[:split].strip(), answers[split + 4 :]
        mark = _FORMAT_MARK.match(before.lstrip())
        if mark:
            self.format = mark.group(1)
            before = before.lstrip()[mark.end() :]
        stem = self.stem(before + (_BLANK_MARK if missing_word else "") + after)
        explanation = self.piece(general) or None
        kind = _answer_kind(answers)
        if kind == "essay":
            self.problem(
                "An essay question (empty answer block) is graded by hand; the app has no such "
                "type: not imported."
            )
            return None
        built = {
            "numeric": self.numeric,
            "choice": self.choice,
            "matching": self.matching,
            "true_false": self.true_false,
            "short_answer": self.short_answer,
        }[kind](answers, stem)
        if built is None:
            return None
        kind_name, prompt, fields, feedback = built
        if self.lost_html:
            tags = ", ".join(f"<{tag}>" for tag in sorted(self.lost_html))
            self.problem(f"HTML {tags} has no plain-text equivalent: only its text was kept.")
        if not prompt.strip():
            self.problem("The question has no text: not imported.")
            return None
        comments = "\n".join(self.block.comments)
        idnumber = _ID_COMMENT.search(comments)
        return ImportedQuestion(
            type=kind_name,
            prompt=prompt,
            fields=fields,
            line=self.block.line,
            title=self.title,
            explanation=explanation,
            feedback=feedback,
            category=self.category,
            tags=[tag.replace("\\]", "]").strip() for tag in _TAG_COMMENT.findall(comments)],
            idnumber=idnumber.group(1).replace("\\]", "]").strip() if idnumber else None,
            text_format=self.format,
        )

    # -- texts --

    def stem(self, text: str) -> str:
        """The question text, still holding stand-ins (and the blank's mark): a line break,
        written or escaped, stays one; indentation does not."""
        if self.format == "html":
            return self.html(text)
        if self.format == "markdown":
            return text.strip()
        return "\n".join(line.strip() for line in text.strip().split("\n"))

    def piece(self, raw: str) -> str:
        """An answer's or a feedback's text, its own format mark read, as plain text."""
        raw = raw.strip()
        text_format = self.format
        mark = _FORMAT_MARK.match(raw)
        if mark:
            text_format, raw = mark.group(1), raw[mark.end() :]
        raw = _WRAPPED.sub(" ", raw)
        return _restore(self.html(raw) if text_format == "html" else raw)

    def html(self, text: str) -> str:
        converter = _HtmlToText()
        converter.feed(text.translate(_RESTORE_BUT_NEWLINE))
        converter.close()
        self.lost_html |= converter.lost
        return converter.text()

    def prompt(self, stem: str) -> str:
        return _restore(stem.replace(_BLANK_MARK, BLANK))

    # -- types: each returns (type, prompt, fields, feedback) or None --

    def choice(self, answers: str, stem: str) -> _Built | None:
        options: list[_Answer] = []
        # As Moodle: every `=` and `~` starts an answer; `=` is full credit, weight unread.
        for raw in answers.replace("=", "~=").split("~"):
            raw = raw.strip()
            if not raw and not options:
                continue
            if raw.startswith("="):
                weight, raw, full = 100.0, raw[1:], True
            else:
                found = _WEIGHT.match(raw)
                weight = float(found.group(1)) if found else 0.0
                raw, full = (raw[found.end() :] if found else raw), False
            text, _, feedback = raw.partition("#")
            options.append(_Answer(self.piece(text), weight, self.piece(feedback), full))
        if len(options) < 2:
            self.problem("A multiple-choice question needs at least two options: not imported.")
            return None
        if any(not option.text for option in options):
            self.problem("An option of this multiple-choice question is empty: not imported.")
            return None
        texts = [option.text for option in options]
        feedback = {option.text: option.feedback for option in options if option.feedback}
        prompt = self.prompt(stem)
        if any(option.full_marker for option in options):
            return self.choose_one(options, texts, prompt, feedback)
        right = [option for option in options if option.weight > 0]
        wrong = [option for option in options if option.weight <= 0]
        if not right:
            self.problem("No option has a positive weight, so none is right: not imported.")
            return None
        share = 100 / len(right)
        if any(abs(option.weight - share) > _WEIGHT_EPSILON for option in right):
            self.problem(
                f"The right options' weights ({_percents(right)}) cannot be expressed: the app "
                f"gives each of the {len(right)} right options an equal share. Imported with "
                "equal shares."
            )
        if wrong and any(
            abs(option.weight + 100 / len(wrong)) > _WEIGHT_EPSILON for option in wrong
        ):
            self.problem(
                f"The wrong options' weights ({_percents(wrong)}) cannot be expressed: the app "
                f"takes 1/{len(wrong)} of the mark away for each wrong option chosen. Imported "
                "with that rule."
            )
        fields = {"options": texts, "answers": [option.text for option in right]}
        return "multiple_choice", prompt, fields, feedback

    def choose_one(
        self, options: list[_Answer], texts: list[str], prompt: str, feedback: dict[str, str]
    ) -> _Built:
        right = [option for option in options if option.weight >= 100]
        for option in options:
            if 0 < option.weight < 100:
                self.problem(
                    f"Partial credit ({option.weight:g}%) for {option.text!r} cannot be "
                    "expressed: imported as a wrong option."
                )
            elif option.weight < 0:
                self.problem(
                    f"The negative weight ({option.weight:g}%) of {option.text!r} cannot be "
                    "expressed in a choose-one question (a wrong choice scores 0): imported as "
                    "a wrong option."
                )
        if len(right) == 1:
            return "single_choice", prompt, {"options": texts, "answer": right[0].text}, feedback
        self.problem(
            f"{len(right)} options give full credit in a choose-one question, which the app "
            "cannot express: imported as choose-all-that-apply with those options as its "
            "answers."
        )
        fields = {"options": texts, "answers": [option.text for option in right]}
        return "multiple_choice", prompt, fields, feedback

    def true_false(self, answers: str, stem: str) -> _Built:
        value, wrong, right = ([*answers.split("#", 2), "", ""])[:3]
        answer = _TRUE_FALSE[value.strip().upper()]
        given = {str(answer).lower(): self.piece(right), str(not answer).lower(): self.piece(wrong)}
        feedback = {key: text for key, text in given.items() if text}
        return "true_false", self.prompt(stem), {"answer": answer}, feedback

    def short_answer(self, answers: str, stem: str) -> _Built | None:
        accepted: list[str] = []
        feedback: dict[str, str] = {}
        for weight, raw, reply in self.weighted(answers):
            text = self.piece(raw)
            if reply:
                feedback[text] = reply
            if text == "*":
                if weight > 0:
                    self.problem("'*' (any answer) cannot be expressed: left out.")
                continue
            if re.search(r"(?<!\\)\*", text):
                self.problem(
                    f"{text!r} uses Moodle's wildcard '*', which the app cannot express: left out."
                )
                continue
            text = text.replace("\\*", "*")
            if weight >= 100:
                accepted.append(text)
            elif weight > 0:
                self.problem(
                    f"Partial credit ({weight:g}%) for {text!r} cannot be expressed: left out of "
                    "the accepted answers."
                )
        if not accepted:
            self.problem("No answer gives full credit: not imported.")
            return None
        if _BLANK_MARK not in stem:
            return "short_text", self.prompt(stem), {"accepted": accepted}, feedback
        cloze = _cloze(stem, accepted)
        if cloze is None:  # the text or an answer holds [[, ]] or |: kept as a short answer
            return "short_text", self.prompt(stem), {"accepted": accepted}, feedback
        prompt, cloze_text = cloze
        return "cloze", prompt, {"text": cloze_text}, feedback

    def numeric(self, answers: str, stem: str) -> _Built | None:
        answers = answers[1:]
        feedback: dict[str, str] = {}
        wrong_at = answers.find("~")
        if wrong_at != -1:  # Moodle: `~#...` is the feedback for any other number
            other = self.piece(answers[wrong_at:].partition("#")[2])
            if other:
                feedback["*"] = other
            answers = answers[:wrong_at]
        key: tuple[Decimal, Decimal] | None = None
        for weight, raw, reply in self.weighted(answers):
            spec = _restore(raw)
            if reply:
                feedback[spec] = reply
            if spec == "*":
                if weight > 0:
                    self.problem("'*' (any number) cannot be expressed: left out.")
                continue
            value = _numeric_answer(spec)
            if value is None:
                self.problem(f"{spec!r} is not a number, a number:tolerance or a low..high range.")
                return None
            if weight >= 100 and key is None:
                key = value
            elif weight >= 100:
                self.problem(
                    f"A second right answer ({spec}) cannot be expressed: the app's numeric "
                    "question has one answer and tolerance. Left out."
                )
            elif weight > 0:
                self.problem(
                    f"Partial credit ({weight:g}%) for {spec} cannot be expressed: left out."
                )
        if key is None:
            self.problem("No numeric answer gives full credit: not imported.")
            return None
        answer, tolerance = key
        fields = {"answer": _number(answer), "tolerance": _number(tolerance)}
        return "numeric", self.prompt(stem), fields, feedback

    def matching(self, answers: str, stem: str) -> _Built | None:
        pairs: list[list[str]] = []
        distractors: list[str] = []
        for raw in answers.split("="):
            if not raw.strip() and not pairs and not distractors:
                continue
            left, arrow, right = raw.partition("->")
            if not arrow:
                self.problem(f"{_restore(raw)!r} is not a 'prompt -> match' pair: not imported.")
                return None
            if "#" in left or "#" in right:
                self.problem("A matching pair carries no feedback in GIFT: '#...' left out.")
                left, right = left.partition("#")[0], right.partition("#")[0]
            prompt, match = self.piece(left), _restore(_WRAPPED.sub(" ", right))
            if not match:
                self.problem("A matching pair has no match: not imported.")
                return None
            if prompt:
                pairs.append([prompt, match])
            else:
                distractors.append(match)
        if len(pairs) < 2:
            self.problem("A matching question needs at least two pairs: not imported.")
            return None
        if len(pairs) < 3:
            self.problem(
                f"Only {len(pairs)} pairs, where GIFT's documentation asks for at least three: "
                "imported anyway (the app needs two)."
            )
        fields = {"pairs": pairs, "distractors": distractors}
        return "matching", self.prompt(stem), fields, {}

    def weighted(self, answers: str) -> list[tuple[float, str, str]]:
        """`=`-separated answers (short answer, numeric): weight (100 unless `%n%`), the
        answer as written and its feedback."""
        found: list[tuple[float, str, str]] = []
        for raw in answers.split("="):
            raw = raw.strip()
            if not raw:
                continue
            mark = _WEIGHT.match(raw)
            weight = float(mark.group(1)) if mark else 100.0
            text, _, reply = (raw[mark.end() :] if mark else raw).partition("#")
            found.append((weight, text, self.piece(reply)))
        return found


def _answer_kind(answers: str) -> str:
    """The kind of question an answer block makes, tested in Moodle's order."""
    if not answers:
        return "essay"
    if answers.startswith("#"):
        return "numeric"
    if "~" in answers:
        return "choice"
    if "=" in answers and "->" in answers:
        return "matching"
    if answers.partition("#")[0].strip().upper() in _TRUE_FALSE:
        return "true_false"
    return "short_answer"


def _cloze(stem: str, accepted: list[str]) -> tuple[str, str] | None:
    """A missing-word short answer as a cloze: (prompt, text with its one blank). The text
    is the line of the blank; the lines before it (broken by `\\n`) are the prompt."""
    before, after = stem.split(_BLANK_MARK)
    prompt_part, newline, line_part = before.rpartition(_NEWLINE)
    prompt = _restore(prompt_part) if newline else CLOZE_PROMPT
    head, tail = line_part.translate(_RESTORE), after.translate(_RESTORE)
    if any(mark in head + tail for mark in ("[[", "]]")):
        return None
    if any(mark in answer for answer in accepted for mark in ("|", "]", "[[")):
        return None
    text = (head.lstrip() + "[[" + "|".join(accepted) + "]]" + tail.rstrip()).strip()
    return (prompt or CLOZE_PROMPT), text


def _numeric_answer(spec: str) -> tuple[Decimal, Decimal] | None:
    """`answer`, `answer:tolerance` or `low..high` -> (answer, tolerance); a range becomes
    its midpoint with half its width as tolerance. None if not numbers."""
    try:
        if ".." in spec[1:]:
            at = spec.index("..", 1)
            low, high = Decimal(spec[:at].strip()), Decimal(spec[at + 2 :].strip())
            answer = (low + high) / 2
            tolerance = high - answer
        elif ":" in spec[1:]:
            at = spec.index(":", 1)
            answer, tolerance = Decimal(spec[:at].strip()), Decimal(spec[at + 1 :].strip())
        else:
            answer, tolerance = Decimal(spec.strip()), Decimal(0)
    except InvalidOperation:
        return None
    if not (answer.is_finite() and tolerance.is_finite()) or tolerance < 0:
        return None
    return answer, tolerance


def _number(value: Decimal) -> int | float:
    return int(value) if value == value.to_integral_value() else float(value)


def _percents(answers: list[_Answer]) -> str:
    return ", ".join(f"{answer.weight:g}%" for answer in answers)


class _HtmlToText(HTMLParser):
    """HTML as plain text: block elements break lines, inline ones leave their text, and
    markup whose meaning text cannot carry (images, links, super/subscripts, tables, ...) is
    noted in `lost`. Line breaks come out as the escaped-newline stand-in."""

    BREAKS = frozenset(
        {
            *("p", "div", "br", "li", "ul", "ol", "blockquote", "pre", "hr", "dl", "dt", "dd"),
            *("h1", "h2", "h3", "h4", "h5", "h6", "section", "article"),
        }
    )
    PLAIN = frozenset(
        {
            *("b", "strong", "i", "em", "u", "span", "code", "tt", "kbd", "samp", "var"),
            *("small", "big", "font", "mark", "abbr", "cite", "center", "nobr", "wbr"),
            *("html", "body", "label"),
        }
    )
    SKIPPED = frozenset(("script", "style"))

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        # Lines, each with whether it holds preformatted text (whose indentation counts).
        self.lines: list[tuple[str, bool]] = [("", False)]
        self.lost: set[str] = set()
        self.pre = 0
        self.skipping = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self.BREAKS:
            self.lines.append(("", False))
            self.pre += tag == "pre"
        elif tag == "a" and not dict(attrs).get("href"):
            pass
        elif tag not in self.PLAIN:
            self.lost.add(tag)
            self.skipping += tag in self.SKIPPED

    def handle_endtag(self, tag: str) -> None:
        if tag in self.BREAKS:
            self.lines.append(("", False))
            self.pre -= tag == "pre" and self.pre > 0
        elif tag in self.SKIPPED and self.skipping:
            self.skipping -= 1

    def handle_data(self, data: str) -> None:
        if self.skipping:
            return
        if not self.pre:
            self.add(re.sub(r"\s+", " ", data), False)
            return
        first, *others = data.split("\n")
        self.add(first, True)
        for line in others:
            self.lines.append(("", True))
            self.add(line, True)

    def add(self, text: str, pre: bool) -> None:
        line, was_pre = self.lines[-1]
        self.lines[-1] = (line + text, was_pre or pre)

    def text(self) -> str:
        kept = (line.rstrip() if pre else line.strip() for line, pre in self.lines)
        return _NEWLINE.join(line for line in kept if line.strip())


# --- writing ----------------------------------------------------------------------------------


def format_gift(questions: Iterable[ExportableQuestion]) -> GiftExport:
    """Write questions as a GIFT file Moodle imports. Types GIFT has no form for (ordering,
    find the evidence, a cloze of several blanks) are left out with a problem naming them;
    what a written question loses (a numeric unit, ...) is a problem too."""
    chunks: list[str] = []
    problems: list[ExportProblem] = []
    category: str | None = None
    for question in questions:
        writer = _WRITERS.get(question.type)
        notes: list[str] = []
        if writer is None:
            problems.append(
                ExportProblem(
                    question.id,
                    question.title,
                    f"GIFT has no {_UNWRITABLE.get(question.type, question.type)} question: "
                    "not written.",
                )
            )
            continue
        try:
            body = writer(question, notes)
        except (KeyError, TypeError, ValueError) as error:
            body = None
            notes.append(f"Its fields do not fit a {question.type} question ({error}).")
        problems.extend(ExportProblem(question.id, question.title, note) for note in notes)
        if body is None:
            continue
        if question.category and question.category != category:
            category = question.category
            chunks.append(f"$CATEGORY: {' '.join(category.split())}")
        chunks.append(_header(question) + body)
    return GiftExport("\n\n".join(chunks) + "\n" if chunks else "", problems)


_UNWRITABLE = {"ordering": "ordering", "find_evidence": "find-the-evidence"}


def escape_gift(text: str) -> str:
    """Text as GIFT writes it: its control characters and backslashes escaped, line breaks
    as `\\n` (a blank line would end the question)."""
    escaped = text.replace("\r\n", "\n").replace("\\", "\\\\")
    for char in "~=#{}:":
        escaped = escaped.replace(char, "\\" + char)
    return escaped.replace("\n", "\\n")


def _text(text: str) -> str:
    """An answer's or a feedback's text: escaped, and marked `[plain]` if it would
    otherwise start with what reads as a format mark."""
    return ("[plain]" if _FORMAT_MARK.match(text) else "") + escape_gift(text)


def _header(question: ExportableQuestion) -> str:
    marks = [_comment_mark("id", question.id)]
    marks += [_comment_mark("tag", tag) for tag in question.tags]
    title = escape_gift(question.title or question.id)
    return f"// {' '.join(marks)}\n::{title}::"


def _comment_mark(name: str, value: str) -> str:
    escaped = value.replace("]", "\\]")
    return f"[{name}:{escaped}]"


def _format_mark(question: ExportableQuestion, texts: Iterable[str], first: str) -> str:
    """`[plain]` when a text holds `<` or `&` (Moodle's default format reads them as HTML)
    or the question text would start with what reads as a format mark."""
    every = (question.prompt, question.explanation or "", *texts)
    plain = any("<" in text or "&" in text for text in every) or _FORMAT_MARK.match(first)
    return "[plain]" if plain else ""


def _stem(
    question: ExportableQuestion, block: str, texts: Iterable[str] = (), in_blank: bool = True
) -> str:
    """The question text with its answer block: in the place of a lone `_____` that text
    follows (Moodle's missing word, which reads back as the same text), else after it."""
    prompt = question.prompt
    mark = _format_mark(question, texts, prompt)
    blanks = list(_STANDALONE_BLANK.finditer(prompt))
    if in_blank and len(blanks) == 1 and prompt[blanks[0].end() :].strip():
        at = blanks[0]
        return f"{mark}{escape_gift(prompt[: at.start()])}{block}{escape_gift(prompt[at.end() :])}"
    return f"{mark}{escape_gift(prompt)}{block}"


def _block(lines: list[str], explanation: str | None) -> str:
    if explanation:
        lines = [*lines, f"####{_text(explanation)}"]
    return "{\n" + "".join(f"\t{line}\n" for line in lines) + "}"


def _inline_block(answer: str, explanation: str | None) -> str:
    return "{" + answer + (f"####{_text(explanation)}" if explanation else "") + "}"


def _guard_weight(text: str) -> str:
    """An answer that starts like a weight (`%5% of ...`) gets an explicit one first."""
    return "%0%" if _WEIGHT.match(text) else ""


def _write_single_choice(question: ExportableQuestion, notes: list[str]) -> str | None:
    options, answer = list(question.fields["options"]), question.fields["answer"]
    if answer not in options:
        notes.append(f"Its answer {answer!r} is not one of its options: not written.")
        return None
    lines = [
        f"={_text(option)}" if option == answer else f"~{_guard_weight(option)}{_text(option)}"
        for option in options
    ]
    return _stem(question, _block(lines, question.explanation), options)


def _write_multiple_choice(question: ExportableQuestion, notes: list[str]) -> str | None:
    options, answers = list(question.fields["options"]), list(question.fields["answers"])
    if not answers or any(answer not in options for answer in answers):
        notes.append("Its answers are not among its options: not written.")
        return None
    wrong_count = len(options) - len(answers)
    # The app's rule in Moodle's terms: +1/R for each right option, -1/W for each wrong one.
    right = f"%{_weight_text(100 / len(answers))}%"
    wrong = f"%-{_weight_text(100 / wrong_count)}%" if wrong_count else ""
    lines = [f"~{right if option in answers else wrong}{_text(option)}" for option in options]
    return _stem(question, _block(lines, question.explanation), options)


def _weight_text(weight: float) -> str:
    return f"{weight:.5f}".rstrip("0").rstrip(".")


def _write_true_false(question: ExportableQuestion, notes: list[str]) -> str | None:
    answer = question.fields["answer"]
    if not isinstance(answer, bool):
        raise TypeError("answer must be true or false")
    return _stem(question, _inline_block("TRUE" if answer else "FALSE", question.explanation))


def _write_numeric(question: ExportableQuestion, notes: list[str]) -> str | None:
    answer, tolerance = question.fields["answer"], question.fields.get("tolerance", 0)
    if question.fields.get("unit"):
        notes.append(
            f"GIFT has no place for its unit ({question.fields['unit']!r}): written without it."
        )
    spec = _number_text(answer) + (f":{_number_text(tolerance)}" if tolerance else "")
    return _stem(question, _inline_block(f"#{spec}", question.explanation))


def _number_text(value: Any) -> str:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise TypeError(f"{value!r} is not a number")
    return str(value) if isinstance(value, int) else repr(value)


def _accepted_line(answer: str, notes: list[str]) -> str | None:
    if "->" in answer:
        notes.append(f"The answer {answer!r} holds '->', which GIFT reads as a matching pair.")
        return None
    # `%n%` would read as a weight and `*` as Moodle's wildcard.
    weight = "%100%" if _WEIGHT.match(answer) else ""
    return "=" + weight + _text(answer).replace("*", "\\*")


def _write_short_text(question: ExportableQuestion, notes: list[str]) -> str | None:
    lines = [_accepted_line(answer, notes) for answer in question.fields["accepted"]]
    if any(line is None for line in lines):
        notes.append("Not written.")
        return None
    block = _block([line for line in lines if line], question.explanation)
    # Never in the prompt's blank: an answer block with text after it reads back as a cloze.
    return _stem(question, block, question.fields["accepted"], in_blank=False)


def _write_matching(question: ExportableQuestion, notes: list[str]) -> str | None:
    pairs = [(str(left), str(right)) for left, right in question.fields["pairs"]]
    distractors = [str(text) for text in question.fields.get("distractors") or []]
    if any("->" in left for left, _ in pairs):
        notes.append("A prompt holds '->', which GIFT reads as the pair's arrow: not written.")
        return None
    if len(pairs) < 3:
        notes.append(
            f"Only {len(pairs)} pairs, where GIFT's documentation asks for at least three: "
            "Moodle may refuse it."
        )
    lines = [f"={_text(left)} -> {escape_gift(right)}" for left, right in pairs]
    lines += [f"= -> {escape_gift(text)}" for text in distractors]
    texts = [text for pair in pairs for text in pair] + distractors
    return _stem(question, _block(lines, question.explanation), texts)


def _write_cloze(question: ExportableQuestion, notes: list[str]) -> str | None:
    segments, blanks = parse_cloze(question.fields["text"])
    if len(blanks) != 1:
        notes.append(
            f"A cloze of {len(blanks)} blanks: GIFT's missing word has exactly one. Not written."
        )
        return None
    head, tail = segments
    if not tail.strip():
        notes.append(
            "Its blank ends the text: GIFT reads an answer block with no text after it as a "
            "short answer, so it reads back as one."
        )
    if "\n" in head:
        notes.append("A line break before its blank: it reads back as part of the prompt.")
    lines = [_accepted_line(variant, notes) for variant in blanks[0]]
    if any(line is None for line in lines):
        notes.append("Not written.")
        return None
    answers = " ".join(line for line in lines if line)
    prompt = "" if question.prompt == CLOZE_PROMPT else escape_gift(question.prompt) + "\\n"
    explanation = f"####{_text(question.explanation)}" if question.explanation else ""
    mark = _format_mark(question, [question.fields["text"]], question.prompt if prompt else head)
    return f"{mark}{prompt}{escape_gift(head)}{{{answers}{explanation}}}{escape_gift(tail)}"


_WRITERS: dict[str, Callable[[ExportableQuestion, list[str]], str | None]] = {
    "single_choice": _write_single_choice,
    "multiple_choice": _write_multiple_choice,
    "true_false": _write_true_false,
    "numeric": _write_numeric,
    "short_text": _write_short_text,
    "matching": _write_matching,
    "cloze": _write_cloze,
}
