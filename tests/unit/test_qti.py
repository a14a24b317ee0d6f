"""QTI 3.0 content packages, written and read. The package's shape (manifest namespace, QTI
Package schema 3.0.0, `imsqti_item_xmlv3p0` resources, `qti-*` elements) is checked against
what 1EdTech's QTI 3.0 examples and implementation guide show; the items from "other tools"
below are written for these tests in the shape of those examples. Every question read is
checked against the authoring schema of its type and compiled, so the mapping is one the app
takes."""

from __future__ import annotations

import io
import re
import zipfile
from typing import Any
from xml.etree import ElementTree as ET

import pytest

from app.domain.question_types import REGISTRY, compile_question_body
from app.interchange.gift import BLANK, CLOZE_PROMPT, ExportableQuestion
from app.interchange.qti import (
    CP_NS,
    ITEM_RESOURCE,
    LOM_NS,
    MAP_RESPONSE,
    MATCH_CORRECT,
    QTI_NS,
    TEST_RESOURCE,
    QtiImport,
    QtiQuestion,
    export_qti_package,
    import_qti_package,
)

Q = f"{{{QTI_NS}}}"
CP = f"{{{CP_NS}}}"
MD = f"{{{LOM_NS}}}"
NCNAME = re.compile(r"[^\W\d][\w.\-]*")


def authorable(question: QtiQuestion) -> dict[str, Any]:
    """The question through its type's authoring schema and compiler: what the app would
    store. Fails the test if either refuses it."""
    data = question.as_authoring(
        id=question.id or "imported",
        tags=["imported"],
        difficulty="medium",
        explanation=question.explanation or "From a QTI package.",
    )
    loaded = REGISTRY[question.type].authoring_schema().load(data)
    compile_question_body(loaded)
    return loaded


def read(data: bytes, **limits: int) -> QtiImport:
    result = import_qti_package(data, **limits)
    for question in result.questions:
        authorable(question)
    return result


def files(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def zipped(entries: dict[str, bytes | str]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in entries.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def exportable(id: str, type_: str, prompt: str, **fields: Any) -> ExportableQuestion:
    return ExportableQuestion(
        id=id,
        type=type_,
        prompt=prompt,
        fields=fields,
        explanation=f"Why: the article says so ({type_}).",
        title=f"A {type_} question",
        tags=("treaty-years", "clauses"),
        category="rfa-nk-russia-treaty-2024",
    )


EVERY_EXPORTABLE_TYPE = [
    exportable(
        "1961-treaty",  # starts with a digit: not an XML name as it is
        "single_choice",
        "In which year was the earlier treaty signed?",
        options=["1961", "2000", "1991"],
        answer="1961",
    ),
    exportable(
        "grant",
        "single_choice",
        f"Grant is {BLANK} in Grant's tomb.",
        options=["buried", "entombed", "living"],
        answer="entombed",
    ),
    exportable(
        "kirby",
        "multiple_choice",
        "Which of these does the article attribute to Kirby? Select all that apply.",
        options=["missiles", "drones", "satellites", "submarines", "oil"],
        answers=["missiles", "drones"],
    ),
    exportable(
        "signatories",
        "multiple_choice",
        "Which three are signatories or their agencies?",
        options=["Russia", "North Korea", "KCNA", "Iran"],
        answers=["Russia", "North Korea", "KCNA"],
    ),
    exportable("pyongyang", "true_false", "The treaty was signed in Pyongyang.", answer=True),
    exportable("moscow", "true_false", "The treaty was signed in Moscow.", answer=False),
    exportable("charter", "numeric", "Which article of the U.N. Charter?", answer=51, tolerance=0),
    exportable(
        "lasted",
        "numeric",
        "How long did the earlier treaty stay in force?\nRound to whole years.",
        answer=35,
        tolerance=1,
        unit="years",
    ),
    exportable("pi", "numeric", "What is pi to three places?", answer=3.1415, tolerance=0.0005),
    exportable(
        "agency",
        "short_text",
        "Which news agency reported the pact?",
        accepted=["KCNA", "the KCNA", "Korean Central News Agency"],
    ),
    exportable(
        "timeline",
        "ordering",
        "Put these in the order they happened.",
        items=["the 1961 treaty", "the 2000 treaty", "Putin's visit", "the 2024 treaty"],
    ),
    exportable(
        "roles",
        "matching",
        "Match each speaker with their role.",
        pairs=[["Kirby", "spokesman"], ["Terry", "analyst"], ["Putin", "president"]],
        distractors=["general"],
    ),
    exportable(
        "assistance",
        "cloze",
        CLOZE_PROMPT,
        text="The other side provides [[military|armed]] and other assistance without delay.",
    ),
    exportable(
        "invasion",
        "cloze",
        "Fill in the blanks with the words of the article.\nThe treaty says:",
        text="If one side is placed under [[a war situation]] due to an armed\n"
        "[[invasion|attack]] by a state or several states.",
    ),
]
BY_ID = {question.id: question for question in EVERY_EXPORTABLE_TYPE}
ORDERING_NOTE = (
    "QTI's match_correct scores the order all or nothing, where the app gives a point for each "
    "pair of items in the right order: written with match_correct."
)


@pytest.fixture(scope="module")
def bank() -> dict[str, bytes]:
    exported = export_qti_package(EVERY_EXPORTABLE_TYPE, title="The 2024 treaty", identifier="b1")
    assert [(p.question_id, p.message) for p in exported.problems] == [("timeline", ORDERING_NOTE)]
    return files(exported.data)


def item_of(bank: dict[str, bytes], question_id: str) -> ET.Element:
    identifier = question_id if not question_id[0].isdigit() else "_" + question_id
    return ET.fromstring(bank[f"items/{identifier}.xml"])


def only(element: ET.Element, path: str) -> ET.Element:
    found = element.findall(path)
    assert len(found) == 1, f"{path}: {len(found)} found"
    return found[0]


# --- well-formedness and structure -------------------------------------------------------------


def test_every_file_is_well_formed_xml_in_its_namespace(bank: dict[str, bytes]) -> None:
    assert sorted(bank) == sorted(
        ["imsmanifest.xml", "assessment-test.xml"]
        + [f"items/{'_' if q.id[0].isdigit() else ''}{q.id}.xml" for q in EVERY_EXPORTABLE_TYPE]
    )
    for name, content in bank.items():
        assert content.startswith(b"<?xml version='1.0' encoding='utf-8'?>")
        root = ET.fromstring(content)
        expected = {
            "imsmanifest.xml": CP + "manifest",
            "assessment-test.xml": Q + "qti-assessment-test",
        }.get(name, Q + "qti-assessment-item")
        assert root.tag == expected, name
        # Nothing escapes the QTI (or packaging, LOM) namespaces.
        for element in root.iter():
            assert element.tag.split("}")[0][1:] in (QTI_NS, CP_NS, LOM_NS), (name, element.tag)


def test_every_identifier_is_an_xml_name(bank: dict[str, bytes]) -> None:
    for name, content in bank.items():
        for element in ET.fromstring(content).iter():
            for attribute in ("identifier", "response-identifier", "identifierref"):
                if attribute in element.attrib:
                    assert NCNAME.fullmatch(element.attrib[attribute]), (name, element.attrib)
    assert item_of(bank, "1961-treaty").get("identifier") == "_1961-treaty"


# (question id, interaction, its attributes, response cardinality and base type, template)
STRUCTURE = [
    (
        "1961-treaty",
        "qti-choice-interaction",
        {"max-choices": "1"},
        "single",
        "identifier",
        MATCH_CORRECT,
    ),
    ("grant", "qti-inline-choice-interaction", {}, "single", "identifier", MATCH_CORRECT),
    (
        "kirby",
        "qti-choice-interaction",
        {"max-choices": "0"},
        "multiple",
        "identifier",
        MAP_RESPONSE,
    ),
    (
        "pyongyang",
        "qti-choice-interaction",
        {"max-choices": "1", "shuffle": "false"},
        "single",
        "identifier",
        MATCH_CORRECT,
    ),
    ("charter", "qti-text-entry-interaction", {}, "single", "float", None),
    ("agency", "qti-text-entry-interaction", {}, "single", "string", MAP_RESPONSE),
    (
        "timeline",
        "qti-order-interaction",
        {"shuffle": "true"},
        "ordered",
        "identifier",
        MATCH_CORRECT,
    ),
    (
        "roles",
        "qti-match-interaction",
        {"max-associations": "3"},
        "multiple",
        "directedPair",
        MAP_RESPONSE,
    ),
    ("assistance", "qti-text-entry-interaction", {}, "single", "string", MAP_RESPONSE),
    ("invasion", "qti-text-entry-interaction", {}, "single", "string", None),
]


@pytest.mark.parametrize(
    ("question_id", "interaction", "attributes", "cardinality", "base_type", "template"),
    STRUCTURE,
    ids=[row[0] for row in STRUCTURE],
)
def test_each_item_declares_response_score_body_and_processing(
    bank: dict[str, bytes],
    question_id: str,
    interaction: str,
    attributes: dict[str, str],
    cardinality: str,
    base_type: str,
    template: str | None,
) -> None:
    question = BY_ID[question_id]
    item = item_of(bank, question_id)
    assert (item.get("title"), item.get("time-dependent")) == (question.title, "false")
    order = [child.tag.removeprefix(Q) for child in item]
    assert order == sorted(
        order,
        key=lambda tag: [
            "qti-response-declaration",
            "qti-outcome-declaration",
            "qti-item-body",
            "qti-response-processing",
            "qti-modal-feedback",
        ].index(tag),
    )
    declarations = {d.get("identifier"): d for d in item.findall(Q + "qti-response-declaration")}
    interactions = list(item.iter(Q + interaction))
    assert interactions, f"no {interaction}"
    for found in interactions:
        assert found.attrib.items() >= attributes.items()
        declaration = declarations[found.get("response-identifier")]
        assert (declaration.get("cardinality"), declaration.get("base-type")) == (
            cardinality,
            base_type,
        )
        assert only(declaration, Q + "qti-correct-response").findall(Q + "qti-value")
    assert len(declarations) == len(interactions)
    score = only(item, f"{Q}qti-outcome-declaration[@identifier='SCORE']")
    assert (score.get("cardinality"), score.get("base-type")) == ("single", "float")
    assert only(item, Q + "qti-item-body") is not None
    processing = only(item, Q + "qti-response-processing")
    if template:
        assert processing.attrib == {"template": template}
        assert len(processing) == 0
    else:
        assert "template" not in processing.attrib
        assert list(processing.iter(Q + "qti-set-outcome-value"))


def test_choice_items_list_their_options_and_mark_the_right_ones(bank: dict[str, bytes]) -> None:
    item = item_of(bank, "kirby")
    choices = {c.get("identifier"): c.text for c in item.iter(Q + "qti-simple-choice")}
    assert list(choices.values()) == BY_ID["kirby"].fields["options"]
    correct = [v.text for v in item.findall(f".//{Q}qti-correct-response/{Q}qti-value")]
    assert [choices[c] for c in correct] == ["missiles", "drones"]
    # The app's rule as the mapping: +1/2 for each right option, -1/3 for each wrong one.
    mapping = only(item, f".//{Q}qti-mapping")
    assert (mapping.get("lower-bound"), mapping.get("upper-bound")) == ("0", "1")
    values = {e.get("map-key"): float(e.get("mapped-value", "")) for e in mapping}
    assert [values[key] for key in choices] == pytest.approx([0.5, 0.5, -1 / 3, -1 / 3, -1 / 3])
    prompt = only(item, f".//{Q}qti-prompt").text
    assert prompt == BY_ID["kirby"].prompt

    true_false = item_of(bank, "moscow")
    assert [(c.get("identifier"), c.text) for c in true_false.iter(Q + "qti-simple-choice")] == [
        ("true", "True"),
        ("false", "False"),
    ]
    assert only(true_false, f".//{Q}qti-correct-response/{Q}qti-value").text == "false"


def test_single_choice_with_a_blank_puts_an_inline_choice_in_its_place(
    bank: dict[str, bytes],
) -> None:
    paragraph = only(item_of(bank, "grant"), f"{Q}qti-item-body/{Q}p")
    interaction = only(paragraph, Q + "qti-inline-choice-interaction")
    assert (paragraph.text, interaction.tail) == ("Grant is ", " in Grant's tomb.")
    assert [c.text for c in interaction] == ["buried", "entombed", "living"]


def test_numeric_processing_compares_with_the_tolerance(bank: dict[str, bytes]) -> None:
    item = item_of(bank, "lasted")
    equal = only(item, f".//{Q}qti-response-if/{Q}qti-equal")
    assert equal.attrib == {
        "tolerance-mode": "absolute",
        "tolerance": "1",
        "include-lower-bound": "true",
        "include-upper-bound": "true",
    }
    # The correct value first: QTI's range is [x - t0, x + t1] around the first expression.
    assert [(c.tag, c.get("identifier")) for c in equal] == [
        (Q + "qti-correct", "RESPONSE"),
        (Q + "qti-variable", "RESPONSE"),
    ]
    assert only(item, f".//{Q}qti-correct-response/{Q}qti-value").text == "35"
    assert [e.text for e in item.iter(Q + "qti-base-value")] == ["1", "0"]
    unit = only(item, f".//{Q}span[@class='unit']")
    assert unit.text == "years"
    exact = only(item_of(bank, "charter"), f".//{Q}qti-equal")
    assert exact.attrib == {"tolerance-mode": "exact"}


def test_short_text_maps_every_accepted_answer_case_insensitively(bank: dict[str, bytes]) -> None:
    item = item_of(bank, "agency")
    entries = item.findall(f".//{Q}qti-mapping/{Q}qti-map-entry")
    assert [
        (e.get("map-key"), e.get("mapped-value"), e.get("case-sensitive")) for e in entries
    ] == [
        ("KCNA", "1", "false"),
        ("the KCNA", "1", "false"),
        ("Korean Central News Agency", "1", "false"),
    ]
    assert only(item, f".//{Q}qti-correct-response/{Q}qti-value").text == "KCNA"


def test_ordering_lists_its_items_out_of_order(bank: dict[str, bytes]) -> None:
    item = item_of(bank, "timeline")
    shown = {c.get("identifier"): c.text for c in item.iter(Q + "qti-simple-choice")}
    correct = [v.text for v in item.findall(f".//{Q}qti-correct-response/{Q}qti-value")]
    assert [shown[c] for c in correct] == BY_ID["timeline"].fields["items"]
    assert list(shown.values()) != BY_ID["timeline"].fields["items"]


def test_matching_is_two_match_sets_with_directed_pairs(bank: dict[str, bytes]) -> None:
    item = item_of(bank, "roles")
    sources, targets = item.iter(Q + "qti-simple-match-set")
    left = {c.get("identifier"): c.text for c in sources}
    right = {c.get("identifier"): c.text for c in targets}
    assert list(left.values()) == ["Kirby", "Terry", "Putin"]
    assert list(right.values()) == ["spokesman", "analyst", "president", "general"]
    assert all(c.get("match-max") == "1" for c in sources)
    pairs = [
        (v.text or "").split() for v in item.findall(f".//{Q}qti-correct-response/{Q}qti-value")
    ]
    assert [[left[a], right[b]] for a, b in pairs] == BY_ID["roles"].fields["pairs"]
    entries = item.findall(f".//{Q}qti-map-entry")
    assert [(e.get("map-key"), e.get("mapped-value")) for e in entries] == [
        (" ".join(pair), "1") for pair in pairs
    ]
    assert (
        only(item, f"{Q}qti-outcome-declaration[@identifier='SCORE']").get("normal-maximum") == "3"
    )


def test_cloze_blanks_are_text_entries_inline_in_the_text(bank: dict[str, bytes]) -> None:
    item = item_of(bank, "invasion")
    prompt, text = item.findall(f"{Q}qti-item-body/{Q}p")
    assert [prompt.text, prompt[0].tag, prompt[0].tail] == [
        "Fill in the blanks with the words of the article.",
        Q + "br",
        "The treaty says:",
    ]
    assert text.text == "If one side is placed under "
    assert [(e.tag.removeprefix(Q), e.tail) for e in text] == [
        ("qti-text-entry-interaction", " due to an armed"),
        ("br", None),
        ("qti-text-entry-interaction", " by a state or several states."),
    ]
    mappings = [
        [e.get("map-key") for e in d.iter(Q + "qti-map-entry")]
        for d in item.findall(Q + "qti-response-declaration")
    ]
    assert mappings == [["a war situation"], ["invasion", "attack"]]
    # No template scores two responses: each blank's mapping is added to SCORE.
    assert [m.get("identifier") for m in item.iter(Q + "qti-map-response")] == [
        "RESPONSE_1",
        "RESPONSE_2",
    ]


def test_explanation_is_modal_feedback_shown_after_any_answer(bank: dict[str, bytes]) -> None:
    item = item_of(bank, "pyongyang")
    modal = only(item, Q + "qti-modal-feedback")
    assert modal.attrib == {
        "outcome-identifier": "FEEDBACK",
        "identifier": "EXPLANATION",
        "show-hide": "show",
        "title": "Explanation",
    }
    assert only(modal, f"{Q}qti-content-body/{Q}p").text == BY_ID["pyongyang"].explanation
    feedback = only(item, f"{Q}qti-outcome-declaration[@identifier='FEEDBACK']")
    assert only(feedback, f"{Q}qti-default-value/{Q}qti-value").text == "EXPLANATION"
    body = ET.tostring(only(item, Q + "qti-item-body"), encoding="unicode")
    assert "the article says so" not in body
    assert not list(item.iter(Q + "qti-rubric-block"))


def test_manifest_lists_every_item_as_a_qti3_resource(bank: dict[str, bytes]) -> None:
    manifest = ET.fromstring(bank["imsmanifest.xml"])
    assert manifest.get("identifier") == "MANIFEST-b1"
    metadata = only(manifest, CP + "metadata")
    assert only(metadata, CP + "schema").text == "QTI Package"
    assert only(metadata, CP + "schemaversion").text == "3.0.0"
    title = only(metadata, f"{MD}lom/{MD}general/{MD}title/{MD}string")
    assert title.text == "The 2024 treaty"
    assert only(manifest, CP + "organizations") is not None
    resources = manifest.findall(f"{CP}resources/{CP}resource")
    items = [r for r in resources if r.get("type") == ITEM_RESOURCE]
    (test,) = [r for r in resources if r.get("type") == TEST_RESOURCE]
    item_files = sorted(name for name in bank if name.startswith("items/"))
    assert sorted(r.get("href") for r in items) == item_files
    for resource in [*items, test]:
        href = resource.get("href")
        assert href in bank
        assert [f.get("href") for f in resource.findall(CP + "file")] == [href]
        root = ET.fromstring(bank[href])
        if resource is not test:
            assert root.get("identifier") == resource.get("identifier")
    assert [d.get("identifierref") for d in test.findall(CP + "dependency")] == [
        r.get("identifier") for r in items
    ]
    identifiers = [manifest.get("identifier")] + [r.get("identifier") for r in resources]
    assert len(set(identifiers)) == len(identifiers)
    # The app's own id, title and tags ride in each item's LOM metadata.
    general = only(items[0], f"{CP}metadata/{MD}lom/{MD}general")
    assert [e.text for e in general.iter(MD + "entry")] == ["1961-treaty"]
    assert only(general, f"{MD}title/{MD}string").text == "A single_choice question"
    assert [k.text for k in general.iter(MD + "string")][1:] == ["treaty-years", "clauses"]


def test_the_test_lists_every_item_in_order_by_category() -> None:
    questions = [
        EVERY_EXPORTABLE_TYPE[4],
        ExportableQuestion("loose", "true_false", "No category.", {"answer": True}),
        ExportableQuestion("other", "true_false", "Another bank.", {"answer": True}, category="b2"),
    ]
    content = files(export_qti_package(questions, title="Mixed", identifier="m").data)
    test = ET.fromstring(content["assessment-test.xml"])
    assert test.get("identifier") == "TEST-m"
    sections = test.findall(f"{Q}qti-test-part/{Q}qti-assessment-section")
    assert [(s.get("title"), s.get("visible")) for s in sections] == [
        ("rfa-nk-russia-treaty-2024", "true"),
        ("Mixed", "false"),
        ("b2", "true"),
    ]
    refs = [ref.get("href") for ref in test.iter(Q + "qti-assessment-item-ref")]
    assert refs == ["items/pyongyang.xml", "items/loose.xml", "items/other.xml"]
    assert all(ref in content for ref in refs)


def test_export_is_deterministic() -> None:
    first = export_qti_package(EVERY_EXPORTABLE_TYPE, title="T", identifier="t").data
    assert export_qti_package(EVERY_EXPORTABLE_TYPE, title="T", identifier="t").data == first


# --- round trips -------------------------------------------------------------------------------


@pytest.mark.parametrize("question", EVERY_EXPORTABLE_TYPE, ids=lambda q: q.id)
def test_round_trip_gives_back_the_same_question(question: ExportableQuestion) -> None:
    exported = export_qti_package([question], title="One", identifier="one")
    expected = [ORDERING_NOTE] if question.type == "ordering" else []
    assert [p.message for p in exported.problems] == expected
    result = read(exported.data)
    assert result.problems == []
    (back,) = result.questions
    assert (back.type, back.prompt, back.fields) == (
        question.type,
        question.prompt,
        question.fields,
    )
    assert (back.explanation, back.title, back.id) == (
        question.explanation,
        question.title,
        question.id,
    )
    assert (back.tags, back.category) == (list(question.tags), question.category)


def test_round_trip_of_a_whole_bank_keeps_order_ids_and_categories() -> None:
    questions = [
        *EVERY_EXPORTABLE_TYPE,
        ExportableQuestion("no-title", "true_false", "Bare.", {"answer": False}),
    ]
    result = read(export_qti_package(questions, title="All", identifier="all").data)
    assert result.problems == []
    assert [q.id for q in result.questions] == [q.id for q in questions]
    assert [q.category for q in result.questions] == [q.category for q in questions]
    bare = result.questions[-1]
    assert (bare.title, bare.explanation, bare.tags) == (None, None, [])


def test_text_xml_would_read_as_markup_is_escaped_and_read_back() -> None:
    tricky = ExportableQuestion(
        id="tricky",
        type="single_choice",
        prompt='Is <b>1 < 2</b> & "3 > 2"? ]]> &amp;\nSecond line\n\nAfter a blank line',
        fields={"options": ["<p>", "a & b", "'quoted'", "x\ny"], "answer": "a & b"},
        explanation="Because <script>alert(1)</script> is text here.",
        title='Tricky: "<1>"',
        tags=("escapes",),
    )
    exported = export_qti_package([tricky], title="<&>", identifier="x")
    assert exported.problems == []
    raw = files(exported.data)["items/tricky.xml"].decode()
    assert '&lt;b&gt;1 &lt; 2&lt;/b&gt; &amp; "3 &gt; 2"? ]]&gt; &amp;amp;' in raw
    assert "<script>" not in raw
    (back,) = read(exported.data).questions
    assert (back.prompt, back.fields, back.explanation, back.title) == (
        tricky.prompt,
        tricky.fields,
        tricky.explanation,
        tricky.title,
    )


# --- what cannot be written --------------------------------------------------------------------


def test_find_evidence_is_reported_and_not_written() -> None:
    prove = ExportableQuestion("prove", "find_evidence", "Find the sentence.", {})
    exported = export_qti_package([prove, EVERY_EXPORTABLE_TYPE[4]], title="T", identifier="t")
    assert [(p.question_id, p.message) for p in exported.problems] == [
        (
            "prove",
            "QTI cannot express a find-the-evidence question (its answer is sentences of the "
            "source, which the question's fields do not carry): not written.",
        )
    ]
    assert sorted(name for name in files(exported.data) if name.startswith("items/")) == [
        "items/pyongyang.xml"
    ]
    assert [q.id for q in read(exported.data).questions] == ["pyongyang"]


@pytest.mark.parametrize(
    ("question", "message"),
    [
        (
            ExportableQuestion(
                "bad", "single_choice", "Which?", {"options": ["a", "b"], "answer": "c"}
            ),
            "Its answer 'c' is not one of its options: not written.",
        ),
        (
            ExportableQuestion(
                "mc", "multiple_choice", "Which?", {"options": ["a"], "answers": []}
            ),
            "Its answers are not among its options: not written.",
        ),
        (
            ExportableQuestion("broken", "numeric", "How many?", {"tolerance": 1}),
            "Its fields do not fit a numeric question ('answer').",
        ),
        (
            ExportableQuestion("nan", "numeric", "How many?", {"answer": float("nan")}),
            "Its fields do not fit a numeric question (nan is not a finite number).",
        ),
        (
            ExportableQuestion("essay", "essay", "Tell me.", {}),
            "QTI has no form for a essay question: not written.",
        ),
        (
            ExportableQuestion("bell", "true_false", "Ring \x07?", {"answer": True}),
            "It holds a character XML cannot carry (U+0007): not written.",
        ),
        (
            ExportableQuestion("pyongyang", "true_false", "Same id.", {"answer": True}),
            "Another question already has the identifier pyongyang: not written.",
        ),
    ],
    ids=lambda value: value.id if isinstance(value, ExportableQuestion) else "",
)
def test_what_qti_cannot_write_is_reported_not_dropped(
    question: ExportableQuestion, message: str
) -> None:
    exported = export_qti_package([EVERY_EXPORTABLE_TYPE[4], question], title="T", identifier="t")
    assert [(p.question_id, p.message) for p in exported.problems] == [(question.id, message)]
    assert [q.id for q in read(exported.data).questions] == ["pyongyang"]


def test_package_identifier_must_fit_an_xml_name() -> None:
    with pytest.raises(ValueError, match="XML identifier"):
        export_qti_package([], title="T", identifier="a b")


# --- a package is untrusted input --------------------------------------------------------------

TRUE_FALSE_PACKAGE = export_qti_package([EVERY_EXPORTABLE_TYPE[4]], title="T", identifier="t").data
BILLION_LAUGHS = (
    '<?xml version="1.0"?>\n<!DOCTYPE lolz [\n<!ENTITY lol "lol">\n'
    '<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">\n'
    '<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">\n]>\n'
)


@pytest.mark.parametrize(
    "name", ["../evil.xml", "items/../../evil.xml", "/etc/evil.xml", "C:/evil.xml", "..\\evil.xml"]
)
def test_a_name_outside_the_package_refuses_it_whole(name: str) -> None:
    data = zipped({**files(TRUE_FALSE_PACKAGE), name: "<x/>"})
    result = read(data)
    assert result.questions == []
    assert [(p.file, p.message) for p in result.problems] == [
        (
            "",
            f"The package names a file outside itself ({name!r}: an absolute path or '..'): "
            "refused, not read.",
        )
    ]


def test_a_doctype_in_the_manifest_is_refused() -> None:
    manifest = files(TRUE_FALSE_PACKAGE)["imsmanifest.xml"].decode()
    bomb = BILLION_LAUGHS + manifest.split("?>", 1)[1].replace(
        "<schema>QTI Package</schema>", "<schema>&lol3;</schema>"
    )
    result = read(zipped({**files(TRUE_FALSE_PACKAGE), "imsmanifest.xml": bomb}))
    assert result.questions == []
    assert [(p.file, p.message) for p in result.problems] == [
        (
            "imsmanifest.xml",
            "It has a DOCTYPE (a document type declaration), whose entities could expand "
            "without bound: refused, not read.",
        )
    ]


def test_a_doctype_in_an_item_refuses_that_item_only() -> None:
    two = files(export_qti_package(EVERY_EXPORTABLE_TYPE[4:6], title="T", identifier="t").data)
    item = two["items/moscow.xml"].decode().split("?>", 1)[1]
    two["items/moscow.xml"] = (BILLION_LAUGHS + item.replace("Moscow", "&lol3;")).encode()
    result = read(zipped(dict(two)))
    assert [q.id for q in result.questions] == ["pyongyang"]
    assert [(p.file, p.message.split(":")[0]) for p in result.problems] == [
        (
            "items/moscow.xml",
            "It has a DOCTYPE (a document type declaration), whose entities "
            "could expand without bound",
        )
    ]


def test_a_package_larger_than_the_limit_is_refused() -> None:
    result = read(TRUE_FALSE_PACKAGE, max_bytes=1000)
    assert result.questions == []
    assert [p.message for p in result.problems] == [
        "The package is larger than 1000 bytes: refused, not read."
    ]


def test_a_package_that_would_unpack_past_the_limit_is_refused_before_unpacking() -> None:
    # 4 MB of zeros pack into a few kilobytes: a small zip bomb.
    data = zipped({**files(TRUE_FALSE_PACKAGE), "padding.bin": bytes(4 * 1024 * 1024)})
    assert len(data) < 64 * 1024
    result = read(data, max_bytes=1024 * 1024)
    assert result.questions == []
    assert [p.message for p in result.problems] == [
        "The package would unpack to more than 1048576 bytes: refused, not read."
    ]
    assert [q.id for q in read(data).questions] == ["pyongyang"]  # under the default limit


def test_a_package_of_too_many_files_is_refused() -> None:
    data = zipped({**files(TRUE_FALSE_PACKAGE), **{f"media/{n}.txt": "x" for n in range(5)}})
    result = read(data, max_entries=6)
    assert result.questions == []
    assert [p.message for p in result.problems] == [
        "The package holds 8 files, more than 6: refused, not read."
    ]


def test_hrefs_outside_the_package_are_not_followed() -> None:
    manifest = files(TRUE_FALSE_PACKAGE)["imsmanifest.xml"].decode()
    for href in ("../outside.xml", "http://example.com/item.xml", "/etc/passwd"):
        changed = manifest.replace('href="items/pyongyang.xml"', f'href="{href}"')
        result = read(zipped({**files(TRUE_FALSE_PACKAGE), "imsmanifest.xml": changed}))
        assert result.questions == []
        assert (
            href,
            "Its href points outside the package (another site, '..', an absolute path): not read.",
        ) in [(p.file, p.message) for p in result.problems]


@pytest.mark.parametrize(
    ("data", "file", "message"),
    [
        (b"not a zip", "", "Not a zip file that can be read (File is not a zip file): not read."),
        (
            zipped({"items/a.xml": "<x/>"}),
            "",
            "No imsmanifest.xml at the top of the package: not a content package, not read.",
        ),
        (
            zipped({"imsmanifest.xml": "<manifest><unclosed></manifest>"}),
            "imsmanifest.xml",
            "It is not well-formed XML (mismatched tag: line 1, column 22): not read.",
        ),
        (
            zipped({"imsmanifest.xml": "<html/>"}),
            "imsmanifest.xml",
            "Its root is <html>, not a content package's <manifest>: not read.",
        ),
    ],
    ids=["not-a-zip", "no-manifest", "malformed", "not-a-manifest"],
)
def test_what_is_not_a_package_is_reported(data: bytes, file: str, message: str) -> None:
    result = read(data)
    assert result.questions == []
    assert [(p.file, p.message) for p in result.problems] == [(file, message)]


def test_a_listed_file_that_is_missing_or_malformed_is_reported_by_name() -> None:
    content = files(export_qti_package(EVERY_EXPORTABLE_TYPE[4:7], title="T", identifier="t").data)
    del content["items/moscow.xml"]
    content["items/charter.xml"] = b"<qti-assessment-item"
    result = read(zipped(dict(content)))
    assert [q.id for q in result.questions] == ["pyongyang"]
    assert [(p.file, p.message.split(" (")[0]) for p in result.problems] == [
        ("items/moscow.xml", "Listed in the manifest, but not in the package: not read."),
        ("items/charter.xml", "It is not well-formed XML"),
    ]


# --- items from other tools -------------------------------------------------------------------


def package(*items: str, resource_type: str = ITEM_RESOURCE) -> bytes:
    """Items in a package with a plain IMS CP 1.1 manifest, as many tools write it."""
    resources = "".join(
        f'<resource identifier="R{n}" type="{resource_type}" href="q{n}.xml">'
        f'<file href="q{n}.xml"/></resource>'
        for n in range(len(items))
    )
    manifest = (
        '<manifest xmlns="http://www.imsglobal.org/xsd/imscp_v1p1" identifier="M">'
        f"<organizations/><resources>{resources}</resources></manifest>"
    )
    return zipped({"imsmanifest.xml": manifest, **{f"q{n}.xml": x for n, x in enumerate(items)}})


def item(
    body: str, declarations: str, processing: str = "", feedback: str = "", title: str = "Q"
) -> str:
    return (
        f'<?xml version="1.0" encoding="UTF-8"?>\n<qti-assessment-item xmlns="{QTI_NS}" '
        f'identifier="item-1" title="{title}" adaptive="false" time-dependent="false">\n'
        f"{declarations}\n"
        '  <qti-outcome-declaration identifier="SCORE" cardinality="single" base-type="float"/>\n'
        f"  <qti-item-body>\n{body}\n  </qti-item-body>\n{processing}\n{feedback}\n"
        "</qti-assessment-item>"
    )


def one(result: QtiImport) -> QtiQuestion:
    assert len(result.questions) == 1, result.problems
    return result.questions[0]


def messages(result: QtiImport) -> list[str]:
    return [problem.message for problem in result.problems]


def test_true_false_with_feedback_for_right_and_wrong_answers() -> None:
    result = read(
        package(
            item(
                """
    <qti-choice-interaction response-identifier="RESPONSE" shuffle="false" max-choices="1">
      <qti-prompt>Sigmund Freud and Carl Jung both belong to the
          psychoanalytic school of psychology.</qti-prompt>
      <qti-simple-choice identifier="true" fixed="true">True </qti-simple-choice>
      <qti-simple-choice identifier="false" fixed="true">False </qti-simple-choice>
    </qti-choice-interaction>""",
                '<qti-response-declaration identifier="RESPONSE" cardinality="single" '
                'base-type="identifier"><qti-correct-response><qti-value>true</qti-value>'
                "</qti-correct-response></qti-response-declaration>"
                '<qti-outcome-declaration identifier="FEEDBACK" cardinality="single" '
                'base-type="identifier"/>',
                f'<qti-response-processing template="{MATCH_CORRECT}"/>',
                '<qti-modal-feedback outcome-identifier="FEEDBACK" show-hide="show" '
                'identifier="correct"><qti-content-body>Right.</qti-content-body>'
                "</qti-modal-feedback>",
            )
        )
    )
    question = one(result)
    assert (question.type, question.fields) == ("true_false", {"answer": True})
    assert question.prompt == (
        "Sigmund Freud and Carl Jung both belong to the psychoanalytic school of psychology."
    )
    assert (question.title, question.id, question.explanation) == ("Q", "item-1", None)
    assert messages(result) == [
        "Its feedback 'correct' is shown only for some answers; the app's explanation is shown "
        "after any answer: left out."
    ]
    assert result.problems[0].file == "q0.xml"


def test_text_entries_in_a_quotation_become_a_cloze_and_partial_credit_is_reported() -> None:
    declarations = "".join(
        f'<qti-response-declaration identifier="RESPONSE{n}" cardinality="single" '
        f'base-type="string"><qti-correct-response><qti-value>{right}</qti-value>'
        f'</qti-correct-response><qti-mapping default-value="0">'
        f'<qti-map-entry map-key="{right}" mapped-value="1"/>'
        f'<qti-map-entry map-key="{half}" mapped-value="0.5"/></qti-mapping>'
        "</qti-response-declaration>"
        for n, right, half in (
            (1, "fresh woods", "fresh fields"),
            (2, "pastures new", "pastures green"),
        )
    )
    body = """
    <p>Complete this excerpt from "Lycidas" by John Milton: </p>
    <blockquote>
      <p>"At last he rose, and twitched his mantle blue: <br/> To-morrow to
         <qti-text-entry-interaction response-identifier="RESPONSE1" expected-length="15"/>, and
         <qti-text-entry-interaction response-identifier="RESPONSE2" expected-length="15"/>."</p>
    </blockquote>
    <qti-feedback-block outcome-identifier="FEEDBACK1" show-hide="show" identifier="Correct1">
      <qti-content-body><p>Your first input is correct.</p></qti-content-body>
    </qti-feedback-block>"""
    result = read(package(item(body, declarations)))
    question = one(result)
    assert question.type == "cloze"
    assert question.prompt == 'Complete this excerpt from "Lycidas" by John Milton:'
    assert question.fields == {
        "text": '"At last he rose, and twitched his mantle blue:\n'
        'To-morrow to [[fresh woods]], and [[pastures new]]."'
    }
    assert messages(result) == [
        "Its feedback 'Correct1' is shown only for some answers; the app's explanation is shown "
        "after any answer: left out.",
        "Partial credit (50%) for 'fresh fields' (blank 1) cannot be expressed: left out of the "
        "accepted answers.",
        "Partial credit (50%) for 'pastures green' (blank 2) cannot be expressed: left out of the "
        "accepted answers.",
    ]


def test_an_inline_choice_in_a_text_becomes_a_choice_with_a_blank() -> None:
    body = """
    <div>
      <p>Identify the missing word in this famous quote from Shakespeare's Richard III.</p>
      <blockquote><p>Now is the winter of our discontent
        <br/>Made glorious summer by this sun of
        <qti-inline-choice-interaction response-identifier="RESPONSE" shuffle="false">
          <qti-inline-choice identifier="G">Gloucester</qti-inline-choice>
          <qti-inline-choice identifier="L">Lancaster</qti-inline-choice>
          <qti-inline-choice identifier="Y">York</qti-inline-choice>
        </qti-inline-choice-interaction>;</p></blockquote>
    </div>"""
    declarations = (
        '<qti-response-declaration base-type="identifier" cardinality="single" '
        'identifier="RESPONSE"><qti-correct-response><qti-value>Y</qti-value>'
        "</qti-correct-response></qti-response-declaration>"
    )
    question = one(read(package(item(body, declarations))))
    assert question.type == "single_choice"
    assert question.prompt == (
        "Identify the missing word in this famous quote from Shakespeare's Richard III.\n"
        "Now is the winter of our discontent\n"
        f"Made glorious summer by this sun of {BLANK};"
    )
    assert question.fields == {"options": ["Gloucester", "Lancaster", "York"], "answer": "York"}


def test_choose_all_that_apply_with_another_scoring_rule_is_reported() -> None:
    body = """
    <qti-choice-interaction response-identifier="RESPONSE" shuffle="true" max-choices="0">
      <qti-prompt>Which of the following elements are used to form water?</qti-prompt>
      <qti-simple-choice identifier="H">Hydrogen</qti-simple-choice>
      <qti-simple-choice identifier="He">Helium</qti-simple-choice>
      <qti-simple-choice identifier="O">Oxygen</qti-simple-choice>
      <qti-simple-choice identifier="Cl">Chlorine</qti-simple-choice>
    </qti-choice-interaction>"""
    declarations = (
        '<qti-response-declaration identifier="RESPONSE" cardinality="multiple" '
        'base-type="identifier"><qti-correct-response><qti-value>H</qti-value>'
        "<qti-value>O</qti-value></qti-correct-response>"
        '<qti-mapping lower-bound="0" upper-bound="2" default-value="-2">'
        '<qti-map-entry map-key="H" mapped-value="1"/><qti-map-entry map-key="O" mapped-value="1"/>'
        '<qti-map-entry map-key="Cl" mapped-value="-1"/></qti-mapping></qti-response-declaration>'
    )
    result = read(
        package(item(body, declarations, f'<qti-response-processing template="{MAP_RESPONSE}"/>'))
    )
    question = one(result)
    assert (question.type, question.fields) == (
        "multiple_choice",
        {
            "options": ["Hydrogen", "Helium", "Oxygen", "Chlorine"],
            "answers": ["Hydrogen", "Oxygen"],
        },
    )
    assert messages(result) == [
        "Its mapping scores options otherwise than the app's rule (each right option 1/R of the "
        "mark, each wrong one takes 1/W away, never below 0): imported with the app's rule."
    ]


def test_match_with_unequal_weights_keeps_its_pairs_and_reports_the_weights() -> None:
    def choices(match_max: int, *pairs: tuple[str, str]) -> str:
        # Laid out over lines, as editors write them: the layout is not text.
        return "".join(
            f'\n        <qti-simple-associable-choice identifier="{key}" match-max="{match_max}">'
            f"\n          {text}\n        </qti-simple-associable-choice>"
            for key, text in pairs
        )

    sources = choices(1, ("C", "Capulet"), ("D", "Demetrius"), ("P", "Prospero"))
    targets = choices(
        4,
        ("M", "A Midsummer-Night's Dream"),
        ("R", "Romeo and Juliet"),
        ("T", "The Tempest"),
        ("H", "Hamlet"),
    )
    body = f"""
    <qti-match-interaction max-associations="4" response-identifier="RESPONSE" shuffle="false">
      <qti-prompt>Match the following characters
        to the Shakespeare play they appeared in:</qti-prompt>
      <qti-simple-match-set>{sources}</qti-simple-match-set>
      <qti-simple-match-set>{targets}</qti-simple-match-set>
    </qti-match-interaction>"""
    declarations = (
        '<qti-response-declaration base-type="directedPair" cardinality="multiple" '
        'identifier="RESPONSE"><qti-correct-response><qti-value>C R</qti-value>'
        "<qti-value>D M</qti-value><qti-value>P T</qti-value></qti-correct-response>"
        '<qti-mapping default-value="0"><qti-map-entry map-key="C R" mapped-value="1"/>'
        '<qti-map-entry map-key="D M" mapped-value="0.5"/><qti-map-entry map-key="P T" '
        'mapped-value="1"/></qti-mapping></qti-response-declaration>'
    )
    result = read(package(item(body, declarations)))
    question = one(result)
    assert question.type == "matching"
    assert question.prompt == (
        "Match the following characters to the Shakespeare play they appeared in:"
    )
    assert question.fields == {
        "pairs": [
            ["Capulet", "Romeo and Juliet"],
            ["Demetrius", "A Midsummer-Night's Dream"],
            ["Prospero", "The Tempest"],
        ],
        "distractors": ["Hamlet"],
    }
    assert messages(result) == [
        "Its mapping weighs pairs unequally or gives credit for wrong ones: imported with one "
        "point for each right pair."
    ]


def test_a_number_compared_with_an_uneven_open_range() -> None:
    body = (
        '<p>Sensor reading: <qti-text-entry-interaction response-identifier="T" '
        'expected-length="8"/></p>'
    )
    declarations = (
        '<qti-response-declaration identifier="T" cardinality="single" base-type="float"/>'
    )
    processing = (
        "<qti-response-processing><qti-response-condition><qti-response-if>"
        '<qti-equal tolerance-mode="absolute" tolerance="0.5 1" include-lower-bound="false">'
        '<qti-base-value base-type="float">100</qti-base-value><qti-variable identifier="T"/>'
        '</qti-equal><qti-set-outcome-value identifier="SCORE"><qti-base-value '
        'base-type="float">1</qti-base-value></qti-set-outcome-value></qti-response-if>'
        "</qti-response-condition></qti-response-processing>"
    )
    result = read(package(item(body, declarations, processing)))
    question = one(result)
    assert (question.type, question.prompt) == ("numeric", f"Sensor reading: {BLANK}")
    assert question.fields == {"answer": 100.25, "tolerance": 0.75}
    assert messages(result) == [
        "A range that leaves out its bounds is read with them (the app's tolerance includes its "
        "bounds).",
        "The range 99.5..101 is not centred on the answer 100: the app's tolerance is the same on "
        "both sides, so it is read as 100.25 ± 0.75.",
    ]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (
            '<assessmentItem xmlns="http://www.imsglobal.org/xsd/imsqti_v2p1" identifier="a" '
            'title="a" adaptive="false" timeDependent="false"/>',
            "A QTI 2 assessmentItem: only QTI 3.0 items (qti-assessment-item) are read. "
            "Not imported.",
        ),
        (
            item(
                '<qti-extended-text-interaction response-identifier="RESPONSE"/>',
                '<qti-response-declaration identifier="RESPONSE" cardinality="single" '
                'base-type="string"/>',
            ),
            "The app has no question type for an extended text (essay) interaction: not imported.",
        ),
        (
            item(
                '<qti-choice-interaction response-identifier="A" max-choices="1">'
                '<qti-simple-choice identifier="x">x</qti-simple-choice></qti-choice-interaction>'
                '<qti-choice-interaction response-identifier="B" max-choices="1">'
                '<qti-simple-choice identifier="y">y</qti-simple-choice></qti-choice-interaction>',
                "",
            ),
            "2 interactions in one item: the app's questions have one (or blanks of one text). "
            "Not imported.",
        ),
        (
            item("<p>Just reading.</p>", ""),
            "It has no interaction, so nothing to answer: not imported.",
        ),
        (
            item(
                '<qti-order-interaction response-identifier="RESPONSE"><qti-prompt>Order.'
                '</qti-prompt><qti-simple-choice identifier="a">a</qti-simple-choice>'
                '<qti-simple-choice identifier="b">b</qti-simple-choice></qti-order-interaction>',
                '<qti-response-declaration identifier="RESPONSE" cardinality="ordered" '
                'base-type="identifier"><qti-correct-response><qti-value>a</qti-value>'
                "<qti-value>b</qti-value></qti-correct-response></qti-response-declaration>",
            ),
            "Only 2 items to order: the app asks for three at least (with two, the order shown "
            "gives the answer away). Not imported.",
        ),
        (
            item(
                '<qti-choice-interaction response-identifier="RESPONSE" max-choices="1">'
                '<qti-prompt>Which?</qti-prompt><qti-simple-choice identifier="a"><img src="a.png" '
                'alt="A"/></qti-simple-choice><qti-simple-choice identifier="b">b'
                "</qti-simple-choice></qti-choice-interaction>",
                '<qti-response-declaration identifier="RESPONSE" cardinality="single" '
                'base-type="identifier"><qti-correct-response><qti-value>a</qti-value>'
                "</qti-correct-response></qti-response-declaration>",
            ),
            "A choice has no text (only an image or markup): not imported.",
        ),
    ],
    ids=["qti2", "essay", "two-interactions", "no-interaction", "two-to-order", "image-choice"],
)
def test_what_cannot_be_imported_is_reported_by_file(content: str, message: str) -> None:
    result = read(package(content))
    assert result.questions == []
    assert [(p.file, p.message) for p in result.problems] == [("q0.xml", message)]


def test_older_qti_resources_are_reported_not_read() -> None:
    result = read(package("<assessmentItem/>", resource_type="imsqti_item_xmlv2p1"))
    assert result.questions == []
    assert messages(result) == [
        "A QTI 2.1 resource (imsqti_item_xmlv2p1): only QTI 3.0 items (imsqti_item_xmlv3p0) are "
        "read. Not imported."
    ]


def test_rubric_blocks_buttons_and_feedback_for_some_answers_stay_out_of_the_question() -> None:
    body = """
    <qti-rubric-block view="scorer"><p>Give credit for York only.</p></qti-rubric-block>
    <p>Which house did
       Richard III belong to?</p>
    <p><qti-text-entry-interaction response-identifier="RESPONSE"/>
       <qti-feedback-inline outcome-identifier="FEEDBACK" identifier="wrong"
           show-hide="show">Not quite.</qti-feedback-inline></p>
    <p><qti-end-attempt-interaction response-identifier="HINT" title="Hint"/></p>"""
    declarations = (
        '<qti-response-declaration identifier="RESPONSE" cardinality="single" '
        'base-type="string"><qti-correct-response><qti-value>York</qti-value>'
        "</qti-correct-response></qti-response-declaration>"
    )
    result = read(package(item(body, declarations)))
    question = one(result)
    assert (question.type, question.prompt, question.fields) == (
        "short_text",
        "Which house did Richard III belong to?",
        {"accepted": ["York"]},
    )
    assert messages(result) == [
        "An end-attempt interaction (a button) has no place in the app: left out.",
        "Its feedback 'wrong' is shown only for some answers; the app's explanation is shown "
        "after any answer: left out.",
        "A rubric block (for scorer) is not part of the app's question: left out.",
    ]


def test_an_interaction_inside_feedback_is_reported_not_guessed() -> None:
    body = (
        "<p>Type it.</p>"
        '<qti-feedback-block outcome-identifier="FEEDBACK" identifier="retry" show-hide="show">'
        '<qti-content-body><p><qti-text-entry-interaction response-identifier="RESPONSE"/></p>'
        "</qti-content-body></qti-feedback-block>"
    )
    declarations = (
        '<qti-response-declaration identifier="RESPONSE" cardinality="single" '
        'base-type="string"><qti-correct-response><qti-value>it</qti-value>'
        "</qti-correct-response></qti-response-declaration>"
    )
    result = read(package(item(body, declarations)))
    assert result.questions == []
    assert messages(result) == [
        "An interaction sits inside feedback or other content the app does not show: not imported."
    ]


def test_a_tolerance_relative_to_the_answer_becomes_an_absolute_one() -> None:
    body = '<p>How many?</p><p><qti-text-entry-interaction response-identifier="RESPONSE"/></p>'
    declarations = (
        '<qti-response-declaration identifier="RESPONSE" cardinality="single" '
        'base-type="integer"><qti-correct-response><qti-value>50</qti-value>'
        "</qti-correct-response></qti-response-declaration>"
    )
    processing = (
        "<qti-response-processing><qti-response-condition><qti-response-if>"
        '<qti-equal tolerance-mode="relative" tolerance="10"><qti-correct identifier="RESPONSE"/>'
        '<qti-variable identifier="RESPONSE"/></qti-equal><qti-set-outcome-value '
        'identifier="SCORE"><qti-base-value base-type="float">1</qti-base-value>'
        "</qti-set-outcome-value></qti-response-if></qti-response-condition>"
        "</qti-response-processing>"
    )
    result = read(package(item(body, declarations, processing)))
    question = one(result)
    assert (question.type, question.prompt, question.fields) == (
        "numeric",
        "How many?",
        {"answer": 50, "tolerance": 5},
    )
    assert messages(result) == [
        "A tolerance relative to the answer (10%) is read as the absolute range 45..55."
    ]
