"""Scoring helpers for nbgrader autograder-test cells.

An autograded item's test cell ends with one call, for example::

    ### BEGIN HIDDEN TESTS
    from peer_widgets.grading import score_single
    score_single("rpc-k01", key="b", points=1)
    ### END HIDDEN TESTS

nbgrader reads a test cell's last expression as its score when it is a
number, gives *full marks* when there is no result or a non-numeric one, and
*zero* when anything is written to stderr. So every helper here:

* always returns a plain ``float`` between 0 and ``points``, rounded to 2
  decimal places per item (so totals add up exactly to what feedback shows);
* never raises and never writes to stderr (warnings and errors are caught;
  the reason is printed to stdout, where it shows in the learner's feedback);
* never prints the key or the text of a keyed option.

A keyed helper also takes the item's ``rationale`` (why the key is right), kept
beside the key for the learner's feedback after grading; it is never printed.
A rationale in several languages is a mapping (``{"en": "...", "es": "..."}``);
the learner's feedback shows the one in their language.

An item with parallel versions (variants) carries each other version's key
and rationale in the same call: ``variants={"v2": {"key": "c", "rationale":
"..."}}``; the answer is scored against the version recorded with it.

Answers are read from ``responses.json`` in the notebook's folder (the
kernel's working directory during autograde); the item definitions from the
released bank beside it, to tell an out-of-range answer from a wrong one.
How an answer is checked and scored is the item kind's rule
(:mod:`peer_widgets.kinds`); every helper here is the same call for its kind.
"""

from __future__ import annotations

import contextlib
import functools
import io
import warnings
from dataclasses import replace
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any, Callable

from peer_widgets import answers
from peer_widgets.answers import FILE_NAME, SCHEMA_VERSION
from peer_widgets.errors import PeerCourseError
from peer_widgets.i18n import N_
from peer_widgets.i18n import gettext as _
from peer_widgets.items import Item
from peer_widgets.kinds import (
    AnswerProblem,
    ItemKind,
    MatchingKind,
    MultipleSelectKind,
    PracticeExamKind,
    RatingKind,
    ReflectionKind,
    SingleChoiceKind,
    kind_of,
)

BANK_FILE = "items.yaml"


class NoScore(PeerCourseError):
    """The item scores 0 for a reason the learner should read."""


# Every score is rounded to 2 decimal places (half up) once, per item, here:
# nbgrader stores and adds exactly the numbers the learner's feedback shows,
# so a total never drifts (4 places made 3 x 0.6667 = 2.0001).
PLACES = Decimal("0.01")


#: The line a helper prints when an item scores nothing (the learner's feedback
#: quotes its reason: peer_course.grading.feedback reads it in every language).
ZERO_SCORE = N_("{item}: 0 of {points} points: {reason}")


def clean_score(points: float, fraction: float) -> float:
    """``points * fraction`` rounded to 2 decimal places, half up (2/3 of 2 -> 1.33)."""
    exact = Decimal(str(float(points))) * Decimal(repr(float(fraction)))
    return float(exact.quantize(PLACES, rounding=ROUND_HALF_UP))


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
                score = clean_score(points, fraction)
                print(_("{item}: {score} of {points} points.").format(item=item_id, score=_fmt(score), points=_fmt(points)))
                return float(score)
            except (NoScore, AnswerProblem) as reason:
                print(_(ZERO_SCORE).format(item=item_id, points=_fmt(points), reason=reason))
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
        return answers.read(path)
    except FileNotFoundError:
        raise NoScore(_("no answers file ({name}) was found with this submission.").format(name=FILE_NAME)) from None
    except OSError:
        raise NoScore(_("the answers file ({name}) could not be read.").format(name=FILE_NAME)) from None
    except answers.AnswersFileError as problem:
        if problem.unreadable:
            raise NoScore(_("the answers file ({name}) could not be read.").format(name=FILE_NAME)) from None
        raise NoScore(_("the answers file is not in the expected format (version {version}).").format(
            version=SCHEMA_VERSION)) from None


def _record(item_id: str, folder: str | Path | None) -> dict[str, Any]:
    record = read_answers(folder).get(item_id)
    if record is None or record.get("value") is None:
        raise NoScore(_("no answer was saved for this item."))
    return record


def _answer(item_id: str, folder: str | Path | None) -> Any:
    return _record(item_id, folder)["value"]


def answered_version(item: Item, record: dict[str, Any]) -> Item:
    """The version of ``item`` the learner answered, as recorded with the answer
    (an answer saved before the item had versions was given to the first).

    Raises
    ------
    NoScore
        If the record names a version this item does not have.
    """
    try:
        return item.as_variant(record.get("variant"))
    except (KeyError, TypeError):
        raise NoScore(_("the answer was saved for a version of this question that this assessment does not "
                        "have; ask your trainer to check it.")) from None


def _item(item_id: str, folder: str | Path | None, bank: str):
    from peer_widgets.bank import load_bank

    return load_bank((Path.cwd() if folder is None else Path(folder)) / bank)[item_id]


def score_item(item_id: str, *, key: Any = None, folder: str | Path | None = None, bank: str = BANK_FILE,
               expect: type[ItemKind] | None = None, variants: dict[str, dict[str, Any]] | None = None) -> float:
    """The share of credit (0 to 1) the saved answer to ``item_id`` earns.

    The item comes from the bank beside the answers; its kind checks the
    answer and scores it against ``key`` (None for completion-graded kinds),
    or, when the learner answered another version of the item, against that
    version's key in ``variants`` (``{"v2": {"key": ..., "rationale": ...}}``).

    Raises
    ------
    NoScore, AnswerProblem
        With the reason the learner reads (no answer, malformed, out of
        range, incomplete).
    """
    item = _item(item_id, folder, bank)
    kind = kind_of(item)
    if expect is not None and not isinstance(kind, expect):
        raise NoScore(_("this item is graded with the wrong helper; ask your trainer to check it."))
    record = _record(item_id, folder)
    shown = answered_version(item, record)
    if shown is not item:
        key = (variants or {}).get(shown.variant, {}).get("key")
        if key is None:
            raise NoScore(_("this version of the question has no key; ask your trainer to check it."))
    value = kind.check_value(shown, record["value"])
    return kind.score(shown, value, key)


def _scorer(kind: type[ItemKind], doc: str, *, keyed: bool) -> Callable[..., float]:
    if keyed:
        def score(item_id: str, *, key: Any, folder: str | Path | None = None, bank: str = BANK_FILE,
                  rationale: str | dict[str, str] | None = None,
                  variants: dict[str, dict[str, Any]] | None = None) -> float:
            # ``rationale`` sits beside the key for the learner's feedback
            # (peer_course.grading.feedback reads it from this call); never printed.
            # ``variants`` holds each other version's key and rationale the same way.
            return score_item(item_id, key=key, folder=folder, bank=bank, expect=kind, variants=variants)
    else:
        def score(item_id: str, *, folder: str | Path | None = None, bank: str = BANK_FILE) -> float:
            return score_item(item_id, folder=folder, bank=bank, expect=kind)
    score.__name__ = score.__qualname__ = kind.scorer or "score"
    score.__doc__ = doc
    return _graded(score)


# The names hidden tests call (``score_single("id", key="b", points=1)``); each is
# the same call for its kind, and authoring writes the name from ``kind.scorer``.
score_single = _scorer(SingleChoiceKind, "Full points if the saved option is ``key``, else 0.", keyed=True)
score_multiple = _scorer(MultipleSelectKind, "Partial credit: (right ticks - wrong ticks) / number of right "
                         "options, at least 0.", keyed=True)
score_matching = _scorer(MatchingKind, "Partial credit: the share of terms matched to their keyed choice.", keyed=True)
score_rating = _scorer(RatingKind, "Completion: full points for a rating on the item's scale, with a comment "
                       "where the scale requires one.", keyed=False)
score_completion = _scorer(ReflectionKind, "Completion of a reflection: written (private or shared) or skipped.",
                           keyed=False)


@_graded
def score_practice_exam(item_id: str, *, keys: dict[str, str] | None = None, folder: str | Path | None = None,
                        bank: str = BANK_FILE) -> float:
    """The share of the saved practice exam attempt's questions answered right.

    An attempt from the lessons is scored by the lessons' own keys (public by
    design: that source is practice scored in the learner's page). An attempt
    from the graded assessments is scored by ``keys`` (question id -> key),
    which the practice exam's hidden test holds; the learner's feedback shows
    the score per domain and the modules to review, never which question was
    right. Either way the attempt must hold a full draw from its source.
    """
    from peer_widgets import exam
    from peer_widgets.manifest import load_manifest

    item = _item(item_id, folder, bank)
    kind = kind_of(item)
    if not isinstance(kind, PracticeExamKind):
        raise NoScore(_("this item is graded with the wrong helper; ask your trainer to check it."))
    value = kind.check_value(item, _answer(item_id, folder))
    manifest = load_manifest()
    source = exam.attempt_source(value)
    questions = exam.attempt_questions(manifest, value)
    expected = min(exam.EXAM_SIZE, len(exam.source_pool(manifest, source)))
    if len(questions) != expected or len(value["items"]) != expected:
        raise NoScore(_("this attempt does not hold {n} of the course's practice questions; start a new "
                        "attempt.").format(n=expected))
    if source == exam.GRADED:
        missing = [q.item.id for q in questions if q.item.id not in (keys or {})]
        if missing:
            raise NoScore(_("this attempt's questions have no keys on the trainer's side; ask your trainer "
                            "to run peer-course exam-keys and grade it again."))
        questions = [replace(q, item=replace(q.item, key=keys[q.item.id])) for q in questions]
    result = kind.result(item, value, questions)
    # The learner's feedback: the score per domain and the modules to look at
    # again, as on the practice page; never which question was right.
    for domain in result.domains:
        print(_("{domain}: {right} of {total} right.").format(domain=domain.name, right=domain.right,
                                                              total=domain.total))
        if domain.review:
            modules = ", ".join(_("Module {number}: {title}").format(number=module.number, title=module.title)
                                for module, _missed in domain.review[:3])
            print(_("{domain}: look again at {modules}.").format(domain=domain.name, modules=modules))
    return result.share


def show_reflection(item_id: str, *, folder: str | Path | None = None, bank: str = BANK_FILE) -> None:
    """Print a reflection for the trainer: its text if shared, else only its status.

    Output is plain text (a stream), so nbgrader's feedback shows it escaped.
    Never raises and never writes to stderr.
    """
    with contextlib.redirect_stderr(io.StringIO()):
        try:
            item = _item(item_id, folder, bank)
            lines = kind_of(item).trainer_view(item, _answer(item_id, folder))
        except NoScore as reason:
            lines = [_("Reflection {item}: {reason}").format(item=item_id, reason=reason)]
        except Exception as error:
            lines = [_("Reflection {item}: could not be read ({error}).").format(item=item_id,
                                                                              error=type(error).__name__)]
        for line in lines:
            print(line)
