"""Scoring helpers for nbgrader autograder-test cells.

An autograded item's test cell ends with one call, for example::

    ### BEGIN HIDDEN TESTS
    from peer_widgets.grading import score_single
    score_single("rpc-k01", key="b", points=1)
    ### END HIDDEN TESTS

nbgrader reads a test cell's last expression as its score when it is a
number, gives *full marks* when there is no result or a non-numeric one, and
*zero* when anything is written to stderr. So every helper here:

* always returns a plain ``float`` between 0 and ``points``;
* never raises and never writes to stderr (warnings and errors are caught;
  the reason is printed to stdout, where it shows in the learner's feedback);
* never prints the key or the text of a keyed option.

Answers are read from ``responses.json`` in the notebook's folder (the
kernel's working directory during autograde); the item definitions from the
released bank beside it, to tell an out-of-range answer from a wrong one.
"""

from __future__ import annotations

import contextlib
import functools
import io
import json
import warnings
from pathlib import Path
from typing import Any, Callable

from .i18n import gettext as _
from .store import FILE_NAME, SCHEMA_VERSION, validate_document

BANK_FILE = "items.yaml"


class NoScore(Exception):
    """The item scores 0 for a reason the learner should read."""


def _fmt(number: float) -> str:
    return f"{number:g}"


def _graded(func: Callable[..., float]) -> Callable[..., float]:
    @functools.wraps(func)
    def wrapper(item_id: str, *args: Any, points: float = 1.0, **kwargs: Any) -> float:
        points = float(points)
        with contextlib.redirect_stderr(io.StringIO()), warnings.catch_warnings():
            warnings.simplefilter("ignore")
            try:
                fraction = float(func(item_id, *args, **kwargs))
                fraction = min(max(fraction, 0.0), 1.0)
                score = round(points * fraction, 4)
                print(_("{item}: {score} of {points} points.").format(item=item_id, score=_fmt(score), points=_fmt(points)))
                return float(score)
            except NoScore as reason:
                print(_("{item}: 0 of {points} points: {reason}").format(item=item_id, points=_fmt(points), reason=reason))
                return 0.0
            except Exception as error:  # grading must never crash a cell
                print(_("{item}: 0 of {points} points: this item could not be graded ({error}); "
                        "ask your trainer to check it.").format(item=item_id, points=_fmt(points),
                                                                  error=type(error).__name__))
                return 0.0
    return wrapper


def read_answers(folder: str | Path | None = None) -> dict[str, Any]:
    """The saved records in ``responses.json``, keyed by item id.

    Raises
    ------
    NoScore
        If the file is missing, unreadable or not a valid answers file.
    """
    path = (Path.cwd() if folder is None else Path(folder)) / FILE_NAME
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise NoScore(_("no answers file ({name}) was found with this submission.").format(name=FILE_NAME)) from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError):
        raise NoScore(_("the answers file ({name}) could not be read.").format(name=FILE_NAME)) from None
    problem = validate_document(data)
    if problem:
        raise NoScore(_("the answers file is not in the expected format (version {version}).").format(version=SCHEMA_VERSION))
    return data["items"]


def _answer(item_id: str, folder: str | Path | None) -> Any:
    record = read_answers(folder).get(item_id)
    if record is None or record.get("value") is None:
        raise NoScore(_("no answer was saved for this item."))
    return record["value"]


def _item(item_id: str, folder: str | Path | None, bank: str):
    from .bank import load_bank

    return load_bank((Path.cwd() if folder is None else Path(folder)) / bank)[item_id]


def _malformed() -> NoScore:
    return NoScore(_("the saved answer is not in a form this item accepts."))


def _out_of_range() -> NoScore:
    return NoScore(_("the saved answer is not one of this item's options."))


@_graded
def score_single(item_id: str, *, key: str, folder: str | Path | None = None, bank: str = BANK_FILE) -> float:
    """Full points if the saved option is ``key``, else 0."""
    item = _item(item_id, folder, bank)
    answer = _answer(item_id, folder)
    if not isinstance(answer, str):
        raise _malformed()
    if answer not in {o.id for o in item.options}:
        raise _out_of_range()
    return 1.0 if answer == key else 0.0


@_graded
def score_multiple(item_id: str, *, key: list[str], folder: str | Path | None = None, bank: str = BANK_FILE) -> float:
    """Partial credit: (right ticks - wrong ticks) / number of right options, at least 0."""
    item = _item(item_id, folder, bank)
    answer = _answer(item_id, folder)
    if not isinstance(answer, list) or not all(isinstance(a, str) for a in answer):
        raise _malformed()
    known = {o.id for o in item.options}
    chosen = set(answer)
    if not chosen <= known:
        raise _out_of_range()
    keyed = set(key)
    return max(0.0, (len(chosen & keyed) - len(chosen - keyed)) / len(keyed))


@_graded
def score_matching(item_id: str, *, key: dict[str, str], folder: str | Path | None = None, bank: str = BANK_FILE) -> float:
    """Partial credit: the share of terms matched to their keyed choice."""
    item = _item(item_id, folder, bank)
    answer = _answer(item_id, folder)
    if not isinstance(answer, dict) or not all(isinstance(v, str) for v in answer.values()):
        raise _malformed()
    terms = {t.id for t in item.terms}
    choices = {c.id for c in item.choices}
    if not set(answer) <= terms or not set(answer.values()) <= choices:
        raise _out_of_range()
    return sum(1 for term, choice in key.items() if answer.get(term) == choice) / len(key)


@_graded
def score_rating(item_id: str, *, folder: str | Path | None = None, bank: str = BANK_FILE) -> float:
    """Completion: full points for a rating on the item's scale, with a comment where the scale requires one."""
    from .scales import SCALES

    item = _item(item_id, folder, bank)
    scale = SCALES[item.scale or "competency"]
    answer = _answer(item_id, folder)
    if not isinstance(answer, dict) or not isinstance(answer.get("comment", ""), str):
        raise _malformed()
    if answer.get("rating") not in scale.level_ids():
        raise _out_of_range()
    if answer["rating"] in scale.comment_required and not answer.get("comment", "").strip():
        raise NoScore(_("the {level} rating needs a comment, and none was saved.").format(level=scale.label(answer["rating"])))
    return 1.0


@_graded
def score_completion(item_id: str, *, folder: str | Path | None = None, bank: str = BANK_FILE) -> float:
    """Completion of a reflection: written (private or shared) or skipped."""
    answer = _answer(item_id, folder)
    if not isinstance(answer, dict):
        raise _malformed()
    if answer.get("skipped") or answer.get("completed"):
        return 1.0
    raise NoScore(_("the reflection was started but not written."))


def show_reflection(item_id: str, *, folder: str | Path | None = None) -> None:
    """Print a reflection for the trainer: its text if shared, else only its status.

    Output is plain text (a stream), so nbgrader's feedback shows it escaped.
    Never raises and never writes to stderr.
    """
    with contextlib.redirect_stderr(io.StringIO()):
        try:
            answer = _answer(item_id, folder)
        except NoScore as reason:
            print(_("Reflection {item}: {reason}").format(item=item_id, reason=reason))
            return
        except Exception as error:
            print(_("Reflection {item}: could not be read ({error}).").format(item=item_id, error=type(error).__name__))
            return
        if not isinstance(answer, dict):
            print(_("Reflection {item}: the saved answer is not in a form this item accepts.").format(item=item_id))
        elif answer.get("skipped"):
            print(_("Reflection {item}: the learner chose to skip this reflection (no penalty).").format(item=item_id))
        elif answer.get("shared"):
            print(_("Reflection {item}, shared by the learner ({words} words):").format(item=item_id, words=answer.get("words", 0)))
            print(str(answer.get("text", "")))
        elif answer.get("completed"):
            print(_("Reflection {item}: written and kept private by the learner ({words} words). "
                    "Grade it on completion.").format(item=item_id, words=answer.get("words", 0)))
        else:
            print(_("Reflection {item}: started but not written.").format(item=item_id))
