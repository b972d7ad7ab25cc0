"""The curriculum as data: every module meets the content standards, every
competency category is assessed, and lessons are readable."""

from __future__ import annotations

import csv
import re
from collections import Counter
from pathlib import Path

import nbformat
import pytest

from peer_widgets.manifest import load_manifest
from peer_widgets.content import assessments_dir, modules_dir
from peer_course.authoring.readability import flesch_kincaid_grade, plain_text
from peer_widgets import load_bank
from peer_widgets.categories import categories

REPO = Path(__file__).resolve().parents[2]
MANIFEST = load_manifest()
KNOWLEDGE = ("single_choice", "multiple_select", "matching")
SEEDS = {"000_311f4b509ee7b894.txt", "001_2e7cb094c02a5d76.txt", "002_836504b2f6a5e457.txt",
         "003_43dee9560f397310.txt", "004_d90549240843995e.txt"}


def lesson(module) -> nbformat.NotebookNode:
    return nbformat.read(modules_dir() / module.notebook, as_version=4)


def markdown(module) -> str:
    return "\n\n".join(c.source for c in lesson(module).cells if c.cell_type == "markdown")


def signature(item) -> tuple:
    """What makes two items the same question."""
    return (item.scenario, item.prompt, tuple(o.text for o in item.options + item.terms))


def all_items():
    for module in MANIFEST.modules:
        yield from load_bank(modules_dir() / module.bank)
    for name in MANIFEST.assessments:
        yield from load_bank(assessments_dir() / name / "items.yaml")


def test_seventeen_modules_in_order_plus_self_assessment_and_practice_exam():
    assert [m.number for m in MANIFEST.modules] == list(range(1, 18))
    assert [m.id for m in MANIFEST.modules] == [
        "peer-role", "recovery-principles", "recovery-language", "ethics-boundaries",
        "sharing-lived-experience", "culture-navigation", "planning-crisis-selfcare",
        "trauma-informed", "listening-conversation", "group-facilitation", "co-occurring-whole-health",
        "conflict-teamwork", "documentation", "advocacy-movement", "digital-telehealth", "peer-workplace",
        "community-health-promotores"]
    assert MANIFEST.self_assessment.assessment == "core-competencies-self-assessment"
    assert MANIFEST.practice_exam.assessment == "practice-exam"


def test_at_least_fifteen_hours_of_modules():
    assert sum(m.minutes for m in MANIFEST.modules) >= 15 * 60


@pytest.mark.parametrize("module", MANIFEST.modules, ids=lambda m: m.id)
def test_module_meets_content_standards(module):
    bank = load_bank(modules_dir() / module.bank)
    knowledge = [i for i in bank if i.type in KNOWLEDGE]
    assert len(knowledge) >= 15
    for item in knowledge:
        if item.type == "matching":
            assert all(term.feedback for term in item.terms), item.id
        else:
            assert all(option.feedback for option in item.options), item.id
            texts = " ".join(o.text.lower() for o in item.options)
            assert "all of the above" not in texts and "none of the above" not in texts, item.id
    scenario_based = sum(1 for i in knowledge if i.scenario)
    assert scenario_based >= len(knowledge) // 2, f"{module.id}: only {scenario_based} scenario items"
    graded = load_bank(assessments_dir() / module.assessment / "items.yaml")
    assert len([i for i in graded if i.type in KNOWLEDGE]) >= 15
    assert {i.type for i in graded} >= {"single_choice", "multiple_select", "rating", "reflection"}
    assert not {signature(i) for i in graded} & {signature(i) for i in knowledge}, "assessment repeats a lesson item"
    text = markdown(module)
    first = lesson(module).cells[0].source
    assert first.startswith(f"# Module {module.number}: ")
    assert "What you will learn" in first
    assert set(module.sources) <= SEEDS
    assert all(source in text for source in module.sources), "the lesson must name its source documents"
    assert "## Summary" in text
    assert all(item.skippable for item in bank if item.type == "reflection")


@pytest.mark.parametrize("module", MANIFEST.modules, ids=lambda m: m.id)
def test_lesson_links_go_home_and_to_the_next_module(module):
    last = lesson(module).cells[-1].source
    links = re.findall(r"\]\(([^)]+\.ipynb)\)", last)
    index = MANIFEST.modules.index(module)
    following = MANIFEST.modules[index + 1].notebook if index + 1 < len(MANIFEST.modules) else MANIFEST.home
    assert links == [MANIFEST.home, following]


def test_every_category_assessed_by_at_least_five_items():
    counts = Counter(item.category for item in all_items() if item.type != "reflection")
    assert {c.id: counts[c.id] for c in categories() if counts[c.id] < 5} == {}
    assert set(counts) == {c.id for c in categories()}


def test_self_assessment_has_all_62_statements_in_order():
    bank = load_bank(assessments_dir() / "core-competencies-self-assessment" / "items.yaml")
    ratings = [i for i in bank if i.type == "rating"]
    expected = [(c.id, s) for c in categories() for s in c.statements]
    assert [(i.category, i.prompt) for i in ratings] == expected
    assert len(ratings) == 62
    assert all(i.scale == "competency" for i in ratings)
    assert [i.id for i in bank if i.type == "reflection"] == ["cc-plan-strengths", "cc-plan-growth", "cc-plan-steps"]


def test_readability_report(tmp_path_factory):
    """Flesch-Kincaid grade per lesson, saved as an artifact; about 8th grade is the aim."""
    rows = []
    for module in MANIFEST.modules:
        text = plain_text(markdown(module))
        rows.append((module.notebook, len(text.split()), flesch_kincaid_grade(text)))
    out = REPO / "artifacts"
    out.mkdir(exist_ok=True)
    with (out / "readability.csv").open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["notebook", "words", "flesch_kincaid_grade"])
        writer.writerows(rows)
    print("\n".join(f"{name}: {words} words, grade {grade}" for name, words, grade in rows))
    assert all(grade <= 9.0 for _, _, grade in rows), rows
    assert all(words >= 1200 for _, words, _ in rows), rows


def test_readability_formula_on_known_text():
    assert flesch_kincaid_grade("The cat sat on the mat.") == -1.4
    assert flesch_kincaid_grade("") == 0.0
    long = ("Recovery is a process of change through which individuals improve their health and wellness, "
            "live a self-directed life, and strive to reach their full potential.")
    assert flesch_kincaid_grade(long) == 11.8
