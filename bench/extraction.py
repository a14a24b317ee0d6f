"""Precision and recall of the fact extractor on a news text and its hand labels.

    .venv/bin/python bench/extraction.py --text article.txt --labels labels.json [-v]
    .venv/bin/python bench/extraction.py --worst     # seconds to draft texts built to be slow

The text is read as a pasted source is (normalised). The labels are a JSON list of objects
{"kind", "answer", "evidence"} (+ "term" for a definition): kind is date, quote, definition,
entity, number or list; answer is the date as printed, the speaker's full name, the
expansion, the person's name, the figure with its unit, or the items joined by ", ";
evidence is an exact substring of the text that proves it. A candidate is right when a
label of its kind has overlapping evidence and the same answer. The article in questions/
is measured by tests/unit/test_extract.py against its facts file instead.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
from pathlib import Path
from typing import Any

from app.content.extract import KIND_ORDER, Candidate, extract_candidates
from app.content.ingest import checked_text

FOUR = ("date", "quote", "definition", "entity")


def _norm(text: object) -> str:
    words = re.sub(r"\s+", " ", str(text)).strip()
    return re.sub(r"^the\s+", "", words, flags=re.IGNORECASE).casefold()


def _figure(text: object) -> str:
    first = str(text).split()[0] if str(text).split() else ""
    return re.sub(r"[^\d.]", "", first)


def same(c: Candidate, label: dict[str, Any]) -> bool:
    if c.kind != label["kind"]:
        return False
    if not (c.evidence_start < label["end"] and label["start"] < c.evidence_end):
        return False
    mine, theirs = _norm(c.answer), _norm(label["answer"])
    if c.kind == "date":
        return mine in theirs or theirs in mine
    if c.kind in ("quote", "entity"):
        return mine == theirs
    if c.kind == "definition":
        return c.fields.get("term") == label.get("term")
    if c.kind == "number":
        return mine == theirs or (_figure(c.answer) != "" and _figure(c.answer) == _figure(theirs))
    items = {_norm(i) for i in c.fields.get("items", [])}
    return len(items & {_norm(i) for i in re.split(r",\s*", label["answer"])}) >= 2


# Texts of the largest size a teacher may paste (200,000 characters), each built against one
# rule: what an attacker would send. The article's own text, repeated, is the ordinary case.
ARTICLE = Path(__file__).resolve().parents[1] / "questions/sources/rfa-nk-russia-treaty-2024.txt"
WORST = {
    "the article, repeated": lambda a: a * 46,
    "the article in capitals": lambda a: a.upper() * 46,
    "one word": lambda a: "A" * 200_000,
    "dates, 990-character sentences": lambda a: ("In 1950 " * 120 + "end. ") * 220,
    "figures, long sentences": lambda a: (
        ("12,345 people and 3.5 million tonnes, " * 25 + "End. ") * 210
    ),
    "titled names": lambda a: ("Minister Jane Doe, a senior fellow, said " * 24 + "End. ") * 200,
    "quotations": lambda a: "“Yes,” she said. " * 12_000,
    "acronyms": lambda a: "The World Health Organization (WHO) and the IMF met. " * 3_800,
    "lists": lambda a: "Chile, Peru, Bolivia and Ecuador signed. " * 4_800,
}


def worst() -> None:
    article = ARTICLE.read_text(encoding="utf-8")
    for name, build in WORST.items():
        text = checked_text(build(article)[:199_000])
        started = time.perf_counter()
        found = len(extract_candidates(text))
        print(f"{name:<34} {len(text):>7,} chars  {found:>4} candidates  "
              f"{time.perf_counter() - started:6.2f} s")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--text", type=Path)
    parser.add_argument("--labels", type=Path)
    parser.add_argument("-v", "--verbose", action="store_true", help="list misses and extras")
    parser.add_argument("--worst", action="store_true", help="time texts built to be slow")
    args = parser.parse_args()
    if args.worst:
        worst()
        return
    if not (args.text and args.labels):
        parser.error("--text and --labels, or --worst")
    text = checked_text(args.text.read_text(encoding="utf-8"))
    labels = json.loads(args.labels.read_text(encoding="utf-8"))
    for label in labels:
        at = text.find(label["evidence"])
        if at < 0:
            sys.exit(f"evidence not in the text: {label['evidence']!r}")
        label["start"], label["end"] = at, at + len(label["evidence"])
    candidates = extract_candidates(text)
    totals = {"four": [0, 0, 0, 0], "all": [0, 0, 0, 0]}
    for kind in KIND_ORDER:
        mine = [c for c in candidates if c.kind == kind]
        theirs = [lab for lab in labels if lab["kind"] == kind]
        right = sum(any(same(c, lab) for lab in theirs) for c in mine)
        found = sum(any(same(c, lab) for c in mine) for lab in theirs)
        print(f"{kind:<10} precision {right}/{len(mine)}  recall {found}/{len(theirs)}")
        for key in ("four", "all") if kind in FOUR else ("all",):
            for i, n in enumerate((right, len(mine), found, len(theirs))):
                totals[key][i] += n
        if args.verbose:
            for c in mine:
                if not any(same(c, lab) for lab in theirs):
                    print(f"    extra: {c.answer} | {c.statement[:100]}")
            for lab in theirs:
                if not any(same(c, lab) for c in mine):
                    print(f"    missed: {lab['answer']} | {lab['evidence'][:100]}")
    for key, name in (("four", "dates, quotations, acronyms, people"), ("all", "all six kinds")):
        right, proposed, found, total = totals[key]
        print(
            f"{name}: precision {right}/{proposed} = {right / max(proposed, 1):.2f}, "
            f"recall {found}/{total} = {found / max(total, 1):.2f}"
        )


if __name__ == "__main__":
    main()
