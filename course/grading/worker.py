"""A grading worker process.

``python -m peer_course.grading.worker --serve [NBGRADER-CONFIG-ARGS]`` starts a
long-lived worker: it imports nbgrader and loads the trainer folder's
configuration once, then grades one submission per request read from stdin
(a JSON line ``{"assessment", "student", "force"}``), answering each with one
JSON line on stdout (``{"success", "log", "error"}``). Loading nbgrader costs
about 1.5 s, which a process per submission would pay every time.

``python -m peer_course.grading.worker NBGRADER-ARGS`` runs one nbgrader command
exactly as ``python -m nbgrader`` would.

Either way, when ``PEER_COURSE_GRADEBOOK_LOCK`` names a lock file, every
gradebook connection holds it (see :mod:`peer_course.grading.gradebook`).
"""

from __future__ import annotations

import json
import os
import sys


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
    for line in sys.stdin:
        job = json.loads(line)
        try:
            result = api.autograde(job["assessment"], job["student"], force=bool(job.get("force")), create=True)
        except Exception as error:  # report, and stay up for the next learner
            result = {"success": False, "error": f"{type(error).__name__}: {error}"}
        protocol.write(json.dumps({"success": bool(result.get("success")), "log": result.get("log") or "",
                                   "error": result.get("error") or ""}) + "\n")


def main() -> None:
    from peer_course.grading.gradebook import LOCK_ENV, serialise_gradebook_access

    if os.environ.get(LOCK_ENV):
        serialise_gradebook_access(os.environ[LOCK_ENV])
    if sys.argv[1:2] == ["--serve"]:
        serve(sys.argv[2:])
        return
    from nbgrader.apps.nbgraderapp import main as nbgrader_main

    sys.argv = ["nbgrader", *sys.argv[1:]]
    nbgrader_main()


if __name__ == "__main__":
    main()
