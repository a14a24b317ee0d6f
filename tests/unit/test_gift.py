"""GIFT, read and written. The examples quoted here come from Moodle's documentation of the
format (docs.moodle.org, "GIFT format": its symbol table and quick examples) and from the
examples file that documentation points to (question/format/gift/examples.txt); a few come
from Moodle's own importer tests (question/format/gift/tests/giftformat_test.php), so that a
file reads here as Moodle reads it. Every question read is checked against the authoring
schema of its type and compiled, so the mapping is one the app takes."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.domain.question_types import REGISTRY, QuestionProblem, compile_question_body
from app.interchange.gift import (
    BLANK,
    CLOZE_PROMPT,
    ExportableQuestion,
    GiftImport,
    ImportedQuestion,
    escape_gift,
    format_gift,
    parse_gift,
)


def authorable(question: ImportedQuestion) -> dict[str, Any]:
    """The question through its type's authoring schema and compiler: what the app would
    store. Fails the test if either refuses it."""
    data = question.as_authoring(
        id="imported",
        tags=["imported"],
        difficulty="medium",
        explanation=question.explanation or "From a GIFT file.",
    )
    loaded = REGISTRY[question.type].authoring_schema().load(data)
    compile_question_body(loaded)
    return loaded


def read(text: str) -> GiftImport:
    result = parse_gift(text)
    for question in result.questions:
        authorable(question)
    return result


def only(text: str) -> ImportedQuestion:
    """The one question of `text`, read with no problem."""
    result = read(text)
    assert result.problems == []
    assert len(result.questions) == 1
    return result.questions[0]


def messages(result: GiftImport) -> list[str]:
    return [problem.message for problem in result.problems]


# --- the documentation's examples, type by type ------------------------------------------------


def test_multiple_choice_right_answer_is_equals_wrong_ones_tilde() -> None:
    question = only("Who's buried in Grant's tomb?{~Grant ~Jefferson =no one}")
    assert question.type == "single_choice"
    assert question.prompt == "Who's buried in Grant's tomb?"
    assert question.fields == {"options": ["Grant", "Jefferson", "no one"], "answer": "no one"}
    assert question.line == 1


def test_missing_word_choice_keeps_the_blank_in_the_stem() -> None:
    question = only("Grant is {~buried =entombed ~living} in Grant's tomb.")
    assert question.type == "single_choice"
    assert question.prompt == f"Grant is {BLANK} in Grant's tomb."
    assert question.fields["answer"] == "entombed"


def test_answers_on_separate_indented_lines() -> None:
    result = read(
        "The American holiday of Thanksgiving is celebrated on the {\n"
        "    ~second\n"
        "    ~third\n"
        "    =fourth\n"
        "} Thursday of November.\n"
        "\n"
        "Japanese characters originally came from what country? {\n"
        "    ~India\n"
        "    =China\n"
        "    ~Korea\n"
        "    ~Egypt}\n"
    )
    thanksgiving, japanese = result.questions
    assert thanksgiving.prompt == (
        f"The American holiday of Thanksgiving is celebrated on the {BLANK} Thursday of November."
    )
    assert thanksgiving.fields == {"options": ["second", "third", "fourth"], "answer": "fourth"}
    assert japanese.prompt == "Japanese characters originally came from what country?"
    assert japanese.fields == {"options": ["India", "China", "Korea", "Egypt"], "answer": "China"}
    assert japanese.line == 7
    assert result.problems == []


def test_short_answer_accepts_every_equals_answer() -> None:
    question = only("Who's buried in Grant's tomb?{=no one =nobody}")
    assert question.type == "short_text"
    assert question.fields == {"accepted": ["no one", "nobody"]}


def test_missing_word_short_answer_becomes_a_cloze() -> None:
    question = only("Two plus two equals {=four =4}.")
    assert question.type == "cloze"
    assert question.prompt == CLOZE_PROMPT
    assert question.fields == {"text": "Two plus two equals [[four|4]]."}


def test_quick_example_fill_in_the_blank_with_title() -> None:
    question = only("// fill-in-the-blank\n::Q3:: Two plus {=two =2} equals four.")
    assert (question.type, question.title) == ("cloze", "Q3")
    assert question.fields == {"text": "Two plus [[two|2]] equals four."}
    assert question.line == 2


def test_cloze_prompt_is_the_text_before_an_escaped_line_break() -> None:
    question = only("Complete the quotation.\\nThe treaty is {=historic =a milestone} for both.")
    assert question.prompt == "Complete the quotation."
    assert question.fields == {"text": "The treaty is [[historic|a milestone]] for both."}


def test_cloze_that_its_syntax_cannot_hold_stays_a_short_answer_with_a_blank() -> None:
    question = only("The pipe is written {=a|b} in the shell.")
    assert question.type == "short_text"
    assert question.prompt == f"The pipe is written {BLANK} in the shell."
    assert question.fields == {"accepted": ["a|b"]}


@pytest.mark.parametrize(
    ("gift", "answer"),
    [
        ("Grant is buried in Grant's tomb.{F}", False),
        ("The sun rises in the east.{T}", True),
        ("Grant is buried in Grant's tomb.{FALSE}", False),
        ("::Q1:: 1+1=2 {T}", True),
        ("::2-08 TSL::TSL is blablabla.{TRUE}", True),
    ],
)
def test_true_false(gift: str, answer: bool) -> None:
    question = only(gift)
    assert question.type == "true_false"
    assert question.fields == {"answer": answer}


def test_quick_example_title_and_equals_sign_in_the_question_text() -> None:
    question = only("// true/false\n::Q1:: 1+1=2 {T}")
    assert (question.title, question.prompt) == ("Q1", "1+1=2")


def test_true_false_feedback_is_wrong_then_right() -> None:
    # Moodle's test: {FALSE#feedback for a wrong answer#feedback for the right one}
    question = only(
        "// true/false\n"
        "::Q1:: 42 is the Absolute Answer to everything.{\n"
        "FALSE#42 is the Ultimate Answer.#You gave the right answer.}"
    )
    assert question.fields == {"answer": False}
    assert question.feedback == {
        "true": "42 is the Ultimate Answer.",
        "false": "You gave the right answer.",
    }


def test_true_false_with_wrong_answer_feedback_only() -> None:
    question = only("Grant is buried in Grant's tomb.{FALSE#No one is buried in Grant's tomb.}")
    assert question.feedback == {"true": "No one is buried in Grant's tomb."}


def test_matching_pairs() -> None:
    question = only(
        "Match the following countries with their corresponding capitals. {\n"
        "    =Canada -> Ottawa\n"
        "    =Italy  -> Rome\n"
        "    =Japan  -> Tokyo\n"
        "    =India  -> New Delhi\n"
        "    }"
    )
    assert question.type == "matching"
    assert question.fields == {
        "pairs": [
            ["Canada", "Ottawa"],
            ["Italy", "Rome"],
            ["Japan", "Tokyo"],
            ["India", "New Delhi"],
        ],
        "distractors": [],
    }


def test_matching_written_without_spaces_around_the_arrow() -> None:
    question = only(
        "Match the following countries with their corresponding\n"
        "capitals.{=Canada->Ottawa =Italy->Rome =Japan->Tokyo}"
    )
    assert question.prompt == "Match the following countries with their corresponding\ncapitals."
    assert question.fields["pairs"] == [["Canada", "Ottawa"], ["Italy", "Rome"], ["Japan", "Tokyo"]]


def test_matching_answer_with_no_prompt_is_a_distractor_and_formats_are_read() -> None:
    question = only(
        "// question: 2  name: Moodle activities\n"
        "::Moodle activities::[html]Match the <b>activity</b> to the description.{\n"
        "    =[html]An activity supporting asynchronous discussions. -> Forum\n"
        "    =[moodle]A teacher asks a question and specifies a choice of multiple responses."
        " -> Choice\n"
        "    =[plain]A bank of record entries which participants can add to. -> Database\n"
        "    =[markdown]A collection of web pages that anyone can add to or edit. -> Wiki\n"
        "    = -> Chat\n"
        "}"
    )
    assert question.prompt == "Match the activity to the description."
    assert question.text_format == "html"
    assert question.fields["pairs"][0] == [
        "An activity supporting asynchronous discussions.",
        "Forum",
    ]
    assert [match for _, match in question.fields["pairs"]] == [
        "Forum",
        "Choice",
        "Database",
        "Wiki",
    ]
    assert question.fields["distractors"] == ["Chat"]


def test_matching_of_two_pairs_imports_with_a_note() -> None:
    result = read("::Q4:: Which animal eats which food? { =cat -> cat food =dog -> dog food }")
    (question,) = result.questions
    assert question.fields["pairs"] == [["cat", "cat food"], ["dog", "dog food"]]
    assert messages(result) == [
        "Only 2 pairs, where GIFT's documentation asks for at least three: imported anyway "
        "(the app needs two)."
    ]


@pytest.mark.parametrize(
    ("gift", "answer", "tolerance"),
    [
        ("When was Ulysses S. Grant born? {#1822}", 1822, 0),
        ("When was Ulysses S. Grant born?{#1822:5}", 1822, 5),
        ("::Q5:: What is a number from 1 to 5? {#3:2}", 3, 2),
        ("::Q6:: What is a number from 1 to 5? {#1..5}", 3, 2),
        ("What is the value of pi (to 3 decimal places)? {#3.1415:0.0005}.", 3.1415, 0.0005),
        ("What is the value of pi (to 3 decimal places)? {#3.141..3.142}.", 3.1415, 0.0005),
        ("What is the temperature? {#-5..-1}", -3, 2),
        ("How small? {#1e-3:1e-4}", 0.001, 0.0001),
    ],
)
def test_numeric_answer_tolerance_and_range(gift: str, answer: float, tolerance: float) -> None:
    question = only(gift)
    assert question.type == "numeric"
    assert question.fields == {"answer": answer, "tolerance": tolerance}
    assert type(question.fields["answer"]) is type(answer)


def test_numeric_range_is_its_midpoint_with_half_width_tolerance_exactly() -> None:
    question = only("What is the value of pi (to 3 decimal places)? {#3.141..3.142}.")
    # Decimal arithmetic: no 3.1415000000000002 from binary floats.
    assert repr(question.fields["answer"]) == "3.1415"
    assert repr(question.fields["tolerance"]) == "0.0005"
    # Text after the block makes it a missing word, as Moodle reads it.
    assert question.prompt == f"What is the value of pi (to 3 decimal places)? {BLANK}."


def test_numeric_several_answers_with_weights_keeps_the_full_credit_one() -> None:
    result = read("When was Ulysses S. Grant born? {#\n    =1822:0\n    =%50%1822:2}")
    (question,) = result.questions
    assert question.fields == {"answer": 1822, "tolerance": 0}
    assert messages(result) == ["Partial credit (50%) for 1822:2 cannot be expressed: left out."]


def test_numeric_feedback_and_feedback_for_any_other_number() -> None:
    # Moodle's test: `~#...` after the answers is the feedback for every other number.
    question = only(
        "::Numerical example::\n"
        "When was Ulysses S. Grant born? {#\n"
        "     =1822:0      #Correct! 100% credit\n"
        "     ~#Completely wrong\n"
        "}"
    )
    assert question.fields == {"answer": 1822, "tolerance": 0}
    assert question.feedback == {"1822:0": "Correct! 100% credit", "*": "Completely wrong"}
    assert only("::Q5:: What is a number from 1 to 5? {#3:2~#Completely wrong}").feedback == {
        "*": "Completely wrong"
    }


def test_numeric_second_full_credit_answer_is_reported() -> None:
    result = read("Name a prime below 4. {#=2 =3}")
    assert result.questions[0].fields == {"answer": 2, "tolerance": 0}
    assert messages(result) == [
        "A second right answer (3) cannot be expressed: the app's numeric question has one "
        "answer and tolerance. Left out."
    ]


# --- options: comments, titles, feedback, formats, weights -------------------------------------


def test_line_comments_are_ignored() -> None:
    result = read(
        "//  EXAMPLE QUESTIONS for the GIFT import filter\n"
        "//  by Paul Tsuchido Shew, January 2004.\n"
        "\n"
        "// Subheading: Numerical questions below\n"
        "What's 2 plus 2? {#4}\n"
    )
    (question,) = result.questions
    assert (question.prompt, question.fields, question.line) == (
        "What's 2 plus 2?",
        {"answer": 4, "tolerance": 0},
        5,
    )
    assert result.problems == []


def test_comment_inside_a_question_is_ignored() -> None:
    question = only("Which one? {\n=right\n// a note for teachers: ~ = # { }\n~wrong}")
    assert question.fields == {"options": ["right", "wrong"], "answer": "right"}


def test_question_names() -> None:
    result = read(
        "::Kanji Origins::Japanese characters originally\n"
        "came from what country? {=China}\n"
        "\n"
        "::Thanksgiving Date::The American holiday of Thanksgiving is\n"
        "celebrated on the {~second ~third =fourth} Thursday of November.\n"
    )
    kanji, thanksgiving = result.questions
    assert kanji.title == "Kanji Origins"
    # A line break in the question text is one in Moodle's default format too.
    assert kanji.prompt == "Japanese characters originally\ncame from what country?"
    assert kanji.fields == {"accepted": ["China"]}
    assert thanksgiving.title == "Thanksgiving Date"
    assert thanksgiving.type == "single_choice"


def test_answer_feedback() -> None:
    result = read(
        "What's the answer to this multiple-choice question?{\n"
        "~wrong answer#feedback comment on the wrong answer\n"
        "~another wrong answer#feedback comment on this wrong answer\n"
        "=right answer#Very good!}\n"
        "\n"
        "Who's buried in Grant's tomb?{\n"
        "=no one#excellent answer!\n"
        "=nobody#excellent answer!}\n"
    )
    choice, short = result.questions
    assert choice.fields["answer"] == "right answer"
    assert choice.feedback == {
        "wrong answer": "feedback comment on the wrong answer",
        "another wrong answer": "feedback comment on this wrong answer",
        "right answer": "Very good!",
    }
    assert short.feedback == {"no one": "excellent answer!", "nobody": "excellent answer!"}


def test_feedback_spread_over_lines_is_one_line_of_text() -> None:
    question = only(
        "::Grant's Tomb::Grant is {\n"
        "      ~buried#No one is buried there.\n"
        "      =entombed#Right answer!\n"
        "      ~living#We hope not!\n"
        "} in Grant's tomb."
    )
    assert question.feedback["living"] == "We hope not!"
    question = only(
        "What's between orange and green in the spectrum?\n"
        "{ =yellow # right; good! ~red # wrong, it's yellow ~blue # wrong,\n"
        "      it's yellow }"
    )
    assert question.feedback == {
        "yellow": "right; good!",
        "red": "wrong, it's yellow",
        "blue": "wrong, it's yellow",
    }


def test_general_feedback_becomes_the_explanation() -> None:
    # Moodle's test; `=%0%*` is feedback for any other answer, not an accepted one.
    question = only(
        "// question: 666  name: Shortanswer\n"
        "::Shortanswer::Which is the best animal?{\n"
        "    =Frog#Good!\n"
        "    =%0%*#Completely wrong\n"
        "    ####[html]Here is some <b>general</b> feedback!\n"
        "}"
    )
    assert question.explanation == "Here is some general feedback!"
    assert question.fields == {"accepted": ["Frog"]}
    assert question.feedback == {"Frog": "Good!", "*": "Completely wrong"}


def test_general_feedback_on_true_false_and_numeric() -> None:
    assert only("The sun rises in the east.{T####It always has.}").explanation == "It always has."
    assert only("What's 2 plus 2? {#4####Count them.}").explanation == "Count them."


def test_markdown_text_is_kept_as_written() -> None:
    question = only(
        "// ===Specify text format===\n"
        "[markdown]Who's buried in **Grant's tomb**?{\n"
        "=no one#excellent answer!\n"
        "=nobody#excellent answer!}"
    )
    assert question.prompt == "Who's buried in **Grant's tomb**?"
    assert question.text_format == "markdown"
    assert question.fields == {"accepted": ["no one", "nobody"]}


def test_plain_and_moodle_formats_keep_the_text() -> None:
    assert only("[plain]Is 1 < 2 & 3 > 2?{T}").prompt == "Is 1 < 2 & 3 > 2?"
    assert only("[moodle]Is the sky blue?{T}").text_format == "moodle"


def test_html_becomes_plain_text_and_harmless_markup_is_not_a_problem() -> None:
    question = only(
        "[html]<p>Who signed the <b>treaty</b>&nbsp;in&nbsp;2024?</p>"
        "<p>Choose <em>one</em>.</p>{=Putin and Kim ~Putin and Xi}"
    )
    assert question.prompt == "Who signed the treaty in 2024?\nChoose one."
    # The question text's format is its answers' too.
    assert question.fields["options"] == ["Putin and Kim", "Putin and Xi"]


def test_html_whose_meaning_is_lost_is_reported() -> None:
    result = read("[html]What is x<sup>2</sup> when x is 3? <img src='x.png'>{#9}")
    (question,) = result.questions
    assert question.prompt == "What is x2 when x is 3?"
    assert messages(result) == [
        "HTML <img>, <sup> has no plain-text equivalent: only its text was kept."
    ]


def test_html_preformatted_text_keeps_its_indentation() -> None:
    question = only(
        "::Q001::[html]<p>What does the test method call first?</p>\n"
        "<pre>\n"
        "    public void test() \\{\n"
        "        method1();\n"
        "    \\}\n"
        "</pre>\n"
        "{=method1}"
    )
    lines = question.prompt.split("\n")
    assert lines == [
        "What does the test method call first?",
        "    public void test() {",
        "        method1();",
        "    }",
    ]


def test_choose_one_with_partial_credit_imports_with_the_full_credit_answer() -> None:
    result = read(
        "::Jesus' hometown::Jesus Christ was from {\n"
        "    ~Jerusalem#This was an important city, but the wrong answer.\n"
        "    ~%25%Bethlehem#He was born here, but not raised here.\n"
        "    ~%50%Galilee#You need to be more specific.\n"
        "    =Nazareth#Yes! That's right!}."
    )
    (question,) = result.questions
    assert question.type == "single_choice"
    assert question.prompt == f"Jesus Christ was from {BLANK}."
    assert question.fields == {
        "options": ["Jerusalem", "Bethlehem", "Galilee", "Nazareth"],
        "answer": "Nazareth",
    }
    assert question.feedback["Galilee"] == "You need to be more specific."
    assert result.problems[0].title == "Jesus' hometown"
    assert result.problems[0].line == 1
    assert messages(result) == [
        "Partial credit (25%) for 'Bethlehem' cannot be expressed: imported as a wrong option.",
        "Partial credit (50%) for 'Galilee' cannot be expressed: imported as a wrong option.",
    ]


def test_difficult_question_with_half_credit() -> None:
    result = read("Difficult question.{~wrong answer ~%50%half credit answer =full credit answer}")
    assert result.questions[0].fields["answer"] == "full credit answer"
    assert messages(result) == [
        "Partial credit (50%) for 'half credit answer' cannot be expressed: imported as a "
        "wrong option."
    ]


def test_short_answer_with_partial_credit_keeps_the_full_credit_answers() -> None:
    result = read(
        "::Jesus' hometown (Short answer ex.):: Jesus Christ was from {\n"
        "     =Nazareth#Yes! That's right!\n"
        "     =%75%Nazereth#Right, but misspelled.\n"
        "     =%25%Bethlehem#He was born here, but not raised here.\n"
        "}."
    )
    (question,) = result.questions
    assert question.type == "cloze"
    assert question.fields == {"text": "Jesus Christ was from [[Nazareth]]."}
    assert question.feedback["Nazereth"] == "Right, but misspelled."
    assert messages(result) == [
        "Partial credit (75%) for 'Nazereth' cannot be expressed: left out of the accepted "
        "answers.",
        "Partial credit (25%) for 'Bethlehem' cannot be expressed: left out of the accepted "
        "answers.",
    ]


def test_multiple_answers_with_negative_weights_match_the_apps_rule() -> None:
    # Two wrong options at -50% each: exactly the app's -1/W per wrong option chosen.
    question = only(
        "What two people are entombed in Grant's tomb? {\n"
        "    ~%-50%No one\n"
        "    ~%50%Grant\n"
        "    ~%50%Grant's wife\n"
        "    ~%-50%Grant's father }"
    )
    assert question.type == "multiple_choice"
    assert question.fields == {
        "options": ["No one", "Grant", "Grant's wife", "Grant's father"],
        "answers": ["Grant", "Grant's wife"],
    }


def test_multiple_answers_whose_wrong_options_cost_nothing_are_reported() -> None:
    result = read(
        "What two people are entombed in Grant's tomb? {\n"
        "    ~No one\n"
        "    ~%50%Grant\n"
        "    ~%50%Grant's wife\n"
        "    ~Grant's father }"
    )
    assert result.questions[0].fields["answers"] == ["Grant", "Grant's wife"]
    assert messages(result) == [
        "The wrong options' weights (0%, 0%) cannot be expressed: the app takes 1/2 of the "
        "mark away for each wrong option chosen. Imported with that rule."
    ]


def test_multiple_answers_with_unequal_weights_are_reported() -> None:
    result = read(
        "::colours:: What's between orange and green in the spectrum?\n"
        "{\n"
        "    ~%70%yellow # right; good!\n"
        "    ~%-100%red # [html]wrong\n"
        "    ~%30%off-beige # right; good!\n"
        "    ~%-100%[plain]blue # wrong\n"
        "}"
    )
    (question,) = result.questions
    assert question.fields["answers"] == ["yellow", "off-beige"]
    assert question.feedback["red"] == "wrong"
    assert messages(result) == [
        "The right options' weights (70%, 30%) cannot be expressed: the app gives each of the 2 "
        "right options an equal share. Imported with equal shares.",
        "The wrong options' weights (-100%, -100%) cannot be expressed: the app takes 1/2 of "
        "the mark away for each wrong option chosen. Imported with that rule.",
    ]


def test_one_right_option_by_weight_is_choose_all_that_apply() -> None:
    # Moodle's "tricky" test: no `=`, so several may be chosen though one is right.
    question = only("What's between orange and green?{~%100%yellow ~%-50%red ~%-50%blue}")
    assert question.type == "multiple_choice"
    assert question.fields == {"options": ["yellow", "red", "blue"], "answers": ["yellow"]}


def test_negative_weight_in_a_choose_one_question_is_reported() -> None:
    result = read("Pick one.{=right ~%-50%costly wrong ~wrong}")
    assert result.questions[0].type == "single_choice"
    assert messages(result) == [
        "The negative weight (-50%) of 'costly wrong' cannot be expressed in a choose-one "
        "question (a wrong choice scores 0): imported as a wrong option."
    ]


def test_two_full_credit_options_in_a_choose_one_question() -> None:
    result = read("Which are in Asia? {=China =Japan ~Peru}")
    (question,) = result.questions
    assert question.type == "multiple_choice"
    assert question.fields == {"options": ["China", "Japan", "Peru"], "answers": ["China", "Japan"]}
    assert messages(result) == [
        "2 options give full credit in a choose-one question, which the app cannot express: "
        "imported as choose-all-that-apply with those options as its answers."
    ]


# --- escapes ------------------------------------------------------------------------------------


def test_escaped_equals_signs_are_text() -> None:
    question = only(
        "// ===Special Characters===\n"
        "Which answer equals 5? {\n"
        "     ~ \\= 2 + 2\n"
        "     = \\= 2 + 3\n"
        "     ~ \\= 2 + 4  }"
    )
    assert question.fields == {"options": ["= 2 + 2", "= 2 + 3", "= 2 + 4"], "answer": "= 2 + 3"}


def test_every_control_character_escaped() -> None:
    result = parse_gift(
        "::GIFT Control Characters::\n"
        "Which of the following is NOT a control character for the GIFT import format? {\n"
        "   ~ \\~     # \\~ is a control character.\n"
        "   ~ \\=     # \\= is a control character.\n"
        "   ~ \\#     # \\# is a control character.\n"
        "   ~ \\{     # \\{ is a control character.\n"
        "   ~ \\}     # \\} is a control character.\n"
        "   = \\\\     # Correct! \\\\ (backslash) is not a control character. BUT,\n"
        "              it is used to escape the control characters. So, to specify\n"
        "              a literal backslash, you must escape it with a backslash\n"
        "              (as shown in this example).\n"
        "}"
    )
    assert result.problems == []
    (question,) = result.questions
    assert question.title == "GIFT Control Characters"
    assert question.fields["options"] == ["~", "=", "#", "{", "}", "\\"]
    assert question.fields["answer"] == "\\"
    assert question.feedback["{"] == "{ is a control character."
    assert question.feedback["\\"].startswith("Correct! \\ (backslash) is not a control character.")
    # Valid GIFT, but the app refuses options that are nothing but punctuation: the service
    # that stores imported questions reports that, with the question's line.
    with pytest.raises(QuestionProblem, match="the same as the answer"):
        authorable(question)


def test_escaped_colons_newline_and_backslashes() -> None:
    question = only("::Ratio 1\\:2::A \\\\ B \\\\\\\\ C\\nWhat is 1\\:2 as a fraction? {=1/2}")
    assert question.title == "Ratio 1:2"
    # Moodle's backslash test: `\\` is one backslash, `\\\\` two.
    assert question.prompt == "A \\ B \\\\ C\nWhat is 1:2 as a fraction?"


def test_a_backslash_before_other_characters_stays() -> None:
    assert only("Where is C:\\temp\\x? {=here}").prompt == "Where is C:\\temp\\x?"


def test_escaped_braces_do_not_open_an_answer_block() -> None:
    question = only("Which set is empty: \\{\\} or \\{0\\}? {=\\{\\} (none) ~\\{0\\}}")
    assert question.prompt == "Which set is empty: {} or {0}?"
    assert question.fields == {"options": ["{} (none)", "{0}"], "answer": "{} (none)"}


# --- categories, tags and ids -------------------------------------------------------------------


def test_category_applies_to_every_following_question() -> None:
    result = read(
        "Before any category.{T}\n"
        "\n"
        "$CATEGORY: tom/dick/harry\n"
        "\n"
        "First in the category.{T}\n"
        "\n"
        "Second in the category.{F}\n"
        "\n"
        "$CATEGORY: $course$/top/Treaty years\n"
        "Right below the line.{#1961}\n"
    )
    assert [(q.prompt, q.category) for q in result.questions] == [
        ("Before any category.", None),
        ("First in the category.", "tom/dick/harry"),
        ("Second in the category.", "tom/dick/harry"),
        ("Right below the line.", "$course$/top/Treaty years"),
    ]
    assert result.questions[-1].line == 10
    assert result.problems == []


def test_tags_and_idnumber_from_the_questions_comments() -> None:
    # Moodle's test_import_question_with_tags, on a question the app can take.
    question = only(
        "// This question is to test importing tags: [tag:tag] [tag:other-tag].\n"
        "// And an idnumber: [id:myid].\n"
        "::Question name:: How are you? {=fine}"
    )
    assert question.tags == ["tag", "other-tag"]
    assert question.idnumber == "myid"


def test_windows_line_endings_and_byte_order_mark() -> None:
    result = read("\ufeff// comment\r\nFirst?{T}\r\n\r\nSecond?{F}\r\n")
    assert [(q.prompt, q.line) for q in result.questions] == [("First?", 2), ("Second?", 4)]


# --- what is not imported, and says so -----------------------------------------------------------


@pytest.mark.parametrize(
    ("gift", "message"),
    [
        (
            "// essay\n::Q8:: How are you? {}",
            "An essay question (empty answer block) is graded by hand; the app has no such "
            "type: not imported.",
        ),
        (
            "::Intro::The next questions are about the treaty.",
            "A description (text with no answer block) is not a question: not imported.",
        ),
        (
            "Who signed? {=Putin ~Xi",
            "Unmatched '{' or '}' (escape them as \\{ and \\}): not imported.",
        ),
        (
            "Who {=Putin ~Xi} signed {=2024 ~2000}?",
            "More than one answer block: a GIFT question has one. Not imported.",
        ),
        (
            "Only one option?{~alone}",
            "A multiple-choice question needs at least two options: not imported.",
        ),
        (
            "Which? {~a ~b ~%-100%c}",
            "No option has a positive weight, so none is right: not imported.",
        ),
        ("Which? {=a ~ ~b}", "An option of this multiple-choice question is empty: not imported."),
        ("Name it. {=%50%half}", "No answer gives full credit: not imported."),
        (
            "How many? {#twelve}",
            "'twelve' is not a number, a number:tolerance or a low..high range.",
        ),
        ("How many? {#5:-1}", "'5:-1' is not a number, a number:tolerance or a low..high range."),
        ("How many? {#%50%5}", "No numeric answer gives full credit: not imported."),
        (
            "Match. {=a -> b =c}",
            "'c' is not a 'prompt -> match' pair: not imported.",
        ),
        ("Match. {=a -> b = -> c}", "A matching question needs at least two pairs: not imported."),
        ("Match. {=a -> b =c -> }", "A matching pair has no match: not imported."),
        ("{T}", "The question has no text: not imported."),
    ],
)
def test_what_cannot_be_imported_is_reported(gift: str, message: str) -> None:
    result = read(gift)
    assert result.questions == []
    assert messages(result)[-1] == message
    assert result.problems[-1].line == (2 if gift.startswith("//") else 1)


def test_problems_name_the_question_and_its_line() -> None:
    result = read("First?{T}\n\n// a comment\n::Essay one::\nTell me.{}\n\nThird?{F}")
    assert [q.prompt for q in result.questions] == ["First?", "Third?"]
    (problem,) = result.problems
    assert (problem.line, problem.title) == (4, "Essay one")


def test_unclosed_title_is_read_as_text_and_reported() -> None:
    result = read("::No end to this title {T}")
    assert result.questions[0].prompt == "No end to this title"
    assert messages(result) == ["The title is not closed by '::': read as question text."]


def test_short_answer_wildcards_and_catch_all() -> None:
    result = read("Which animal? {=Frog =Fro* =%100%* =Cat\\*}")
    (question,) = result.questions
    assert question.fields == {"accepted": ["Frog", "Cat*"]}
    assert messages(result) == [
        "'Fro*' uses Moodle's wildcard '*', which the app cannot express: left out.",
        "'*' (any answer) cannot be expressed: left out.",
    ]


def test_matching_feedback_is_reported_and_left_out() -> None:
    result = read("Match. {=a -> b#nice =c -> d =e -> f}")
    assert result.questions[0].fields["pairs"] == [["a", "b"], ["c", "d"], ["e", "f"]]
    assert messages(result) == ["A matching pair carries no feedback in GIFT: '#...' left out."]


# --- writing ----------------------------------------------------------------------------------


def exportable(type_: str, prompt: str, **fields: Any) -> ExportableQuestion:
    return ExportableQuestion(
        id=f"{type_.replace('_', '-')}-1",
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
        "single_choice",
        "In which year was the earlier treaty signed?",
        options=["1961", "2000", "1991"],
        answer="1961",
    ),
    exportable(
        "single_choice",
        f"Grant is {BLANK} in Grant's tomb.",
        options=["buried", "entombed", "living"],
        answer="entombed",
    ),
    exportable(
        "multiple_choice",
        "Which of these does the article attribute to Kirby? Select all that apply.",
        options=["missiles", "drones", "satellites", "submarines", "oil"],
        answers=["missiles", "drones"],
    ),
    exportable(
        "multiple_choice",
        "Which three are signatories or their agencies?",
        options=["Russia", "North Korea", "KCNA", "Iran"],
        answers=["Russia", "North Korea", "KCNA"],
    ),
    exportable("true_false", "The treaty was signed in Pyongyang.", answer=True),
    exportable("true_false", "The treaty was signed in Moscow.", answer=False),
    exportable("numeric", "Which article of the U.N. Charter?", answer=51, tolerance=0),
    exportable("numeric", "What is pi to three places?", answer=3.1415, tolerance=0.0005),
    exportable("short_text", "Which news agency reported the pact?", accepted=["KCNA", "the KCNA"]),
    exportable(
        "matching",
        "Match each speaker with their role.",
        pairs=[["Kirby", "spokesman"], ["Terry", "analyst"], ["Putin", "president"]],
        distractors=["general"],
    ),
    exportable(
        "cloze",
        CLOZE_PROMPT,
        text="The other side provides [[military|armed]] and other assistance without delay.",
    ),
    exportable(
        "cloze",
        "Fill in the blanks with the words of the article (the treaty).",
        text="If one side is placed under [[a war situation]] due to an armed invasion.",
    ),
]


@pytest.mark.parametrize("question", EVERY_EXPORTABLE_TYPE, ids=lambda q: q.prompt[:30])
def test_round_trip_gives_back_the_same_question(question: ExportableQuestion) -> None:
    exported = format_gift([question])
    assert exported.problems == []
    result = read(exported.text)
    assert result.problems == []
    (back,) = result.questions
    assert back.type == question.type
    assert back.prompt == question.prompt
    assert back.fields == question.fields
    assert back.explanation == question.explanation
    assert (back.title, back.idnumber) == (question.title, question.id)
    assert back.tags == list(question.tags)
    assert back.category == question.category


def test_round_trip_of_a_whole_bank_keeps_order_and_categories() -> None:
    questions = [
        *EVERY_EXPORTABLE_TYPE[:3],
        ExportableQuestion(
            "other-1", "true_false", "Another bank's question.", {"answer": True}, category="b2"
        ),
        ExportableQuestion("no-category", "true_false", "Still in b2.", {"answer": False}),
    ]
    exported = format_gift(questions)
    assert exported.text.count("$CATEGORY:") == 2
    result = read(exported.text)
    assert [q.idnumber for q in result.questions] == [q.id for q in questions]
    # GIFT cannot leave a category: a question with none stays in the one before it.
    assert [q.category for q in result.questions] == [
        "rfa-nk-russia-treaty-2024",
        "rfa-nk-russia-treaty-2024",
        "rfa-nk-russia-treaty-2024",
        "b2",
        "b2",
    ]
    assert result.questions[3].title == "other-1"


def test_export_layout_is_moodles() -> None:
    question = ExportableQuestion(
        id="q2",
        type="single_choice",
        prompt="What's between orange and green in the spectrum?",
        fields={"options": ["yellow", "red", "blue"], "answer": "yellow"},
        explanation="It is a rainbow: ROYGBIV.",
        title="Q2",
        tags=("colours",),
    )
    assert format_gift([question]).text == (
        "// [id:q2] [tag:colours]\n"
        "::Q2::What's between orange and green in the spectrum?{\n"
        "\t=yellow\n"
        "\t~red\n"
        "\t~blue\n"
        "\t####It is a rainbow\\: ROYGBIV.\n"
        "}\n"
    )


def test_export_of_multiple_choice_writes_the_apps_weights() -> None:
    text = format_gift([EVERY_EXPORTABLE_TYPE[3]]).text
    assert "\t~%33.33333%Russia\n" in text
    assert "\t~%-100%Iran\n" in text
    text = format_gift([EVERY_EXPORTABLE_TYPE[2]]).text
    assert "\t~%50%missiles\n" in text
    assert "\t~%-33.33333%satellites\n" in text


def test_export_of_true_false_numeric_and_cloze_inline() -> None:
    true_false, _, numeric, pi = EVERY_EXPORTABLE_TYPE[4:8]
    assert format_gift([true_false]).text.endswith(
        "::A true_false question::The treaty was signed in Pyongyang."
        "{TRUE####Why\\: the article says so (true_false).}\n"
    )
    assert "::Which article of the U.N. Charter?{#51####" in format_gift([numeric]).text
    assert "What is pi to three places?{#3.1415:0.0005####" in format_gift([pi]).text
    cloze = EVERY_EXPORTABLE_TYPE[11]
    assert (
        "::Fill in the blanks with the words of the article (the treaty).\\n"
        "If one side is placed under {=a war situation####Why\\: the article says so (cloze).}"
        " due to an armed invasion.\n"
    ) in format_gift([cloze]).text


def test_escape_gift_escapes_every_special_character() -> None:
    assert escape_gift("a~b=c#d{e}f:g\\h\ni") == "a\\~b\\=c\\#d\\{e\\}f\\:g\\\\h\\ni"


def test_export_escapes_and_reads_back_special_characters() -> None:
    tricky = ExportableQuestion(
        id="tricky",
        type="single_choice",
        prompt="In GIFT, which of these is {not} special? a:b\nNext line \\ end",
        fields={
            "options": ["~ tilde", "= equals", "# hash", "\\ backslash", "%5% of GDP", "[html]x"],
            "answer": "\\ backslash",
        },
        explanation="Only ~ = # { } : are; \\ escapes them. ####",
        title="Tricky: {1}",
    )
    exported = format_gift([tricky])
    assert exported.problems == []
    assert "~%0%%5% of GDP" in exported.text
    assert "~[plain][html]x" in exported.text
    back = only(exported.text)
    assert (back.prompt, back.fields, back.explanation, back.title) == (
        tricky.prompt,
        tricky.fields,
        tricky.explanation,
        tricky.title,
    )


def test_export_marks_text_with_html_characters_plain() -> None:
    question = ExportableQuestion(
        id="lt", type="true_false", prompt="Is 1 < 2 & <b>true</b>?", fields={"answer": True}
    )
    text = format_gift([question]).text
    assert "::lt::[plain]Is 1 < 2 & <b>true</b>?{TRUE}" in text
    back = only(text)
    assert (back.prompt, back.text_format) == (question.prompt, "plain")


def test_export_short_answers_that_gift_would_misread() -> None:
    question = ExportableQuestion(
        id="star",
        type="short_text",
        prompt="Type the footnote mark, or 50% off.",
        fields={"accepted": ["1*", "%50% off", "a*b"]},
    )
    text = format_gift([question]).text
    assert "\t=1\\*\n" in text
    assert "\t=%100%%50% off\n" in text
    assert only(text).fields == question.fields


def test_export_short_answer_never_goes_into_a_blank() -> None:
    question = ExportableQuestion(
        "blank",
        "short_text",
        f"The treaty was signed in {BLANK} in June.",
        {"accepted": ["Pyongyang"]},
    )
    back = only(format_gift([question]).text)
    assert (back.type, back.prompt) == ("short_text", question.prompt)


@pytest.mark.parametrize(
    ("question", "message"),
    [
        (
            ExportableQuestion("order", "ordering", "Put in order.", {"items": ["a", "b", "c"]}),
            "GIFT has no ordering question: not written.",
        ),
        (
            ExportableQuestion("prove", "find_evidence", "Find the sentence.", {}),
            "GIFT has no find-the-evidence question: not written.",
        ),
        (
            ExportableQuestion(
                "two-blanks", "cloze", CLOZE_PROMPT, {"text": "A [[b]] and [[c]] d."}
            ),
            "A cloze of 2 blanks: GIFT's missing word has exactly one. Not written.",
        ),
        (
            ExportableQuestion(
                "bad", "single_choice", "Which?", {"options": ["a", "b"], "answer": "c"}
            ),
            "Its answer 'c' is not one of its options: not written.",
        ),
        (
            ExportableQuestion(
                "arrow",
                "matching",
                "Match.",
                {"pairs": [["a -> b", "c"], ["d", "e"], ["f", "g"]]},
            ),
            "A prompt holds '->', which GIFT reads as the pair's arrow: not written.",
        ),
        (
            ExportableQuestion("broken", "numeric", "How many?", {"tolerance": 1}),
            "Its fields do not fit a numeric question ('answer').",
        ),
    ],
)
def test_what_gift_cannot_write_is_reported_not_dropped(
    question: ExportableQuestion, message: str
) -> None:
    exported = format_gift([EVERY_EXPORTABLE_TYPE[4], question])
    assert [(p.question_id, p.message) for p in exported.problems][-1] == (question.id, message)
    assert [q.idnumber for q in read(exported.text).questions] == ["true-false-1"]


def test_short_answer_with_an_arrow_is_not_written() -> None:
    question = ExportableQuestion("arrow", "short_text", "Which?", {"accepted": ["a -> b"]})
    exported = format_gift([question])
    assert exported.text == ""
    assert [p.message for p in exported.problems] == [
        "The answer 'a -> b' holds '->', which GIFT reads as a matching pair.",
        "Not written.",
    ]


def test_what_a_written_question_loses_is_reported() -> None:
    unit = ExportableQuestion(
        "months", "numeric", "How many months?", {"answer": 2, "tolerance": 0, "unit": "months"}
    )
    pairs = ExportableQuestion(
        "two-pairs", "matching", "Match.", {"pairs": [["a", "b"], ["c", "d"]], "distractors": []}
    )
    end_blank = ExportableQuestion(
        "end", "cloze", CLOZE_PROMPT, {"text": "The treaty was signed in [[Pyongyang]]"}
    )
    exported = format_gift([unit, pairs, end_blank])
    assert [(p.question_id, p.message) for p in exported.problems] == [
        ("months", "GIFT has no place for its unit ('months'): written without it."),
        (
            "two-pairs",
            "Only 2 pairs, where GIFT's documentation asks for at least three: Moodle may "
            "refuse it.",
        ),
        (
            "end",
            "Its blank ends the text: GIFT reads an answer block with no text after it as a "
            "short answer, so it reads back as one.",
        ),
    ]
    back = read(exported.text).questions
    assert back[0].fields == {"answer": 2, "tolerance": 0}
    assert (back[2].type, back[2].fields) == ("short_text", {"accepted": ["Pyongyang"]})


# --- round trips over arbitrary text ------------------------------------------------------------

# Every character GIFT treats specially, and some it does not.
_ALPHABET = "ab ~=#{}:\\\n[]%->*_<&/$.,'é"
# GIFT trims every text, as the app's forms do; a text may start like a format mark.
texts = st.builds(
    str.__add__,
    st.sampled_from(["", "", "", "[html]", "[plain]", "%5%", "//", "::", "$CATEGORY:"]),
    st.text(alphabet=_ALPHABET, min_size=1, max_size=25),
).filter(lambda s: s == s.strip() and s)


@settings(max_examples=150, deadline=None)
@given(
    prompt=texts,
    options=st.lists(texts, min_size=2, max_size=5, unique=True),
    explanation=texts,
    title=texts,
)
def test_any_choice_question_round_trips(
    prompt: str, options: list[str], explanation: str, title: str
) -> None:
    question = ExportableQuestion(
        "any",
        "single_choice",
        prompt,
        {"options": options, "answer": options[-1]},
        explanation,
        title,
    )
    exported = format_gift([question])
    assert exported.problems == []
    result = parse_gift(exported.text)
    assert result.problems == []
    (back,) = result.questions
    assert (back.type, back.prompt, back.fields, back.explanation, back.title) == (
        "single_choice",
        prompt,
        question.fields,
        explanation,
        title,
    )


@settings(max_examples=150, deadline=None)
@given(prompt=texts, accepted=st.lists(texts, min_size=1, max_size=4, unique=True))
def test_any_short_answer_round_trips(prompt: str, accepted: list[str]) -> None:
    question = ExportableQuestion("any", "short_text", prompt, {"accepted": accepted})
    exported = format_gift([question])
    if any("->" in answer for answer in accepted):
        assert exported.text == ""
        return
    result = parse_gift(exported.text)
    assert result.problems == []
    assert [(q.type, q.prompt, q.fields) for q in result.questions] == [
        ("short_text", prompt, {"accepted": accepted})
    ]
