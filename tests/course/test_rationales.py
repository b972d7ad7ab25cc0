"""Every graded key says why, and rests on the lessons.

Each keyed item's hidden test carries a one-sentence rationale beside its
key, shown to the learner only in their feedback. It must open by citing the
lesson section it rests on, as ``Module N, '<section title>': ...``, and that
title must be a ``## `` heading of module N's lesson word for word, so a
trainer can check the key against the lesson and a renamed section is caught.
"""

from __future__ import annotations

import re

import nbformat
import pytest

from peer_course.authoring.validate import scoring_cells
from peer_widgets.content import assessments_dir, modules_dir
from peer_widgets.manifest import load_manifest
from peer_widgets.translations import lesson_cells

MANIFEST = load_manifest(language="en")
ASSESSMENTS = [m.assessment for m in MANIFEST.modules if m.assessment]
#: How a rationale opens in each language: "Module 1, '" / "Módulo 1, '".
CITATION = {"en": re.compile(r"^Module (\d+), '"), "es": re.compile(r"^Módulo (\d+), '")}
LANGUAGES = list(CITATION)


def headings(notebook: str, language: str = "en") -> list[str]:
    """A lesson's ``## `` headings in ``language`` (the Spanish from its translation)."""
    nb = nbformat.read(modules_dir() / notebook, as_version=4)
    spanish = lesson_cells(modules_dir() / notebook, language) if language != "en" else {}
    texts = [spanish.get(cell.get("id"), cell.source) if language != "en" else cell.source
             for cell in nb.cells if cell.cell_type == "markdown"]
    return [line[3:].strip() for text in texts for line in text.splitlines() if line.startswith("## ")]


SECTIONS = {language: {m.number: headings(m.notebook, language) for m in MANIFEST.modules} for language in LANGUAGES}


def rationales(name: str, language: str = "en") -> dict[str, str | None]:
    """item id (and "<item id> v2" for each other version) -> the rationale in
    ``language`` in its hidden test call (None if it has none)."""
    found: dict[str, str | None] = {}
    for cell in scoring_cells(assessments_dir() / name / f"{name}.ipynb")[0]:
        for version, texts in cell.rationales.items():
            found[f"{cell.item_id} {version}".strip()] = texts.get(language)
    return found


def cited_section(rationale: str, language: str = "en") -> tuple[int, str] | None:
    """(module number, section title) a rationale opens by citing, if it cites a real one."""
    match = CITATION[language].match(rationale)
    if not match:
        return None
    number = int(match.group(1))
    rest = rationale[match.end():]
    for title in sorted(SECTIONS[language].get(number, []), key=len, reverse=True):
        if rest.startswith(title + "'"):
            return number, title
    return None


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("name", ASSESSMENTS)
def test_every_key_has_a_rationale_citing_a_real_lesson_section(name, language):
    cells = scoring_cells(assessments_dir() / name / f"{name}.ipynb")[0]
    keyed = [cell.item_id for cell in cells if cell.key is not None]
    keyed += [f"{cell.item_id} {version}" for cell in cells for version in cell.variants]
    found = rationales(name, language)
    missing = [item_id for item_id in keyed if not found.get(item_id)]
    assert missing == [], f"{name}: keyed items without a rationale in {language}"
    uncited = {item_id: found[item_id][:80] for item_id in keyed if cited_section(found[item_id], language) is None}
    assert uncited == {}, (f"{name}: rationales in {language} that do not open with Module N, '<a ## title of that "
                           "lesson, in the same language>'")


def test_a_misnamed_section_is_caught():
    number, title = MANIFEST.modules[0].number, SECTIONS["en"][MANIFEST.modules[0].number][0]
    assert cited_section(f"Module {number}, '{title}': the key follows the lesson.") == (number, title)
    assert cited_section(f"Module {number}, '{title} (renamed)': the key follows the lesson.") is None
    assert cited_section(f"Lesson {number}, '{title}': the key follows the lesson.") is None
    spanish = SECTIONS["es"][number][0]
    assert spanish != title
    assert cited_section(f"Módulo {number}, '{spanish}': la clave sigue la lección.", "es") == (number, spanish)
    assert cited_section(f"Módulo {number}, '{title}': la clave sigue la lección.", "es") is None
