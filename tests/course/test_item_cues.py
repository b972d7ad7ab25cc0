"""Checks that measure knowledge, not test-wiseness.

A learner who knows nothing should not find the right option by its
length, its place or a pattern. For every bank (the lessons' formative
checks, and the graded assessments, whose keys live in hidden test cells)
this computes:

* single choice: how often the keyed option is the strictly longest one
  (at most 35 % of items), and the mean keyed length over the mean
  distractor length (within 15 % of 1);
* single choice and multiple select: how often each position is keyed
  (no position keyed in more than 40 % of items, over all banks of a mode);
* multiple select: how many items share one key pattern (at most 20 %);
Every version (variant) of a graded item counts as an item of its own.

* matching: keys that pair each term with the choice listed in the same
  place, or with the choice of the same number (``t1`` with ``c1``, ``t2``
  with ``c2``...): none in the graded banks, whose released file learners
  read (a lesson bank holds its keys anyway; only places are checked there).

The figures are written to ``artifacts/item_cues.json`` on every run.
"""

from __future__ import annotations

import json
import statistics
from collections import Counter
from pathlib import Path

import pytest
import yaml
from peer_course.authoring.validate import scoring_cells
from peer_widgets.content import assessments_dir, modules_dir
from peer_widgets.translations import BANK_TEXT, is_overlay, read_overlay, translate

REPO = Path(__file__).resolve().parents[2]
ARTIFACT = REPO / "artifacts" / "item_cues.json"
MAX_LONGEST_SHARE = 0.35
MAX_LENGTH_RATIO_GAP = 0.15
MAX_POSITION_SHARE = 0.40
MAX_PATTERN_SHARE = 0.20
MODES = ["formative", "graded"]
LANGUAGES = ["en", "es"]


def read_bank(path: Path, language: str) -> dict:
    """A bank's raw data with its words in ``language`` (its Spanish overlay for "es")."""
    return translate(yaml.safe_load(path.read_text(encoding="utf-8")), read_overlay(path, language), BANK_TEXT)


def formative_banks(language: str = "en") -> dict[str, list[tuple[dict, object]]]:
    """bank name -> [(item, key)] for the lessons' checks (keys are in the bank)."""
    out = {}
    for path in sorted(p for p in (modules_dir() / "items").glob("*.yaml") if not is_overlay(p)):
        bank = read_bank(path, language)
        out[path.stem] = [(item, item.get("key")) for item in bank["items"] if item.get("key") is not None]
    return out


def graded_banks(language: str = "en") -> dict[str, list[tuple[dict, object]]]:
    """assessment -> [(item, key)] for the graded checks and each of their versions
    (keys from the hidden test cells)."""
    out = {}
    for folder in sorted(p for p in assessments_dir().iterdir() if (p / "items.yaml").is_file()):
        bank = read_bank(folder / "items.yaml", language)
        by_id = {item["id"]: item for item in bank["items"]}
        cells = scoring_cells(folder / f"{folder.name}.ipynb")[0]
        keyed = [(by_id[cell.item_id], cell.key) for cell in cells if cell.key is not None and cell.item_id in by_id]
        # every version of an item is a question some learners see: each is measured
        keyed += [({**version, "type": by_id[cell.item_id]["type"]}, cell.variants[version["id"]]["key"])
                  for cell in cells if cell.item_id in by_id
                  for version in by_id[cell.item_id].get("variants", [])]
        if keyed:
            out[folder.name] = keyed
    return out


def single_choice_measures(pairs) -> dict:
    longest, key_lengths, distractor_lengths = 0, [], []
    rows = [(item, key) for item, key in pairs if item["type"] == "single_choice"]
    for item, key in rows:
        lengths = {option["id"]: len(option["text"]) for option in item["options"]}
        others = [n for option_id, n in lengths.items() if option_id != key]
        if lengths[key] > max(others):
            longest += 1
        key_lengths.append(lengths[key])
        distractor_lengths.append(statistics.mean(others))
    if not rows:
        return {}
    return {"items": len(rows), "key_strictly_longest": longest, "key_strictly_longest_share": longest / len(rows),
            "key_to_distractor_length": statistics.mean(key_lengths) / statistics.mean(distractor_lengths)}


def position_counts(pairs) -> Counter:
    """How often each option position (1, 2, ...) is keyed, over single-choice and multiple-select items."""
    counts: Counter = Counter()
    for item, key in pairs:
        if item["type"] in ("single_choice", "multiple_select"):
            ids = [option["id"] for option in item["options"]]
            for keyed in ([key] if isinstance(key, str) else key):
                counts[ids.index(keyed) + 1] += 1
    return counts


def pattern_counts(pairs) -> Counter:
    counts: Counter = Counter()
    for item, key in pairs:
        if item["type"] == "multiple_select":
            ids = [option["id"] for option in item["options"]]
            counts["".join("x" if option_id in key else "-" for option_id in ids)] += 1
    return counts


def identity_matchings(pairs) -> list[str]:
    out = []
    for item, key in pairs:
        if item["type"] == "matching":
            terms = [term["id"] for term in item["terms"]]
            choices = [choice["id"] for choice in item["choices"]]
            if all(choices.index(key[term]) == place for place, term in enumerate(terms)):
                out.append(item["id"])
    return out


def matchings_keyed_by_number(pairs) -> list[str]:
    return [item["id"] for item, key in pairs if item["type"] == "matching"
            and all(key[term["id"]][1:] == term["id"][1:] for term in item["terms"])]


def measures(language: str = "en") -> dict:
    report = {}
    for mode, banks in (("formative", formative_banks(language)), ("graded", graded_banks(language))):
        every = [pair for pairs in banks.values() for pair in pairs]
        positions = position_counts(every)
        patterns = pattern_counts(every)
        report[mode] = {
            "banks": {name: single_choice_measures(pairs) for name, pairs in banks.items()},
            "key_positions": dict(sorted(positions.items())),
            "max_position_share": max(positions.values()) / sum(positions.values()) if positions else 0,
            "multiple_select_patterns": dict(patterns.most_common()),
            "max_pattern_share": max(patterns.values()) / sum(patterns.values()) if patterns else 0,
            "matching_in_file_order": identity_matchings(every),
            "matching_keyed_by_number": matchings_keyed_by_number(every) if mode == "graded" else [],
        }
    ARTIFACT.parent.mkdir(parents=True, exist_ok=True)
    artifact = ARTIFACT if language == "en" else ARTIFACT.with_name(f"item_cues-{language}.json")
    artifact.write_text(json.dumps(report, indent=1), encoding="utf-8")
    return report


@pytest.fixture(scope="module")
def reports():
    return {language: measures(language) for language in LANGUAGES}


@pytest.fixture(scope="module")
def report(reports):
    return reports["en"]


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("mode", MODES)
def test_the_key_does_not_stand_out_by_length(reports, mode, language):
    """In every language: a translation must not make the key the long one."""
    report = reports[language]
    over = {name: round(m["key_strictly_longest_share"], 2) for name, m in report[mode]["banks"].items()
            if m and m["key_strictly_longest_share"] > MAX_LONGEST_SHARE}
    assert over == {}, f"banks where the key is too often the longest option (limit {MAX_LONGEST_SHARE})"
    gaps = {name: round(m["key_to_distractor_length"], 2) for name, m in report[mode]["banks"].items()
            if m and abs(m["key_to_distractor_length"] - 1) > MAX_LENGTH_RATIO_GAP}
    assert gaps == {}, "banks whose keys are on average much longer or shorter than their distractors"


@pytest.mark.parametrize("mode", MODES)
def test_the_key_does_not_stand_out_by_place_or_pattern(report, mode):
    measured = report[mode]
    assert measured["max_position_share"] <= MAX_POSITION_SHARE, measured["key_positions"]
    assert measured["max_pattern_share"] <= MAX_PATTERN_SHARE, measured["multiple_select_patterns"]
    assert measured["matching_in_file_order"] == []
    assert measured["matching_keyed_by_number"] == []
