"""The crosswalk: every item tagged in three frameworks, and the page and the
trainer report counting those tags the same way (issue 14, "Crosswalk").

The counts here are made from the bank files directly (plain YAML, not the
course's loader), so a miscount in :mod:`peer_widgets.coverage` is caught.
"""

from __future__ import annotations

import html
import re
from collections import Counter

import pytest
import yaml

from peer_widgets.categories import category_ids
from peer_widgets.content import assessments_dir, modules_dir
from peer_widgets.coverage import MIN_GRADED, coverage
from peer_widgets.frameworks import frameworks
from peer_widgets.manifest import load_manifest
from peer_widgets.pages.crosswalk import render_crosswalk

MANIFEST = load_manifest()
KNOWLEDGE = {"single_choice", "multiple_select", "matching"}
FIELDS = ["category", "california", "icrc"]


def graded_counts() -> dict[str, Counter]:
    counts = {field: Counter() for field in FIELDS}
    for module in MANIFEST.modules:
        bank = yaml.safe_load((assessments_dir() / module.assessment / "items.yaml").read_text(encoding="utf-8"))
        for item in bank["items"]:
            if item["type"] in KNOWLEDGE:
                for field in FIELDS:
                    counts[field][item[field]] += 1
    return counts


def test_the_coverage_counts_every_graded_question_once_per_framework():
    rows = coverage(MANIFEST)
    expected = graded_counts()
    for field in FIELDS:
        mine = {row.entry.id: row.graded for row in rows if row.framework.field == field}
        assert {k: v for k, v in mine.items() if v} == dict(expected[field]), field
    total = sum(expected["icrc"].values())
    assert all(sum(row.graded for row in rows if row.framework.field == field) == total for field in FIELDS)


def test_the_page_lists_every_competency_with_its_modules_and_says_it_is_not_a_certification():
    rows = coverage(MANIFEST)
    page = render_crosswalk(MANIFEST, rows)
    plain = html.unescape(page)
    for framework in frameworks():
        assert framework.name in plain
        for entry in framework.entries:
            assert f"<th scope='row'>{html.escape(entry.name)}</th>" in page
    assert "This course is not a state peer certification." in plain
    assert "general knowledge" in plain
    trauma = next(r for r in rows if r.framework.field == "california" and r.entry.id == "trauma-informed-care")
    for module in trauma.modules:
        assert f"href='{module.notebook}'" in page


def test_the_page_escapes_what_it_shows(monkeypatch):
    import dataclasses

    rows = coverage(MANIFEST)
    evil = dataclasses.replace(rows[0], entry=dataclasses.replace(rows[0].entry, name="<script>x</script>"))
    page = render_crosswalk(MANIFEST, [evil, *rows[1:]])
    assert "<script>x</script>" not in page and "&lt;script&gt;x&lt;/script&gt;" in page


def test_the_home_page_links_to_the_crosswalk():
    from peer_widgets.pages.home import render_home

    page = render_home(MANIFEST, [], [], None)
    assert re.search(r"href='crosswalk\.ipynb'>How this course maps to peer certification", page)
    assert (modules_dir() / "crosswalk.ipynb").is_file()


@pytest.mark.parametrize("field", FIELDS)
def test_every_competency_of_every_framework_has_at_least_ten_graded_questions(field):
    counts = graded_counts()[field]
    entries = category_ids() if field == "category" else next(f for f in frameworks() if f.field == field).ids
    short = {entry: counts[entry] for entry in entries if counts[entry] < MIN_GRADED}
    assert short == {}, f"{field}: competencies with fewer than {MIN_GRADED} graded questions"
