"""The practice exam: 75 single-best-answer questions in the certification format.

Certification candidates meet exams of single-best-answer questions with four
options, spread over the IC&RC Peer Recovery domains. An attempt draws its
questions in proportion to how many each domain has, in an order and a
selection that change with every attempt. It is scored per domain with a
short study plan pointing back to the modules.

An attempt draws from one of two sources (its record's ``source``):

* ``"lessons"``, practice in the learner's own page: every lesson check with
  four options. It is scored the moment the learner asks, so its keys are on
  the learner's side; the lessons' keys already are (their feedback explains
  every option).
* ``"graded"``, to hand in: every graded assessment's knowledge question with
  one best answer out of four, shown without keys (from the assessments'
  released banks, which hold none). Its keys never leave the trainer's side:
  the practice exam's hidden test holds them (written by
  ``peer_course.authoring.practice_exam``), nbgrader scores the attempt when it
  is submitted, and the learner's feedback shows the score per domain only,
  never which question was right. A page that scored it could be asked
  question by question, and would give the keys away.

Submitted through nbgrader, either source is graded by the same rules
(:func:`score_attempt`). Pure functions: no widget, no file written.
"""

from __future__ import annotations

import hashlib
import os
import random
from dataclasses import replace
from pathlib import Path

from peer_widgets.bank import load_bank
from peer_widgets.content import assessments_dir, modules_dir, released_dir
from peer_widgets.frameworks import framework
from peer_widgets.items import Item
from peer_widgets.kinds import kind_of
from peer_widgets.kinds.exam import DomainScore, Question, Result, deadline, score_attempt
from peer_widgets.manifest import Manifest

__all__ = ["EXAM_SIZE", "RECORD", "DomainScore", "Question", "Result", "as_exam_question", "attempt_questions",
           "deadline", "draw", "exam_id", "graded_pool", "lesson_id", "new_attempt", "pool", "score_attempt", "shares",
           "source_pool", "SOURCES"]

#: How many questions an attempt has (as in IC&RC's Peer Recovery exam).
EXAM_SIZE = 75
OPTIONS = 4
#: The practice exam's one item (in its assessment's bank): its record in the answers file holds the attempt.
RECORD = "px-exam"
#: Timer choices offered to the learner, in minutes (None: no timer).
TIME_LIMITS = (None, 60, 90, 120)
#: Where an attempt's questions come from (see the module's docs); the first is the default.
LESSONS, GRADED = "lessons", "graded"
SOURCES = (LESSONS, GRADED)


def pool(manifest: Manifest) -> list[Question]:
    """Every lesson check that has the exam's format: single choice, four options."""
    out = []
    for module in manifest.modules:
        for item in load_bank(modules_dir() / module.bank):
            if _exam_format(item) and item.key:
                out.append(Question(item, module))
    return out


def _exam_format(item: Item) -> bool:
    return kind_of(item).single_best_answer and len(item.options) == OPTIONS and bool(item.icrc)


def released_bank(assessment: str) -> Path | None:
    """The path of a graded assessment's released bank (no keys): the source
    folder's own ``items.yaml`` (which holds no keys) where this account can
    read it, else the student versions a server keeps for learners when the
    sources are kept from them. None if neither."""
    for folder in (assessments_dir(), released_dir()):
        path = folder / assessment / "items.yaml"
        if path.is_file() and os.access(path, os.R_OK):
            return path
    return None


def graded_pool(manifest: Manifest) -> list[Question]:
    """Every graded knowledge question with one best answer out of four, as
    released (no key): its first version, under its module."""
    out = []
    for module in manifest.modules:
        path = released_bank(module.assessment) if module.assessment else None
        if path is None:
            continue
        for item in load_bank(path):
            if _exam_format(item):
                out.append(Question(replace(item, key=None, variants=()), module))
    return out


def source_pool(manifest: Manifest, source: str) -> list[Question]:
    """The questions an attempt from ``source`` draws from."""
    return graded_pool(manifest) if source == GRADED else pool(manifest)


def _rng(learner: str, attempt: int, source: str = LESSONS) -> random.Random:
    salt = "" if source == LESSONS else f"/{source}"
    seed = hashlib.sha256(f"{learner}/practice-exam/{attempt}{salt}".encode()).hexdigest()
    return random.Random(int(seed, 16))


def shares(questions: list[Question], size: int) -> dict[str, int]:
    """How many of ``size`` questions each IC&RC domain gets: in proportion to
    the pool, rounded by largest remainder, so the total is exactly ``size``."""
    domains = framework("icrc").ids
    counts = {d: sum(q.item.icrc == d for q in questions) for d in domains}
    total = sum(counts.values())
    size = min(size, total)
    exact = {d: size * n / total for d, n in counts.items()} if total else {}
    given = {d: int(x) for d, x in exact.items()}
    for d in sorted(exact, key=lambda d: (given[d] - exact[d], domains.index(d)))[:size - sum(given.values())]:
        given[d] += 1
    return given


def draw(questions: list[Question], learner: str, attempt: int, size: int = EXAM_SIZE,
         source: str = LESSONS) -> list[Question]:
    """One attempt's questions: each domain's share, drawn at random for this
    learner, attempt and source (the same on every reload), in a shuffled order."""
    rng = _rng(learner, attempt, source)
    chosen = []
    for domain, count in shares(questions, size).items():
        chosen += rng.sample([q for q in questions if q.item.icrc == domain], count)
    rng.shuffle(chosen)
    return chosen


def exam_id(attempt: int, item_id: str) -> str:
    """The question's id on the exam page: apart from the lesson's own check, and
    new with each attempt (so its options are shuffled anew)."""
    return f"attempt-{attempt}/{item_id}"


def lesson_id(question_id: str) -> str:
    return question_id.split("/", 1)[-1]


def as_exam_question(question: Question, attempt: int) -> Item:
    """The lesson check as an exam question: its own id, no key, no feedback, no check button."""
    item = question.item
    return replace(item, id=exam_id(attempt, item.id), mode="graded", key=None,
                   options=tuple(replace(option, feedback=None) for option in item.options))


def new_attempt(manifest: Manifest, learner: str, previous: dict | None, minutes: int | None, started_at: str,
                source: str = LESSONS) -> dict:
    """The saved form of a new attempt: the questions drawn for it, no answers yet.

    Everything about an attempt is one record in the answers file (``RECORD``):
    ``attempt`` (1, 2, ...), ``source`` (:data:`SOURCES`), ``items`` (the
    question ids, in order),
    ``answers`` and ``times`` (per check: the option chosen and when),
    ``started_at``, ``minutes`` (None: untimed), ``finished`` and the
    ``history`` of earlier attempts' scores.
    """
    previous = previous or {}
    number = int(previous.get("attempt", 0)) + 1
    if source not in SOURCES:
        raise ValueError(f"an attempt's source is one of {SOURCES}, not {source!r}")
    drawn = draw(source_pool(manifest, source), learner, number, source=source)
    return {"attempt": number, "source": source, "items": [q.item.id for q in drawn], "answers": {}, "times": {},
            "started_at": started_at, "minutes": minutes, "finished": False,
            "history": list(previous.get("history", []))}


def attempt_questions(manifest: Manifest, record: dict) -> list[Question]:
    """The questions a saved attempt holds, in its order (ones no longer in the pool are left out)."""
    by_id = {q.item.id: q for q in source_pool(manifest, attempt_source(record))}
    return [by_id[item_id] for item_id in record.get("items", []) if item_id in by_id]


def attempt_source(record: dict) -> str:
    """Where a saved attempt's questions come from (attempts saved before there
    were two sources are practice from the lessons)."""
    return record.get("source") or LESSONS
