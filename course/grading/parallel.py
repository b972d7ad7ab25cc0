"""Autograde a cohort with several worker processes.

Up to ``workers`` long-lived worker processes (never more than the machine's
CPU count; see :mod:`peer_course.grading.worker`) each load nbgrader once and
then grade one submission (learner x assessment) after another. Before the workers start, this process creates
the gradebook and every learner in it, so workers never race to create the
same rows (on PostgreSQL they then run fully in parallel; on SQLite their
database steps take turns under a file lock, see :mod:`peer_course.grading.gradebook`).
Workers run in the trainer folder with :func:`peer_course.grading.runner.nbgrader_env`.

Nothing a learner submitted is ever executed: each worker grades a clean
copy of the submission (the trainer's own notebook and the learner's answers
file, checked; see :mod:`peer_course.grading.submission`), with a memory
limit, and ends every process its grading left behind.

A submission fails for its learner only:

* ``failed``: nbgrader could not grade it (a broken notebook, a crash);
* ``timed out``: a cell ran past the cell time limit (nbgrader interrupts it
  and grades the rest; the learner is reported so the trainer can look), or
  the whole submission ran past ``time_limit`` (the worker and its kernel are
  killed, nothing is recorded for it, and a fresh worker takes the next one).

Already graded submissions are skipped (``skipped``) unless ``force`` is
given; re-grading never touches a manual grade (nbgrader keeps manual scores
apart from automatic ones).
"""

from __future__ import annotations

import contextlib
import json
import os
import select
import shutil
import signal
import subprocess
import sys
import threading
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from peer_course.grading.gradebook import LOCK_ENV, is_sqlite, lock_path, open_gradebook
from peer_course.grading.runner import FAILED, GRADED, SKIPPED, TIMED_OUT, Outcome, Progress, nbgrader_env, tail
from peer_course.grading.processes import MEMORY_ENV, TOKEN_ENV, processes_with_token
from peer_course.grading.submission import unstage
from peer_course.grading.trainer_dir import TrainerDir

__all__ = ["FAILED", "GRADED", "SKIPPED", "TIMED_OUT", "Outcome", "autograde_parallel", "bounded_workers",
           "default_workers"]


# Each worker and the kernels it starts may use this much data memory (MB):
# a submission cannot take the machine's memory from the rest of the cohort.
DEFAULT_MEMORY_MB = 2048


def default_workers() -> int:
    return max(1, min(os.cpu_count() or 1, 4))


def bounded_workers(workers: int | None) -> int:
    """``workers`` (default :func:`default_workers`), between 1 and the CPU count."""
    cpus = os.cpu_count() or 1
    return max(1, min(workers or default_workers(), cpus))


def _kill_all(process: subprocess.Popen, token: str) -> None:
    with _suppress():
        os.killpg(process.pid, signal.SIGKILL)
    for pid in processes_with_token(token):
        with _suppress():
            os.kill(pid, signal.SIGKILL)
    process.wait()


def _suppress() -> contextlib.suppress:
    return contextlib.suppress(ProcessLookupError, PermissionError)


def _cell_timed_out(notebook: Path) -> bool:
    try:
        cells = json.loads(notebook.read_text(encoding="utf-8")).get("cells", [])
    except (OSError, ValueError):
        return False
    return any(output.get("ename") == "CellTimeoutError"
               for cell in cells for output in cell.get("outputs", []))


class Worker:
    """One long-lived grading process (see :mod:`peer_course.grading.worker`)."""

    def __init__(self, *, course_dir: Path, env: dict[str, str], cell_timeout: float | None,
                 memory_limit: float | None = DEFAULT_MEMORY_MB):
        self.token = uuid.uuid4().hex
        args = [sys.executable, "-m", "peer_course.grading.worker", "--serve"]
        if cell_timeout is not None:
            args.append(f"--Execute.timeout={int(cell_timeout)}")
        env = {**env, TOKEN_ENV: self.token}
        if memory_limit:
            env[MEMORY_ENV] = f"{memory_limit:g}"
        self.process = subprocess.Popen(args, cwd=course_dir, env=env,
                                        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                                        text=True, start_new_session=True)

    def grade(self, assessment: str, student: str, force: bool, time_limit: float) -> dict | None:
        """nbgrader's result for one submission, or None if it ran past ``time_limit``."""
        assert self.process.stdin is not None and self.process.stdout is not None
        try:
            self.process.stdin.write(json.dumps({"assessment": assessment, "student": student, "force": force}) + "\n")
            self.process.stdin.flush()
        except BrokenPipeError:
            return {"success": False, "error": "the grading worker stopped"}
        ready, _, _ = select.select([self.process.stdout], [], [], time_limit)
        if not ready:
            return None
        line = self.process.stdout.readline()
        if not line:
            return {"success": False, "error": "the grading worker stopped (a crash while grading)"}
        return json.loads(line)

    def stop(self) -> None:
        with _suppress():
            if self.process.stdin:
                self.process.stdin.close()
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            _kill_all(self.process, self.token)

    def kill(self) -> None:
        _kill_all(self.process, self.token)


KERNEL_START_FAILURES = ("Kernel died before replying to kernel_info", "Kernel didn't respond in")


def _kernel_did_not_start(result: dict) -> bool:
    text = f"{result.get('error') or ''}\n{result.get('log') or ''}"
    return any(failure in text for failure in KERNEL_START_FAILURES)


def grade_one(*, worker: Worker, trainer: TrainerDir, assessment: str, student: str, force: bool,
              time_limit: float) -> tuple[Outcome, bool]:
    """Grade one submission; return how it went and whether the worker is still usable.

    A kernel that dies before it answers (jupyter_client can hand two kernels
    started at the same moment the same ports) is a failure of the machine,
    not of the submission: it is graded once more, from a fresh staging copy.
    """
    result = worker.grade(assessment, student, force, time_limit)
    if result is not None and not result.get("success") and _kernel_did_not_start(result):
        result = worker.grade(assessment, student, True, time_limit)
    graded = trainer.format_path("autograded", student, assessment)
    if result is None:
        worker.kill()
        if graded.exists():  # nbgrader had no chance to clean up; the submission itself is untouched
            shutil.rmtree(graded)
        unstage(trainer.root, student, assessment)
        return Outcome(assessment, student, False, f"stopped after the time limit of {time_limit:g} s", TIMED_OUT), False
    alive = worker.process.poll() is None
    notes = "; ".join(result.get("notes") or [])
    if not result["success"]:
        reason = tail(result.get("error") or result.get("log") or "")
        if "see the the above traceback" in reason or "see the above traceback" in reason:
            # nbgrader's own exception only points at its log, which says what went wrong
            errors = [line for line in (result.get("log") or "").splitlines() if "ERROR" in line or "Error" in line]
            reason = tail("\n".join(errors) or result.get("log") or reason)
        return Outcome(assessment, student, False, f"{notes}; {reason}" if notes else reason, FAILED), alive
    if _cell_timed_out(graded / f"{assessment}.ipynb"):
        return Outcome(assessment, student, False, "a cell ran past the cell time limit and was interrupted; "
                       "the other cells were graded", TIMED_OUT), alive
    return Outcome(assessment, student, True, notes, GRADED), alive


def prepare_gradebook(trainer: TrainerDir, students: list[str]) -> None:
    """Create the gradebook and any learner not yet in it, before workers start."""
    with open_gradebook(trainer) as gb:
        known = {s.id for s in gb.students}
        for student in sorted(set(students) - known):
            gb.add_student(student)


def autograde_parallel(*, course_dir: Path | TrainerDir, work: list[tuple[str, str]], workers: int | None = None,
                       force: bool = False, time_limit: float = 900, cell_timeout: float | None = None,
                       memory_limit: float | None = DEFAULT_MEMORY_MB, progress: Progress = print) -> list[Outcome]:
    """Grade every (assessment, student) in ``work``; outcomes in ``work`` order.

    Progress lines are numbered in the order grading starts
    (``[3/35] autograding peer-role-check for ada``).
    """
    trainer = TrainerDir.of(course_dir)
    env = nbgrader_env()
    if is_sqlite(trainer.db_url):
        env[LOCK_ENV] = str(lock_path(trainer))
    else:
        env.pop(LOCK_ENV, None)
    todo = []
    outcomes: dict[int, Outcome] = {}
    for index, (name, student) in enumerate(work):
        if not force and trainer.format_path("autograded", student, name).is_dir():
            outcomes[index] = Outcome(name, student, True, "already graded (use --force to grade again)", SKIPPED)
        else:
            todo.append(index)
    if todo:
        prepare_gradebook(trainer, [work[i][1] for i in todo])
    counter = {"started": len(outcomes)}
    lock = threading.Lock()
    skipped_lines = [f"[{n}/{len(work)}] {work[i][0]} for {work[i][1]}: already graded, skipped"
                     for n, i in enumerate(sorted(outcomes), 1)]
    for line in skipped_lines:
        progress(line)

    local = threading.local()
    started: list[Worker] = []

    def run(index: int) -> Outcome:
        name, student = work[index]
        with lock:
            counter["started"] += 1
            progress(f"[{counter['started']}/{len(work)}] autograding {name} for {student}")
        worker = getattr(local, "worker", None)
        if worker is None:
            worker = local.worker = Worker(course_dir=trainer.root, env=env, cell_timeout=cell_timeout,
                                           memory_limit=memory_limit)
            with lock:
                started.append(worker)
        outcome, alive = grade_one(worker=worker, trainer=trainer, assessment=name, student=student,
                                   force=force, time_limit=time_limit)
        if not alive:
            local.worker = None  # a fresh worker takes this thread's next submission
        return outcome

    try:
        with ThreadPoolExecutor(max_workers=bounded_workers(workers)) as pool:
            for index, outcome in zip(todo, pool.map(run, todo)):
                outcomes[index] = outcome
    finally:
        for worker in started:
            worker.stop()
    return [outcomes[i] for i in range(len(work))]
