"""Every graded knowledge item has a parallel version (issue 13, "Item variants").

A learner sees one version of each item, chosen for them, so two learners
side by side do not read the same question. A version tests the same
competency with the same entry ids (the bank enforces that); here the
course's content is checked: every keyed item of every assessment has at
least one version, each version reads as another question (a new scenario,
or mostly new options, terms and choices), and each has its own key in the
hidden tests (``peer-course validate`` checks that key names real entries).
"""

from __future__ import annotations

import pytest

from peer_course.authoring.validate import scoring_cells
from peer_widgets.bank import load_bank
from peer_widgets.content import assessments_dir
from peer_widgets.kinds import kind_of
from peer_widgets.manifest import load_manifest

ASSESSMENTS = [m.assessment for m in load_manifest().modules if m.assessment]
#: Without a new scenario, at least this share of what a learner chooses among is new text.
MIN_NEW_ENTRIES = 0.4


def texts(item) -> list[str]:
    return [entry.text for field in kind_of(item).entry_fields for entry in getattr(item, field)]


@pytest.mark.parametrize("name", ASSESSMENTS)
def test_every_knowledge_item_has_another_version_with_its_own_key(name):
    bank = load_bank(assessments_dir() / name / "items.yaml")
    keyed = [item for item in bank if kind_of(item).keyed]
    assert keyed, f"{name} has no knowledge items"
    assert [item.id for item in keyed if not item.variants] == [], f"{name}: knowledge items with one version only"
    cells = {cell.item_id: cell for cell in scoring_cells(assessments_dir() / name / f"{name}.ipynb")[0]}
    unkeyed = [f"{item.id} {version}" for item in keyed for version in item.variant_ids[1:]
               if (cells[item.id].variants.get(version) or {}).get("key") is None]
    assert unkeyed == []


@pytest.mark.parametrize("name", ASSESSMENTS)
def test_each_version_is_another_question(name):
    same = []
    for item in load_bank(assessments_dir() / name / "items.yaml"):
        for version in item.variants:
            if item.scenario:
                if version.scenario.strip() == item.scenario.strip():
                    same.append(f"{item.id} {version.variant}: same scenario")
                continue
            first = set(texts(item))
            new = [text for text in texts(version) if text not in first]
            if len(new) < MIN_NEW_ENTRIES * len(texts(version)):
                same.append(f"{item.id} {version.variant}: only {len(new)} of {len(texts(version))} entries are new")
    assert same == []
