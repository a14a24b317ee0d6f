"""A new version of a source: which sentences changed, where each fact's evidence now is."""

from __future__ import annotations

from app.content.revisions import changed_sentences, reanchor, sentence_changes

OLD = "Intro. The deal is done. Middle part. The deal is done. End."


def test_a_passage_repeated_in_the_text_keeps_its_own_copy() -> None:
    """The second copy, after an introduction is added before both, is still the second."""
    second = OLD.index("The deal is done.", OLD.index("Middle"))
    new = "A new first paragraph, rather long, is added here. " + OLD
    moved = reanchor("The deal is done.", second, OLD, new)
    assert moved == new.index("The deal is done.", new.index("Middle"))
    first = OLD.index("The deal is done.")
    assert reanchor("The deal is done.", first, OLD, new) == new.index("The deal is done.")


def test_a_passage_gone_is_none() -> None:
    assert (
        reanchor("Middle part.", OLD.index("Middle"), OLD, OLD.replace("Middle", "Centre")) is None
    )


def test_changed_and_added_sentences() -> None:
    new = OLD.replace("Middle part.", "Centre part.") + " A coda."
    changes = sentence_changes(OLD, new)
    assert [(c.change, c.before, c.after) for c in changes] == [
        ("changed", ("Middle part.",), ("Centre part.",)),
        ("added", (), ("A coda.",)),
    ]
    assert changed_sentences(OLD, new) == {2, 5}
