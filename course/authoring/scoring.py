"""The scoring calls of an assessment's hidden tests, read without running them.

Each autograded item's test cell ends with one scoring call holding its key,
points, rationale (one per language) and each other version's key and
rationale. :func:`scoring_cells` reads them for trainer tooling and tests that
need the keys (never for anything a learner receives).
"""

from __future__ import annotations

import ast
from dataclasses import dataclass, field
from pathlib import Path

import nbformat
from peer_widgets.bank import load_bank


@dataclass(frozen=True)
class ScoringCell:
    """An autograder-test cell, read without running it: what it scores and how."""

    grade_id: str
    item_id: str
    kind: str  # the item's type, from the items.yaml beside the notebook
    points: float
    key: object
    #: Each other version's key and rationale: ``{"v2": {"key": ..., "rationale": ...}}``.
    variants: dict = field(default_factory=dict)
    #: Why the key is right (shown in the learner's feedback after grading), in English.
    rationale: str | None = None
    #: Every rationale by version ("" for the item's own) and language:
    #: ``{"": {"en": ..., "es": ...}, "v2": {...}}``.
    rationales: dict = field(default_factory=dict)


def scoring_cells(notebook_path: Path) -> tuple[list[ScoringCell], float]:
    """The scoring cells of a source assessment notebook, and its task (trainer-graded) points.

    For trainer tooling and tests that need the keys; never for anything a learner receives.
    """
    bank_path = Path(notebook_path).with_name("items.yaml")
    kinds = {item.id: item.type for item in load_bank(bank_path)} if bank_path.is_file() else {}
    cells, task_points = [], 0.0
    for cell in nbformat.read(notebook_path, as_version=4).cells:
        meta = cell.metadata.get("nbgrader", {})
        if meta.get("task"):
            task_points += float(meta["points"])
        if not (meta.get("grade") and cell.cell_type == "code" and not meta.get("solution")):
            continue
        call = _hidden_call(cell.source)
        if call is None or not call.args:
            continue
        keywords = {kw.arg: ast.literal_eval(kw.value) for kw in call.keywords}
        item_id = ast.literal_eval(call.args[0])
        # A rationale may be given per language ({"en": ..., "es": ...}); the
        # English one is the cell's ``rationale``, all of them its ``rationales``.
        rationales = {"": _by_language(keywords.get("rationale"))}
        variants = keywords.get("variants") or {}
        if isinstance(variants, dict):
            variants = {v: dict(spec) for v, spec in variants.items()}
            for version, spec in variants.items():
                if isinstance(spec, dict) and "rationale" in spec:
                    rationales[version] = _by_language(spec["rationale"])
                    spec["rationale"] = rationales[version].get("en", spec["rationale"])
        cells.append(ScoringCell(meta.get("grade_id", ""), item_id, kinds.get(item_id, ""),
                                 float(meta.get("points", 0)), keywords.get("key"),
                                 variants, rationales[""].get("en", keywords.get("rationale")),
                                 {k: v for k, v in rationales.items() if v}))
    return cells, task_points


def _is_rationale(value: object) -> bool:
    """Text, or text per course language with the English one among them."""
    from peer_widgets.translations import LANGUAGES

    if isinstance(value, dict):
        return "en" in value and all(k in LANGUAGES and isinstance(t, str) and t.strip() for k, t in value.items())
    return isinstance(value, str) and bool(value.strip())


def _by_language(rationale: object) -> dict:
    """A rationale as ``{language: text}`` (a plain string is the English one)."""
    if isinstance(rationale, str):
        return {"en": rationale}
    return dict(rationale) if isinstance(rationale, dict) else {}


def _hidden_call(source: str) -> ast.Call | None:
    """The scoring call of an autograder-test cell (its last expression)."""
    code = "\n".join(line for line in source.splitlines() if "HIDDEN TESTS" not in line)
    tree = ast.parse(code)
    if tree.body and isinstance(tree.body[-1], ast.Expr) and isinstance(tree.body[-1].value, ast.Call):
        return tree.body[-1].value
    return None
