"""Every graded key says why, and rests on the lessons.

Each keyed item's hidden test carries a one-sentence rationale beside its
key, shown to the learner only in their feedback. It must open by citing the
lesson section it rests on, as ``Module N, '<section title>': ...``, and that
title must be a ``## `` heading of module N's lesson word for word, so a
trainer can check the key against the lesson and a renamed section is caught.
"""

from __future__ import annotations

import ast
import re

import nbformat
import pytest

from peer_course.authoring.validate import scoring_cells
from peer_widgets.content import assessments_dir, modules_dir
from peer_widgets.manifest import load_manifest

MANIFEST = load_manifest()
ASSESSMENTS = [m.assessment for m in MANIFEST.modules if m.assessment]
CITATION = re.compile(r"^Module (\d+), '")


def headings(notebook: str) -> list[str]:
    nb = nbformat.read(modules_dir() / notebook, as_version=4)
    return [line[3:].strip() for cell in nb.cells if cell.cell_type == "markdown"
            for line in cell.source.splitlines() if line.startswith("## ")]


SECTIONS = {m.number: headings(m.notebook) for m in MANIFEST.modules}


def rationales(name: str) -> dict[str, str | None]:
    """item id (and "<item id> v2" for each other version) -> the rationale in its
    hidden test call (None if it has none)."""
    nb = nbformat.read(assessments_dir() / name / f"{name}.ipynb", as_version=4)
    found: dict[str, str | None] = {}
    for cell in nb.cells:
        if cell.cell_type != "code" or "score_" not in cell.source:
            continue
        hidden = cell.source.replace("### BEGIN HIDDEN TESTS", "").replace("### END HIDDEN TESTS", "")
        for node in ast.walk(ast.parse(hidden)):
            if isinstance(node, ast.Call) and getattr(node.func, "id", "").startswith("score_") and node.args:
                item_id = node.args[0].value
                words = {k.arg: ast.literal_eval(k.value) for k in node.keywords}
                found[item_id] = words.get("rationale")
                # each other version's rationale, under "<item id> <version>"
                for version, spec in (words.get("variants") or {}).items():
                    found[f"{item_id} {version}"] = spec.get("rationale")
    return found


def cited_section(rationale: str) -> tuple[int, str] | None:
    """(module number, section title) a rationale opens by citing, if it cites a real one."""
    match = CITATION.match(rationale)
    if not match:
        return None
    number = int(match.group(1))
    rest = rationale[match.end():]
    for title in sorted(SECTIONS.get(number, []), key=len, reverse=True):
        if rest.startswith(title + "'"):
            return number, title
    return None


@pytest.mark.parametrize("name", ASSESSMENTS)
def test_every_key_has_a_rationale_citing_a_real_lesson_section(name):
    cells = scoring_cells(assessments_dir() / name / f"{name}.ipynb")[0]
    keyed = [cell.item_id for cell in cells if cell.key is not None]
    keyed += [f"{cell.item_id} {version}" for cell in cells for version in cell.variants]
    found = rationales(name)
    missing = [item_id for item_id in keyed if not found.get(item_id)]
    assert missing == [], f"{name}: keyed items without a rationale"
    uncited = {item_id: found[item_id][:80] for item_id in keyed if cited_section(found[item_id]) is None}
    assert uncited == {}, f"{name}: rationales that do not open with Module N, '<a ## title of that lesson>'"


def test_a_misnamed_section_is_caught():
    number, title = MANIFEST.modules[0].number, SECTIONS[MANIFEST.modules[0].number][0]
    assert cited_section(f"Module {number}, '{title}': the key follows the lesson.") == (number, title)
    assert cited_section(f"Module {number}, '{title} (renamed)': the key follows the lesson.") is None
    assert cited_section(f"Lesson {number}, '{title}': the key follows the lesson.") is None
