"""The trainer's nbgrader steps, in the order a cohort goes through them.

    build      -> generate_assignment  (student versions in release/)
    release    -> release_assignment   (into the exchange, for learners to fetch)
    collect    -> collect              (the exchange's submissions into submitted/)
    autograde  -> autograde            (one run per learner and assessment, in
                                        long-lived parallel workers: see parallel.py)
    formgrader -> jupyter lab in the trainer folder (nbgrader's Formgrader, manual grades)
    feedback   -> generate_feedback   (only feedback that is out of date), then
                  release_feedback    (into the exchange, for learners' fetch_feedback:
                                       only feedback the exchange lacks as it is now)
    export     -> our own CSV writer   (export.py, from nbgrader's Gradebook API)
    regrade    -> build --force, then autograde and feedback (made and released) again for one assessment

Ordering rules: release needs build; autograde needs build (the gradebook
learns the assessment's cells there) and a submission; feedback needs
autograde; manual grades in formgrader come after autograde and before
feedback; feedback is released only once it is up to date, and only for a
submission that came through ``nbgrader submit`` (its secret names the
feedback in the exchange). The report and certificates (report.py,
certificates.py) read the gradebook at any time.

Every step runs nbgrader through :mod:`peer_course.grading.runner` (its
Python API where it has the operation, with the trainer folder's
configuration), reports progress through ``progress`` and raises
:class:`StepError` with nbgrader's own last lines when a step fails. Re-running
is safe: nothing already built or released is redone unless ``force`` is
given, and autograde and feedback redo exactly what is out of date (a newer
submission, a corrected key, a changed grade; see
:mod:`peer_course.grading.freshness`) and nothing else. ``course_dir`` is the
trainer folder, as a path or a :class:`~peer_course.grading.trainer_dir.TrainerDir`.
"""

from __future__ import annotations

import os
import re
import sys
from collections import Counter
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from peer_course.grading import freshness
from peer_course.grading.collect import COLLECTED, KEPT, REFUSED, UPDATED, safe_collect_class
from peer_course.grading.gradebook import commit_when_closed, open_gradebook
from peer_course.grading.parallel import DEFAULT_MEMORY_MB, autograde_parallel
from peer_course.grading.roster import ID_PATTERN

# nbgrader_env and run_nbgrader are imported from here by the tests and benchmarks
# that run the nbgrader command themselves; they live in runner.py.
from peer_course.grading.runner import (FAILED, SKIPPED, Outcome, Progress, Runner, StepError, nbgrader_env,
                                        nbgrader_warnings, run_nbgrader)
from peer_course.grading.trainer_dir import TrainerDir
from peer_widgets.manifest import load_manifest

__all__ = ["HELD", "Outcome", "REGRADED", "RELEASED", "ScoreChange", "StepError", "autograde", "build", "collect",
           "export", "feedback", "formgrader_command", "nbgrader_env", "regrade", "release", "release_feedback",
           "run_nbgrader"]

#: An Outcome status: a submission graded before and graded again because it was out of date.
REGRADED = "regraded"
KEY_CHANGED = "the key was corrected"

def _assessments(names: list[str] | None, trainer: TrainerDir | None = None) -> list[str]:
    """The assessments a step works on: those named (each must be one of the
    trainer folder's, else one clear error and nothing is done), or all."""
    if not names:
        return load_manifest().assessments
    if trainer is not None:
        from peer_course.grading.status import known_assessments

        return known_assessments(trainer, list(names))
    return list(names)


def _known_students(trainer: TrainerDir, names: list[str], students: list[str] | None) -> None:
    """Stop with one clear error if a named learner handed in none of ``names``."""
    if not students:
        return
    present = {student for name in names for student in trainer.submissions("submitted", name)}
    unknown = [student for student in students if student not in present]
    if unknown:
        raise StepError(f"no submission from {', '.join(repr(u) for u in unknown)} in submitted/ for "
                        f"{', '.join(names)}; check the learner id (as in the roster) or run collect first")


def build(*, course_dir: Path | TrainerDir, assessments: list[str] | None = None, force: bool = False,
          progress: Progress = print) -> list[Outcome]:
    """Make the student version of each assessment (keys removed) in ``release/``.

    An assessment already built is left as it is unless ``force`` is given.
    Due dates set with ``peer-course due`` are given to the gradebook again.
    """
    from peer_course.grading.status import apply_due_dates

    trainer = TrainerDir.of(course_dir)
    runner = Runner(trainer, progress=progress)
    names = _assessments(assessments, trainer)

    def one(api, name: str) -> None:
        runner.check(api.generate_assignment(name, force=force, create=True), f"building {name}")

    with commit_when_closed():  # one commit per notebook, not one per cell it records
        outcomes = runner.each(names, lambda name: f"building the student version of {name}", one)
    with open_gradebook(trainer) as gb:
        apply_due_dates(trainer, gb, names)
    return outcomes


@dataclass(frozen=True)
class ScoreChange:
    """A submission graded again: its score before and after (None: it had none)."""

    assessment: str
    student: str
    old: float | None
    new: float | None
    max_score: float
    reason: str

    def line(self) -> str:
        """``p01, peer-role-check: 17.67 → 19.67 of 26 (a newer submission was collected)``."""
        def shown(value: float | None) -> str:
            return "no score" if value is None else f"{round(value, 2):g}"

        if self.old == self.new:
            return f"{self.student}, {self.assessment}: {shown(self.new)} of {self.max_score:g}, unchanged ({self.reason})"
        return f"{self.student}, {self.assessment}: {shown(self.old)} → {shown(self.new)} of {self.max_score:g} ({self.reason})"


def _scores(trainer: TrainerDir, work: list[tuple[str, str]]) -> dict[tuple[str, str], tuple[float | None, float]]:
    """``{(assessment, learner): (score or None, max score)}`` from the gradebook."""
    from nbgrader.api import MissingEntry

    found: dict[tuple[str, str], tuple[float | None, float]] = {}
    if not work:
        return found
    with open_gradebook(trainer) as gb:
        for name, student in work:
            try:
                submission = gb.find_submission(name, student)
                found[(name, student)] = (round(submission.score, 4), submission.max_score)
            except MissingEntry:
                try:
                    found[(name, student)] = (None, gb.find_assignment(name).max_score)
                except MissingEntry:
                    found[(name, student)] = (None, 0.0)
    return found


def changed_keys(*, course_dir: Path | TrainerDir, assessments: list[str] | None = None) -> dict[str, list[str]]:
    """``{assessment: [grade id, ...]}`` for each built assessment whose key in
    ``source/`` differs from what the gradebook learned (see freshness.py)."""
    trainer = TrainerDir.of(course_dir)
    names = [n for n in _assessments(assessments) if trainer.format_path("source", None, n).is_dir()]
    with open_gradebook(trainer) as gb:
        found = {name: freshness.key_changes(trainer, name, gb) for name in names}
    return {name: cells for name, cells in found.items() if cells}


def _renumbered(progress: Progress, offset: int, total: int) -> Progress:
    """``progress`` with parallel.py's ``[k/M]`` counters shifted to ``[offset+k/total]``."""
    def report(line: str) -> None:
        match = re.match(r"\[(\d+)/\d+\] (.*)", line, re.S)
        progress(f"[{int(match[1]) + offset}/{total}] {match[2]}" if match else line)
    return report


def autograde(*, course_dir: Path | TrainerDir, assessments: list[str] | None = None, students: list[str] | None = None,
              force: bool = False, workers: int | None = None, time_limit: float = 900,
              cell_timeout: float | None = None, memory_limit: float | None = DEFAULT_MEMORY_MB,
              progress: Progress = print, regrade_all: frozenset[str] = frozenset(),
              changes: list[ScoreChange] | None = None) -> list[Outcome]:
    """Autograde every submission in ``submitted/`` that is out of date, with parallel workers.

    A submission is graded when it never was, when a newer one was collected
    (``collect --update``) or it changed after grading, and every submission of
    an assessment whose key in ``source/`` was corrected since it was built
    (that assessment is built again first); ``force`` grades them all. Each
    submission graded again has status ``regraded`` and its score change is
    reported (``p01, peer-role-check: 17.67 → 19.67 of 26 (...)``) and appended
    to ``changes`` if given; manual grades are kept. The rest are ``skipped``.

    ``workers`` defaults to min(CPU count, 4) and never exceeds the CPU count.
    ``time_limit`` bounds one submission (seconds, wall clock);
    ``cell_timeout`` overrides the config's per-cell limit; ``memory_limit``
    (MB) bounds each worker and its kernels. A submission that fails or runs
    out of time is reported for that learner only (see
    :mod:`peer_course.grading.parallel`); the others are still graded. A
    folder in ``submitted/`` whose name is not a safe learner id (as a roster
    allows) is reported and never graded, so no such name reaches a page.
    """
    trainer = TrainerDir.of(course_dir)
    names = _assessments(assessments, trainer)
    _known_students(trainer, names, students)
    keys = changed_keys(course_dir=trainer, assessments=names)
    for name, cells in keys.items():
        progress(f"{name}: the key in source/ changed since it was built (item(s) {', '.join(cells)}); "
                 "building it again and regrading every submission")
        build(course_dir=trainer, assessments=[name], force=True, progress=progress)
    every = set(keys) | set(regrade_all)
    work, refused, reasons = [], [], {}
    for name in names:
        # a corrected key is applied to everyone at once: after this build the
        # gradebook no longer knows the key changed, so no learner may be left out
        for student in trainer.submissions("submitted", name, None if name in every else students):
            if not ID_PATTERN.match(student):
                refused.append(Outcome(name, student, False, "not a safe learner id (letters, digits, '.', '_', "
                                       "'-'); the submission was left in submitted/ and not graded", FAILED))
                continue
            work.append((name, student))
            why = freshness.submission_change(trainer, name, student)
            if why is None and name in every:
                why = KEY_CHANGED
            if why is None and force:
                why = "asked with --force"
            if why is not None:
                reasons[(name, student)] = why
    todo = [key for key in work if key in reasons]
    again = [key for key in todo if reasons[key] != freshness.NOT_GRADED]
    before = _scores(trainer, again)
    outcomes: dict[tuple[str, str], Outcome] = {}
    skipped = [key for key in work if key not in reasons]
    for number, (name, student) in enumerate(skipped, 1):
        progress(f"[{number}/{len(work)}] {name} for {student}: already graded and up to date, skipped")
        outcomes[(name, student)] = Outcome(name, student, True, "already graded and up to date", SKIPPED)
    graded = autograde_parallel(course_dir=trainer, work=todo, workers=workers, force=True, time_limit=time_limit,
                                cell_timeout=cell_timeout, memory_limit=memory_limit,
                                progress=_renumbered(progress, len(skipped), len(work)))
    after = _scores(trainer, again)
    for key, outcome in zip(todo, graded):
        if key in before and outcome.ok and outcome.status != SKIPPED and reasons[key] != "asked with --force":
            outcome = replace(outcome, status=REGRADED)
            (old, top), (new, _) = before[key], after[key]
            change = ScoreChange(key[0], key[1], old, new, top, reasons[key])
            progress(f"  {change.line()}")
            if changes is not None:
                changes.append(change)
        outcomes[key] = outcome
    return refused + [outcomes[key] for key in work]


@dataclass(frozen=True)
class Regraded:
    """What ``regrade`` did: every submission's outcome, the score changes, the
    feedback remade (one outcome per assessment) and each learner's feedback
    released or held back (see :func:`feedback`)."""

    outcomes: list[Outcome]
    changes: list[ScoreChange]
    feedback: list[Outcome]
    released: list[Outcome] = field(default_factory=list)


def regrade(*, course_dir: Path | TrainerDir, assessment: str, workers: int | None = None, time_limit: float = 900,
            cell_timeout: float | None = None, memory_limit: float | None = DEFAULT_MEMORY_MB,
            progress: Progress = print) -> Regraded:
    """Apply a corrected key (in ``source/``) to the whole cohort: build
    ``assessment`` again, grade every submission of it again (manual grades are
    kept), and remake the feedback that changed and release it to the
    exchange, so a learner who fetches feedback gets the new score. Each
    learner's score change is reported and returned.

    Raises StepError if the assessment is not in the trainer folder.
    """
    from peer_course.grading.status import known_assessments

    trainer = TrainerDir.of(course_dir)
    known_assessments(trainer, [assessment])
    if not changed_keys(course_dir=trainer, assessments=[assessment]):
        # autograde rebuilds by itself only when the key changed; the trainer asked for it anyway
        build(course_dir=trainer, assessments=[assessment], force=True, progress=progress)
    changes: list[ScoreChange] = []
    outcomes = autograde(course_dir=trainer, assessments=[assessment], workers=workers, time_limit=time_limit,
                         cell_timeout=cell_timeout, memory_limit=memory_limit, progress=progress,
                         regrade_all=frozenset([assessment]), changes=changes)
    made = feedback(course_dir=trainer, assessments=[assessment], progress=progress, only_existing=True)
    return Regraded(outcomes, changes, [o for o in made if o.student is None], [o for o in made if o.student])


def release(*, course_dir: Path | TrainerDir, assessments: list[str] | None = None, force: bool = False,
            progress: Progress = print) -> list[Outcome]:
    """Put the built student versions into the exchange for learners to fetch.

    An assessment already released (as nbgrader's exchange listing says) is
    left as it is, with a ``skipped`` outcome, unless ``force`` is given.
    Raises StepError, before anything is released, if an assessment is not built.
    """
    trainer = TrainerDir.of(course_dir)
    root = trainer.exchange
    names = _assessments(assessments, trainer)
    for name in names:
        if not trainer.format_path("release", None, name).is_dir():
            raise StepError(f"{name} is not built yet; run `peer-course build` first")
    if not root.is_dir():
        root.mkdir(parents=True)
        root.chmod(0o1777)  # every learner writes submissions here, as nbgrader's docs set it up
    runner = Runner(trainer, progress=progress)

    def one(api, name: str) -> Outcome | None:
        if not force and name in api.get_released_assignments():
            return Outcome(name, None, True, "already released (use --force to release again)", SKIPPED)
        runner.check(api.release_assignment(name), f"releasing {name}")
        return None

    # As with `nbgrader release_assignment --force`: only --force sets it, so a
    # force set in nbgrader_config_local.py still applies without it.
    overrides = {"ExchangeReleaseAssignment": {"force": True}} if force else {}
    return runner.each(names, lambda name: f"releasing {name} to {root}", one, **overrides)


def collect(*, course_dir: Path | TrainerDir, assessments: list[str] | None = None, update: bool = False,
            progress: Progress = print) -> list[Outcome]:
    """Copy learners' submissions from the exchange into ``submitted/``.

    A submission already collected is kept. With ``update``, a newer one
    replaces it once its copy is complete; only the one replaced is first
    moved to ``archive/<learner>/<assessment>/<time>/``, so nothing is lost.
    Submissions that claim someone else's id, hold links or are too large are
    refused (see :mod:`peer_course.grading.collect`): each is an outcome with
    status ``refused`` and the reason, and stays in the exchange. nbgrader's
    own warnings are passed on to ``progress``, and so are, per assessment,
    the counts and the learners of the roster (supervisors aside) who have not
    handed in.
    """
    from peer_course.grading.status import is_supervisor

    trainer = TrainerDir.of(course_dir)
    with open_gradebook(trainer) as gb:
        roster = sorted(s.id for s in gb.students if not is_supervisor(s.id))
    runner = Runner(trainer, progress=progress)
    safe = safe_collect_class()
    outcomes: list[Outcome] = []

    def one(api, name: str) -> None:
        safe.results = []
        with nbgrader_warnings() as warnings:
            runner.check(api.collect(name, update=update), f"collecting {name}")
        for line in warnings:
            progress(f"  nbgrader: {line}")
        counts = Counter(result.status for result in safe.results)
        progress(f"  {name}: {counts[COLLECTED]} collected, {counts[UPDATED]} updated, "
                 f"{counts[KEPT]} already collected, {counts[REFUSED]} refused")
        outcomes.extend(Outcome(name, r.student, r.status != REFUSED, r.reason, r.status) for r in safe.results)
        if roster:
            handed_in = set(trainer.submissions("submitted", name))
            missing = [student for student in roster if student not in handed_in]
            progress(f"  {name}: {len(roster) - len(missing)} of {len(roster)} learner(s) have handed in"
                     + (f"; not yet: {', '.join(missing)}" if missing else ""))

    runner.each(_assessments(assessments, trainer), lambda name: f"collecting {name}", one,
                ExchangeFactory={"collect": safe})
    return outcomes


def formgrader_command(*, course_dir: Path | TrainerDir, port: int = 8888, open_browser: bool = False,
                       as_root: bool | None = None) -> list[str]:
    """The command that starts JupyterLab in the trainer folder, where
    nbgrader's Formgrader (menu *Nbgrader > Formgrader*) grades reflections.

    ``as_root`` (default: whether this process runs as root) adds Jupyter's
    ``--allow-root``, which a container or a VM where the trainer is root needs:
    Jupyter refuses to start as root without it.
    """
    command = [str(Path(sys.executable).parent / "jupyter"), "lab",
               f"--ServerApp.root_dir={TrainerDir.of(course_dir).root}", f"--port={port}"]
    if not open_browser:
        command.append("--no-browser")
    if os.geteuid() == 0 if as_root is None else as_root:
        command.append("--allow-root")
    return command


def feedback(*, course_dir: Path | TrainerDir, assessments: list[str] | None = None, force: bool = False,
             students: list[str] | None = None, only_existing: bool = False,
             progress: Progress = print) -> list[Outcome]:
    """Make HTML feedback in ``feedback/`` for every autograded submission whose
    feedback is missing or out of date (regraded, or a grade or comment changed
    in Formgrader; see :mod:`peer_course.grading.freshness`), then release to
    the exchange every learner's feedback that is up to date but not there as
    it is now (made or remade just now, or never released), so learners get
    it with ``nbgrader fetch_feedback`` (*Fetch Feedback* in JupyterLab's
    Assignments tab). ``force`` makes it all again, ``only_existing`` only
    remakes feedback that exists.

    Assessments with nothing to do are passed over. Returns one outcome per
    assessment whose feedback was made (learner None, its message saying how
    many), then one per learner whose feedback was released (status
    ``released``) or is up to date but cannot be released (status ``not
    released``, the message says why): a submission that did not come
    through ``nbgrader submit`` has no secret for nbgrader to name its
    feedback by, and without an exchange folder there is nowhere to put it.
    Neither is an error: a progress line says so, and the page stays in
    ``feedback/`` for the trainer to hand over. When feedback is made for a
    learner who still has items to grade in Formgrader, a ``warning:`` line
    names the learners and items (grade them, then run feedback again).
    Raises StepError for an assessment the trainer folder does not have.
    """
    from peer_course.grading.status import known_assessments

    trainer = TrainerDir.of(course_dir)
    names = known_assessments(trainer, assessments) if assessments else _assessments(None)
    runner = Runner(trainer, progress=progress)
    record = freshness.read_feedback_record(trainer)
    plan: dict[str, list[str]] = {}
    ready: dict[str, list[str]] = {}
    totals: dict[str, int] = {}
    unfinished: dict[str, dict[str, list[str]]] = {}
    with open_gradebook(trainer) as gb:
        for name in names:
            graded = trainer.submissions("autograded", name, students)
            if not graded:
                continue
            why = {s: "asked with --force" if force else freshness.feedback_change(trainer, name, s, gb, record)
                   for s in graded}
            stale = [s for s in graded if why[s] and not (only_existing and why[s] == freshness.NO_FEEDBACK)]
            totals[name] = len(graded)
            # up to date once the stale ones are made: what may go to the exchange
            ready[name] = [s for s in graded if why[s] is None or s in stale]
            if stale:
                plan[name] = stale
                unfinished[name] = freshness.missing_manual_grades(gb, name, stale)
    for name in [n for n in totals if n not in plan]:
        progress(f"{name}: feedback is up to date for all {totals[name]} learner(s)")

    def one(api, name: str) -> Outcome:
        stale = plan[name]
        if len(stale) == totals[name] and students is None:
            runner.check(api.generate_feedback(name, force=True), f"generating feedback for {name}")
        else:
            for student in stale:
                runner.check(api.generate_feedback(name, student, force=True),
                             f"generating feedback for {name} for {student}")
        return Outcome(name, None, True, f"made for {len(stale)} of {totals[name]} learner(s)")

    def describe(name: str) -> str:
        return (f"generating feedback for {name}: {len(plan[name])} of {totals[name]} learner(s) "
                "new or out of date")

    outcomes = runner.each(list(plan), describe, one)
    if plan:
        with open_gradebook(trainer) as gb:
            for name, stale in plan.items():
                for student in stale:
                    mark = freshness.feedback_fingerprint(trainer, name, student, gb)
                    if mark is not None:
                        record[freshness.record_key(name, student)] = mark
        freshness.write_feedback_record(trainer, record)
    for name, missing in unfinished.items():
        if missing:
            who = "; ".join(f"{student} ({', '.join(items)})" for student, items in missing.items())
            progress(f"warning: {name}: feedback was made while {len(missing)} learner(s) still have items to grade "
                     f"in Formgrader: {who}. Grade them, then run `peer-course feedback` again: it remakes and "
                     "releases only the feedback that changed.")
    return outcomes + release_feedback(course_dir=trainer, ready=ready, progress=progress)


#: Outcome statuses of :func:`release_feedback`, one per learner.
RELEASED, HELD = "released", "not released"


def _release_one(api: Any, name: str, student: str) -> dict[str, Any]:
    """nbgrader's ``release_feedback`` for one learner, as ``NbGraderAPI.release_feedback`` runs it."""
    from nbgrader.utils import capture_log, temp_attrs

    # NbGraderAPI.release_feedback (nbgrader 0.9) passes the authenticator as
    # `authentictor=`: the app never gets it, and traitlets warns (a
    # DeprecationWarning) about the unknown keyword. This is the same call,
    # spelt right, on the exchange classes the configuration chose.
    with temp_attrs(api.coursedir, assignment_id=name, student_id=student):
        app = api.exchange.ReleaseFeedback(coursedir=api.coursedir, authenticator=api.authenticator, parent=api)
        return capture_log(app)


def release_feedback(*, course_dir: Path | TrainerDir, ready: dict[str, list[str]],
                     progress: Progress = print) -> list[Outcome]:
    """Put into the exchange the feedback pages of ``ready`` (``{assessment:
    [learner, ...]}``, whose pages in ``feedback/`` are up to date) that the
    exchange does not hold as they are now; pages already there are left alone.

    One outcome per learner released (status ``released``) or held back
    (status ``not released``, with the reason; see :func:`feedback`), each
    held-back group named in a progress line with what to do instead. Raises
    StepError with nbgrader's last lines if a release fails (the exchange
    cannot be written, for one).
    """
    trainer = TrainerDir.of(course_dir)
    root = trainer.exchange
    why = {(name, student): freshness.feedback_release_change(trainer, name, student)
           for name, learners in ready.items() for student in learners}
    held = [Outcome(name, student, True, reason, HELD) for (name, student), reason in why.items()
            if reason is not None and reason not in freshness.RELEASABLE]
    plan = {name: [s for s in learners if why[(name, s)] in freshness.RELEASABLE] for name, learners in ready.items()}
    plan = {name: learners for name, learners in plan.items() if learners}
    released: list[Outcome] = []
    runner = Runner(trainer, progress=progress)

    def one(api, name: str) -> None:
        for student in plan[name]:
            runner.check(_release_one(api, name, student), f"releasing feedback for {name} for {student}")
            again = why[(name, student)] == freshness.OLDER_IN_EXCHANGE
            released.append(Outcome(name, student, True, "released again: the exchange held an earlier version"
                                    if again else "released", RELEASED))

    def describe(name: str) -> str:
        return (f"releasing feedback for {name} to the exchange {root}: {len(plan[name])} of {len(ready[name])} "
                "learner(s) new or changed")

    if plan:
        runner.each(list(plan), describe, one)
    if any(o.message == freshness.NO_EXCHANGE for o in held):
        progress(f"feedback was not released: the exchange {root} does not exist, so no learner can fetch from it. "
                 "Give each learner their page from feedback/<learner>/<assessment>/ another way, or point this "
                 "folder at the exchange learners use (`peer-course init` with --exchange, or PEER_COURSE_EXCHANGE) "
                 "and run `peer-course feedback` again.")
    for name in ready:
        unnamed = [o.student for o in held if o.assessment == name and o.message == freshness.NO_SECRET]
        if unnamed:
            progress(f"{name}: feedback for {len(unnamed)} learner(s) cannot be released: their submissions did not "
                     "come through `nbgrader submit` (no submission_secret.txt), so nbgrader has no name for their "
                     f"feedback in the exchange: {', '.join(unnamed)}. Give each their page from "
                     f"feedback/<learner>/{name}/ another way.")
    return released + held


def export(*, course_dir: Path | TrainerDir, to: Path, layout: str = "long", progress: Progress = print) -> Path:
    """Write the gradebook's grades to the CSV file ``to``: ``long`` (nbgrader's
    columns) or ``wide`` (one row per learner for an LMS); see
    :mod:`peer_course.grading.export`."""
    from peer_course.grading.export import export_grades

    return export_grades(course_dir=course_dir, to=to, layout=layout, progress=progress)
