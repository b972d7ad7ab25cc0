"""Is the course whole in every language? What a learner would meet untranslated.

For each language the course is offered in (one with an interface catalogue,
``widgets/locale/<lang>/``), every text a learner reads must exist in it:

* the interface (its catalogue has every message of the template);
* the course's data: competency statements, certification frameworks, the
  manifest's titles and objectives;
* every lesson: each markdown cell, with the same headings and links;
* every item bank, lesson and assessment: each question, option, feedback,
  hint and content note, for every version of a question;
* every assessment notebook: each passage in that language too, and each
  explanation of a key (the rationale beside it in the hidden tests).

:func:`translation_problems` lists what is missing or out of step, one line
each, naming the file, the entry and what to do; ``peer-course validate``
and the tests report them, so the course stays complete in every language.
"""

from __future__ import annotations

import re
from pathlib import Path

import nbformat
import yaml
from peer_course.authoring.scoring import scoring_cells
from peer_widgets.bank import ItemBankError
from peer_widgets.categories import DATA_FILE as COMPETENCIES
from peer_widgets.content import assessments_dir, manifest_path, modules_dir
from peer_widgets.frameworks import DATA_FILE as FRAMEWORKS
from peer_widgets.i18n import LOCALE_DIR, available_languages
from peer_widgets.manifest import load_manifest
from peer_widgets.pages.language import bilingual_parts
from peer_widgets.translations import (
    BANK_TEXT,
    COMPETENCY_TEXT,
    FRAMEWORK_TEXT,
    MANIFEST_TEXT,
    SOURCE_LANGUAGE,
    lesson_cells,
    missing,
    overlay_path,
    read_overlay,
    stray,
)


def course_languages() -> list[str]:
    """The languages besides English the course is offered in."""
    return [language for language in available_languages() if language != SOURCE_LANGUAGE]


def _read(path: Path):
    return yaml.load(path.read_text(encoding="utf-8"), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))


def overlay_problems(source: Path, language: str, fields: frozenset[str]) -> list[str]:
    """What the ``language`` overlay of a data file lacks or holds beyond its source."""
    where = overlay_path(source, language)
    if not where.is_file():
        return [f"{where}: missing; translate {source.name} into it (see peer_widgets.translations)"]
    try:
        overlay = read_overlay(source, language)
    except yaml.YAMLError as error:
        return [f"{where}: not valid YAML ({error})"]
    data = _read(source)
    problems = [f"{where}: '{path}': no translation; add it" for path in missing(data, overlay, fields)]
    problems += [f"{where}: '{path}': not in {source.name}; remove it or fix its id" for path in stray(data, overlay)]
    return problems


def _headings(markdown: str) -> list[str]:
    return [line.split(" ")[0] for line in markdown.splitlines() if re.match(r"#{1,6} ", line)]


def _links(markdown: str) -> list[str]:
    return sorted(re.findall(r"\]\(([^)#][^)]*)\)", markdown))


def lesson_problems(notebook: Path, language: str) -> list[str]:
    """Every markdown cell of a lesson has its translation, with the same headings and links."""
    where = overlay_path(notebook, language)
    if not where.is_file():
        return [f"{where}: missing; translate every markdown cell of {notebook.name} into it, by cell id"]
    cells = lesson_cells(notebook, language)
    nb = nbformat.read(notebook, as_version=4)
    problems = []
    ids = set()
    for cell in nb.cells:
        if cell.cell_type != "markdown":
            continue
        ids.add(cell.get("id"))
        text = cells.get(cell.get("id"), "")
        if not text.strip():
            problems.append(f"{where}: cell '{cell.get('id')}': no translation; add it")
            continue
        if _headings(text) != _headings(cell.source):
            problems.append(f"{where}: cell '{cell.get('id')}': its headings differ from the English cell's; "
                            "keep one heading of the same level for each")
        if _links(text) != _links(cell.source):
            problems.append(f"{where}: cell '{cell.get('id')}': its links differ from the English cell's "
                            f"({_links(cell.source)}); keep every link target")
    problems += [f"{where}: cell '{cell_id}': not a markdown cell of {notebook.name}; remove it"
                 for cell_id in sorted(set(cells) - ids)]
    return problems


def assessment_problems(notebook: Path, language: str) -> list[str]:
    """Every passage of an assessment notebook, and every rationale, in ``language``."""
    problems = []
    for cell in nbformat.read(notebook, as_version=4).cells:
        if cell.cell_type == "markdown" and not bilingual_parts(cell.source).get(language, "").strip():
            name = cell.metadata.get("nbgrader", {}).get("grade_id") or cell.get("id")
            problems.append(f"{notebook}: cell '{name}': no {language} passage; write the cell with "
                            "peer_widgets.pages.language.bilingual_markdown")
    try:
        cells = scoring_cells(notebook)[0]
    except ItemBankError:
        return problems  # its bank's own problem is reported by the assessment's check
    for scoring in cells:
        if scoring.key is None:
            continue
        for version in ["", *scoring.variants]:
            if not (scoring.rationales.get(version) or {}).get(language, "").strip():
                label = f"{scoring.item_id} {version}".strip()
                problems.append(f"{notebook}: item '{label}': field 'rationale': no {language} rationale; give "
                                f"it as {{\"en\": ..., \"{language}\": ...}}")
    return problems


def translation_problems(languages: list[str] | None = None) -> list[str]:
    """Everything a learner would meet untranslated, for each course language."""
    from peer_course.authoring.messages import untranslated

    manifest = load_manifest(language=SOURCE_LANGUAGE)
    problems: list[str] = []
    for language in course_languages() if languages is None else languages:
        po = LOCALE_DIR / language / "LC_MESSAGES" / "peer_widgets.po"
        problems += [f"{po}: msgid {message!r}: no translation; add it (then run peer-course messages)"
                     for message in (untranslated(po) if po.is_file() else ["(the whole catalogue)"])]
        problems += overlay_problems(COMPETENCIES, language, COMPETENCY_TEXT)
        problems += overlay_problems(FRAMEWORKS, language, FRAMEWORK_TEXT)
        problems += overlay_problems(manifest_path(), language, MANIFEST_TEXT)
        for module in manifest.modules:
            problems += lesson_problems(modules_dir() / module.notebook, language)
            problems += overlay_problems(modules_dir() / module.bank, language, BANK_TEXT)
        for name in manifest.assessments:
            folder = assessments_dir() / name
            problems += overlay_problems(folder / "items.yaml", language, BANK_TEXT)
            problems += assessment_problems(folder / f"{name}.ipynb", language)
    return problems
