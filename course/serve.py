"""Serve the course to a learner with Voila.

The learner's workspace is a folder of their own: the lesson notebooks and
item banks are copied into it (and refreshed when the course changes), and
their ``responses.json`` is written there. Voila serves that folder with
sources stripped and a narrow file allowlist, so no code and no stray file
(such as the answers file) is served.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

from .paths import modules_dir

DEFAULT_PORT = 8866
HOME = "home.ipynb"
# Voila serves only these static files from the workspace: images for the
# lessons. Notebooks are rendered, never served raw; responses.json never.
FILE_ALLOWLIST = [r".*\.(png|jpg|jpeg|gif|svg|css)$"]


def default_workspace() -> Path:
    return Path(os.environ.get("PEER_COURSE_WORKSPACE", Path.home() / "peer-course"))


def prepare_workspace(workspace: str | Path) -> Path:
    """Copy the course pages into ``workspace``; learner files are never touched."""
    workspace = Path(workspace).resolve()
    source = modules_dir()
    (workspace / "items").mkdir(parents=True, exist_ok=True)
    for notebook in sorted(source.glob("*.ipynb")):
        shutil.copy2(notebook, workspace / notebook.name)
    for bank in sorted((source / "items").glob("*.y*ml")):
        shutil.copy2(bank, workspace / "items" / bank.name)
    return workspace


def voila_command(workspace: Path, *, port: int, open_browser: bool, preheat: bool = False) -> list[str]:
    command = [
        sys.executable, "-m", "voila", str(workspace),
        f"--port={port}",
        "--Voila.ip=127.0.0.1",
        "--VoilaConfiguration.strip_sources=True",
        "--VoilaConfiguration.show_tracebacks=False",
        f"--VoilaConfiguration.file_allowlist={FILE_ALLOWLIST!r}",
    ]
    if not open_browser:
        command.append("--no-browser")
    if preheat:
        command.append("--preheat_kernel=True")
    return command


def home_url(port: int) -> str:
    return f"http://localhost:{port}/voila/render/{HOME}"


def serve(*, workspace: Path, port: int = DEFAULT_PORT, open_browser: bool = True) -> int:
    """Prepare the workspace and run Voila until interrupted; return its exit code."""
    workspace = prepare_workspace(workspace)
    print(f"Your course folder: {workspace}")
    print(f"Open the course at: {home_url(port)}", flush=True)
    env = dict(os.environ, JUPYTER_PLATFORM_DIRS="1")
    try:
        return subprocess.call(voila_command(workspace, port=port, open_browser=open_browser), env=env)
    except KeyboardInterrupt:
        return 0
