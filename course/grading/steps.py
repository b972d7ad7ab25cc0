"""The trainer's nbgrader steps, in the order a cohort goes through them.

    build      -> nbgrader generate_assignment  (student versions in release/)
    release    -> nbgrader release_assignment   (into the exchange, for learners to fetch)
    collect    -> nbgrader collect              (the exchange's submissions into submitted/)
    autograde  -> nbgrader autograde            (one run per learner and assessment, in
                                                 long-lived parallel workers: see parallel.py)
    formgrader -> jupyter lab in the trainer folder (nbgrader's Formgrader, manual grades)
    feedback   -> nbgrader generate_feedback
    export     -> nbgrader export               (grades as CSV)

Ordering rules: release needs build; autograde needs build (the gradebook
learns the assessment's cells there) and a submission; feedback needs
autograde; manual grades in formgrader come after autograde and before
feedback. The report and certificates (report.py, certificates.py) read the
gradebook at any time.

Each step runs the real ``nbgrader`` command in the trainer folder (so its
``nbgrader_config.py`` applies) with this environment's ``bin`` first on
``PATH``, because nbgrader calls ``alembic`` to set up the gradebook. Steps
report progress through ``progress`` and raise :class:`StepError` with
nbgrader's own last lines when a step fails. Re-running is safe: nothing
already built, graded or generated is redone unless ``force`` is given.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from datetime import datetime, timezone
from pathlib import Path

from peer_widgets.errors import PeerCourseError
from typing import Callable

from peer_course.grading.parallel import Outcome, autograde_parallel
from peer_widgets.manifest import load_manifest

Progress = Callable[[str], None]

__all__ = ["Outcome", "StepError", "autograde", "build", "collect", "export", "feedback",
           "formgrader_command", "release"]


class StepError(PeerCourseError):
    """An nbgrader step failed; the message ends with nbgrader's own last lines."""


def nbgrader_env() -> dict[str, str]:
    env = dict(os.environ)
    bin_dir = str(Path(sys.executable).parent)
    env["PATH"] = bin_dir + os.pathsep + env.get("PATH", "")
    env.setdefault("JUPYTER_PLATFORM_DIRS", "1")
    return env


def run_nbgrader(course_dir: Path, *args: str, timeout: float | None = None) -> subprocess.CompletedProcess:
    """Run ``nbgrader ARGS`` in ``course_dir`` and return the finished process."""
    return subprocess.run(
        [sys.executable, "-m", "nbgrader", *args],
        cwd=course_dir, env=nbgrader_env(), capture_output=True, text=True, timeout=timeout,
    )


def _tail(process: subprocess.CompletedProcess, lines: int = 12) -> str:
    text = (process.stderr or "") + (process.stdout or "")
    return "\n".join(text.strip().splitlines()[-lines:])


def _assessments(names: list[str] | None) -> list[str]:
    return list(names) if names else load_manifest().assessments


def _submissions(course_dir: Path, folder: str, assessment: str, students: list[str] | None) -> list[str]:
    root = course_dir / folder
    if not root.is_dir():
        return []
    found = sorted(p.name for p in root.iterdir() if (p / assessment).is_dir())
    return [s for s in found if students is None or s in students]


def build(*, course_dir: Path, assessments: list[str] | None = None, force: bool = False,
          progress: Progress = print) -> list[Outcome]:
    """Make the student version of each assessment (keys removed) in ``release/``."""
    outcomes = []
    names = _assessments(assessments)
    for index, name in enumerate(names, 1):
        progress(f"[{index}/{len(names)}] building the student version of {name}")
        args = ["generate_assignment", name, "--create"] + (["--force"] if force else [])
        process = run_nbgrader(course_dir, *args)
        if process.returncode != 0:
            raise StepError(f"building {name} failed:\n{_tail(process)}")
        outcomes.append(Outcome(name, None, True))
    return outcomes


def autograde(*, course_dir: Path, assessments: list[str] | None = None, students: list[str] | None = None,
              force: bool = False, workers: int | None = None, time_limit: float = 900,
              cell_timeout: float | None = None, progress: Progress = print) -> list[Outcome]:
    """Autograde every submission in ``submitted/`` with parallel workers.

    ``workers`` defaults to min(CPU count, 4) and never exceeds the CPU count.
    ``time_limit`` bounds one submission (seconds, wall clock);
    ``cell_timeout`` overrides the config's per-cell limit. A
    submission that fails or runs out of time is reported for that learner
    only (see :mod:`peer_course.grading.parallel`); the others are still graded.
    """
    course_dir = Path(course_dir).resolve()
    work = [(name, student) for name in _assessments(assessments)
            for student in _submissions(course_dir, "submitted", name, students)]
    return autograde_parallel(course_dir=course_dir, work=work, workers=workers, force=force,
                              time_limit=time_limit,
                              cell_timeout=cell_timeout, progress=progress)


def exchange_root(course_dir: Path) -> Path:
    """The exchange folder (``PEER_COURSE_EXCHANGE``, else the one stored at init,
    else nbgrader's usual ``/srv/nbgrader/exchange``)."""
    from peer_course.grading.gradebook import read_settings

    return Path(os.environ.get("PEER_COURSE_EXCHANGE") or read_settings(course_dir).get("exchange")
                or "/srv/nbgrader/exchange")


def release(*, course_dir: Path, assessments: list[str] | None = None, force: bool = False,
            progress: Progress = print) -> list[Outcome]:
    """Put the built student versions into the exchange for learners to fetch.

    An assessment already released is left as it is unless ``force`` is given.
    """
    course_dir = Path(course_dir).resolve()
    root = exchange_root(course_dir)
    if not root.is_dir():
        root.mkdir(parents=True)
        root.chmod(0o1777)  # every learner writes submissions here, as nbgrader's docs set it up
    outcomes = []
    names = _assessments(assessments)
    for index, name in enumerate(names, 1):
        if not (course_dir / "release" / name).is_dir():
            raise StepError(f"{name} is not built yet; run `peer-course build` first")
        progress(f"[{index}/{len(names)}] releasing {name} to {root}")
        process = run_nbgrader(course_dir, "release_assignment", name, *(["--force"] if force else []))
        text = (process.stderr or "") + (process.stdout or "")
        if process.returncode != 0 and "already exists" in text:
            outcomes.append(Outcome(name, None, True, "already released (use --force to release again)", "skipped"))
            continue
        if process.returncode != 0:
            raise StepError(f"releasing {name} failed:\n{_tail(process)}")
        outcomes.append(Outcome(name, None, True))
    return outcomes


def collect(*, course_dir: Path, assessments: list[str] | None = None, update: bool = False,
            progress: Progress = print) -> list[Outcome]:
    """Copy learners' submissions from the exchange into ``submitted/``.

    A submission already collected is kept. With ``update``, a newer
    submission replaces it, and the earlier one is first copied to
    ``archive/<learner>/<assessment>/<time>/`` so nothing is lost.
    """
    course_dir = Path(course_dir).resolve()
    outcomes = []
    names = _assessments(assessments)
    for index, name in enumerate(names, 1):
        progress(f"[{index}/{len(names)}] collecting {name}")
        if update:
            stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%S%fZ")
            for student in _submissions(course_dir, "submitted", name, None):
                target = course_dir / "archive" / student / name / stamp
                shutil.copytree(course_dir / "submitted" / student / name, target)
        process = run_nbgrader(course_dir, "collect", name, *(["--update"] if update else []))
        if process.returncode != 0:
            raise StepError(f"collecting {name} failed:\n{_tail(process)}")
        outcomes.append(Outcome(name, None, True))
    return outcomes


def formgrader_command(*, course_dir: Path, port: int = 8888, open_browser: bool = False) -> list[str]:
    """The command that starts JupyterLab in the trainer folder, where
    nbgrader's Formgrader (menu *Nbgrader > Formgrader*) grades reflections."""
    command = [str(Path(sys.executable).parent / "jupyter"), "lab", f"--ServerApp.root_dir={Path(course_dir).resolve()}",
               f"--port={port}"]
    if not open_browser:
        command.append("--no-browser")
    return command


def feedback(*, course_dir: Path, assessments: list[str] | None = None, force: bool = False,
             progress: Progress = print) -> list[Outcome]:
    """Generate HTML feedback for every autograded submission."""
    outcomes = []
    names = [n for n in _assessments(assessments) if _submissions(course_dir, "autograded", n, None)]
    for index, name in enumerate(names, 1):
        progress(f"[{index}/{len(names)}] generating feedback for {name}")
        process = run_nbgrader(course_dir, "generate_feedback", name, *(["--force"] if force else []))
        if process.returncode != 0:
            raise StepError(f"generating feedback for {name} failed:\n{_tail(process)}")
        outcomes.append(Outcome(name, None, True))
    return outcomes


def export(*, course_dir: Path, to: Path, progress: Progress = print) -> Path:
    """Export the gradebook to a CSV file (nbgrader's column layout)."""
    to = Path(to).resolve()
    progress(f"exporting grades to {to}")
    process = run_nbgrader(course_dir, "export", "--to", str(to))
    if process.returncode != 0:
        raise StepError(f"exporting grades failed:\n{_tail(process)}")
    return to
