"""One learner, one store, on a Voila server that many people use at once.

Voila starts a kernel per page view, all as the same system user in the same
folder, so on its own it cannot tell learners apart. In shared mode each
browser gets a random, HttpOnly cookie on its first visit; Voila's
prelaunch hook turns that cookie into a private folder for the learner's
answers and drafts, and hands the kernel its path through an injected first
cell (hidden like every other source). The folder name is a hash of the
cookie, so a file listing reveals nothing that would let anyone act as
another learner.
"""

from __future__ import annotations

import hashlib
import json
import re
import secrets
import sys
from pathlib import Path

import nbformat

COOKIE = "peer_course_learner"
TOKEN = re.compile(r"^[A-Za-z0-9_-]{32,64}$")
LEARNERS_DIR = ".learners"


def learner_dir(workspace: Path, token: str) -> Path:
    return workspace / LEARNERS_DIR / hashlib.sha256(token.encode("ascii")).hexdigest()[:32]


def setup_cell(folder: Path) -> nbformat.NotebookNode:
    answers = folder / "responses.json"
    data = folder / "user-data"
    source = (
        "import os as _os\n"
        f"_os.environ['PEER_COURSE_RESPONSES'] = {json.dumps(str(answers))}\n"
        f"_os.environ['PEER_COURSE_DATA_DIR'] = {json.dumps(str(data))}\n"
        "_os.environ['PEER_COURSE_SHARED'] = '1'\n"
        "del _os"
    )
    cell = nbformat.v4.new_code_cell(source)
    cell["id"] = "peer-course-learner"
    return cell


def make_prelaunch_hook(workspace: Path):
    """A Voila prelaunch hook giving each browser its own answers folder."""
    workspace = Path(workspace).resolve()

    def hook(req, notebook, cwd):
        token = req.get_cookie(COOKIE)
        if not token or not TOKEN.match(token):
            token = secrets.token_urlsafe(32)
            req.set_cookie(COOKIE, token, httponly=True, samesite="Lax", path="/", expires_days=365)
        folder = learner_dir(workspace, token)
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        notebook.cells.insert(0, setup_cell(folder))
        return notebook

    return hook


def main(argv: list[str] | None = None) -> None:
    """Run Voila (same arguments as ``voila``) with the shared-mode hook."""
    from voila.app import Voila

    argv = list(sys.argv[1:] if argv is None else argv)
    workspace = Path(next(a for a in argv if not a.startswith("-")))
    app = Voila()
    app.initialize(argv)
    app.voila_configuration.prelaunch_hook = make_prelaunch_hook(workspace)
    app.start()


if __name__ == "__main__":
    main()
