"""The practice exam: 75 single-best-answer questions in the certification format.

Certification candidates meet exams of single-best-answer questions with four
options, spread over the IC&RC Peer Recovery domains. The practice exam draws
its questions from the lessons' checks (every single-choice check with four
options is in the pool), in proportion to how many each domain has, in an
order and a selection that change with every attempt. It is scored per domain
with a short study plan pointing back to the modules.

Why the lessons' checks and not the graded assessments: the practice exam is
scored in the learner's own page, with no trainer, so its keys must be on the
learner's side; the lessons' keys already are (their feedback explains every
option), while a graded assessment's keys never leave the trainer's side.
Submitted through nbgrader, it is graded the same way (:func:`score_attempt`).

Pure functions: no widget, no file.
"""

from __future__ import annotations

import hashlib
import random
from dataclasses import replace

from peer_widgets.bank import load_bank
from peer_widgets.content import modules_dir
from peer_widgets.frameworks import framework
from peer_widgets.items import Item
from peer_widgets.kinds import kind_of
from peer_widgets.kinds.exam import DomainScore, Question, Result, deadline, score_attempt
from peer_widgets.manifest import Manifest

__all__ = ["EXAM_SIZE", "RECORD", "DomainScore", "Question", "Result", "as_exam_question", "attempt_questions",
           "deadline", "draw", "exam_id", "lesson_id", "new_attempt", "pool", "score_attempt", "shares"]

#: How many questions an attempt has (as in IC&RC's Peer Recovery exam).
EXAM_SIZE = 75
OPTIONS = 4
#: The practice exam's one item (in its assessment's bank): its record in the answers file holds the attempt.
RECORD = "px-exam"
#: Timer choices offered to the learner, in minutes (None: no timer).
TIME_LIMITS = (None, 60, 90, 120)


def pool(manifest: Manifest) -> list[Question]:
    """Every lesson check that has the exam's format: single choice, four options."""
    out = []
    for module in manifest.modules:
        for item in load_bank(modules_dir() / module.bank):
            if kind_of(item).single_best_answer and len(item.options) == OPTIONS and item.icrc and item.key:
                out.append(Question(item, module))
    return out


def _rng(learner: str, attempt: int) -> random.Random:
    seed = hashlib.sha256(f"{learner}/practice-exam/{attempt}".encode()).hexdigest()
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


def draw(questions: list[Question], learner: str, attempt: int, size: int = EXAM_SIZE) -> list[Question]:
    """One attempt's questions: each domain's share, drawn at random for this
    learner and attempt (the same on every reload), in a shuffled order."""
    rng = _rng(learner, attempt)
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


def new_attempt(manifest: Manifest, learner: str, previous: dict | None, minutes: int | None, started_at: str) -> dict:
    """The saved form of a new attempt: the questions drawn for it, no answers yet.

    Everything about an attempt is one record in the answers file (``RECORD``):
    ``attempt`` (1, 2, ...), ``items`` (the lesson check ids, in order),
    ``answers`` and ``times`` (per check: the option chosen and when),
    ``started_at``, ``minutes`` (None: untimed), ``finished`` and the
    ``history`` of earlier attempts' scores.
    """
    previous = previous or {}
    number = int(previous.get("attempt", 0)) + 1
    drawn = draw(pool(manifest), learner, number)
    return {"attempt": number, "items": [q.item.id for q in drawn], "answers": {}, "times": {},
            "started_at": started_at, "minutes": minutes, "finished": False,
            "history": list(previous.get("history", []))}


def attempt_questions(manifest: Manifest, record: dict) -> list[Question]:
    """The questions a saved attempt holds, in its order (ones no longer in the pool are left out)."""
    by_id = {q.item.id: q for q in pool(manifest)}
    return [by_id[item_id] for item_id in record.get("items", []) if item_id in by_id]
