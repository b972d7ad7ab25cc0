"""The one answer/score oracle of the tests.

It makes saved answers of a chosen quality for any graded item and says what
they must score, from the keys in the source notebook's hidden tests and the
scoring rules the README documents. It is written independently of the
course's grading code (it never imports :mod:`peer_widgets.kinds` or
:mod:`peer_widgets.grading`), so a test that compares the two can fail.

Qualities:

``RIGHT``
    the key (a rating: a level with a comment) -> full points;
``PARTIAL``
    partial credit where the item gives it (multiple select: one right tick;
    matching: the first term right, the rest wrong -> points / number of
    keyed entries), otherwise wrong;
``WRONG``
    no credit (a rating: Not Enough Information with no comment, which the
    scale's comment rule gives 0).
"""

from __future__ import annotations

from pathlib import Path

import yaml
from peer_course.authoring.validate import ScoringCell, scoring_cells
from peer_widgets.content import assessments_dir
from peer_widgets.translations import is_overlay

RIGHT, PARTIAL, WRONG = "right", "partial", "wrong"
ANSWERED_AT = "2026-11-25T09:00:00Z"

Graded = ScoringCell  # item_id, kind, points, key of one autograded item


def graded_items(name: str) -> list[Graded]:
    """The autograded items of assessment ``name``, read from its source notebook's test cells."""
    return scoring_cells(assessments_dir() / name / f"{name}.ipynb")[0]


def task_points(name: str) -> float:
    """The trainer-graded (reflection) points of assessment ``name``."""
    return scoring_cells(assessments_dir() / name / f"{name}.ipynb")[1]


def released_bank(name: str, folder: Path | None = None) -> dict:
    """The released ``items.yaml`` of an assessment, as plain data."""
    path = (folder or assessments_dir() / name) / "items.yaml"
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def entry_ids(bank: dict, item_id: str, field: str = "options") -> list[str]:
    return [o["id"] for o in next(i for i in bank["items"] if i["id"] == item_id)[field]]


def answer(item: Graded, bank: dict, quality: str, *, level: str = "developing",
           comment: str = "I am still practising this.", variant: str | None = None,
           exam_source: str = "lessons") -> tuple[object, float]:
    """``(saved value, expected score)`` of an answer of ``quality`` to ``item``
    (to its other version ``variant``, graded by that version's key, if given;
    a practice exam attempt drawn from ``exam_source``)."""
    points, key = item.points, item.key
    if variant is not None:
        key = item.variants[variant]["key"]
    if item.kind == "single_choice":
        if quality == RIGHT:
            return key, points
        return next(o for o in entry_ids(bank, item.item_id) if o != key), 0.0
    if item.kind == "multiple_select":
        if quality == RIGHT:
            return sorted(key), points
        if quality == PARTIAL:  # one right tick only
            return [sorted(key)[0]], round(points / len(key), 2)
        return [o for o in entry_ids(bank, item.item_id) if o not in key], 0.0
    if item.kind == "matching":
        choices = entry_ids(bank, item.item_id, "choices")
        wrong = {term: next(c for c in choices if c != right) for term, right in key.items()}
        if quality == RIGHT:
            return dict(key), points
        if quality == PARTIAL:  # the first term right, the rest wrong
            first = sorted(key)[0]
            return {**wrong, first: key[first]}, round(points / len(key), 2)
        return wrong, 0.0
    if item.kind == "practice_exam":
        return practice_attempt(quality, points, source=exam_source)
    if item.kind == "rating":
        if quality == RIGHT:
            return {"rating": level, "comment": comment}, points
        return {"rating": "not-enough-information", "comment": ""}, 0.0
    raise AssertionError(f"the oracle does not know items of kind {item.kind!r}")


def practice_pool() -> dict[str, str]:
    """Lesson check id -> key, for every single-choice check with four options
    (the practice exam's pool, read from the lesson banks' YAML)."""
    found = {}
    for path in sorted(p for p in (assessments_dir().parent / "modules" / "items").glob("*.yaml") if not is_overlay(p)):
        for item in yaml.safe_load(path.read_text(encoding="utf-8"))["items"]:
            if item["type"] == "single_choice" and len(item["options"]) == 4:
                found[item["id"]] = item["key"]
    return found


def graded_practice_pool() -> dict[str, str]:
    """Graded question id -> key, for every graded single-choice question with
    four options and an IC&RC domain (the practice exam's pool for an attempt to
    hand in): the questions from the released banks' YAML, the keys from the
    source notebooks' hidden tests."""
    from peer_widgets.manifest import load_manifest

    found = {}
    for module in load_manifest().modules:
        if not module.assessment:
            continue
        keys = {cell.item_id: cell.key for cell in graded_items(module.assessment)}
        for item in released_bank(module.assessment)["items"]:
            if item["type"] == "single_choice" and len(item["options"]) == 4 and item.get("icrc"):
                found[item["id"]] = keys[item["id"]]
    return found


def practice_attempt(quality: str, points: float, size: int = 75, source: str = "lessons") -> tuple[dict, float]:
    """A finished practice exam attempt of ``quality`` from ``source`` ("lessons"
    or "graded") and what it must score: RIGHT every key, WRONG no key, PARTIAL
    the first third right."""
    pool = graded_practice_pool() if source == "graded" else practice_pool()
    options = "abcd"
    chosen = sorted(pool)[:min(size, len(pool))]
    right = {RIGHT: len(chosen), WRONG: 0, PARTIAL: len(chosen) // 3}[quality]
    answers = {check: pool[check] if n < right else next(o for o in options if o != pool[check])
               for n, check in enumerate(chosen)}
    attempt = {"attempt": 1, "source": source, "items": chosen, "answers": answers,
               "times": {c: ANSWERED_AT for c in chosen},
               "started_at": ANSWERED_AT, "minutes": None, "finished": True, "history": []}
    return attempt, round(points * right / len(chosen), 2)


def tampered(item: Graded) -> object:
    """An answer of the right shape but out of range (scores 0)."""
    return {"single_choice": "z", "multiple_select": ["z"], "matching": {"zz": "a"},
            "rating": {"rating": "excellent", "comment": "x"},
            "practice_exam": {"attempt": 1, "items": ["zz-f99"], "answers": {"zz-f99": "a"}, "times": {},
                              "started_at": ANSWERED_AT}}[item.kind]


def record(value: object, variant: str | None = None) -> dict:
    saved = {"value": value, "answered_at": ANSWERED_AT, "attempts": 1}
    if variant is not None:  # the version of the item the learner was shown
        saved["variant"] = variant
    return saved


def private_reflection(words: int = 57) -> dict:
    return {"shared": False, "completed": True, "words": words}


def reflection_ids(bank: dict) -> list[str]:
    return [item["id"] for item in bank["items"] if item["type"] == "reflection"]


def document(records: dict) -> dict:
    """A ``responses.json`` document (schema version 1, as the README documents it)."""
    return {"schema_version": 1, "items": records}
