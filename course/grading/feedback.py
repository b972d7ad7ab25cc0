"""The feedback a learner gets back: one row per question, and no code.

nbgrader's ``generate_feedback`` renders the graded notebook. Ours is made
of code cells that show widgets and hidden tests that hold the keys, none of
which means anything to a learner, and trainer notes. So
:class:`LearnerFeedback` (one of the trainer folder's feedback
preprocessors, after nbgrader's ``GetGrades`` and before ``ClearHiddenTests``;
see ``templates/nbgrader_config.py``) replaces every cell of the notebook by
one table, in the order of the questions:

* the question (scenario and prompt, from the released ``items.yaml``);
* the learner's answer as words (option texts, never ids), read from the
  checked ``responses.json`` in the graded folder;
* the score from the gradebook, per item, rounded to 2 places, and the
  reason when an item scored nothing;
* for knowledge questions, the explanation of the right answer (the
  ``rationale`` written beside the key, inside the hidden tests, so it only
  ever leaves the trainer's side here, after grading, for this learner);
* for a reflection, its status (never its text) and the grade's comment;
* for the practice exam, the score in each IC&RC domain and the modules to
  look at again, as its grading helper printed them (lines of exactly those
  forms: never which question was right).

Everything a learner or trainer wrote is escaped: learner text is never HTML.
The table names no key and no option id.
"""

from __future__ import annotations

import ast
import functools
import html
import re
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

import nbformat
from nbgrader.preprocessors import NbGraderPreprocessor

from peer_widgets import answers
from peer_widgets.i18n import gettext as _
from peer_widgets.i18n import speaking

CENTS = Decimal("0.01")


def clean(number: Any) -> Decimal:
    """A score as an exact decimal with at most 2 places (None counts as 0)."""
    return Decimal(str(float(number or 0))).quantize(CENTS, rounding=ROUND_HALF_UP)


def fmt(number: Decimal) -> str:
    """``1``, ``0.5``, ``1.33``: no trailing zeros, no float noise."""
    text = f"{number:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def rationale_of(source: str, variant: str | None = None, language: str = "en") -> str | None:
    """The ``rationale="..."`` of a test cell's scoring call, if it has one; for
    another version of the item, that version's (``variants={"v2": {...}}``).
    A rationale in several languages (``rationale={"en": "...", "es": "..."}``)
    gives ``language``'s, else the English."""
    code = "\n".join(line for line in source.splitlines() if "HIDDEN TESTS" not in line)
    try:
        tree = ast.parse(code)
    except SyntaxError:
        return None
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            words = {}
            for keyword in node.keywords:
                try:
                    words[keyword.arg] = ast.literal_eval(keyword.value)
                except ValueError:
                    continue
            if variant is not None and isinstance(words.get("variants"), dict):
                spec = words["variants"].get(variant)
                found = spec.get("rationale") if isinstance(spec, dict) else None
            else:
                found = words.get("rationale")
            if isinstance(found, dict):
                found = found.get(language) or found.get("en")
            if isinstance(found, str):
                return found
    return None


def learner_language(records: dict[str, Any]) -> str:
    """The language the learner chose (remembered in their answers), else English."""
    from peer_widgets.pages.language import LANGUAGE_RECORD
    from peer_widgets.translations import LANGUAGES

    value = (records.get(LANGUAGE_RECORD) or {}).get("value")
    return value if value in LANGUAGES else "en"


def score_line(language: str) -> re.Pattern:
    """The line a grading helper prints for an item that scores nothing, in
    ``language`` (the grader speaks the learner's language), as a pattern."""
    from peer_widgets.grading import ZERO_SCORE

    with speaking(language):
        template = re.escape(_(ZERO_SCORE))
    for name, part in (("item", r"(?P<item>[\w.-]+)"), ("points", r"[\d.]+"), ("reason", r"(?P<reason>.+)")):
        template = template.replace(re.escape("{" + name + "}"), part)
    return re.compile(f"^{template}$")


def zero_reason(cell: Any, item_id: str, language: str = "en") -> str | None:
    """Why a test cell scored nothing, as its grading helper printed it."""
    text = "".join(o.get("text", "") for o in cell.get("outputs", []) if o.get("output_type") == "stream")
    pattern = score_line(language)
    for line in text.splitlines():
        match = pattern.match(line.strip())
        if match and match["item"] == item_id:
            return match["reason"]
    return None


@functools.lru_cache(maxsize=4)
def domain_lines(language: str) -> tuple[re.Pattern, ...]:
    """The lines the practice exam's grading helper prints for the learner, in
    ``language``: the score in each IC&RC domain and the modules to look at
    again (``peer_widgets.grading.score_practice_exam``). Only lines of exactly
    these forms reach the feedback; nothing else a test cell prints does."""
    from peer_widgets.frameworks import framework
    from peer_widgets.manifest import load_manifest

    with speaking(language):
        domains = "|".join(re.escape(framework("icrc").entry(d).name) for d in framework("icrc").ids)
        module = "|".join(re.escape(_("Module {number}: {title}").format(number=m.number, title=m.title))
                          for m in load_manifest(language=language).modules)
        templates = (_("{domain}: {right} of {total} right."), _("{domain}: look again at {modules}."))
    fill = {"domain": f"(?:{domains})", "right": r"\d+", "total": r"\d+",
            "modules": f"(?:{module})(?:, (?:{module})){{0,2}}"}
    patterns = []
    for template in templates:
        text = re.escape(template)
        for name, regex in fill.items():
            text = text.replace(re.escape("{" + name + "}"), regex)
        patterns.append(re.compile(text))
    return tuple(patterns)


def by_domain(cell: Any, language: str = "en") -> list[str]:
    """The practice exam's lines per domain, as its grading helper printed them (none for other items)."""
    text = "".join(o.get("text", "") for o in cell.get("outputs", []) if o.get("output_type") == "stream")
    patterns = domain_lines(language)
    return [line.strip() for line in text.splitlines() if any(p.fullmatch(line.strip()) for p in patterns)]


def answer_text(item: Any, record: Any) -> str:
    """The learner's saved answer to ``item`` in words (plain text, not escaped)."""
    from peer_widgets.kinds import AnswerProblem, kind_of

    if not isinstance(record, dict) or record.get("value") is None:
        return _("No answer was saved.")
    kind = kind_of(item)
    try:
        value = kind.check_value(item, record["value"])
    except AnswerProblem as problem:
        return str(problem)[:1].upper() + str(problem)[1:]
    return kind.answer_text(item, value)


def shown_version(item: Any, record: Any) -> Any:
    """The version of ``item`` the learner answered (the item itself if unknown)."""
    from peer_widgets.grading import NoScore, answered_version

    if not isinstance(record, dict) or record.get("value") is None:
        return item
    try:
        return answered_version(item, record)
    except NoScore:
        return item


def _row(label: str, text: str, css: str) -> str:
    lines = "".join(f"<div>{html.escape(line)}</div>" for line in text.splitlines())
    return (f'<div class="row {css}"><div class="col-xs-3"><strong>{html.escape(label)}</strong></div>'
            f'<div class="col-xs-9">{lines}</div></div>')


def render_table(title: str, rows: list[dict[str, Any]]) -> str:
    """The learner's feedback as HTML; every text in ``rows`` is escaped here.

    Each question is a panel holding a two-column table made with the
    page's Bootstrap grid. Only tags that nbconvert's ``clean_html`` keeps in
    a raw cell are used (``div``, ``strong``), so the page shows exactly
    this; that filter is a second guard, never the only one.
    """
    total = sum((row["score"] for row in rows), Decimal(0))
    most = sum((row["points"] for row in rows), Decimal(0))
    summary = _("Your score: {score} of {points} points.").format(score=fmt(total), points=fmt(most))
    parts = [f'<div class="peer-feedback"><div class="lead"><strong>{html.escape(title)}</strong></div>',
             f'<div class="peer-total lead">{html.escape(summary)}</div>']
    for number, row in enumerate(rows, 1):
        parts.append(f'<div class="panel panel-default peer-item" id="item-{html.escape(row["id"])}">'
                     f'<div class="panel-heading"><strong>'
                     f'{html.escape(_("Question {number}").format(number=number))}</strong></div>'
                     f'<div class="panel-body">')
        parts.append(_row(_("Question"), row["question"], "peer-question"))
        parts.append(_row(_("Your answer"), row["answer"], "peer-answer"))
        score = _("{score} of {points} points").format(score=fmt(row["score"]), points=fmt(row["points"]))
        if row.get("reason"):
            score += f" ({row['reason']})"
        parts.append(_row(_("Score"), score, "peer-score"))
        if row.get("domains"):
            parts.append(_row(_("By IC&RC domain"), "\n".join(row["domains"]), "peer-domains"))
        if row.get("rationale"):
            parts.append(_row(_("Why"), row["rationale"], "peer-rationale"))
        if row.get("comment"):
            parts.append(_row(_("Comment"), row["comment"], "peer-comment"))
        parts.append("</div></div>")
    parts.append("</div>")
    return "\n".join(parts)


def feedback_rows(nb: Any, folder: Path) -> tuple[str, list[dict[str, Any]]]:
    """The title and one row per graded cell of a notebook that went through
    ``GetGrades`` (scores in each cell's nbgrader metadata)."""
    from peer_widgets.bank import load_bank

    try:
        records = answers.read(folder / answers.FILE_NAME)
    except (OSError, answers.AnswersFileError):
        records = {}
    language = learner_language(records)
    bank = load_bank(folder / "items.yaml", language=language)
    rows = []
    for cell in nb.cells:
        meta = cell.metadata.get("nbgrader", {})
        if not (meta.get("grade") or meta.get("task")):
            continue
        item_id = meta.get("grade_id", "")
        try:
            first = bank[item_id]
        except KeyError:
            continue
        record = records.get(item_id)
        item = shown_version(first, record)
        question = "\n".join(part for part in (item.scenario, item.prompt) if part)
        row = {"id": item_id, "question": question, "answer": answer_text(item, record),
               "score": clean(meta.get("score")), "points": clean(meta.get("points"))}
        if cell.cell_type == "code":
            row["rationale"] = rationale_of(cell.source, None if item is first else item.variant, language)
            row["reason"] = zero_reason(cell, item_id, language) if row["score"] == 0 else None
            row["domains"] = by_domain(cell, language)
        if meta.get("comment"):
            row["comment"] = str(meta["comment"])
        rows.append(row)
    return bank.title, rows


class LearnerFeedback(NbGraderPreprocessor):
    """Replace the graded notebook by the learner's per-question table (see the module docs)."""

    def preprocess(self, nb, resources):
        folder = Path(resources.get("metadata", {}).get("path") or ".")
        try:
            language = learner_language(answers.read(folder / answers.FILE_NAME))
        except (OSError, answers.AnswersFileError):
            language = "en"
        # In the learner's language: its words, its questions and its explanations.
        with speaking(language):
            title, rows = feedback_rows(nb, folder)
            table = nbformat.v4.new_raw_cell(render_table(title, rows))
            # the page around the table (templates/feedback) speaks the same language
            resources["peer_course"] = {"language": language, "heading": _("Feedback: {title}").format(title=title)}
        table.metadata["raw_mimetype"] = "text/html"
        table.metadata["format"] = "text/html"
        nb.cells = [table]
        # the grader's saved widget state (its pages' code and texts) is not the learner's to read
        nb.metadata.pop("widgets", None)
        total = sum((row["score"] for row in rows), Decimal(0))
        most = sum((row["points"] for row in rows), Decimal(0))
        # the page header shows these: the sums of the clean per-item scores
        resources["nbgrader"]["score"] = float(total) - float(resources["nbgrader"].get("late_penalty") or 0)
        resources["nbgrader"]["max_score"] = float(most)
        return nb, resources
