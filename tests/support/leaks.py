"""Finding a key in anything a learner receives.

Two checks, each able to fail (``tests/course/test_key_leaks.py`` plants a
leak and watches them catch it):

* every autograder-test cell's output is one of the lines the grading
  helpers are documented to print (``pr-k01: 1 of 1 points.`` or
  ``pr-k01: 0 of 1 points: <a known reason>``); anything else a test cell
  prints, a key included, is reported;
* no learner-facing text (released files, feedback pages, widget state)
  holds an item's key in any of the forms code would print it in.
"""

from __future__ import annotations

import html
import json
import re
from pathlib import Path

import nbformat

from tests.support.oracle import Graded

REASONS = {
    "no answer was saved for this item.",
    "no answers file (responses.json) was found with this submission.",
    "the answers file (responses.json) could not be read.",
    "the answers file is not in the expected format (version 1).",
    "the reflection was started but not written.",
    "the saved answer is not in a form this item accepts.",
    "the saved answer is not one of this item's options.",
    "this item is graded with the wrong helper; ask your trainer to check it.",
    "the answer was saved for a version of this question that this assessment does not have; ask your trainer "
    "to check it.",
    "this version of the question has no key; ask your trainer to check it.",
}
SCORED = re.compile(r"^(?P<item>[\w.-]+): (?P<score>\d+(\.\d+)?) of (?P<points>\d+(\.\d+)?) points\.$")
ZERO = re.compile(r"^(?P<item>[\w.-]+): 0 of (?P<points>\d+(\.\d+)?) points: (?P<reason>.+)$")
RATING_REASON = re.compile(r"^the .+ rating needs a comment, and none was saved\.$")
CRASHED = re.compile(r"^this item could not be graded \(\w+\); ask your trainer to check it\.$")


def practice_exam_line(line: str) -> bool:
    """A line of the practice exam's feedback in any course language: a domain's
    score or the modules to look at again (the forms the learner's feedback
    table accepts, peer_course.grading.feedback.domain_lines)."""
    from peer_course.grading.feedback import domain_lines
    from peer_widgets.translations import LANGUAGES

    return any(pattern.fullmatch(line) for language in LANGUAGES for pattern in domain_lines(language))


def unexpected_test_output(notebook: Path) -> list[str]:
    """Lines printed by autograder-test cells that are not a documented score line."""
    found = []
    for cell in nbformat.read(notebook, as_version=4).cells:
        meta = cell.metadata.get("nbgrader", {})
        if cell.cell_type != "code" or not meta.get("grade") or meta.get("solution"):
            continue
        # a print may arrive as several stream outputs; join them before splitting lines
        streamed = "".join(o.get("text", "") for o in cell.get("outputs", []) if o.get("output_type") == "stream")
        lines = [line for line in streamed.splitlines() if line.strip()]
        for output in cell.get("outputs", []):
            if output.get("output_type") == "execute_result":
                value = output.get("data", {}).get("text/plain", "")
                if not re.fullmatch(r"\d+(\.\d+)?", value.strip()):
                    lines.append(value)
            elif output.get("output_type") != "stream":
                lines.append(json.dumps(output)[:200])
        for line in lines:
            scored, zero = SCORED.match(line), ZERO.match(line)
            if scored and scored["item"] == meta.get("grade_id"):
                continue
            if meta.get("grade_id") == "px-exam" and practice_exam_line(line):
                continue
            if zero and zero["item"] == meta.get("grade_id") and (
                    zero["reason"] in REASONS or RATING_REASON.match(zero["reason"])
                    or CRASHED.match(zero["reason"])):
                continue
            found.append(f"{meta.get('grade_id')}: {line}")
    return found


def key_patterns(item: Graded) -> list[re.Pattern]:
    """How code would print an item's key, or any of its versions' keys. A
    one-letter key alone proves nothing, so it counts only right after the word "key"."""
    patterns = [re.compile(re.escape("variants={"))] if item.variants else []
    for key in [item.key, *(spec.get("key") for spec in item.variants.values())]:
        if key is not None:
            patterns += _patterns(key)
    return patterns


def _patterns(key: object) -> list[re.Pattern]:
    exact = [f"key={json.dumps(key, sort_keys=True)}", f"key={key!r}"]
    if isinstance(key, list):
        exact += [json.dumps(sorted(key)), repr(sorted(key)), json.dumps(key), repr(key)]
    elif isinstance(key, dict):
        exact += [json.dumps(key, sort_keys=True), repr(key), json.dumps(key), repr(dict(sorted(key.items())))]
    patterns = [re.compile(re.escape(form)) for form in exact]
    if isinstance(key, str):
        patterns.append(re.compile(rf"\bkey\b\W{{0,4}}{re.escape(key)}\b", re.IGNORECASE))
    return patterns


def keys_in(text: str, items: list[Graded]) -> list[str]:
    """Each key found in ``text`` (HTML is unescaped first), as ``item: what matched``."""
    plain = html.unescape(text)
    found = []
    for item in items:
        if item.key is None:
            continue
        for pattern in key_patterns(item):
            match = pattern.search(plain)
            if match:
                found.append(f"{item.item_id}: {match.group(0)}")
                break  # one finding per item is enough
    return found
