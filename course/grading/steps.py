"""The trainer's nbgrader steps, in the order a cohort goes through them.

    build      -> generate_assignment  (student versions in release/)
    release    -> release_assignment   (into the exchange, for learners to fetch)
    collect    -> collect              (the exchange's submissions into submitted/)
    autograde  -> autograde            (one run per learner and assessment, in
                                        long-lived parallel workers: see parallel.py)
    formgrader -> jupyter lab in the trainer folder (nbgrader's Formgrader, manual grades)
    feedback   -> generate_feedback
    export     -> nbgrader export      (grades as CSV)

Ordering rules: release needs build; autograde needs build (the gradebook
learns the assessment's cells there) and a submission; feedback needs
autograde; manual grades in formgrader come after autograde and before
feedback. The report and certificates (report.py, certificates.py) read the
gradebook at any time.

Every step runs nbgrader through :mod:`peer_course.grading.runner` (its
Python API where it has the operation, with the trainer folder's
configuration), reports progress through ``progress`` and raises
:class:`StepError` with nbgrader's own last lines when a step fails. Re-running
is safe: nothing already built, released, graded or generated is redone
unless ``force`` is given. ``course_dir`` is the trainer folder, as a path or
a :class:`~peer_course.grading.trainer_dir.TrainerDir`.
"""

from __future__ import annotations

import sys
from collections import Counter
from pathlib import Path

from peer_course.grading.collect import COLLECTED, KEPT, REFUSED, UPDATED, safe_collect_class
from peer_course.grading.parallel import DEFAULT_MEMORY_MB, autograde_parallel
from peer_course.grading.roster import ID_PATTERN

# nbgrader_env and run_nbgrader are imported from here by the tests and benchmarks
# that run the nbgrader command themselves; they live in runner.py.
from peer_course.grading.runner import (FAILED, SKIPPED, Outcome, Progress, Runner, StepError, nbgrader_env,
                                        nbgrader_warnings, run_nbgrader)
from peer_course.grading.trainer_dir import TrainerDir
from peer_widgets.manifest import load_manifest

__all__ = ["Outcome", "StepError", "autograde", "build", "collect", "export", "feedback",
           "formgrader_command", "nbgrader_env", "release", "run_nbgrader"]

def _assessments(names: list[str] | None) -> list[str]:
    return list(names) if names else load_manifest().assessments


def build(*, course_dir: Path | TrainerDir, assessments: list[str] | None = None, force: bool = False,
          progress: Progress = print) -> list[Outcome]:
    """Make the student version of each assessment (keys removed) in ``release/``.

    An assessment already built is left as it is unless ``force`` is given.
    """
    runner = Runner(TrainerDir.of(course_dir), progress=progress)

    def one(api, name: str) -> None:
        runner.check(api.generate_assignment(name, force=force, create=True), f"building {name}")

    return runner.each(_assessments(assessments), lambda name: f"building the student version of {name}", one)


def autograde(*, course_dir: Path | TrainerDir, assessments: list[str] | None = None, students: list[str] | None = None,
              force: bool = False, workers: int | None = None, time_limit: float = 900,
              cell_timeout: float | None = None, memory_limit: float | None = DEFAULT_MEMORY_MB,
              progress: Progress = print) -> list[Outcome]:
    """Autograde every submission in ``submitted/`` with parallel workers.

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
    work, refused = [], []
    for name in _assessments(assessments):
        for student in trainer.submissions("submitted", name, students):
            if ID_PATTERN.match(student):
                work.append((name, student))
            else:
                refused.append(Outcome(name, student, False, "not a safe learner id (letters, digits, '.', '_', "
                                       "'-'); the submission was left in submitted/ and not graded", FAILED))
    return refused + autograde_parallel(course_dir=trainer, work=work, workers=workers, force=force,
                                        time_limit=time_limit, cell_timeout=cell_timeout,
                                        memory_limit=memory_limit, progress=progress)


def release(*, course_dir: Path | TrainerDir, assessments: list[str] | None = None, force: bool = False,
            progress: Progress = print) -> list[Outcome]:
    """Put the built student versions into the exchange for learners to fetch.

    An assessment already released (as nbgrader's exchange listing says) is
    left as it is, with a ``skipped`` outcome, unless ``force`` is given.
    Raises StepError, before anything is released, if an assessment is not built.
    """
    trainer = TrainerDir.of(course_dir)
    root = trainer.exchange
    names = _assessments(assessments)
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
    own warnings are passed on to ``progress``.
    """
    trainer = TrainerDir.of(course_dir)
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

    runner.each(_assessments(assessments), lambda name: f"collecting {name}", one,
                ExchangeFactory={"collect": safe})
    return outcomes


def formgrader_command(*, course_dir: Path | TrainerDir, port: int = 8888, open_browser: bool = False) -> list[str]:
    """The command that starts JupyterLab in the trainer folder, where
    nbgrader's Formgrader (menu *Nbgrader > Formgrader*) grades reflections."""
    command = [str(Path(sys.executable).parent / "jupyter"), "lab",
               f"--ServerApp.root_dir={TrainerDir.of(course_dir).root}", f"--port={port}"]
    if not open_browser:
        command.append("--no-browser")
    return command


def feedback(*, course_dir: Path | TrainerDir, assessments: list[str] | None = None, force: bool = False,
             progress: Progress = print) -> list[Outcome]:
    """Generate HTML feedback for every autograded submission.

    Assessments with nothing autograded are passed over; feedback already
    generated is kept unless ``force`` is given.
    """
    trainer = TrainerDir.of(course_dir)
    runner = Runner(trainer, progress=progress)
    names = [name for name in _assessments(assessments) if trainer.submissions("autograded", name)]

    def one(api, name: str) -> None:
        runner.check(api.generate_feedback(name, force=force), f"generating feedback for {name}")

    return runner.each(names, lambda name: f"generating feedback for {name}", one)


def export(*, course_dir: Path | TrainerDir, to: Path, progress: Progress = print) -> Path:
    """Export the gradebook to a CSV file (nbgrader's column layout).

    nbgrader's API has no export, so this runs the ``nbgrader export`` command.
    """
    to = Path(to).resolve()
    Runner(TrainerDir.of(course_dir), progress=progress).command("exporting grades", "export", "--to", str(to),
                                                                  announce=f"exporting grades to {to}")
    return to
