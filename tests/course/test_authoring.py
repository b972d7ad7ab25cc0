"""`peer-course author`: a draft with keys becomes a keyless released bank
and an nbgrader source notebook whose keys sit only in hidden tests."""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest
import yaml

from peer_course.authoring.author import author_assessment
from peer_widgets import ItemBankError, load_bank

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "sample-bank.yaml"


@pytest.fixture
def draft(tmp_path) -> Path:
    data = yaml.safe_load(FIXTURE.read_text(encoding="utf-8"))
    data.update(id="sample-check", mode="graded", intro="What this check covers.")
    for item in data["items"]:
        item["points"] = 2 if item["type"] in ("multiple_select", "matching", "reflection") else 1
    path = tmp_path / "draft.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return path


def test_released_bank_has_no_keys_or_feedback(draft, tmp_path):
    notebook = author_assessment(draft, tmp_path / "out")
    released = (tmp_path / "out" / "items.yaml").read_text(encoding="utf-8")
    bank = load_bank(tmp_path / "out" / "items.yaml")
    assert bank.mode == "graded"
    assert all(item.key is None for item in bank)
    assert "key:" not in released and "feedback:" not in released
    assert "Listening first keeps the choice with Maya." not in released
    assert notebook == tmp_path / "out" / "sample-check.ipynb"


def test_notebook_cells_and_hidden_keys(draft, tmp_path):
    nb = nbformat.read(author_assessment(draft, tmp_path / "out"), as_version=4)
    nbformat.validate(nb)
    tests = {c.metadata.nbgrader["grade_id"]: c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade")}
    assert sorted(tests) == ["s-agree", "s-match", "s-multi", "s-rate", "s-single"]
    assert tests["s-single"].source == (
        "# Scored automatically after you submit; nothing to do here.\n"
        "### BEGIN HIDDEN TESTS\n"
        "from peer_widgets.grading import score_single\n"
        'score_single("s-single", key="b", points=1)\n'
        "### END HIDDEN TESTS")
    assert 'key={"t1": "c1", "t2": "c2"}, points=2' in tests["s-match"].source
    assert all(c.metadata.nbgrader["locked"] for c in nb.cells)
    tasks = [c for c in nb.cells if c.metadata.get("nbgrader", {}).get("task")]
    assert [(t.cell_type, t.metadata.nbgrader["grade_id"], t.metadata.nbgrader["points"]) for t in tasks] == [
        ("markdown", "s-reflect", 2)]
    assert all(c.get("outputs", []) == [] for c in nb.cells)
    assert len({c["id"] for c in nb.cells}) == len(nb.cells)


def test_draft_without_keys_is_refused(draft, tmp_path):
    data = yaml.safe_load(draft.read_text(encoding="utf-8"))
    del data["items"][1]["key"]
    draft.write_text(yaml.safe_dump(data), encoding="utf-8")
    with pytest.raises(ItemBankError, match="item 's-multi': field 'key': an assessment draft needs the key"):
        author_assessment(draft, tmp_path / "out")
    assert not (tmp_path / "out").exists()


WHY = "Module 1, 'What peers do': asking first keeps the choice with Maya."


def test_a_rationale_goes_beside_the_key_and_never_into_the_released_bank(draft, tmp_path):
    data = yaml.safe_load(draft.read_text(encoding="utf-8"))
    data["items"][0]["rationale"] = WHY
    draft.write_text(yaml.safe_dump(data), encoding="utf-8")
    nb = nbformat.read(author_assessment(draft, tmp_path / "out"), as_version=4)
    test = next(c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id") == "s-single")
    hidden = test.source.split("### BEGIN HIDDEN TESTS")[1]
    assert f'rationale="{WHY}"' in hidden
    assert WHY not in (tmp_path / "out" / "items.yaml").read_text(encoding="utf-8")
    from peer_course.authoring.validate import check_assessment

    assert [p for p in check_assessment("sample-check", tmp_path / "out")[0] if "rationale" in p] == []


@pytest.mark.parametrize("where, message", [
    ("released", "graded banks are released to learners and must not hold a rationale"),
    ("rating", "field 'rationale'"),
])
def test_a_rationale_is_refused_where_a_learner_would_read_it_early(draft, tmp_path, where, message):
    data = yaml.safe_load(draft.read_text(encoding="utf-8"))
    index = 0 if where == "released" else next(i for i, item in enumerate(data["items"]) if item["type"] == "rating")
    data["items"][index]["rationale"] = WHY
    if where == "released":
        data.pop("intro")
        for item in data["items"]:
            item.pop("key", None)
            for entry in (*item.get("options", []), *item.get("terms", [])):
                entry.pop("feedback", None)
    draft.write_text(yaml.safe_dump(data), encoding="utf-8")
    with pytest.raises(ItemBankError, match=message):
        load_bank(draft, draft=where != "released")


def test_validation_names_a_rationale_that_is_not_text(draft, tmp_path):
    from peer_course.authoring.validate import check_assessment

    notebook = author_assessment(draft, tmp_path / "out")
    nb = nbformat.read(notebook, as_version=4)
    test = next(c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id") == "s-single")
    test.source = test.source.replace("points=1)", "points=1, rationale=3)")
    nbformat.write(nb, notebook)
    problems = check_assessment("sample-check", tmp_path / "out")[0]
    assert [p for p in problems if "field 'rationale': write it as one sentence" in p]


def test_each_version_s_key_and_rationale_go_beside_the_item_s_and_the_released_version_holds_neither(
        draft, tmp_path):
    data = yaml.safe_load(draft.read_text(encoding="utf-8"))
    data["items"][0]["rationale"] = WHY
    data["items"][0]["variants"] = [{
        "id": "v2", "scenario": "Omar says he skipped group twice.", "prompt": "What could you say first?",
        "options": [{"id": "c", "text": "Ask what made it hard.", "feedback": "Listening first."},
                    {"id": "a", "text": "Tell him the rules.", "feedback": "Rules first can feel like blame."},
                    {"id": "b", "text": "Call his counselor.", "feedback": "Acting for him."}],
        "key": "c", "rationale": "Module 1, 'x': asking first keeps the choice with Omar."}]
    draft.write_text(yaml.safe_dump(data), encoding="utf-8")
    nb = nbformat.read(author_assessment(draft, tmp_path / "out"), as_version=4)
    test = next(c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id") == "s-single")
    hidden = test.source.split("### BEGIN HIDDEN TESTS")[1]
    assert ('variants={"v2": {"key": "c", "rationale": "Module 1, \'x\': asking first keeps the choice with '
            'Omar."}}') in hidden
    released = (tmp_path / "out" / "items.yaml").read_text(encoding="utf-8")
    assert "Omar says he skipped group twice." in released
    assert "asking first keeps" not in released and "Listening first" not in released
    assert load_bank(tmp_path / "out" / "items.yaml")["s-single"].as_variant("v2").key is None
    from peer_course.authoring.validate import check_assessment

    assert check_assessment("sample-check", tmp_path / "out")[0] == []


def test_a_translated_draft_gives_the_spanish_bank_passages_and_rationales(draft, tmp_path):
    """``draft.es.yaml`` beside the draft: the released Spanish words (no rationale, no key),
    every passage of the notebook in both languages, each rationale per language."""
    from peer_course.authoring.scoring import scoring_cells
    from peer_widgets.pages.language import bilingual_parts

    data = yaml.safe_load(draft.read_text(encoding="utf-8"))
    data["items"][0]["rationale"] = WHY
    draft.write_text(yaml.safe_dump(data), encoding="utf-8")
    words = {item["id"]: {"prompt": f"¿{item['prompt']}? (es)"} for item in data["items"]}
    words["s-single"]["rationale"] = "Módulo 1, 'Qué hacen los pares': escuchar primero."
    (tmp_path / "draft.es.yaml").write_text(yaml.safe_dump(
        {"title": "Prueba de ejemplo", "intro": "Lo que cubre esta prueba.", "items": words}, allow_unicode=True),
        encoding="utf-8")
    notebook = author_assessment(draft, tmp_path / "out")
    released = (tmp_path / "out" / "items.es.yaml").read_text(encoding="utf-8")
    assert "rationale:" not in released and "key:" not in released and "escuchar primero" not in released
    spanish = load_bank(tmp_path / "out" / "items.yaml", language="es")
    assert spanish["s-single"].prompt.endswith("(es)") and spanish.title == "Prueba de ejemplo"
    nb = nbformat.read(notebook, as_version=4)
    passages = [bilingual_parts(c.source) for c in nb.cells if c.cell_type == "markdown"]
    assert all(set(p) == {"en", "es"} for p in passages)
    assert passages[0]["es"].startswith("# Prueba de ejemplo\n\nLo que cubre esta prueba.")
    assert passages[-1]["es"].startswith("## Cuando termine")
    cell = next(c for c in scoring_cells(notebook)[0] if c.item_id == "s-single")
    assert cell.rationales[""] == {"en": WHY, "es": "Módulo 1, 'Qué hacen los pares': escuchar primero."}
