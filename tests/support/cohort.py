"""A synthetic cohort for the trainer tests, with expected scores computed
from the keys in each source notebook's hidden tests (independently of the
grading helpers under test).

Learner ``p<k>`` answers item ``i`` right when ``(i + k) % 3 != 0`` for odd
``k`` and when ``(i * k) % 4 == 0`` for even ``k``; a "wrong" multiple
select ticks only its first keyed option (partial credit), a "wrong"
matching gets only its first term right (partial credit), a "wrong" rating
is Not Enough Information with no comment (0: the scale needs a comment).
Right ratings cycle Advanced / Proficient / Developing with a comment.
Special learners exercise every way a submission goes wrong. Answers and
expected scores come from :mod:`tests.support.oracle`.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import nbformat
import yaml

from tests.support.oracle import (PARTIAL, RIGHT, Graded, answer as oracle_answer, graded_items, private_reflection,
                                  record, tampered)

INJECTION_SCRIPT = "<script>alert(1)</script>"
INJECTION_IMG = "<img src=x onerror=alert(1)>"
LEVELS = ["advanced", "proficient", "developing"]
LEVEL_VALUE = {"advanced": 3.0, "proficient": 2.0, "developing": 1.0}

GENERIC = [f"p{k:02d}" for k in range(1, 15)]
SPECIAL = {
    "dee-no-file": "no responses.json",
    "eli-corrupt": "responses.json is not JSON",
    "fay-tampered": "every answer out of range or of the wrong type",
    "gus-loop": "all right, plus a cell with `while True: pass` (never run: only the trainer's notebook runs)",
    "hal-broken-notebook": "all right; the notebook file is not JSON (never used: the answers are graded)",
    "ivy-injection": "all right; HTML and script in a shared reflection and a comment",
    "jo-exchange": "all right; goes through release, fetch, submit and collect",
}
LEARNERS = GENERIC + list(SPECIAL)


SUPERVISORS = ["supervisor--p01", "supervisor--p02"]


def is_right(learner: str, index: int) -> bool:
    if not learner.startswith("p"):  # special learners and supervisors answer everything
        return True
    k = int(learner[1:])
    return (index + k) % 3 != 0 if k % 2 else (index * k) % 4 == 0


def answer(learner: str, index: int, item: Graded, bank: dict) -> tuple[object, float]:
    """(saved value, expected score) for one learner and item."""
    quality = RIGHT if is_right(learner, index) else PARTIAL
    if learner in SUPERVISORS:  # supervisors rate every statement Developing
        return oracle_answer(item, bank, RIGHT, comment="seen on shift")
    level = LEVELS[(index + len(learner)) % 3]
    comment = INJECTION_IMG if learner == "ivy-injection" else f"{learner} on {item.item_id}"
    return oracle_answer(item, bank, quality, level=level, comment=comment)


def records_for(learner: str, name: str, bank: dict) -> tuple[dict, float]:
    items = graded_items(name)
    records, expected = {}, 0.0
    for index, item in enumerate(items):
        value, score = answer(learner, index, item, bank)
        if learner == "fay-tampered":
            value, score = tampered(item), 0.0
        records[item.item_id] = record(value)
        expected += score
    for item in bank["items"]:
        if item["type"] == "reflection":
            value = private_reflection()
            if learner == "ivy-injection":
                value = {"shared": True, "completed": True, "words": 4,
                         "text": f"My story {INJECTION_SCRIPT} and {INJECTION_IMG}"}
            records[item["id"]] = record(value)
    return records, round(expected, 4)


def submit(course: Path, learner: str, name: str, *, day: int = 20) -> float:
    """Put one learner's work in submitted/; return the expected autograded score."""
    release = course / "release" / name
    target = course / "submitted" / learner / name
    shutil.copytree(release, target)
    (target / "timestamp.txt").write_text(f"2026-11-{day:02d} 10:00:00.000000 UTC", encoding="utf-8")
    bank = yaml.safe_load((release / "items.yaml").read_text(encoding="utf-8"))
    records, expected = records_for(learner, name, bank)
    answers = target / "responses.json"
    if learner == "dee-no-file":
        return 0.0
    if learner == "eli-corrupt":
        answers.write_text('{"schema_version": 1, "items": {"pc-k', encoding="utf-8")
        return 0.0
    answers.write_text(json.dumps({"schema_version": 1, "items": records}), encoding="utf-8")
    notebook = target / f"{name}.ipynb"
    if learner == "gus-loop":
        nb = nbformat.read(notebook, as_version=4)
        nb.cells.insert(3, nbformat.v4.new_code_cell("while True:\n    pass"))
        nbformat.write(nb, notebook)
    if learner == "hal-broken-notebook":
        notebook.write_text('{"cells": [', encoding="utf-8")
    return expected


def self_ratings(learner: str, bank: dict) -> dict[str, float]:
    """Numeric self-ratings per category that :func:`answer` gives ``learner`` (for the report)."""
    items = graded_items(bank["id"])
    category = {i["id"]: i["category"] for i in bank["items"]}
    values: dict[str, list[float]] = {}
    for index, item in enumerate(items):
        value, _ = answer(learner, index, item, bank)
        if value.get("rating") in LEVEL_VALUE:
            values.setdefault(category[item.item_id], []).append(LEVEL_VALUE[value["rating"]])
    return {c: sum(v) / len(v) for c, v in values.items()}


INJECTION_NAME = 'Ivy "Q" & O\'Neil'  # quotes and an ampersand: legal in a name, escaped on every page


def write_roster(path: Path, learners: list[str]) -> Path:
    import csv

    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["id", "first_name", "last_name", "email"])
        for learner in learners:
            first = INJECTION_NAME if learner == "ivy-injection" else learner.split("-")[0].title()
            writer.writerow([learner, first, "Example", f"{learner}@example.org"])
    return path
