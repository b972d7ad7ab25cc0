"""A grading worker process.

``python -m peer_course.grading.worker --serve [NBGRADER-CONFIG-ARGS]`` starts a
long-lived worker: it imports nbgrader and loads the trainer folder's
configuration once, then grades one submission per request read from stdin
(a JSON line ``{"assessment", "student", "force"}``), answering each with one
JSON line on stdout (``{"success", "log", "error", "notes"}``). Loading
nbgrader costs about 1.5 s, which a process per submission would pay every
time. Each submission is graded from its clean staging copy (never the
submission itself), under the memory limit, and every process its grading
left behind is ended afterwards.

``python -m peer_course.grading.worker NBGRADER-ARGS`` runs one nbgrader command
exactly as ``python -m nbgrader`` would.

Either way, when ``PEER_COURSE_GRADEBOOK_LOCK`` names a lock file, every
gradebook connection holds it (see :mod:`peer_course.grading.gradebook`).
"""

from __future__ import annotations

import contextlib
import json
import os
import resource
import signal
import sys

from peer_course.grading.processes import MEMORY_ENV, TOKEN_ENV, processes_with_token
from peer_course.grading.submission import STAGING_DIR, stage, unstage
from peer_course.grading.trainer_dir import TrainerDir


def serve(argv: list[str]) -> None:
    # Only protocol lines may reach the parent's pipe: anything else written to
    # fd 1 (nbgrader, a kernel's chatter) goes to stderr instead.
    protocol = os.fdopen(os.dup(1), "w", buffering=1, encoding="utf-8")
    os.dup2(2, 1)
    sys.stdout = sys.stderr

    from nbgrader.apps.api import NbGraderAPI
    from nbgrader.apps.baseapp import NbGrader

    app = NbGrader()
    app.initialize(argv)  # reads nbgrader_config.py in the trainer folder, and argv overrides
    api = NbGraderAPI(coursedir=app.coursedir, parent=app)
    trainer = TrainerDir(app.coursedir.root)
    for line in sys.stdin:
        job = json.loads(line)
        result, notes = grade(api, trainer, job["assessment"], job["student"], force=bool(job.get("force")))
        protocol.write(json.dumps({"success": bool(result.get("success")), "log": result.get("log") or "",
                                   "error": result.get("error") or "", "notes": notes}) + "\n")


def grade(api, trainer: TrainerDir, assessment: str, student: str, *, force: bool) -> tuple[dict, list[str]]:
    """Autograde one submission from its clean staging copy (never the submission
    itself; see :mod:`peer_course.grading.submission`), then remove the copy
    and end every process the grading left behind."""
    from nbgrader.utils import temp_attrs

    notes: list[str] = []
    try:
        staged = stage(course_dir=trainer.root, submitted=trainer.format_path("submitted", student, assessment),
                       release=trainer.format_path("release", None, assessment), student=student,
                       assessment=assessment)
        notes = list(staged.notes)
        with temp_attrs(api.coursedir, submitted_directory=STAGING_DIR):
            result = api.autograde(assessment, student, force=force, create=True)
    except Exception as error:  # report, and stay up for the next learner
        result = {"success": False, "error": f"{type(error).__name__}: {error}"}
    finally:
        unstage(trainer.root, student, assessment)
        end_leftovers()
    return result, notes


def end_leftovers() -> None:
    """End every process this worker's grading started that is still running
    (a kernel that did not shut down, anything it started), whatever session
    or process group it moved to: they all inherited the grading token."""
    token = os.environ.get(TOKEN_ENV)
    if not token:
        return
    for pid in processes_with_token(token):
        if pid != os.getpid():
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.kill(pid, signal.SIGKILL)


def limit_memory() -> None:
    """Cap this worker's data memory, and so every kernel it starts (they
    inherit the limit), at ``PEER_COURSE_MEMORY_LIMIT_MB`` megabytes."""
    megabytes = os.environ.get(MEMORY_ENV)
    if megabytes:
        size = int(float(megabytes) * 1024 * 1024)
        resource.setrlimit(resource.RLIMIT_DATA, (size, size))


def main() -> None:
    from peer_course.grading.gradebook import LOCK_ENV, serialise_gradebook_access

    if os.environ.get(LOCK_ENV):
        serialise_gradebook_access(os.environ[LOCK_ENV])
    if sys.argv[1:2] == ["--serve"]:
        limit_memory()
        serve(sys.argv[2:])
        return
    from nbgrader.apps.nbgraderapp import main as nbgrader_main

    sys.argv = ["nbgrader", *sys.argv[1:]]
    nbgrader_main()


if __name__ == "__main__":
    main()
