"""What learners read: no trainer instructions, no hashed source file names,
no symbol that common fonts cannot draw, and a table of contents at the top
of each lesson that matches its sections.

Scans the markdown of every page a learner opens (lessons, the assessments
and the self-assessment) and the HTML the learner page functions produce.
Regenerate the lessons' tables of contents after changing a heading with::

    .venv/bin/python -m tests.course.test_learner_text --write-toc
"""

from __future__ import annotations

import json
import re
import shutil
import sys
from pathlib import Path

import nbformat
import pytest

from peer_widgets.content import assessments_dir, modules_dir
from peer_widgets.manifest import load_manifest

MANIFEST = load_manifest()
TOC_CELL_ID = "toc"
TOC_TITLE = "**On this page:**"

# Words addressed to someone other than the learner, or promising a step that
# does not exist where the page is served.
TRAINER_PHRASES = [
    re.compile(r"\bfor the trainer\b", re.I),
    re.compile(r"\bsupervisors:", re.I),
    re.compile(r"\bgrade it for\b", re.I),
]
# Module checks are handed in through nbgrader; pages on the course server
# (lessons, home, My progress, the self-assessment, the practice exam) have nothing to submit.
SUBMIT = re.compile(r"\bsubmit this assessment\b", re.I)
HASHED_NAME = re.compile(r"\b\d{3}_[0-9a-f]{16}(\.txt)?\b")
# Symbols with no glyph in common fonts (DejaVu, Liberation, Arial): they
# show as an empty box. U+2757 is the heavy exclamation mark emoji.
MISSING_GLYPHS = {"\u2757": "HEAVY EXCLAMATION MARK SYMBOL", "\u26a0\ufe0f": "WARNING SIGN emoji"}


def served_notebooks() -> list[Path]:
    """The notebooks the course server shows (lessons, the self-assessment, the practice exam)."""
    names = [MANIFEST.self_assessment.assessment, MANIFEST.practice_exam.assessment]
    return [modules_dir() / m.notebook for m in MANIFEST.modules] + [assessments_dir() / n / f"{n}.ipynb" for n in names]


def learner_notebooks() -> list[Path]:
    lessons = [modules_dir() / m.notebook for m in MANIFEST.modules]
    return lessons + [assessments_dir() / name / f"{name}.ipynb" for name in MANIFEST.assessments]


def visible_markdown(path: Path) -> str:
    """The markdown a learner sees (HTML comments are for authors and are not shown)."""
    nb = nbformat.read(path, as_version=4)
    text = "\n\n".join(c.source for c in nb.cells if c.cell_type == "markdown")
    return re.sub(r"<!--.*?-->", "", text, flags=re.S)


def problems(text: str, *, served: bool = True) -> list[str]:
    patterns = TRAINER_PHRASES + ([SUBMIT] if served else [])
    found = [f"trainer text: {m.group(0)!r}" for p in patterns for m in p.finditer(text)]
    found += [f"hashed file name: {m.group(0)}" for m in HASHED_NAME.finditer(text)]
    found += [f"symbol without a glyph: {name}" for glyph, name in MISSING_GLYPHS.items() if glyph in text]
    return found


@pytest.mark.parametrize("path", learner_notebooks(), ids=lambda p: p.name)
def test_learner_notebooks_speak_to_the_learner(path):
    assert problems(visible_markdown(path), served=path in served_notebooks()) == []


def test_lessons_state_the_pass_rule_as_the_course_applies_it():
    from peer_widgets.completion import PASS_PERCENT

    for module in MANIFEST.modules:
        text = visible_markdown(modules_dir() / module.notebook)
        stated = re.findall(r"at least (\d+)% of the checks", text)
        assert stated == [str(PASS_PERCENT)], module.notebook


# -- the HTML of the learner's pages ------------------------------------------

@pytest.fixture
def workspace(tmp_path):
    folder = tmp_path / "course"
    shutil.copytree(modules_dir() / "items", folder / "items")
    shutil.copytree(assessments_dir() / MANIFEST.self_assessment.assessment, folder / "self-assessment")
    return folder


@pytest.fixture
def shown(monkeypatch, no_kernel):
    import IPython.display

    out = []
    monkeypatch.setattr(IPython.display, "display", lambda *objects, **kw: out.extend(objects))
    monkeypatch.setattr("peer_widgets.pages.page._style_shown", True)
    return out


def page_text(objects) -> str:
    parts = []
    for o in objects:
        parts.append(str(getattr(o, "value", "") if not isinstance(getattr(o, "value", ""), bool) else ""))
        parts.append(str(getattr(o, "description", "")))
        parts.append(page_text(getattr(o, "children", ())))
    return "\n".join(parts)


def rate_everything(workspace, level="developing"):
    from peer_widgets import load_bank
    from peer_widgets.kinds import competency_items

    bank = load_bank(workspace / "self-assessment" / "items.yaml")
    records = {i.id: {"value": {"rating": level, "comment": "I am new to this."},
                      "answered_at": "2026-11-20T10:00:00Z", "attempts": 1} for i in competency_items(bank)}
    (workspace / "self-assessment" / "responses.json").write_text(
        json.dumps({"schema_version": 1, "items": records}), encoding="utf-8")


@pytest.mark.parametrize("rated", [False, True], ids=["nothing-rated", "all-rated"])
def test_learner_pages_speak_to_the_learner(workspace, shown, rated):
    from peer_widgets.pages.home import show_home, show_progress

    if rated:
        rate_everything(workspace)
    show_home(workspace)
    show_progress(workspace)
    text = page_text(shown)
    assert "My progress" in text and "Keep a copy of your answers" in text
    assert problems(text) == []


def test_development_plan_text_has_no_missing_glyph():
    from peer_widgets.pages.plan import render_plan, summarise

    ratings = {"a": ("support", "developing"), "b": ("crisis", "not-enough-information"),
               "c": ("growth", "advanced"), "d": ("relationships", None)}
    for page in (False, True):
        assert problems(render_plan(summarise(ratings), on_progress_page=page, self_page="x.ipynb")) == []


def test_progress_chart_never_cuts_a_category_label():
    from peer_widgets.categories import categories
    from peer_widgets.pages.profile import CHART_WIDTH, LABEL_CHARS, CategoryProfile, render_chart

    profile = [CategoryProfile(c.id, c.label, 0.5, 2, 1.0, 3) for c in categories()]
    svg = render_chart(profile).split("</svg>")[0]
    labels = re.findall(r"<text class='peer-chart-label'[^>]*>(.*?)</text>", svg)
    assert len(labels) == len(profile)
    for label, row in zip(labels, profile):
        lines = re.findall(r"<tspan[^>]*>(.*?)</tspan>", label)
        assert " ".join(lines) == row.label.replace("&", "&amp;")  # every word is there
        assert all(len(line) <= LABEL_CHARS for line in lines)  # and each line fits the width
    assert LABEL_CHARS * 11 * 0.6 <= CHART_WIDTH  # 11-unit text, generous average glyph width


# -- the table of contents at the top of each lesson ---------------------------

def heading_anchor(heading: str) -> str:
    """The id Voila and nbconvert give a markdown heading (``## Foo bar`` -> ``Foo-bar``)."""
    from nbconvert.filters.markdown_mistune import markdown2html_mistune

    rendered = markdown2html_mistune(heading)
    match = re.search(r'<h\d id="([^"]+)"', rendered)
    if match is None:
        raise ValueError(f"no id for heading {heading!r}")
    return match.group(1)


def sections(nb) -> list[str]:
    """The ``## `` headings of a lesson's markdown, in order (not those in code blocks)."""
    found = []
    for cell in nb.cells:
        if cell.cell_type != "markdown" or cell.get("id") == TOC_CELL_ID:
            continue
        fenced = False
        for line in cell.source.splitlines():
            if line.startswith("```"):
                fenced = not fenced
            elif not fenced and line.startswith("## "):
                found.append(line[3:].strip())
    return found


def expected_toc(nb) -> str:
    links = "\n".join(f"- [{title}](#{heading_anchor('## ' + title)})" for title in sections(nb))
    return f"{TOC_TITLE}\n\n{links}"


def toc_cell(nb):
    return next((c for c in nb.cells if c.get("id") == TOC_CELL_ID), None)


@pytest.mark.parametrize("module", MANIFEST.modules, ids=lambda m: m.id)
def test_each_lesson_opens_with_a_table_of_contents_of_its_sections(module):
    nb = nbformat.read(modules_dir() / module.notebook, as_version=4)
    cell = toc_cell(nb)
    assert cell is not None, f"{module.notebook} has no table of contents; run: python -m {__name__} --write-toc"
    assert nb.cells.index(cell) == 1 and cell.cell_type == "markdown", "the contents come right after the title"
    assert len(sections(nb)) >= 5
    assert cell.source == expected_toc(nb), f"out of date; run: python -m {__name__} --write-toc"


def write_tocs() -> None:
    for module in MANIFEST.modules:
        path = modules_dir() / module.notebook
        nb = nbformat.read(path, as_version=4)
        cell = toc_cell(nb)
        if cell is None:
            cell = nbformat.v4.new_markdown_cell("")
            cell["id"] = TOC_CELL_ID
            nb.cells.insert(1, cell)
        cell.source = expected_toc(nb)
        nbformat.write(nb, path)
        print(f"{path.name}: {len(sections(nb))} sections")


if __name__ == "__main__":
    if "--write-toc" in sys.argv[1:]:
        write_tocs()
