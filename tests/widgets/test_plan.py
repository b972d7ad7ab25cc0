"""The development plan sums up competency ratings by category, live."""

from __future__ import annotations

import pytest
import yaml

from peer_widgets import load_bank, make_widget
from tests.widgets.test_items import browser_sends
from peer_widgets.pages.plan import DevelopmentPlan, summarise
from peer_widgets.store import ResponseStore


def test_summary_kinds():
    ratings = {
        "a1": ("relationships", "advanced"), "a2": ("relationships", "proficient"),
        "b1": ("support", "developing"), "b2": ("support", "advanced"),
        "c1": ("crisis", "not-enough-information"),
        "d1": ("growth", "proficient"), "d2": ("growth", None),
        "e1": ("collaboration", "not-applicable"),
    }
    kinds = {s.category_id: s.kind for s in summarise(ratings)}
    assert kinds == {"relationships": "strength", "support": "growth", "crisis": "discuss",
                     "growth": "unrated", "collaboration": "not-applicable"}


@pytest.mark.usefixtures("no_kernel")
def test_plan_updates_as_learner_rates(tmp_path, notebook_dir):
    bank_file = tmp_path / "bank.yaml"
    bank_file.write_text(yaml.safe_dump({
        "schema_version": 1, "id": "plan", "title": "Plan", "mode": "formative",
        "items": [{"id": f"r{i}", "type": "rating", "scale": "competency", "category": cat, "prompt": f"S{i}"}
                  for i, cat in enumerate(["relationships", "relationships", "crisis"])]}), encoding="utf-8")
    bank = load_bank(bank_file)
    store = ResponseStore.for_folder()
    widgets = [make_widget(item, store) for item in bank]
    plan = DevelopmentPlan(widgets)
    assert "Not finished yet" in plan.value
    for widget in widgets[:2]:
        browser_sends(widget, {"rating": "advanced", "comment": ""})
    assert "Your strengths" in plan.value
    assert "I. Engages peers in collaborative and caring relationships (2 of 2 rated)" in plan.value
    browser_sends(widgets[2], {"rating": "developing", "comment": ""})
    assert "Areas to grow (at least one Developing)</h3><ul><li>VIII. Helps peers to manage crises (1 of 1 rated)" in plan.value
