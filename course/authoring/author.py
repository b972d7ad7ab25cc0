"""Turn an assessment author's draft into an nbgrader source assessment.

A draft is an item bank with ``mode: graded`` that still carries its keys
(see ``peer_widgets.load_bank(..., draft=True)``). From it this module makes:

* ``items.yaml``: the same items with every key and feedback removed. It is
  released to learners, so it must hold nothing that gives an answer away.
* ``<assessment>.ipynb``: the nbgrader source notebook. Each item is shown
  by a locked cell; each graded item has an autograder-test cell whose key
  sits inside ``### BEGIN HIDDEN TESTS`` so nbgrader strips it from the
  student version; a reflection gets a trainer-graded task cell.

The draft itself stays with the author and is never committed: after
authoring, the notebook's hidden tests are the only home of the keys.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import nbformat
import yaml
from peer_widgets.bank import Item, load_bank
from peer_widgets.kinds import kind_of

REFLECTION_MARKING = (
    "**How this reflection is marked:** if you share it, your trainer reads it and gives marks for "
    "thoughtful use of the module's ideas. If you keep it private or skip it, you get full marks for "
    "completing it. Skipping never costs you anything.")


def _meta(grade_id: str, *, grade: bool = False, solution: bool = False, locked: bool = True,
          task: bool = False, points: float | None = None) -> dict[str, Any]:
    meta: dict[str, Any] = {"grade": grade, "solution": solution, "locked": locked, "task": task,
                            "grade_id": grade_id, "schema_version": 3}
    if points is not None:
        meta["points"] = points
    return {"nbgrader": meta}


def _points(item: Item) -> float | int:
    points = item.points or 1.0
    return int(points) if float(points).is_integer() else points


def test_source(item: Item, rationale: str | None = None,
                variant_rationales: dict[str, str] | None = None) -> str:
    """The autograder-test cell for a graded item, key (and rationale, why the
    key is right) inside the hidden region; each other version's key and
    rationale too, so grading scores the version the learner answered."""
    kind = kind_of(item)
    scorer = kind.scorer
    args = [json.dumps(item.id)]
    if kind.keyed:
        args.append(f"key={json.dumps(item.key, sort_keys=True)}")
    args.append(f"points={_points(item)}")
    if kind.keyed and rationale:
        # beside the key, so it leaves the trainer's side only in feedback, after grading
        args.append(f"rationale={json.dumps(rationale, ensure_ascii=False)}")
    if kind.keyed and item.variants:
        versions = {}
        for version in item.variants:
            versions[version.variant] = {"key": version.key}
            if (variant_rationales or {}).get(version.variant):
                versions[version.variant]["rationale"] = variant_rationales[version.variant]
        args.append(f"variants={json.dumps(versions, sort_keys=True, ensure_ascii=False)}")
    return (
        "# Scored automatically after you submit; nothing to do here.\n"
        "### BEGIN HIDDEN TESTS\n"
        f"from peer_widgets.grading import {scorer}\n"
        f"{scorer}({', '.join(args)})\n"
        "### END HIDDEN TESTS"
    )


def released_bank(raw: dict[str, Any]) -> dict[str, Any]:
    """The draft with keys, rationales, feedback and the intro removed."""
    def without_answers(raw_item: dict[str, Any]) -> dict[str, Any]:
        item = {k: v for k, v in raw_item.items() if k not in ("key", "rationale")}
        for list_field in ("options", "terms", "choices"):
            if list_field in item:
                item[list_field] = [{k: v for k, v in o.items() if k != "feedback"} for o in item[list_field]]
        return item

    items = []
    for raw_item in raw["items"]:
        item = without_answers(raw_item)
        if "variants" in item:
            item["variants"] = [without_answers(version) for version in item["variants"]]
        items.append(item)
    bank = {k: v for k, v in raw.items() if k not in ("items", "intro", "development_plan")}
    bank["mode"] = "graded"
    bank["items"] = items
    return bank


def build_notebook(bank_id: str, title: str, intro: str, items: list[Item],
                   development_plan: bool = False,
                   rationales: dict[str, str] | None = None,
                   variant_rationales: dict[str, dict[str, str]] | None = None) -> nbformat.NotebookNode:
    nb = nbformat.v4.new_notebook()
    nb.metadata.kernelspec = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nb.metadata.language_info = {"name": "python"}
    cells = [
        nbformat.v4.new_markdown_cell(f"# {title}\n\n{intro.strip()}", metadata=_meta("intro")),
        nbformat.v4.new_code_cell('from peer_widgets import Page\npage = Page("items.yaml")', metadata=_meta("setup")),
    ]
    plan_shown = False
    for item in items:
        kind = kind_of(item)
        if development_plan and kind.trainer_graded and not plan_shown:
            # The plan sums up the ratings above it, just before the learner writes theirs.
            cells.append(nbformat.v4.new_code_cell("page.development_plan()", metadata=_meta("development-plan")))
            plan_shown = True
        cells.append(nbformat.v4.new_code_cell(f"page.show({json.dumps(item.id)})", metadata=_meta(f"show-{item.id}")))
        if not kind.trainer_graded:
            cells.append(nbformat.v4.new_code_cell(
                test_source(item, (rationales or {}).get(item.id), (variant_rationales or {}).get(item.id)),
                metadata=_meta(item.id, grade=True, points=_points(item))))
        else:
            # Shown to the trainer only while grading; the learner sees nothing.
            cells.append(nbformat.v4.new_code_cell(
                f"page.for_trainer({json.dumps(item.id)})", metadata=_meta(f"trainer-{item.id}")))
            # Learners read this cell; private and skipped reflections are marked
            # automatically (peer_course.grading.reflections), shared ones by the trainer.
            cells.append(nbformat.v4.new_markdown_cell(
                REFLECTION_MARKING, metadata=_meta(item.id, task=True, points=_points(item))))
    cells.append(nbformat.v4.new_markdown_cell(
        "## When you have finished\n\nEvery answer above was saved the moment you gave it. "
        "Submit this assessment the way your trainer has shown you.",
        metadata=_meta("closing")))
    for index, cell in enumerate(cells):
        cell["id"] = f"{bank_id}-{index:03d}"
    nb.cells = cells
    return nb


def author_assessment(draft: str | Path, out_dir: str | Path) -> Path:
    """Write ``items.yaml`` and the source notebook for a draft; return the notebook path.

    Raises
    ------
    peer_widgets.ItemBankError
        If the draft is not a valid graded bank with keys.
    """
    draft = Path(draft)
    bank = load_bank(draft, draft=True)
    if bank.mode != "graded":
        from peer_widgets.bank import ItemBankError

        raise ItemBankError(draft, "an assessment draft must have mode: graded", field="mode")
    raw = yaml.safe_load(draft.read_text(encoding="utf-8"))
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    header = ("# Generated by `peer-course author` from the assessment draft. It is released to learners,\n"
              "# so it holds no keys: those live only in the notebook's hidden tests.\n")
    (out_dir / "items.yaml").write_text(
        header + yaml.safe_dump(released_bank(raw), sort_keys=False, allow_unicode=True, width=100), encoding="utf-8")
    load_bank(out_dir / "items.yaml")  # the released bank must itself be valid
    rationales = {i["id"]: i["rationale"] for i in raw["items"] if isinstance(i.get("rationale"), str)}
    variant_rationales = {i["id"]: {v["id"]: v["rationale"] for v in i.get("variants", [])
                                    if isinstance(v.get("rationale"), str)} for i in raw["items"]}
    notebook = build_notebook(bank.id, bank.title, raw.get("intro", ""), list(bank.items),
                              development_plan=bool(raw.get("development_plan")), rationales=rationales,
                              variant_rationales=variant_rationales)
    path = out_dir / f"{bank.id}.ipynb"
    nbformat.write(notebook, path)
    return path
