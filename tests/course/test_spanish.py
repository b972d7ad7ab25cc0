"""The Spanish edition: the whole course in Spanish, the same course underneath.

Every text a learner reads has its Spanish (checked by the same function as
``peer-course validate``), lessons keep their structure, the Spanish is at
least "bastante fácil" on the Fernández-Huerta scale, and a translation can
only change words: ids, keys and points come from the English source alone.
"""

from __future__ import annotations

import csv
import re
import shutil
from pathlib import Path

import nbformat
import pytest
import yaml

from peer_course.authoring.readability import fernandez_huerta, fernandez_huerta_band, plain_text
from peer_course.authoring.translated import translation_problems
from peer_widgets.bank import load_bank
from peer_widgets.content import assessments_dir, modules_dir
from peer_widgets.manifest import load_manifest
from peer_widgets.translations import BANK_TEXT, lesson_cells, read_overlay, translate
from tests.course.test_learner_text import TOC_CELL_ID, heading_anchor, sections

REPO = Path(__file__).resolve().parents[2]
MANIFEST = load_manifest(language="en")
SPANISH = load_manifest(language="es")
EASY_ENOUGH = 70  # Fernández-Huerta: 70 to 80 is "bastante fácil"


def test_the_whole_course_is_in_spanish():
    problems = translation_problems(["es"])
    assert problems == [], f"{len(problems)} texts a Spanish-speaking learner would meet untranslated:\n" + \
        "\n".join(problems[:40])


@pytest.fixture
def course_copy(tmp_path, monkeypatch):
    """A copy of the course content, used as the course (``PEER_COURSE_ROOT``)."""
    root = tmp_path / "course"
    shutil.copytree(modules_dir(), root / "modules")
    shutil.copytree(assessments_dir(), root / "assessments")
    monkeypatch.setenv("PEER_COURSE_ROOT", str(root))
    return root


def test_a_missing_or_stray_translation_is_named(course_copy):
    lesson = course_copy / "modules" / "items" / "peer-role.es.yaml"
    data = yaml.safe_load(lesson.read_text(encoding="utf-8"))
    first = next(iter(data["items"]))
    del data["items"][first]["prompt"]
    data["items"]["pr-zz"] = {"prompt": "¿Qué?"}
    lesson.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    cells = course_copy / "modules" / "01-peer-role.es.yaml"
    text = yaml.safe_load(cells.read_text(encoding="utf-8"))
    cell_id = next(c for c in text["cells"] if c != "toc")
    text["cells"][cell_id] = "Texto sin el título"
    cells.write_text(yaml.safe_dump(text, allow_unicode=True), encoding="utf-8")
    problems = translation_problems(["es"])
    assert f"{lesson}: '/items/{first}/prompt': no translation; add it" in problems
    assert f"{lesson}: '/items/pr-zz': not in peer-role.yaml; remove it or fix its id" in problems
    assert any(p.startswith(f"{cells}: cell '{cell_id}': its headings differ") for p in problems)


def test_an_assessment_passage_or_rationale_left_in_english_is_named(course_copy):
    notebook = course_copy / "assessments" / "peer-role-check" / "peer-role-check.ipynb"
    nb = nbformat.read(notebook, as_version=4)
    intro = next(c for c in nb.cells if c.cell_type == "markdown")
    intro.source = "# The peer role: check"
    test = next(c for c in nb.cells if "rationale=" in c.source)
    test.source = re.sub(r', "es": "[^"]*"\}', "}", test.source, count=1)
    nbformat.write(nb, notebook)
    problems = translation_problems(["es"])
    assert f"{notebook}: cell 'intro': no es passage; write the cell with " \
           "peer_widgets.pages.language.bilingual_markdown" in problems
    assert any(p.startswith(f"{notebook}: item 'pr-k01': field 'rationale': no es rationale") for p in problems)


def test_a_translation_changes_words_only():
    source = {"id": "x", "key": "a", "points": 1, "prompt": "Which one?",
              "options": [{"id": "a", "text": "This"}, {"id": "b", "text": "That"}]}
    overlay = {"prompt": "¿Cuál?", "key": "b", "points": 9, "options": {"a": {"text": "Este", "id": "b"}}}
    assert translate(source, overlay, BANK_TEXT) == {
        "id": "x", "key": "a", "points": 1, "prompt": "¿Cuál?",
        "options": [{"id": "a", "text": "Este"}, {"id": "b", "text": "That"}]}


def _assessment_banks() -> list[Path]:
    return [assessments_dir() / name / "items.yaml" for name in MANIFEST.assessments]


@pytest.mark.parametrize("bank_path", [modules_dir() / m.bank for m in MANIFEST.modules] + _assessment_banks(),
                         ids=lambda p: f"{p.parent.name}/{p.name}")
def test_the_spanish_bank_is_the_same_bank_in_other_words(bank_path):
    english, spanish = load_bank(bank_path, language="en"), load_bank(bank_path, language="es")
    assert spanish.ids == english.ids
    for item in english:
        twin = spanish[item.id]
        assert (twin.type, twin.points, twin.key, twin.category, twin.variant_ids) == \
               (item.type, item.points, item.key, item.category, item.variant_ids)
        assert [o.id for o in twin.options] == [o.id for o in item.options]
        assert twin.prompt != item.prompt or len(item.prompt) < 15, f"{item.id}: the prompt is still in English"


@pytest.mark.parametrize("name", MANIFEST.assessments)
def test_a_released_spanish_bank_holds_no_key_or_rationale(name):
    text = (assessments_dir() / name / "items.es.yaml").read_text(encoding="utf-8")
    assert not re.search(r"^\s*(key|rationale):", text, flags=re.M)


@pytest.mark.parametrize("module", MANIFEST.modules, ids=lambda m: m.id)
def test_each_spanish_lesson_has_its_title_and_contents(module):
    english = nbformat.read(modules_dir() / module.notebook, as_version=4)
    cells = lesson_cells(modules_dir() / module.notebook, "es")
    spanish = nbformat.v4.new_notebook()
    for source in (c for c in english.cells if c.cell_type == "markdown"):
        spanish.cells.append(nbformat.v4.new_markdown_cell(cells[source.id], id=source.id))
    title = SPANISH.module(module.id).title
    assert spanish.cells[0].source.splitlines()[0] == f"# Módulo {module.number}: {title}"
    toc = next(c for c in spanish.cells if c.get("id") == TOC_CELL_ID)
    links = [line for line in toc.source.splitlines() if line.startswith("- [")]
    assert links == [f"- [{t}](#{heading_anchor('## ' + t)})" for t in sections(spanish)]
    assert len(links) == len(sections(english))


def test_spanish_readability_report():
    """Fernández-Huerta per lesson, beside the English Flesch-Kincaid in artifacts/."""
    rows = []
    for module in MANIFEST.modules:
        text = plain_text("\n\n".join(v for k, v in lesson_cells(modules_dir() / module.notebook, "es").items()
                                      if k != TOC_CELL_ID))
        score = fernandez_huerta(text)
        rows.append((module.notebook, len(text.split()), score, fernandez_huerta_band(score)))
    out = REPO / "artifacts"
    out.mkdir(exist_ok=True)
    with (out / "readability-es.csv").open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["notebook", "palabras", "fernandez_huerta", "nivel"])
        writer.writerows(rows)
    print("\n".join(f"{name}: {words} palabras, Fernández-Huerta {score} ({band})" for name, words, score, band in rows))
    assert all(score >= EASY_ENOUGH for _, _, score, _ in rows), rows


def test_fernandez_huerta_on_known_text():
    assert fernandez_huerta("") == 0.0
    # 7 words, 11 syllables (el ga-to se sen-tó en la al-fom-bra), 1 sentence
    assert fernandez_huerta("El gato se sentó en la alfombra.") == round(206.84 - 60 * 11 / 7 - 1.02 * 7, 1)
    assert fernandez_huerta_band(75) == "bastante fácil"
    assert fernandez_huerta_band(69.9) == "normal"


def test_the_self_assessment_uses_one_spanish_wording_of_the_62_statements():
    from peer_widgets.categories import framework

    bank = load_bank(assessments_dir() / "core-competencies-self-assessment" / "items.yaml", language="es")
    statements = [(c.id, s) for c in framework("es")[1] for s in c.statements]
    assert [(i.category, i.prompt) for i in bank if i.type == "rating"] == statements
    assert read_overlay(REPO / "widgets" / "data" / "competencies.yaml", "es") is not None


def test_a_module_has_one_spanish_title_everywhere():
    """The lesson's heading, the manifest (home, progress, certificate) and every link to it agree."""
    titles = {m.notebook: m.title for m in SPANISH.modules}
    for module in MANIFEST.modules:
        for text in lesson_cells(modules_dir() / module.notebook, "es").values():
            for title, page in re.findall(r"\[Siguiente: ([^\]]*?) →\]\(([0-9][0-9]-[a-z-]+\.ipynb)\)", text):
                assert title == titles[page], f"{module.notebook}: the link to {page}"


def test_one_spanish_wording_of_each_samhsa_statement_everywhere():
    """A self-rating quoting a SAMHSA statement uses the course's one Spanish wording of it."""
    from peer_widgets.categories import framework

    spanish_of = {(c.id, english): spanish for c, s in zip(framework("en")[1], framework("es")[1])
                  for english, spanish in zip(c.statements, s.statements)}
    for path in [modules_dir() / m.bank for m in MANIFEST.modules] + _assessment_banks():
        english, spanish = load_bank(path, language="en"), load_bank(path, language="es")
        for item in english:
            if item.type == "rating" and (item.category, item.prompt) in spanish_of:
                assert spanish[item.id].prompt == spanish_of[(item.category, item.prompt)], item.id


def test_the_reason_for_a_zero_reaches_spanish_feedback():
    """The grader prints in the learner's language; their feedback finds the reason in it."""
    from peer_course.grading.feedback import zero_reason
    from peer_widgets.grading import ZERO_SCORE
    from peer_widgets.i18n import gettext, speaking

    with speaking("es"):
        line = gettext(ZERO_SCORE).format(item="pr-k01", points="1", reason="no se guardó ninguna respuesta.")
    assert line.startswith("pr-k01: 0 de 1 puntos")
    cell = {"outputs": [{"output_type": "stream", "name": "stdout", "text": line + "\n"}]}
    assert zero_reason(cell, "pr-k01", "es") == "no se guardó ninguna respuesta."
    assert zero_reason(cell, "pr-k01", "en") is None  # read in the wrong language, nothing would be found
