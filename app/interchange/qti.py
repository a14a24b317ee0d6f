"""IMS QTI 3.0 content packages, both ways: `export_qti_package` writes the app's questions as
a zip that QTI 3.0 players and item banks import, and `import_qti_package` reads such a
package back into questions of the app's types, their fields as each type's
`authoring_schema` takes them. Whatever one side cannot say in the other's terms comes back
as a problem naming the question or the file, never dropped silently.

The package follows 1EdTech's QTI 3.0 examples (github.com/1EdTech/qti-examples,
qtiv3-examples/packaging) and the QTI 3.0 Best Practices and Implementation Guide:

- `imsmanifest.xml`: IMS Content Packaging 1.2 in the QTI 3.0 profile (namespace
  http://www.imsglobal.org/xsd/qti/qtiv3p0/imscp_v1p1, metadata `<schema>QTI Package</schema>`
  `<schemaversion>3.0.0</schemaversion>`), one `resource type="imsqti_item_xmlv3p0"` per item
  with IEEE LOM metadata (the question's id, title and tags as keywords), and one
  `imsqti_test_xmlv3p0` resource for the test, depending on every item.
- `items/<identifier>.xml`: one `qti-assessment-item` per question (namespace
  http://www.imsglobal.org/xsd/imsqtiasi_v3p0), its response RESPONSE and outcome SCORE.
- `assessment-test.xml`: a `qti-assessment-test` listing the items in order, one visible
  section per category (questions without one sit in an invisible section).

How the app's types are written (and read back):

- single_choice -> qti-choice-interaction, max-choices 1, standard `match_correct`; when its
  prompt holds one `_____` blank, a qti-inline-choice-interaction in the blank's place.
- multiple_choice -> qti-choice-interaction, max-choices 0, `map_response` with the app's
  rule as the mapping: each right option 1/R, each wrong one -1/W, bounded to 0..1.
- true_false -> a choice between the options `true` and `false`, `match_correct`.
- numeric -> qti-text-entry-interaction with a float response. No standard template compares
  with a tolerance, so its response processing is written out: `qti-equal
  tolerance-mode="absolute"` between the correct response and the response (exact when the
  tolerance is 0). The unit follows the box as `<span class="unit">`.
- short_text -> qti-text-entry-interaction with a string response and a `qti-mapping` of the
  accepted answers (case-insensitive), `map_response`. The app is more lenient than a QTI
  mapping: it also folds accents, punctuation and a leading article.
- ordering -> qti-order-interaction, `match_correct`. No template gives credit per pair, and
  written out it would take a chain of `qti-delete` for every pair of items; so the app's
  partial credit (one point per pair in the right order) is lost: reported.
- matching -> qti-match-interaction of two simple match sets (prompts, then matches and
  distractors), directedPair responses, `map_response` with one point per right pair.
- cloze -> one qti-text-entry-interaction per blank, inline in the text, each with a mapping
  of its answers: `map_response` for one blank; for several, processing that sums their
  `qti-map-response` (a template scores one response only).
- find_evidence -> not written: its answer is sentences of a source, which the question's
  fields do not carry.
- The explanation -> a `qti-modal-feedback`, shown by its outcome FEEDBACK whose default
  value is the feedback's identifier. Modal feedback is shown only after response
  processing, so the learner sees it after answering, whatever the answer, and the standard
  templates can stay. A `qti-rubric-block` would not do: it is part of the item body, shown
  to its view (the candidate) before any answer, which would give the key away.

Reading takes the same interactions from other tools: a choice, order or match interaction,
or text entries and inline choices in a text (several make a cloze; an inline choice's
alternatives are lost there). What it cannot read (another interaction, several in one item,
partial credit the app has no rule for, feedback shown only for some answers) is a problem.
A package is untrusted input: its size, its number of files and their names are checked
before anything is unpacked, and an XML file with a DOCTYPE is refused (entity expansion).
"""

from __future__ import annotations

import io
import math
import posixpath
import re
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace
from decimal import Decimal, InvalidOperation
from typing import Any
from urllib.parse import unquote, urlsplit
from xml.etree import ElementTree as ET
from xml.parsers import expat

from app.domain.question_types.base import SLUG, shuffled
from app.domain.question_types.cloze import parse_cloze
from app.interchange.gift import (
    BLANK,
    CLOZE_PROMPT,
    ExportableQuestion,
    ExportProblem,
    ImportedQuestion,
)

QTI_NS = "http://www.imsglobal.org/xsd/imsqtiasi_v3p0"
QTI_XSD = "https://purl.imsglobal.org/spec/qti/v3p0/schema/xsd/imsqti_asiv3p0_v1p0.xsd"
CP_NS = "http://www.imsglobal.org/xsd/qti/qtiv3p0/imscp_v1p1"
CP_XSD = "https://purl.imsglobal.org/spec/qti/v3p0/schema/xsd/imsqtiv3p0_imscpv1p2_v1p0.xsd"
LOM_NS = "http://ltsc.ieee.org/xsd/LOM"
LOM_XSD = "https://purl.imsglobal.org/spec/md/v1p3/schema/xsd/imsmd_loose_v1p3p2.xsd"
XSI_NS = "http://www.w3.org/2001/XMLSchema-instance"
ITEM_RESOURCE = "imsqti_item_xmlv3p0"
TEST_RESOURCE = "imsqti_test_xmlv3p0"
_TEMPLATES = "https://purl.imsglobal.org/spec/qti/v3p0/rptemplates/"
MATCH_CORRECT = _TEMPLATES + "match_correct.xml"
MAP_RESPONSE = _TEMPLATES + "map_response.xml"
MANIFEST = "imsmanifest.xml"
TEST_FILE = "assessment-test.xml"
# The LOM catalog whose identifier entry is the app's own question id.
ID_CATALOG = "sourcequiz"
EXPLANATION = "EXPLANATION"

# A package is read whole into memory: these bound what an upload can make it unpack.
MAX_PACKAGE_BYTES = 32 * 1024 * 1024
MAX_PACKAGE_ENTRIES = 2000

# An XML name without a colon (an approximation of XML's NCName on Unicode letters).
_NCNAME = re.compile(r"[^\W\d][\w.\-\u00b7\u0300-\u036f\u203f\u2040]*")
# Characters XML 1.0 cannot carry at all.
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
_STANDALONE_BLANK = re.compile(r"(?<!_)_____(?!_)")
# Where an inline interaction stood, while a body is read as text (never in a real text).
_MARK = "\ufdd0"


def _is_ncname(text: str) -> bool:
    """Whether `text` can be a QTI identifier (an XML NCName: no colon, no leading digit)."""
    return bool(_NCNAME.fullmatch(text))


# --- what the two functions return ---------------------------------------------------------


@dataclass(frozen=True)
class QtiExport:
    """The package (zip bytes) and what it could not hold."""

    data: bytes
    problems: list[ExportProblem]


@dataclass(frozen=True)
class QtiProblem:
    """Something in a package the app cannot take as written; `file` is its path in the
    package, empty when the package as a whole was not read."""

    file: str
    message: str


@dataclass(frozen=True)
class QtiQuestion:
    """One QTI item as a question of the app's type `type`.

    `fields` are the type's own authoring fields, as its `authoring_schema` takes them; `id`
    is the app's id when the package carries one (a package this app wrote), `identifier`
    the item's own, `file` its path in the package.
    """

    type: str
    prompt: str
    fields: dict[str, Any]
    file: str
    identifier: str
    id: str | None = None
    title: str | None = None
    explanation: str | None = None
    tags: list[str] = field(default_factory=list)
    category: str | None = None

    # The same fields as a GIFT import's: the bank-file form, what QTI lacks given by the caller.
    as_authoring = ImportedQuestion.as_authoring


@dataclass(frozen=True)
class QtiImport:
    questions: list[QtiQuestion]
    problems: list[QtiProblem]


# --- writing -----------------------------------------------------------------------------------


def export_qti_package(
    questions: Iterable[ExportableQuestion], *, title: str, identifier: str
) -> QtiExport:
    """Write questions as a QTI 3.0 content package. A question QTI cannot hold (find the
    evidence, fields that do not fit its type, a character XML cannot carry) is left out with
    a problem naming it; what a written one loses (partial credit of an ordering) is a
    problem too. `identifier` names the package and its test (any XML name characters);
    the same questions always give the same bytes."""
    if not _is_ncname("X" + identifier):
        raise ValueError(f"{identifier!r} cannot be part of an XML identifier")
    if _NOT_XML.search(title):
        raise ValueError("the title holds a character XML cannot carry")
    manifest_id, test_id = f"MANIFEST-{identifier}", f"TEST-{identifier}"
    used = {manifest_id, test_id}
    problems: list[ExportProblem] = []
    written: list[tuple[ExportableQuestion, str, str, bytes]] = []
    for question in questions:
        notes: list[str] = []
        item = _write_item(question, used, notes)
        problems.extend(ExportProblem(question.id, question.title, note) for note in notes)
        if item is None:
            continue
        item_identifier, xml = item
        used.add(item_identifier)
        written.append((question, item_identifier, f"items/{item_identifier}.xml", xml))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        files = [(MANIFEST, _manifest(written, title, manifest_id, test_id))]
        if written:
            files.append((TEST_FILE, _test(written, title, test_id)))
        files += [(path, xml) for _, _, path, xml in written]
        for name, content in files:
            # A fixed date: the same questions make the same package.
            info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, content)
    return QtiExport(buffer.getvalue(), problems)


def _write_item(
    question: ExportableQuestion, used: set[str], notes: list[str]
) -> tuple[str, bytes] | None:
    writer = _WRITERS.get(question.type)
    if writer is None:
        reason = _UNWRITABLE.get(question.type, f"QTI has no form for a {question.type} question")
        notes.append(f"{reason}: not written.")
        return None
    bad = next((found for text in _strings(question) for found in _NOT_XML.findall(text)), None)
    if bad is not None:
        notes.append(f"It holds a character XML cannot carry (U+{ord(bad):04X}): not written.")
        return None
    item_identifier = _item_identifier(question.id)
    if item_identifier is None:
        notes.append(f"Its id {question.id!r} cannot be made an XML identifier: not written.")
        return None
    if item_identifier in used:
        notes.append(f"Another question already has the identifier {item_identifier}: not written.")
        return None
    item = _Item(question, item_identifier)
    try:
        done = writer(question, item, notes)
    except (KeyError, TypeError, ValueError, AttributeError) as error:
        notes.append(f"Its fields do not fit a {question.type} question ({error}).")
        return None
    if not done:
        return None
    return item_identifier, _serialise(item.element())


_UNWRITABLE = {
    "find_evidence": (
        "QTI cannot express a find-the-evidence question (its answer is sentences of the "
        "source, which the question's fields do not carry)"
    ),
}


def _strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, ExportableQuestion):
        for part in (value.id, value.prompt, value.explanation, value.title, value.category):
            yield from _strings(part)
        yield from _strings(list(value.tags))
        yield from _strings(value.fields)
    elif isinstance(value, dict):
        for part in value.values():
            yield from _strings(part)
    elif isinstance(value, list | tuple):
        for part in value:
            yield from _strings(part)


def _item_identifier(question_id: str) -> str | None:
    """The item's identifier: the app's id when it is an XML name, else the id after `_`
    (an id may start with a digit; a slug never starts with `_`, so it reads back)."""
    if _is_ncname(question_id) and not question_id.startswith("_"):
        return question_id
    return "_" + question_id if _is_ncname("_" + question_id) else None


def _serialise(root: ET.Element) -> bytes:
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)


def _sub(parent: ET.Element, tag: str, attrs: dict[str, str] | None = None) -> ET.Element:
    return ET.SubElement(parent, tag, attrs or {})


def _append_text(parent: ET.Element, text: str) -> None:
    """Text at the end of `parent`'s content, each line break a `<br/>` (XML would fold a
    raw one into the layout of the file)."""
    first, *others = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    _append_raw(parent, first)
    for line in others:
        _sub(parent, "br")
        _append_raw(parent, line)


def _append_raw(parent: ET.Element, text: str) -> None:
    if not text:
        return
    if len(parent):
        parent[-1].tail = (parent[-1].tail or "") + text
    else:
        parent.text = (parent.text or "") + text


def _number_text(value: Any) -> str:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise TypeError(f"{value!r} is not a number")
    if not math.isfinite(value):
        raise ValueError(f"{value!r} is not a finite number")
    return str(value) if isinstance(value, int) else repr(value)


class _Item:
    """One `qti-assessment-item` as it is built: declarations, body, processing."""

    def __init__(self, question: ExportableQuestion, identifier: str):
        self.question = question
        self.identifier = identifier
        self.responses: list[ET.Element] = []
        self.body = ET.Element("qti-item-body")
        self.processing = ET.Element("qti-response-processing")
        self.max_score: float = 1

    def response(
        self,
        identifier: str,
        cardinality: str,
        base_type: str,
        correct: list[str],
        mapping: list[tuple[str, str]] | None = None,
        **mapping_attrs: str,
    ) -> None:
        declaration = ET.Element(
            "qti-response-declaration",
            {"identifier": identifier, "cardinality": cardinality, "base-type": base_type},
        )
        correct_response = _sub(declaration, "qti-correct-response")
        for value in correct:
            _sub(correct_response, "qti-value").text = value
        if mapping is not None:
            attrs = {
                "default-value": "0",
                **{k.replace("_", "-"): v for k, v in mapping_attrs.items()},
            }
            element = _sub(declaration, "qti-mapping", attrs)
            for key, value in mapping:
                entry = {"map-key": key, "mapped-value": value}
                if base_type == "string":
                    entry["case-sensitive"] = "false"
                _sub(element, "qti-map-entry", entry)
        self.responses.append(declaration)

    def prompt(self) -> None:
        """The question's prompt as a paragraph of the body."""
        _append_text(_sub(self.body, "p"), self.question.prompt)

    def element(self) -> ET.Element:
        question = self.question
        root = ET.Element(
            "qti-assessment-item",
            {
                "xmlns": QTI_NS,
                "xmlns:xsi": XSI_NS,
                "xsi:schemaLocation": f"{QTI_NS} {QTI_XSD}",
                "identifier": self.identifier,
                "title": question.title or question.id,
                "adaptive": "false",
                "time-dependent": "false",
            },
        )
        root.extend(self.responses)
        maximum = _number_text(self.max_score)
        score = _sub(
            root,
            "qti-outcome-declaration",
            {
                "identifier": "SCORE",
                "cardinality": "single",
                "base-type": "float",
                "normal-maximum": maximum,
            },
        )
        _sub(_sub(score, "qti-default-value"), "qti-value").text = "0"
        top = _sub(
            root,
            "qti-outcome-declaration",
            {"identifier": "MAXSCORE", "cardinality": "single", "base-type": "float"},
        )
        _sub(_sub(top, "qti-default-value"), "qti-value").text = maximum
        if question.explanation:
            # Shown once response processing has run, whatever the answer (see the module).
            feedback = _sub(
                root,
                "qti-outcome-declaration",
                {"identifier": "FEEDBACK", "cardinality": "single", "base-type": "identifier"},
            )
            _sub(_sub(feedback, "qti-default-value"), "qti-value").text = EXPLANATION
        root.append(self.body)
        root.append(self.processing)
        if question.explanation:
            modal = _sub(
                root,
                "qti-modal-feedback",
                {
                    "outcome-identifier": "FEEDBACK",
                    "identifier": EXPLANATION,
                    "show-hide": "show",
                    "title": "Explanation",
                },
            )
            _append_text(_sub(_sub(modal, "qti-content-body"), "p"), question.explanation)
        return root


def _options(texts: Any) -> list[str]:
    if not isinstance(texts, list | tuple) or not all(isinstance(t, str) for t in texts):
        raise TypeError("options must be a list of texts")
    return list(texts)


def _choice_interaction(
    item: _Item, texts: list[str], ids: list[str], max_choices: int, shuffle: bool = True
) -> None:
    interaction = _sub(
        item.body,
        "qti-choice-interaction",
        {
            "response-identifier": "RESPONSE",
            "shuffle": "true" if shuffle else "false",
            "max-choices": str(max_choices),
        },
    )
    _append_text(_sub(interaction, "qti-prompt"), item.question.prompt)
    for choice_id, text in zip(ids, texts, strict=True):
        attrs = {"identifier": choice_id} | ({} if shuffle else {"fixed": "true"})
        _append_text(_sub(interaction, "qti-simple-choice", attrs), text)


def _write_single_choice(question: ExportableQuestion, item: _Item, notes: list[str]) -> bool:
    options, answer = _options(question.fields["options"]), question.fields["answer"]
    if answer not in options:
        notes.append(f"Its answer {answer!r} is not one of its options: not written.")
        return False
    ids = [f"C{n}" for n in range(1, len(options) + 1)]
    item.response("RESPONSE", "single", "identifier", [ids[options.index(answer)]])
    blanks = list(_STANDALONE_BLANK.finditer(question.prompt))
    around = _STANDALONE_BLANK.sub("", question.prompt).strip()
    if len(blanks) == 1 and around and not any("\n" in option for option in options):
        # The blank of the prompt becomes a drop-down in its place.
        at = blanks[0]
        paragraph = _sub(item.body, "p")
        _append_text(paragraph, question.prompt[: at.start()])
        interaction = _sub(
            paragraph,
            "qti-inline-choice-interaction",
            {"response-identifier": "RESPONSE", "shuffle": "true"},
        )
        for choice_id, text in zip(ids, options, strict=True):
            _sub(interaction, "qti-inline-choice", {"identifier": choice_id}).text = text
        _append_text(paragraph, question.prompt[at.end() :])
    else:
        _choice_interaction(item, options, ids, 1)
    item.processing.set("template", MATCH_CORRECT)
    return True


def _write_multiple_choice(question: ExportableQuestion, item: _Item, notes: list[str]) -> bool:
    options, answers = _options(question.fields["options"]), _options(question.fields["answers"])
    if not answers or any(answer not in options for answer in answers):
        notes.append("Its answers are not among its options: not written.")
        return False
    ids = [f"C{n}" for n in range(1, len(options) + 1)]
    id_of = dict(zip(options, ids, strict=True))
    wrong = [option for option in options if option not in answers]
    # The app's rule: +1/R for each right option chosen, -1/W for each wrong one, 0 at least.
    mapping = [(id_of[answer], _number_text(1 / len(answers))) for answer in answers]
    mapping += [(id_of[option], _number_text(-1 / len(wrong))) for option in wrong]
    item.response(
        "RESPONSE",
        "multiple",
        "identifier",
        [id_of[answer] for answer in answers],
        mapping,
        lower_bound="0",
        upper_bound="1",
    )
    _choice_interaction(item, options, ids, 0)
    item.processing.set("template", MAP_RESPONSE)
    return True


def _write_true_false(question: ExportableQuestion, item: _Item, notes: list[str]) -> bool:
    answer = question.fields["answer"]
    if not isinstance(answer, bool):
        raise TypeError("answer must be true or false")
    item.response("RESPONSE", "single", "identifier", ["true" if answer else "false"])
    _choice_interaction(item, ["True", "False"], ["true", "false"], 1, shuffle=False)
    item.processing.set("template", MATCH_CORRECT)
    return True


def _write_numeric(question: ExportableQuestion, item: _Item, notes: list[str]) -> bool:
    answer = _number_text(question.fields["answer"])
    tolerance = question.fields.get("tolerance", 0)
    tolerance_text = _number_text(tolerance)
    if tolerance < 0:
        notes.append("Its tolerance is negative: not written.")
        return False
    item.response("RESPONSE", "single", "float", [answer])
    item.prompt()
    line = _sub(item.body, "p")
    _sub(
        line,
        "qti-text-entry-interaction",
        {"response-identifier": "RESPONSE", "expected-length": str(max(len(answer) + 2, 6))},
    )
    unit = question.fields.get("unit")
    if unit:
        _append_raw(line, " ")
        _append_text(_sub(line, "span", {"class": "unit"}), unit)
    # No template compares numbers with a tolerance: the processing is written out.
    condition = _sub(item.processing, "qti-response-condition")
    when = _sub(condition, "qti-response-if")
    if tolerance:
        attrs = {"tolerance-mode": "absolute", "tolerance": tolerance_text}
        attrs |= {"include-lower-bound": "true", "include-upper-bound": "true"}
    else:
        attrs = {"tolerance-mode": "exact"}
    equal = _sub(when, "qti-equal", attrs)
    # The first value is the centre of the range (QTI: y within [x - t0, x + t1]).
    _sub(equal, "qti-correct", {"identifier": "RESPONSE"})
    _sub(equal, "qti-variable", {"identifier": "RESPONSE"})
    _set_score(when, "1")
    _set_score(_sub(condition, "qti-response-else"), "0")
    return True


def _set_score(parent: ET.Element, value: str) -> None:
    setter = _sub(parent, "qti-set-outcome-value", {"identifier": "SCORE"})
    _sub(setter, "qti-base-value", {"base-type": "float"}).text = value


def _text_mapping(accepted: list[str]) -> list[tuple[str, str]]:
    return [(answer, "1") for answer in dict.fromkeys(accepted)]


def _write_short_text(question: ExportableQuestion, item: _Item, notes: list[str]) -> bool:
    accepted = _options(question.fields["accepted"])
    if not accepted:
        notes.append("It has no accepted answer: not written.")
        return False
    item.response("RESPONSE", "single", "string", [accepted[0]], _text_mapping(accepted))
    item.prompt()
    length = str(max(max(len(answer) for answer in accepted) + 2, 10))
    _sub(
        _sub(item.body, "p"),
        "qti-text-entry-interaction",
        {"response-identifier": "RESPONSE", "expected-length": length},
    )
    item.processing.set("template", MAP_RESPONSE)
    return True


def _write_ordering(question: ExportableQuestion, item: _Item, notes: list[str]) -> bool:
    items = _options(question.fields["items"])
    if len(items) < 2 or len(set(items)) != len(items):
        notes.append("It needs two different items at least: not written.")
        return False
    ids = [f"I{n}" for n in range(1, len(items) + 1)]
    id_of = dict(zip(items, ids, strict=True))
    item.response("RESPONSE", "ordered", "identifier", ids)
    interaction = _sub(
        item.body,
        "qti-order-interaction",
        {"response-identifier": "RESPONSE", "shuffle": "true"},
    )
    _append_text(_sub(interaction, "qti-prompt"), question.prompt)
    # Listed in an order other than the answer, as the app stores them.
    shown = shuffled(items, question.id)
    if shown == items:
        shown = items[1:] + items[:1]
    for text in shown:
        _append_text(_sub(interaction, "qti-simple-choice", {"identifier": id_of[text]}), text)
    item.processing.set("template", MATCH_CORRECT)
    notes.append(
        "QTI's match_correct scores the order all or nothing, where the app gives a point for "
        "each pair of items in the right order: written with match_correct."
    )
    return True


def _write_matching(question: ExportableQuestion, item: _Item, notes: list[str]) -> bool:
    pairs = [(str(left), str(right)) for left, right in question.fields["pairs"]]
    distractors = _options(list(question.fields.get("distractors") or []))
    lefts = [left for left, _ in pairs]
    if not pairs or len(set(lefts)) != len(lefts):
        notes.append("Its prompts are missing or repeated: not written.")
        return False
    targets = list(dict.fromkeys([right for _, right in pairs] + distractors))
    left_id = {left: f"P{n}" for n, left in enumerate(lefts, start=1)}
    target_id = {target: f"M{n}" for n, target in enumerate(targets, start=1)}
    correct = [f"{left_id[left]} {target_id[right]}" for left, right in pairs]
    item.response(
        "RESPONSE", "multiple", "directedPair", correct, [(pair, "1") for pair in correct]
    )
    item.max_score = len(pairs)
    interaction = _sub(
        item.body,
        "qti-match-interaction",
        {"response-identifier": "RESPONSE", "shuffle": "true", "max-associations": str(len(pairs))},
    )
    _append_text(_sub(interaction, "qti-prompt"), question.prompt)
    sources = _sub(interaction, "qti-simple-match-set")
    for left in lefts:
        attrs = {"identifier": left_id[left], "match-max": "1"}
        _append_text(_sub(sources, "qti-simple-associable-choice", attrs), left)
    matches = _sub(interaction, "qti-simple-match-set")
    for target in targets:
        # A match may answer several prompts, as in the app.
        attrs = {"identifier": target_id[target], "match-max": str(len(pairs))}
        _append_text(_sub(matches, "qti-simple-associable-choice", attrs), target)
    item.processing.set("template", MAP_RESPONSE)
    return True


def _write_cloze(question: ExportableQuestion, item: _Item, notes: list[str]) -> bool:
    text = question.fields["text"]
    if not isinstance(text, str):
        raise TypeError("text must be a text")
    segments, blanks = parse_cloze(text)
    if not blanks or any(not alternatives for alternatives in blanks):
        notes.append("Its text has no [[blank]] with an answer: not written.")
        return False
    names = (
        ["RESPONSE"] if len(blanks) == 1 else [f"RESPONSE_{n}" for n in range(1, len(blanks) + 1)]
    )
    for name, alternatives in zip(names, blanks, strict=True):
        item.response(name, "single", "string", [alternatives[0]], _text_mapping(alternatives))
    item.max_score = len(blanks)
    item.prompt()
    paragraph = _sub(item.body, "p")
    _append_text(paragraph, segments[0])
    for name, alternatives, after in zip(names, blanks, segments[1:], strict=True):
        length = str(max(max(len(answer) for answer in alternatives) + 2, 6))
        attrs = {"response-identifier": name, "expected-length": length}
        _sub(paragraph, "qti-text-entry-interaction", attrs)
        _append_text(paragraph, after)
    if len(blanks) == 1:
        item.processing.set("template", MAP_RESPONSE)
        return True
    # A template scores one response: the sum of every blank's mapping is written out.
    for name in names:
        when = _sub(_sub(item.processing, "qti-response-condition"), "qti-response-if")
        _sub(_sub(_sub(when, "qti-not"), "qti-is-null"), "qti-variable", {"identifier": name})
        total = _sub(_sub(when, "qti-set-outcome-value", {"identifier": "SCORE"}), "qti-sum")
        _sub(total, "qti-variable", {"identifier": "SCORE"})
        _sub(total, "qti-map-response", {"identifier": name})
    return True


_WRITERS = {
    "single_choice": _write_single_choice,
    "multiple_choice": _write_multiple_choice,
    "true_false": _write_true_false,
    "numeric": _write_numeric,
    "short_text": _write_short_text,
    "ordering": _write_ordering,
    "matching": _write_matching,
    "cloze": _write_cloze,
}


def _lom(
    parent: ET.Element,
    *,
    entry: str | None,
    title: str | None,
    keywords: Iterable[str],
    technical: str,
) -> None:
    lom = _sub(parent, "imsmd:lom")
    general = _sub(lom, "imsmd:general")
    if entry is not None:
        identifier = _sub(general, "imsmd:identifier")
        _sub(identifier, "imsmd:catalog").text = ID_CATALOG
        _sub(identifier, "imsmd:entry").text = entry
    if title:
        _sub(_sub(general, "imsmd:title"), "imsmd:string").text = title
    for keyword in keywords:
        _sub(_sub(general, "imsmd:keyword"), "imsmd:string").text = keyword
    _sub(_sub(lom, "imsmd:technical"), "imsmd:format").text = technical


def _manifest(
    written: list[tuple[ExportableQuestion, str, str, bytes]],
    title: str,
    manifest_id: str,
    test_id: str,
) -> bytes:
    root = ET.Element(
        "manifest",
        {
            "xmlns": CP_NS,
            "xmlns:imsmd": LOM_NS,
            "xmlns:xsi": XSI_NS,
            "xsi:schemaLocation": f"{CP_NS} {CP_XSD} {LOM_NS} {LOM_XSD}",
            "identifier": manifest_id,
        },
    )
    metadata = _sub(root, "metadata")
    _sub(metadata, "schema").text = "QTI Package"
    _sub(metadata, "schemaversion").text = "3.0.0"
    _lom(metadata, entry=None, title=title, keywords=(), technical="text/x-imsqti-test-xml")
    _sub(root, "organizations")
    resources = _sub(root, "resources")
    if written:
        test = _sub(
            resources, "resource", {"identifier": test_id, "type": TEST_RESOURCE, "href": TEST_FILE}
        )
        _sub(test, "file", {"href": TEST_FILE})
        for _, item_identifier, _, _ in written:
            _sub(test, "dependency", {"identifierref": item_identifier})
    for question, item_identifier, path, _ in written:
        resource = _sub(
            resources,
            "resource",
            {"identifier": item_identifier, "type": ITEM_RESOURCE, "href": path},
        )
        _lom(
            _sub(resource, "metadata"),
            entry=question.id,
            title=question.title,
            keywords=question.tags,
            technical="text/x-imsqti-item-xml",
        )
        _sub(resource, "file", {"href": path})
    return _serialise(root)


def _test(
    written: list[tuple[ExportableQuestion, str, str, bytes]], title: str, test_id: str
) -> bytes:
    root = ET.Element(
        "qti-assessment-test",
        {
            "xmlns": QTI_NS,
            "xmlns:xsi": XSI_NS,
            "xsi:schemaLocation": f"{QTI_NS} {QTI_XSD}",
            "identifier": test_id,
            "title": title,
        },
    )
    _sub(
        root,
        "qti-outcome-declaration",
        {"identifier": "SCORE", "cardinality": "single", "base-type": "float"},
    )
    part = _sub(
        root,
        "qti-test-part",
        {"identifier": "PART-1", "navigation-mode": "nonlinear", "submission-mode": "simultaneous"},
    )
    section: ET.Element | None = None
    category: str | None = None
    for question, item_identifier, path, _ in written:
        if section is None or question.category != category:
            category = question.category
            # A category is a visible section; questions without one are grouped unseen.
            section = _sub(
                part,
                "qti-assessment-section",
                {
                    "identifier": f"S-{len(part) + 1}",
                    "title": category or title,
                    "visible": "true" if category else "false",
                },
            )
        _sub(section, "qti-assessment-item-ref", {"identifier": item_identifier, "href": path})
    total = _sub(
        _sub(root, "qti-outcome-processing"), "qti-set-outcome-value", {"identifier": "SCORE"}
    )
    _sub(
        _sub(total, "qti-sum"),
        "qti-test-variables",
        {"variable-identifier": "SCORE", "base-type": "float"},
    )
    return _serialise(root)


# --- reading: the package ----------------------------------------------------------------------


def import_qti_package(
    data: bytes,
    *,
    max_bytes: int = MAX_PACKAGE_BYTES,
    max_entries: int = MAX_PACKAGE_ENTRIES,
) -> QtiImport:
    """Read a QTI 3.0 content package: every item the app can ask, following the manifest's
    resources, and a problem for each file or item it cannot read, or can only with another
    reading (which the problem names).

    The package is refused whole, before anything is unpacked, when it is larger than
    `max_bytes` packed or unpacked (a zip bomb), has more than `max_entries` files, or names
    a file outside itself (`..`, an absolute path). An XML file with a DOCTYPE is refused,
    since its entity declarations could expand without bound."""
    return _PackageReader(data, max_bytes, max_entries).read()


class _Refused(Exception):
    """A file (or the whole package) that is not read; the message says why."""


def _unsafe_name(name: str) -> bool:
    parts = re.split(r"[\\/]", name)
    return name.startswith(("/", "\\")) or bool(re.match(r"[A-Za-z]:", name)) or ".." in parts


def _package_path(base: str, href: str) -> str | None:
    """`href` (a relative URI) against the directory `base`, as a path in the package; None
    when it points outside the package (another site, an absolute path, `..` above it)."""
    if not href or urlsplit(href).scheme or urlsplit(base).scheme or "\\" in href:
        return None
    path = unquote(urlsplit(href).path)
    if path.startswith("/"):
        return None
    joined = posixpath.normpath(posixpath.join(base, path))
    if joined == ".." or joined.startswith(("../", "/")):
        return None
    return joined


def _parse_xml(data: bytes) -> ET.Element:
    """Parse untrusted XML: a DOCTYPE (and so any entity declaration) is refused, and a file
    that is not well-formed is refused with the parser's reason."""
    # expat reads the whole file first: it stops at a DOCTYPE before any entity is declared.
    scanner = expat.ParserCreate()

    def refuse(*_: Any) -> None:
        raise _Refused(
            "It has a DOCTYPE (a document type declaration), whose entities could expand "
            "without bound: refused, not read."
        )

    scanner.StartDoctypeDeclHandler = refuse
    scanner.EntityDeclHandler = refuse
    try:
        scanner.Parse(data, True)
        return ET.fromstring(data)
    except (expat.ExpatError, ET.ParseError) as error:
        raise _Refused(f"It is not well-formed XML ({error}): not read.") from None
    except (LookupError, ValueError) as error:
        # An XML declaration naming an encoding the parser does not know (or cannot read).
        raise _Refused(f"Its encoding cannot be read ({error}): not read.") from None


def _local(tag: Any) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def _namespace(tag: str) -> str:
    return tag[1:].split("}", 1)[0] if tag.startswith("{") else ""


def _children(element: ET.Element, name: str) -> list[ET.Element]:
    return [child for child in element if _local(child.tag) == name]


def _child(element: ET.Element | None, name: str) -> ET.Element | None:
    if element is None:
        return None
    return next((child for child in element if _local(child.tag) == name), None)


def _descendants(element: ET.Element, name: str) -> list[ET.Element]:
    return [node for node in element.iter() if _local(node.tag) == name]


_XML_BASE = "{http://www.w3.org/XML/1998/namespace}base"
_OLD_QTI = re.compile(r"imsqti_(?:item_)?xmlv(\d)p(\d)")


class _PackageReader:
    def __init__(self, data: bytes, max_bytes: int, max_entries: int):
        self.data = data
        self.max_bytes = max_bytes
        self.max_entries = max_entries
        self.questions: list[QtiQuestion] = []
        self.problems: list[QtiProblem] = []
        self.entries: dict[str, zipfile.ZipInfo] = {}
        self.archive: zipfile.ZipFile | None = None

    def problem(self, file: str, message: str) -> None:
        self.problems.append(QtiProblem(file, message))

    def read(self) -> QtiImport:
        if len(self.data) > self.max_bytes:
            self.problem(
                "", f"The package is larger than {self.max_bytes} bytes: refused, not read."
            )
            return QtiImport(self.questions, self.problems)
        try:
            with zipfile.ZipFile(io.BytesIO(self.data)) as archive:
                self.archive = archive
                self.check(archive)
                self.read_manifest()
        except _Refused as refused:
            self.problem("", str(refused))
        except (zipfile.BadZipFile, EOFError) as error:
            self.problem("", f"Not a zip file that can be read ({error}): not read.")
        return QtiImport(self.questions, self.problems)

    def check(self, archive: zipfile.ZipFile) -> None:
        """Refuse the package before unpacking anything, from its directory alone."""
        infos = archive.infolist()
        if len(infos) > self.max_entries:
            raise _Refused(
                f"The package holds {len(infos)} files, more than {self.max_entries}: refused, "
                "not read."
            )
        for info in infos:
            if _unsafe_name(info.filename):
                raise _Refused(
                    f"The package names a file outside itself ({info.filename!r}: an absolute "
                    "path or '..'): refused, not read."
                )
        if sum(info.file_size for info in infos) > self.max_bytes:
            raise _Refused(
                f"The package would unpack to more than {self.max_bytes} bytes: refused, not read."
            )
        self.entries = {info.filename: info for info in infos if not info.is_dir()}

    def xml(self, path: str) -> ET.Element:
        info = self.entries.get(path)
        if info is None or self.archive is None:
            raise _Refused("Listed in the manifest, but not in the package: not read.")
        try:
            with self.archive.open(info) as handle:
                # Never more than the directory declared, whatever the compressed data says.
                data = handle.read(info.file_size + 1)
        except (zipfile.BadZipFile, RuntimeError, NotImplementedError, OSError) as error:
            raise _Refused(f"It cannot be unpacked ({error}): not read.") from None
        if len(data) > info.file_size:
            raise _Refused("It unpacks to more than the package declares: refused, not read.")
        return _parse_xml(data)

    def read_manifest(self) -> None:
        if MANIFEST not in self.entries:
            raise _Refused(
                f"No {MANIFEST} at the top of the package: not a content package, not read."
            )
        try:
            manifest = self.xml(MANIFEST)
        except _Refused as refused:
            self.problem(MANIFEST, str(refused))
            return
        if _local(manifest.tag) != "manifest":
            self.problem(
                MANIFEST,
                f"Its root is <{_local(manifest.tag)}>, not a content package's <manifest>: "
                "not read.",
            )
            return
        items: list[tuple[str, ET.Element]] = []
        tests: list[str] = []
        for resources in _children(manifest, "resources"):
            base = resources.get(_XML_BASE, "")
            for resource in _children(resources, "resource"):
                self.resource(resource, base, items, tests)
        categories: dict[str, str] = {}
        for path in tests:
            categories.update(self.read_test(path))
        seen: set[str] = set()
        for path, resource in items:
            if path in seen:
                continue
            seen.add(path)
            self.read_item(path, resource, categories.get(path))

    def resource(
        self, resource: ET.Element, base: str, items: list[tuple[str, ET.Element]], tests: list[str]
    ) -> None:
        kind = resource.get("type", "")
        href = resource.get("href") or next(
            (file.get("href", "") for file in _children(resource, "file")), ""
        )
        if kind not in (ITEM_RESOURCE, TEST_RESOURCE) and not _OLD_QTI.fullmatch(kind):
            return  # stylesheets, images, stimuli, ...: read through the items that use them
        base = posixpath.join(base, resource.get(_XML_BASE, ""))
        path = _package_path(base, href)
        if path is None:
            self.problem(
                href,
                "Its href points outside the package (another site, '..', an absolute "
                "path): not read.",
            )
            return
        old = _OLD_QTI.fullmatch(kind) if kind != ITEM_RESOURCE else None
        if old:
            self.problem(
                path,
                f"A QTI {old.group(1)}.{old.group(2)} resource ({kind}): only QTI 3.0 items "
                f"({ITEM_RESOURCE}) are read. Not imported.",
            )
        elif kind == TEST_RESOURCE:
            tests.append(path)
        else:
            items.append((path, resource))

    def read_test(self, path: str) -> dict[str, str]:
        """Item path -> the title of the visible section it sits in (its category)."""
        try:
            test = self.xml(path)
        except _Refused as refused:
            self.problem(path, str(refused))
            return {}
        found: dict[str, str] = {}
        directory = posixpath.dirname(path)

        def walk(element: ET.Element, category: str | None) -> None:
            for child in element:
                name = _local(child.tag)
                if name == "qti-assessment-section":
                    visible = child.get("visible", "true") == "true"
                    walk(child, child.get("title") if visible else category)
                elif name == "qti-test-part":
                    walk(child, category)
                elif name == "qti-assessment-item-ref" and category:
                    item_path = _package_path(directory, child.get("href", ""))
                    if item_path is not None:
                        found.setdefault(item_path, category)

        walk(test, None)
        return found

    def read_item(self, path: str, resource: ET.Element, category: str | None) -> None:
        try:
            root = self.xml(path)
        except _Refused as refused:
            self.problem(path, str(refused))
            return
        entry, title, keywords = _resource_metadata(resource)
        question = _ItemReader(root, path, self.problems).read()
        if question is None:
            return
        question_id = entry or _id_from_identifier(question.identifier)
        if title is None:
            title = root.get("title") or None
        if title in (question.identifier, question_id):
            title = None  # written in place of a title the question did not have
        self.questions.append(
            replace(question, id=question_id, title=title, tags=keywords, category=category)
        )


def _text_of(element: ET.Element | None) -> str:
    return (element.text or "").strip() if element is not None else ""


def _resource_metadata(resource: ET.Element) -> tuple[str | None, str | None, list[str]]:
    """The app's id (a LOM identifier in its catalog), title and keywords of a resource."""
    general = _child(_child(_child(resource, "metadata"), "lom"), "general")
    if general is None:
        return None, None, []
    entry = None
    for identifier in _children(general, "identifier"):
        if _text_of(_child(identifier, "catalog")) == ID_CATALOG:
            entry = _text_of(_child(identifier, "entry")) or None
    title = _text_of(_child(_child(general, "title"), "string")) or None
    keywords = [
        text
        for keyword in _children(general, "keyword")
        for string in _children(keyword, "string")
        if (text := _text_of(string))
    ]
    return entry, title, keywords


def _id_from_identifier(identifier: str) -> str | None:
    """The app's id an item identifier carries: a slug, or a slug after `_`."""
    for candidate in (identifier, identifier[1:] if identifier.startswith("_") else ""):
        if candidate and SLUG.regex.fullmatch(candidate):
            return candidate
    return None


# --- reading: an item --------------------------------------------------------------------------

_BLOCK_INTERACTIONS = frozenset(
    {"qti-choice-interaction", "qti-order-interaction", "qti-match-interaction"}
)
_INLINE_INTERACTIONS = frozenset({"qti-text-entry-interaction", "qti-inline-choice-interaction"})
_OTHER_INTERACTIONS = {
    "qti-associate-interaction": "an associate interaction",
    "qti-custom-interaction": "a custom interaction",
    "qti-drawing-interaction": "a drawing interaction",
    "qti-extended-text-interaction": "an extended text (essay) interaction",
    "qti-gap-match-interaction": "a gap match interaction",
    "qti-graphic-associate-interaction": "a graphic associate interaction",
    "qti-graphic-gap-match-interaction": "a graphic gap match interaction",
    "qti-graphic-order-interaction": "a graphic order interaction",
    "qti-hotspot-interaction": "a hotspot interaction",
    "qti-hottext-interaction": "a hottext interaction",
    "qti-media-interaction": "a media interaction",
    "qti-portable-custom-interaction": "a portable custom interaction",
    "qti-position-object-interaction": "a position object interaction",
    "qti-select-point-interaction": "a select point interaction",
    "qti-slider-interaction": "a slider interaction",
    "qti-upload-interaction": "an upload interaction",
}
_BLOCKS = frozenset(
    {
        *("p", "div", "li", "ul", "ol", "dl", "dt", "dd", "blockquote", "pre", "hr", "table"),
        *("tr", "thead", "tbody", "tfoot", "caption", "h1", "h2", "h3", "h4", "h5", "h6"),
        *("section", "article", "aside", "header", "footer", "nav", "figure", "figcaption"),
        *("address", "qti-prompt", "qti-content-body"),
    }
)
# Not text of the question: a rubric block is reported, feedback read as the explanation.
_SILENT = frozenset(
    {"script", "style", "qti-stylesheet", "qti-printed-variable", "qti-rubric-block"}
)
_LOST = frozenset({"img", "math", "object", "audio", "video", "picture", "svg", "iframe", "embed"})
_FEEDBACK = frozenset({"qti-feedback-block", "qti-feedback-inline"})


class _Text:
    """Body content as the app's plain text: a block starts a line, `<br/>` breaks one, the
    layout of the file (line breaks and indentation between words) is one space, and each
    inline interaction of `marked` stands as `_MARK`. Markup whose meaning text cannot carry
    (images, MathML, ...) is left out and noted in `lost`."""

    def __init__(self, marked: Iterable[ET.Element] = (), skipped: Iterable[ET.Element] = ()):
        self.marked = set(marked)
        self.skipped = set(skipped)
        self.lines: list[str] = [""]
        self.lost: set[str] = set()
        self.pre = 0

    def text(self, text: str | None) -> None:
        if not text:
            return
        if self.pre:
            first, *others = text.split("\n")
            self.lines[-1] += first
            self.lines.extend(others)
        else:
            self.lines[-1] += re.sub(r"[ \t\n\r]*[\n\r][ \t\n\r]*", " ", text)

    def soft_break(self) -> None:
        if self.lines[-1].strip(" "):
            self.lines.append("")

    def element(self, element: ET.Element) -> None:
        """`element` and its content (not its tail)."""
        name = _local(element.tag)
        if element in self.marked:
            self.lines[-1] += _MARK
            return
        if element in self.skipped or name in _SILENT or name in _FEEDBACK:
            return
        if name == "br":
            self.lines.append("")
            return
        if name in _LOST:
            self.lost.add(name)
            return
        if name in _BLOCK_INTERACTIONS:  # only its prompt is text of the question
            self.soft_break()
            for prompt in _children(element, "qti-prompt"):
                self.element(prompt)
            self.soft_break()
            return
        block = name in _BLOCKS
        if block:
            self.soft_break()
        self.pre += name == "pre"
        self.content(element)
        self.pre -= name == "pre"
        if block:
            self.soft_break()

    def content(self, element: ET.Element) -> None:
        """What `element` holds, whatever the element itself is."""
        self.text(element.text)
        for child in element:
            self.element(child)
            self.text(child.tail)

    def result(self) -> str:
        lines = [line.strip(" ") for line in self.lines]
        while lines and not lines[0]:
            lines.pop(0)
        while lines and not lines[-1]:
            lines.pop()
        return "\n".join(lines)


def _is_block(element: ET.Element) -> bool:
    name = _local(element.tag)
    return (
        name in _BLOCKS
        or name in _BLOCK_INTERACTIONS
        or name in _OTHER_INTERACTIONS
        or (name in _FEEDBACK and name != "qti-feedback-inline")
        or name == "qti-rubric-block"
    )


@dataclass
class _Response:
    identifier: str
    cardinality: str
    base_type: str
    correct: list[str]
    mapping: dict[str, float] | None
    default: float


def _float(text: str | None, default: float = 0.0) -> float:
    try:
        return float(text) if text is not None else default
    except ValueError:
        return default


def _values(element: ET.Element | None) -> list[str]:
    """The `qti-value`s of a correct response or a default value."""
    return (
        [_text_of(value) for value in _children(element, "qti-value")]
        if element is not None
        else []
    )


def _response(declaration: ET.Element) -> _Response:
    correct = _values(_child(declaration, "qti-correct-response"))
    mapping_element = _child(declaration, "qti-mapping")
    mapping = None
    default = 0.0
    if mapping_element is not None:
        default = _float(mapping_element.get("default-value"))
        mapping = {
            entry.get("map-key", ""): _float(entry.get("mapped-value"))
            for entry in _children(mapping_element, "qti-map-entry")
        }
    return _Response(
        declaration.get("identifier", ""),
        declaration.get("cardinality", "single"),
        declaration.get("base-type", ""),
        correct,
        mapping,
        default,
    )


def _decimal(text: str) -> Decimal | None:
    try:
        value = Decimal(text.strip())
    except InvalidOperation:
        return None
    return value if value.is_finite() else None


def _number(value: Decimal) -> int | float:
    return int(value) if value == value.to_integral_value() else float(value)


class _ItemReader:
    """Reads one `qti-assessment-item` into a question, noting problems as it goes."""

    def __init__(self, root: ET.Element, file: str, problems: list[QtiProblem]):
        self.root = root
        self.file = file
        self.problems = problems
        self.responses: dict[str, _Response] = {}
        self.lost: set[str] = set()

    def problem(self, message: str) -> None:
        self.problems.append(QtiProblem(self.file, message))

    def read(self) -> QtiQuestion | None:
        root = self.root
        name = _local(root.tag)
        if name == "assessmentItem":
            self.problem(
                "A QTI 2 assessmentItem: only QTI 3.0 items (qti-assessment-item) are read. "
                "Not imported."
            )
            return None
        if name != "qti-assessment-item" or _namespace(root.tag) != QTI_NS:
            self.problem(
                f"Its root is <{name}> in namespace {_namespace(root.tag) or '(none)'}, not a "
                f"QTI 3.0 qti-assessment-item ({QTI_NS}): not imported."
            )
            return None
        body = _child(root, "qti-item-body")
        if body is None:
            self.problem("It has no qti-item-body: not imported.")
            return None
        for declaration in _children(root, "qti-response-declaration"):
            response = _response(declaration)
            self.responses[response.identifier] = response
        interactions = [
            node
            for node in body.iter()
            if _local(node.tag) in _BLOCK_INTERACTIONS
            or _local(node.tag) in _INLINE_INTERACTIONS
            or _local(node.tag) in _OTHER_INTERACTIONS
        ]
        ends = _descendants(body, "qti-end-attempt-interaction")
        if ends:
            self.problem("An end-attempt interaction (a button) has no place in the app: left out.")
        others = [
            _OTHER_INTERACTIONS[_local(node.tag)]
            for node in interactions
            if _local(node.tag) in _OTHER_INTERACTIONS
        ]
        if others:
            self.problem(
                f"The app has no question type for {', '.join(dict.fromkeys(others))}: "
                "not imported."
            )
            return None
        if not interactions:
            self.problem("It has no interaction, so nothing to answer: not imported.")
            return None
        explanation = self.explanation(body)
        for rubric in _descendants(body, "qti-rubric-block"):
            self.problem(
                f"A rubric block (for {rubric.get('view') or 'some views'}) is not part of the "
                "app's question: left out."
            )
        if _descendants(root, "qti-assessment-stimulus-ref"):
            self.problem("A shared stimulus (passage) is not read: imported without it.")
        blocks = [node for node in interactions if _local(node.tag) in _BLOCK_INTERACTIONS]
        if blocks and len(interactions) > 1:
            self.problem(
                f"{len(interactions)} interactions in one item: the app's questions have one "
                "(or blanks of one text). Not imported."
            )
            return None
        built = (
            self.block(body, blocks[0], ends) if blocks else self.inline(body, interactions, ends)
        )
        if built is None:
            return None
        kind, prompt, fields = built
        if self.lost:
            tags = ", ".join(f"<{tag}>" for tag in sorted(self.lost))
            self.problem(f"{tags} cannot be carried in the app's plain text: left out.")
        if not prompt.strip():
            self.problem("The question has no text: not imported.")
            return None
        return QtiQuestion(
            type=kind,
            prompt=prompt,
            fields=fields,
            file=self.file,
            identifier=root.get("identifier", ""),
            explanation=explanation,
        )

    # -- texts --

    def text(self, element: ET.Element) -> str:
        """What `element` holds, as plain text."""
        reader = _Text()
        reader.content(element)
        self.lost |= reader.lost
        return reader.result()

    def blocks(
        self, body: ET.Element, marked: list[ET.Element], skipped: Iterable[ET.Element]
    ) -> list[str]:
        """The body's text, block by block (a run of loose inline content is one block);
        a single wrapping `<div>` is looked through."""
        container = body
        while (
            len(container) == 1
            and _local(container[0].tag) == "div"
            and not (container.text or "").strip()
            and not (container[0].tail or "").strip()
        ):
            container = container[0]
        groups: list[list[ET.Element | str]] = [[]]
        if container.text:
            groups[-1].append(container.text)
        for child in container:
            if _is_block(child):
                groups += [[child], []]
            else:
                groups[-1].append(child)
            if child.tail:
                groups[-1].append(child.tail)
        texts = []
        for group in groups:
            reader = _Text(marked, skipped)
            for part in group:
                if isinstance(part, str):
                    reader.text(part)
                else:
                    reader.element(part)
            self.lost |= reader.lost
            text = reader.result()
            if text:
                texts.append(text)
        return texts

    def explanation(self, body: ET.Element) -> str | None:
        """Feedback shown whatever the answer (its outcome's default value is its identifier)
        is the explanation; feedback shown for some answers only is reported."""
        defaults: dict[str, list[str]] = {}
        for declaration in _children(self.root, "qti-outcome-declaration"):
            values = _values(_child(declaration, "qti-default-value"))
            defaults[declaration.get("identifier", "")] = values
        shown: list[str] = []
        feedbacks = _children(self.root, "qti-modal-feedback") + [
            node for name in sorted(_FEEDBACK) for node in _descendants(body, name)
        ]
        for feedback in feedbacks:
            identifier = feedback.get("identifier", "")
            always = feedback.get("show-hide", "show") == "show" and identifier in defaults.get(
                feedback.get("outcome-identifier", ""), []
            )
            content = _child(feedback, "qti-content-body")
            text = self.text(feedback if content is None else content)
            if always and text:
                shown.append(text)
            elif text:
                self.problem(
                    f"Its feedback {identifier!r} is shown only for some answers; the app's "
                    "explanation is shown after any answer: left out."
                )
        return "\n".join(shown) or None

    def response_of(self, interaction: ET.Element) -> _Response | None:
        identifier = interaction.get("response-identifier", "")
        response = self.responses.get(identifier)
        if response is None:
            self.problem(f"Its response {identifier!r} is not declared: not imported.")
        return response

    # -- a choice, order or match interaction --

    def block(
        self, body: ET.Element, interaction: ET.Element, ends: list[ET.Element]
    ) -> tuple[str, str, dict[str, Any]] | None:
        response = self.response_of(interaction)
        if response is None:
            return None
        prompt = "\n".join(self.blocks(body, [], ends))
        name = _local(interaction.tag)
        if name == "qti-match-interaction":
            return self.matching(interaction, response, prompt)
        choices = {
            choice.get("identifier", ""): self.text(choice)
            for choice in _children(interaction, "qti-simple-choice")
        }
        if any(not text for text in choices.values()):
            self.problem("A choice has no text (only an image or markup): not imported.")
            return None
        unknown = [value for value in response.correct if value not in choices]
        if unknown:
            self.problem(
                f"Its correct response names {unknown[0]!r}, not one of its choices: not imported."
            )
            return None
        if not response.correct:
            self.problem("It has no correct response: not imported.")
            return None
        if name == "qti-order-interaction":
            return self.ordering(choices, response, prompt)
        if response.cardinality == "single":
            return self.single(choices, response, prompt)
        return self.multiple(choices, response, prompt)

    def single(
        self, choices: dict[str, str], response: _Response, prompt: str
    ) -> tuple[str, str, dict[str, Any]] | None:
        if len(response.correct) != 1:
            self.problem("A single-choice response has several correct values: not imported.")
            return None
        answer = response.correct[0]
        self.partial_credit(response, choices, {answer})
        truth = {"true", "false"}
        if len(choices) == 2 and {key.casefold() for key in choices} == truth:
            return "true_false", prompt, {"answer": answer.casefold() == "true"}
        if len(choices) == 2 and {text.casefold() for text in choices.values()} == truth:
            return "true_false", prompt, {"answer": choices[answer].casefold() == "true"}
        return (
            "single_choice",
            prompt,
            {
                "options": list(choices.values()),
                "answer": choices[answer],
            },
        )

    def multiple(
        self, choices: dict[str, str], response: _Response, prompt: str
    ) -> tuple[str, str, dict[str, Any]] | None:
        right = list(dict.fromkeys(response.correct))
        wrong = [key for key in choices if key not in right]
        if response.mapping is not None and not _mapping_is_apps_rule(response, right, wrong):
            self.problem(
                "Its mapping scores options otherwise than the app's rule (each right option "
                "1/R of the mark, each wrong one takes 1/W away, never below 0): imported with "
                "the app's rule."
            )
        return (
            "multiple_choice",
            prompt,
            {
                "options": list(choices.values()),
                "answers": [choices[key] for key in right],
            },
        )

    def ordering(
        self, choices: dict[str, str], response: _Response, prompt: str
    ) -> tuple[str, str, dict[str, Any]] | None:
        if sorted(response.correct) != sorted(choices):
            self.problem("Its correct order does not hold every item once: not imported.")
            return None
        if len(choices) < 3:
            self.problem(
                f"Only {len(choices)} items to order: the app asks for three at least (with "
                "two, the order shown gives the answer away). Not imported."
            )
            return None
        return "ordering", prompt, {"items": [choices[key] for key in response.correct]}

    def matching(
        self, interaction: ET.Element, response: _Response, prompt: str
    ) -> tuple[str, str, dict[str, Any]] | None:
        sets = _children(interaction, "qti-simple-match-set")
        if len(sets) != 2:
            self.problem(f"A match interaction of {len(sets)} match sets, not two: not imported.")
            return None
        sources, targets = (
            {
                c.get("identifier", ""): self.text(c)
                for c in _children(match_set, "qti-simple-associable-choice")
            }
            for match_set in sets
        )
        if any(not text for text in [*sources.values(), *targets.values()]):
            self.problem("A match choice has no text (only an image or markup): not imported.")
            return None
        pairs: list[list[str]] = []
        matched: dict[str, str] = {}
        for value in response.correct:
            source, _, target = value.partition(" ")
            target = target.strip()
            if response.base_type == "pair" and source in targets and target in sources:
                source, target = target, source
            if source not in sources or target not in targets:
                self.problem(
                    f"Its correct pair {value!r} is not a prompt and a match: not imported."
                )
                return None
            if source in matched:
                self.problem(
                    f"The prompt {sources[source]!r} has several right matches; the app's "
                    "prompts have one: not imported."
                )
                return None
            matched[source] = target
            pairs.append([sources[source], targets[target]])
        for source, text in sources.items():
            if source not in matched:
                self.problem(
                    f"The prompt {text!r} has no right match, which the app cannot "
                    "express: left out."
                )
        if len(pairs) < 2:
            self.problem("A matching question needs two right pairs at least: not imported.")
            return None
        if response.mapping is not None:
            values = {response.mapping.get(value, response.default) for value in response.correct}
            others = [v for k, v in response.mapping.items() if k not in response.correct]
            if len(values) != 1 or min(values) <= 0 or any(v > 0 for v in others):
                self.problem(
                    "Its mapping weighs pairs unequally or gives credit for wrong ones: imported "
                    "with one point for each right pair."
                )
        used = set(matched.values())
        distractors = [text for key, text in targets.items() if key not in used]
        return "matching", prompt, {"pairs": pairs, "distractors": distractors}

    def partial_credit(self, response: _Response, choices: dict[str, str], right: set[str]) -> None:
        if response.mapping is None:
            return
        best = max(response.mapping.values(), default=0.0)
        for key, value in response.mapping.items():
            if key not in right and value > 0 and key in choices:
                share = f"{value / best:.0%}" if best > 0 else f"{value:g}"
                self.problem(
                    f"Partial credit ({share}) for {choices[key]!r} cannot be expressed: "
                    "imported as a wrong option."
                )

    # -- text entries and inline choices --

    def inline(
        self, body: ET.Element, interactions: list[ET.Element], ends: list[ET.Element]
    ) -> tuple[str, str, dict[str, Any]] | None:
        responses = [self.response_of(interaction) for interaction in interactions]
        if any(response is None for response in responses):
            return None
        pairs = list(zip(interactions, [r for r in responses if r is not None], strict=True))
        numeric = len(pairs) == 1 and pairs[0][1].base_type in ("float", "integer")
        # The unit this app writes after a number's box (only a lone number has one).
        units = [
            span
            for span in _descendants(body, "span")
            if numeric and "unit" in (span.get("class") or "").split()
        ]
        blocks = self.blocks(body, interactions, [*ends, *units])
        if sum(text.count(_MARK) for text in blocks) != len(pairs):
            self.problem(
                "An interaction sits inside feedback or other content the app does not show: "
                "not imported."
            )
            return None
        if len(pairs) == 1:
            interaction, response = pairs[0]
            alone = [text for text in blocks if text.replace(_MARK, "").strip() == ""]
            # A box on a line of its own is asked by the prompt; within text, it is a blank.
            prompt = (
                "\n".join(text for text in blocks if _MARK not in text)
                if alone
                else "\n".join(blocks).replace(_MARK, BLANK)
            )
            name = _local(interaction.tag)
            if name == "qti-inline-choice-interaction":
                return self.inline_choice(interaction, response, prompt)
            if numeric:
                unit = " ".join(self.text(span) for span in units).strip() or None
                return self.numeric(response, prompt, unit)
            if alone:
                accepted = self.accepted(response, 1)
                if accepted is None:
                    return None
                return "short_text", prompt, {"accepted": accepted}
        return self.cloze(pairs, blocks)

    def accepted(self, response: _Response, blank: int) -> list[str] | None:
        """The typed answers that get full credit: the correct response and the mapping's
        best entries; partial credit is reported."""
        answers = list(response.correct)
        if response.mapping:
            best = max(response.mapping.values())
            for key, value in response.mapping.items():
                if value >= best and best > 0:
                    answers.append(key)
                elif value > 0:
                    self.problem(
                        f"Partial credit ({value / best:.0%}) for {key!r} (blank {blank}) cannot "
                        "be expressed: left out of the accepted answers."
                    )
        answers = [answer for answer in dict.fromkeys(answers) if answer.strip()]
        if not answers:
            self.problem(f"Blank {blank} has no correct response: not imported.")
            return None
        return answers

    def inline_choice(
        self, interaction: ET.Element, response: _Response, prompt: str
    ) -> tuple[str, str, dict[str, Any]] | None:
        choices = {
            choice.get("identifier", ""): self.text(choice)
            for choice in _children(interaction, "qti-inline-choice")
        }
        if len(response.correct) != 1 or response.correct[0] not in choices:
            self.problem("Its correct response is not one of its choices: not imported.")
            return None
        self.partial_credit(response, choices, set(response.correct))
        return (
            "single_choice",
            prompt,
            {
                "options": list(choices.values()),
                "answer": choices[response.correct[0]],
            },
        )

    def numeric(
        self, response: _Response, prompt: str, unit: str | None
    ) -> tuple[str, str, dict[str, Any]] | None:
        equal = self.tolerance_test(response.identifier)
        answer_text = response.correct[0] if response.correct else None
        if answer_text is None and equal is not None:
            base = _child(equal, "qti-base-value")
            answer_text = base.text if base is not None else None
        answer = _decimal(answer_text or "")
        if answer is None:
            self.problem(f"Its correct response {answer_text!r} is not a number: not imported.")
            return None
        tolerance = Decimal(0)
        if equal is not None:
            range_ = self.tolerance(equal, answer)
            if range_ is None:
                return None
            answer, tolerance = range_
        fields: dict[str, Any] = {"answer": _number(answer), "tolerance": _number(tolerance)}
        if unit:
            fields["unit"] = unit
        return "numeric", prompt, fields

    def tolerance_test(self, identifier: str) -> ET.Element | None:
        """The qti-equal of the response processing that tests this response, if any."""
        processing = _child(self.root, "qti-response-processing")
        if processing is None:
            return None
        for equal in _descendants(processing, "qti-equal"):
            if any(
                _local(child.tag) == "qti-variable" and child.get("identifier") == identifier
                for child in equal
            ):
                return equal
        if processing.get("template") is None and not _descendants(processing, "qti-match"):
            self.problem(
                "Its response processing compares no number with the correct one: "
                "imported with no tolerance."
            )
        return None

    def tolerance(self, equal: ET.Element, answer: Decimal) -> tuple[Decimal, Decimal] | None:
        """QTI's range [x - t0, x + t1] as the app's answer and tolerance."""
        mode = equal.get("tolerance-mode", "exact")
        if mode == "exact":
            return answer, Decimal(0)
        parts = (equal.get("tolerance") or "").split()
        values = [value for part in parts if (value := _decimal(part)) is not None and value >= 0]
        if not values or len(values) > 2 or len(values) != len(parts):
            self.problem(
                f"Its tolerance {equal.get('tolerance')!r} is not one or two non-negative "
                "numbers: not imported."
            )
            return None
        low_t, high_t = values[0], values[-1]
        first = equal[0] if len(equal) else None
        if first is not None and _local(first.tag) == "qti-variable":
            # The range is written around the response: around the answer, it is mirrored.
            low_t, high_t = high_t, low_t
        if mode == "relative":
            low, high = answer - abs(answer) * low_t / 100, answer + abs(answer) * high_t / 100
            self.problem(
                f"A tolerance relative to the answer ({equal.get('tolerance')}%) is read as the "
                f"absolute range {low}..{high}."
            )
        elif mode == "absolute":
            low, high = answer - low_t, answer + high_t
        else:
            self.problem(f"Unknown tolerance mode {mode!r}: not imported.")
            return None
        if (
            equal.get("include-lower-bound", "true") == "false"
            or equal.get("include-upper-bound", "true") == "false"
        ):
            self.problem(
                "A range that leaves out its bounds is read with them (the app's "
                "tolerance includes its bounds)."
            )
        centre, half = (low + high) / 2, (high - low) / 2
        if centre != answer:
            self.problem(
                f"The range {low}..{high} is not centred on the answer {answer}: the app's "
                f"tolerance is the same on both sides, so it is read as {centre} ± {half}."
            )
        return centre, half

    def cloze(
        self, pairs: list[tuple[ET.Element, _Response]], blocks: list[str]
    ) -> tuple[str, str, dict[str, Any]] | None:
        blanks: list[list[str]] = []
        for number, (interaction, response) in enumerate(pairs, start=1):
            if _local(interaction.tag) == "qti-inline-choice-interaction":
                choices = {
                    choice.get("identifier", ""): self.text(choice)
                    for choice in _children(interaction, "qti-inline-choice")
                }
                right = [choices[key] for key in response.correct if key in choices]
                if not right:
                    self.problem(f"Blank {number} has no correct choice: not imported.")
                    return None
                self.problem(
                    f"Blank {number} is a drop-down of {len(choices)} choices; the app's blanks "
                    "are typed: its other choices are left out."
                )
                blanks.append(right)
                continue
            accepted = self.accepted(response, number)
            if accepted is None:
                return None
            if response.base_type in ("float", "integer"):
                self.problem(
                    f"Blank {number} takes a number: read as a typed blank accepting "
                    f"{', '.join(accepted)} as written."
                )
            blanks.append(accepted)
        first = next(index for index, text in enumerate(blocks) if _MARK in text)
        prompt = "\n".join(blocks[:first]) or CLOZE_PROMPT
        text = "\n".join(blocks[first:])
        answers = [answer for blank in blanks for answer in blank]
        if any(mark in text for mark in ("[[", "]]")) or any(
            mark in answer for answer in answers for mark in ("|", "[", "]")
        ):
            self.problem(
                "Its text or an answer holds '[[', ']]', '[', ']' or '|', which the "
                "app's cloze syntax cannot hold: not imported."
            )
            return None
        pieces = text.split(_MARK)
        written = pieces[0] + "".join(
            "[[" + "|".join(blank) + "]]" + after
            for blank, after in zip(blanks, pieces[1:], strict=True)
        )
        return "cloze", prompt, {"text": written}


def _mapping_is_apps_rule(response: _Response, right: list[str], wrong: list[str]) -> bool:
    """Whether a multiple-choice mapping scores as the app does: right options an equal
    share of the mark, each wrong one the same share of it away (1/W of the whole)."""
    mapping = response.mapping or {}
    total = sum(mapping.get(key, response.default) for key in right)
    if total <= 0:
        return False
    shares = [mapping.get(key, response.default) / total for key in right]
    losses = [mapping.get(key, response.default) / total for key in wrong]
    return all(abs(share - 1 / len(right)) < 1e-6 for share in shares) and all(
        abs(loss + 1 / len(wrong)) < 1e-6 for loss in losses
    )
