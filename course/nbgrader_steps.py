"""The trainer's nbgrader steps, in the order a cohort goes through them.

    build     -> nbgrader generate_assignment  (student versions in release/)
    autograde -> nbgrader autograde            (one run per learner and assessment)
    feedback  -> nbgrader generate_feedback
    export    -> nbgrader export               (grades as CSV)

Each step runs the real ``nbgrader`` command in the trainer folder (so its
``nbgrader_config.py`` applies) with this environment's ``bin`` first on
``PATH``, because nbgrader calls ``alembic`` to set up the gradebook. Steps
report progress through ``progress`` and raise :class:`StepError` with
nbgrader's own last lines when a step fails. Re-running is safe: nothing
already built, graded or generated is redone unless ``force`` is given.
"""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from .manifest import load_manifest

Progress = Callable[[str], None]


class StepError(RuntimeError):
    pass


@dataclass(frozen=True)
class Outcome:
    assessment: str
    student: str | None
    ok: bool
    message: str = ""


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
              force: bool = False, timeout: float = 900, progress: Progress = print) -> list[Outcome]:
    """Autograde every submission in ``submitted/``, one learner at a time.

    A submission that fails to grade is reported for that learner only;
    the others are still graded.
    """
    outcomes = []
    work = [(name, student) for name in _assessments(assessments)
            for student in _submissions(course_dir, "submitted", name, students)]
    for index, (name, student) in enumerate(work, 1):
        progress(f"[{index}/{len(work)}] autograding {name} for {student}")
        args = ["autograde", name, "--student", student, "--create"] + (["--force"] if force else [])
        try:
            process = run_nbgrader(course_dir, *args, timeout=timeout)
        except subprocess.TimeoutExpired:
            outcomes.append(Outcome(name, student, False, f"timed out after {timeout:g} s"))
            continue
        ok = process.returncode == 0
        outcomes.append(Outcome(name, student, ok, "" if ok else _tail(process)))
    return outcomes


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
