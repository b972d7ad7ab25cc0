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

A translated draft sits beside it (``draft.es.yaml``, in the overlay form of
:mod:`peer_widgets.translations`: the title, ``intro`` and each item's
words, with each ``rationale`` too). From it the author also writes the
released ``items.es.yaml`` (words only: no rationale), every passage of the
notebook in both languages, and each rationale per language beside its key.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import nbformat
import yaml
from peer_widgets.bank import Item, load_bank
from peer_widgets.i18n import N_, available_languages, gettext, speaking
from peer_widgets.kinds import kind_of
from peer_widgets.pages.language import bilingual_markdown
from peer_widgets.translations import SOURCE_LANGUAGE, overlay_path

# What learners read on every assessment page, translated with the interface.
REFLECTION_MARKING = N_(
    "**How this reflection is marked:** if you share it, your trainer reads it and gives marks for "
    "thoughtful use of the module's ideas. If you keep it private or skip it, you get full marks for "
    "completing it. Skipping never costs you anything.")
CLOSING = N_("## When you have finished\n\nEvery answer above was saved the moment you gave it. "
             "Submit this assessment the way your trainer has shown you.")


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


def _by_language(rationale: str | dict[str, str]) -> dict[str, str]:
    return dict(rationale) if isinstance(rationale, dict) else {SOURCE_LANGUAGE: rationale}


def _without_rationale(words: dict[str, Any]) -> dict[str, Any]:
    """An item's translated words with its rationales (and its versions') left out."""
    kept = {k: v for k, v in words.items() if k != "rationale"}
    if isinstance(kept.get("variants"), dict):
        kept["variants"] = {v: _without_rationale(version) for v, version in kept["variants"].items()}
    return kept


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


def passage(texts: dict[str, str]) -> str:
    """A notebook passage: English alone, or every language marked with its ``lang``."""
    return texts[SOURCE_LANGUAGE] if len(texts) == 1 else bilingual_markdown(texts)


def in_every_language(message: str, languages: list[str]) -> dict[str, str]:
    """A message of the interface catalogue in English and each of ``languages``."""
    texts = {SOURCE_LANGUAGE: message}
    for language in languages:
        with speaking(language):
            texts[language] = gettext(message)
    return texts


def build_notebook(bank_id: str, title: str, intro: str, items: list[Item],
                   development_plan: bool = False,
                   rationales: dict[str, str | dict[str, str]] | None = None,
                   variant_rationales: dict[str, dict[str, str | dict[str, str]]] | None = None,
                   translations: dict[str, dict[str, str]] | None = None) -> nbformat.NotebookNode:
    """The source notebook; ``translations``: each other language's ``title`` and ``intro``."""
    translations = translations or {}
    languages = list(translations)
    nb = nbformat.v4.new_notebook()
    nb.metadata.kernelspec = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nb.metadata.language_info = {"name": "python"}
    heading = {SOURCE_LANGUAGE: f"# {title}\n\n{intro.strip()}",
               **{lang: f"# {words['title']}\n\n{words['intro'].strip()}" for lang, words in translations.items()}}
    cells = [
        nbformat.v4.new_markdown_cell(passage(heading), metadata=_meta("intro")),
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
                passage(in_every_language(REFLECTION_MARKING, languages)),
                metadata=_meta(item.id, task=True, points=_points(item))))
    cells.append(nbformat.v4.new_markdown_cell(passage(in_every_language(CLOSING, languages)),
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
    rationales: dict[str, Any] = {i["id"]: i["rationale"] for i in raw["items"] if isinstance(i.get("rationale"), str)}
    variant_rationales: dict[str, Any] = {i["id"]: {v["id"]: v["rationale"] for v in i.get("variants", [])
                                                    if isinstance(v.get("rationale"), str)} for i in raw["items"]}
    translations = {}
    for language in available_languages():
        overlay_file = overlay_path(draft, language)
        if language == SOURCE_LANGUAGE or not overlay_file.is_file():
            continue
        overlay = yaml.safe_load(overlay_file.read_text(encoding="utf-8")) or {}
        translations[language] = {"title": overlay.get("title") or bank.title, "intro": overlay.get("intro", "")}
        words = overlay.get("items") or {}
        for item_id, english in rationales.items():
            rationales[item_id] = {**_by_language(english), language: (words.get(item_id) or {}).get("rationale", "")}
        for item_id, versions in variant_rationales.items():
            spanish = ((words.get(item_id) or {}).get("variants") or {})
            for version, english in versions.items():
                versions[version] = {**_by_language(english), language: (spanish.get(version) or {}).get("rationale", "")}
        released = {k: v for k, v in overlay.items() if k != "intro"}
        released["items"] = {item_id: _without_rationale(item) for item_id, item in words.items()}
        (out_dir / f"items.{language}.yaml").write_text(
            f"# Generated by `peer-course author` from {overlay_file.name}: the words of items.yaml in this "
            "language.\n# Released with it: it holds no key and no rationale.\n"
            + yaml.safe_dump(released, sort_keys=False, allow_unicode=True, width=100), encoding="utf-8")
    notebook = build_notebook(bank.id, bank.title, raw.get("intro", ""), list(bank.items),
                              development_plan=bool(raw.get("development_plan")), rationales=rationales,
                              variant_rationales=variant_rationales, translations=translations)
    path = out_dir / f"{bank.id}.ipynb"
    nbformat.write(notebook, path)
    return path
