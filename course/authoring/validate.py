"""Check the whole course before anyone sees it.

Every problem is collected (not just the first) and reported as one line
naming the file, the item and what to do. The checks:

* the manifest is valid and every module's notebook and bank exist;
* every bank loads; item ids are unique across the whole course;
* no notebook has stored outputs;
* every lesson shows each of its bank's items, and only items that exist;
* every assessment has its notebook and a released bank with no keys; each
  graded item has exactly one autograder-test cell whose key names real
  options and whose points match the bank, and whose rationale, if any, is
  text on a keyed item; every version (variant) of an item in the released
  bank has its own valid key and rationale there too; nothing references a
  missing item;
* every item of the course carries its California core competency and
  IC&RC Peer Recovery domain tags (their values are checked by the schema).
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import nbformat
from peer_course.authoring.scoring import (  # noqa: F401
    ScoringCell,
    _hidden_call,
    _is_rationale,
    scoring_cells,
)
from peer_widgets.bank import ItemBank, ItemBankError, load_bank
from peer_widgets.content import assessments_dir, modules_dir
from peer_widgets.kinds import kind_of
from peer_widgets.manifest import ManifestError, load_manifest

SHOW_CALL = re.compile(r"page\.show\(([^)]*)\)")


def _shown_ids(notebook: nbformat.NotebookNode) -> list[str]:
    ids: list[str] = []
    for cell in notebook.cells:
        if cell.cell_type != "code":
            continue
        for match in SHOW_CALL.finditer(cell.source):
            ids.extend(ast.literal_eval(f"[{match.group(1)}]"))
    return ids


def _outputs(path: Path, notebook: nbformat.NotebookNode) -> list[str]:
    return [f"{path}: cell {i + 1} has stored outputs; clear them before committing"
            for i, cell in enumerate(notebook.cells)
            if cell.cell_type == "code" and (cell.get("outputs") or cell.get("execution_count"))]


def _variant_problems(notebook_path: Path, item, versions: object) -> list[str]:
    """Each version of an item in the released bank has a valid key (and a
    rationale) beside the item's own in its hidden test, and nothing else does."""
    where = f"{notebook_path}: item '{item.id}': field 'variants"
    if versions is None:
        versions = {}
    if not isinstance(versions, dict) or not all(isinstance(v, dict) for v in versions.values()):
        return [f"{where}': write it as {{\"v2\": {{\"key\": ..., \"rationale\": \"...\"}}}}"]
    released = list(item.variant_ids[1:])
    if sorted(versions) != sorted(released):
        return [f"{where}': the hidden test has keys for versions {sorted(versions) or 'none'} but items.yaml has "
                f"versions {released or 'none'}; give every version in items.yaml its key here, and no other"]
    problems = []
    kind = kind_of(item)
    for variant_id, spec in versions.items():
        version = item.as_variant(variant_id)
        problem = kind.key_problem(version, spec.get("key")) if spec.get("key") is not None else (
            "key", "every version needs its key")
        if problem is not None:
            problems.append(f"{where}.{variant_id}.{problem[0]}': {problem[1]}")
        if not _is_rationale(spec.get("rationale")):
            problems.append(f"{where}.{variant_id}.rationale': write why this version's key is right, as one "
                            "sentence citing the lesson section (or one per language: {\"en\": ..., \"es\": ...})")
    return problems


def check_assessment(name: str, folder: Path) -> tuple[list[str], list[str]]:
    """Problems in one assessment source folder, and the item ids it defines."""
    problems: list[str] = []
    notebook_path = folder / f"{name}.ipynb"
    bank_path = folder / "items.yaml"
    if not notebook_path.is_file():
        return [f"{notebook_path}: missing (assessment '{name}' is listed in the manifest)"], []
    try:
        bank: ItemBank = load_bank(bank_path)
    except ItemBankError as error:
        return [str(error)], []
    if bank.mode != "graded":
        problems.append(f"{bank_path}: field 'mode': an assessment's bank must be graded")
    notebook = nbformat.read(notebook_path, as_version=4)
    problems += _outputs(notebook_path, notebook)
    tested: dict[str, int] = {}
    for cell in notebook.cells:
        meta = cell.metadata.get("nbgrader", {})
        if not (meta.get("grade") and cell.cell_type == "code" and not meta.get("solution")):
            continue
        grade_id = meta.get("grade_id", "?")
        try:
            call = _hidden_call(cell.source)
        except SyntaxError as error:
            problems.append(f"{notebook_path}: test cell '{grade_id}': not valid Python ({error.msg})")
            continue
        if call is None or not call.args:
            problems.append(f"{notebook_path}: test cell '{grade_id}': must end with a scoring call such as "
                            "score_single(\"item-id\", key=..., points=...)")
            continue
        item_id = ast.literal_eval(call.args[0])
        tested[item_id] = tested.get(item_id, 0) + 1
        try:
            item = bank[item_id]
        except KeyError:
            problems.append(f"{notebook_path}: test cell '{grade_id}': item '{item_id}' is not in {bank_path.name}")
            continue
        kwargs = {kw.arg: ast.literal_eval(kw.value) for kw in call.keywords}
        if float(kwargs.get("points", 1)) != float(meta.get("points", 0)) or float(meta.get("points", 0)) != float(item.points or 0):
            problems.append(f"{notebook_path}: item '{item_id}': field 'points': test cell says "
                            f"{meta.get('points')}, scoring call {kwargs.get('points', 1)}, bank {item.points}; make them equal")
        key = kwargs.get("key")
        kind = kind_of(item)
        problem = kind.key_problem(item, key) if kind.keyed else None
        if problem is not None:
            problems.append(f"{notebook_path}: item '{item_id}': field '{problem[0]}': {problem[1]}")
        if "HIDDEN TESTS" not in cell.source and (key is not None or kwargs.get("keys")):
            problems.append(f"{notebook_path}: item '{item_id}': the key is outside the hidden tests region")
        problems += _variant_problems(notebook_path, item, kwargs.get("variants"))
        if "rationale" in kwargs:
            rationale = kwargs["rationale"]
            if not kind.keyed:
                problems.append(f"{notebook_path}: item '{item_id}': field 'rationale': only questions with a "
                                "key can have a rationale")
            elif not _is_rationale(rationale):
                problems.append(f"{notebook_path}: item '{item_id}': field 'rationale': write it as one "
                                "sentence of text, such as \"Module 1, 'What peers do not do': ...\" (or one "
                                "per language: {\"en\": ..., \"es\": ...})")
            if "HIDDEN TESTS" not in cell.source:
                problems.append(f"{notebook_path}: item '{item_id}': the rationale is outside the hidden tests "
                                "region")
    for item in bank:
        if not kind_of(item).trainer_graded and tested.get(item.id, 0) != 1:
            problems.append(f"{notebook_path}: item '{item.id}': needs exactly one autograder-test cell "
                            f"(found {tested.get(item.id, 0)})")
    shown = _shown_ids(notebook)
    for item in bank:
        if item.id not in shown:
            problems.append(f"{notebook_path}: item '{item.id}': never shown with page.show")
    return problems, bank.ids


def untagged(bank: ItemBank) -> list[str]:
    """One problem per item of ``bank`` missing a certification-framework tag
    (the schema checks a tag's value; every course item must have both)."""
    from peer_widgets.frameworks import frameworks

    return [f"{bank.path}: item '{item.id}': field '{framework.field}': tag the item with its {framework.short} "
            f"(one of: {', '.join(framework.ids)})"
            for item in bank if kind_of(item).tagged
            for framework in frameworks() if getattr(item, framework.field) is None]


def validate_course() -> list[str]:
    """Every problem in the course, as messages; an empty list means all is well."""
    try:
        manifest = load_manifest()
    except ManifestError as error:
        return [str(error)]
    problems: list[str] = []
    seen: dict[str, str] = {}

    def register(ids: list[str], where: str) -> None:
        for item_id in ids:
            if item_id in seen:
                problems.append(f"{where}: item '{item_id}': id also used in {seen[item_id]}; ids must be unique in the course")
            seen[item_id] = where

    modules = modules_dir()
    for module in manifest.modules:
        notebook_path = modules / module.notebook
        if not notebook_path.is_file():
            problems.append(f"{notebook_path}: missing (module '{module.id}' in the manifest)")
            continue
        notebook = nbformat.read(notebook_path, as_version=4)
        problems += _outputs(notebook_path, notebook)
        try:
            bank = load_bank(modules / module.bank)
        except ItemBankError as error:
            problems.append(str(error))
            continue
        register(bank.ids, str(modules / module.bank))
        problems += untagged(bank)
        shown = _shown_ids(notebook)
        for item_id in shown:
            if item_id not in bank.ids:
                problems.append(f"{notebook_path}: item '{item_id}': shown but not in {module.bank}")
        for item_id in bank.ids:
            if item_id not in shown:
                problems.append(f"{notebook_path}: item '{item_id}': in {module.bank} but never shown")
    home = modules / manifest.home
    if not home.is_file():
        problems.append(f"{home}: missing (the course home in the manifest)")
    for name in manifest.assessments:
        found, ids = check_assessment(name, assessments_dir() / name)
        problems += found
        if ids:
            problems += untagged(load_bank(assessments_dir() / name / "items.yaml"))
        register(ids, str(assessments_dir() / name / "items.yaml"))
    if not problems:  # the keys are read from the assessments, so only once those check out
        from peer_course.authoring.practice_exam import problems as practice_exam_problems

        problems += practice_exam_problems(manifest)
    from peer_course.authoring.translated import translation_problems

    problems += translation_problems()
    return problems
