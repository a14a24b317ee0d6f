"""A content file points an author at the line of an id: found once per file, right for
either quote, the first of a repeated id, none for an id it does not give."""

from __future__ import annotations

from pathlib import Path

from app.content.read import ContentFile

TEXT = """# a bank
[[questions]]
id = "q-one"
prompt = "id = 'not-an-id-line'"

[[questions]]
  id='q-two'

[[questions]]
id = "q-one"
"""


def test_each_id_is_found_at_its_first_line(tmp_path: Path) -> None:
    path = tmp_path / "questions" / "banks" / "b.toml"
    path.parent.mkdir(parents=True)
    path.write_text(TEXT, encoding="utf-8")
    file = ContentFile(tmp_path / "questions", path)
    assert file.line_of_id("q-one") == 3
    assert file.line_of_id("q-two") == 7
    assert file.line_of_id("not-an-id-line") is None  # inside a prompt, not an id line
    assert file.line_of_id("missing") is None
