"""Serve the course to learners with Voila.

The learner's course folder (the "workspace") holds copies of the course
pages and item banks, refreshed when the course changes, plus the student
version of the self-assessment (made by nbgrader, so no hidden test is
ever copied). Learners' files (``responses.json``) are never touched.

Two ways of serving, and how learners are told apart in each:

* **single-user** (a laptop, Binder, a JupyterHub user's own server): one
  learner owns the folder; answers live beside the notebooks.
* **shared** (``--shared``: one Voila server used by many people at once):
  each browser gets its own answers folder through a cookie; see
  :mod:`peer_course.serving.shared`. Preheated kernels cannot be used with it.

Voila serves the folder with sources stripped and a narrow file allowlist,
so no code and no answers file is ever served as a file.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import nbformat
from peer_widgets.content import modules_dir
from peer_widgets.manifest import load_manifest
from peer_widgets.pages.home import SELF_ASSESSMENT_DIR

DEFAULT_PORT = 8866
# A kernel idle this long with no page connected to it is ended (its page is
# gone: answers are saved as they are given, so nothing is lost).
CULL_IDLE_SECONDS = 900
CULL_INTERVAL_SECONDS = 60
HOME = "home.ipynb"
# Voila serves only these static files from the workspace: images for the
# lessons. Notebooks are rendered, never served raw; responses.json never.
FILE_ALLOWLIST = [r".*\.(png|jpg|jpeg|gif|svg)$"]


def default_workspace() -> Path:
    return Path(os.environ.get("PEER_COURSE_WORKSPACE", Path.home() / "peer-course"))


def add_home_link(notebook_path: Path) -> None:
    nb = nbformat.read(notebook_path, as_version=4)
    link = "[\u2190 Course home](../home.ipynb) \u00b7 [My progress \u2192](../progress.ipynb)"
    if not any(cell.cell_type == "markdown" and cell.source == link for cell in nb.cells):
        cell = nbformat.v4.new_markdown_cell(link)
        cell["id"] = "peer-course-nav"
        nb.cells.append(cell)
        nbformat.write(nb, notebook_path)


def prepare_workspace(workspace: str | Path, *, self_assessment: bool = True) -> Path:
    """Copy the course pages into ``workspace``; learner files are never touched."""
    from peer_course.serving.student_version import make_student_version

    workspace = Path(workspace).resolve()
    source = modules_dir()
    (workspace / "items").mkdir(parents=True, exist_ok=True)
    for notebook in sorted(source.glob("*.ipynb")):
        shutil.copy2(notebook, workspace / notebook.name)
    for bank in sorted((source / "items").glob("*.y*ml")):
        shutil.copy2(bank, workspace / "items" / bank.name)
    # Check every bank now, in this process: a bad one is reported before any
    # learner opens a page, and the check is remembered so pages open fast.
    from peer_widgets.bank import load_bank

    for bank in sorted((workspace / "items").glob("*.y*ml")):
        load_bank(bank)
    manifest = load_manifest()
    if self_assessment and manifest.self_assessment is not None:
        name = manifest.self_assessment.assessment
        folder = make_student_version(name, workspace / SELF_ASSESSMENT_DIR)
        add_home_link(folder / f"{name}.ipynb")
        load_bank(folder / "items.yaml")
    return workspace


def voila_command(workspace: Path, *, port: int, open_browser: bool, shared: bool = False,
                  preheat: bool = False) -> list[str]:
    module = "peer_course.serving.shared" if shared else "voila"
    command = [
        sys.executable, "-m", module, str(workspace),
        f"--port={port}",
        "--Voila.ip=127.0.0.1",
        "--VoilaConfiguration.strip_sources=True",
        "--VoilaConfiguration.show_tracebacks=False",
        f"--VoilaConfiguration.file_allowlist={FILE_ALLOWLIST!r}",
        f"--MappingKernelManager.cull_idle_timeout={CULL_IDLE_SECONDS}",
        f"--MappingKernelManager.cull_interval={CULL_INTERVAL_SECONDS}",
        "--MappingKernelManager.cull_connected=False",
    ]
    if not open_browser:
        command.append("--no-browser")
    if preheat and not shared:
        command.append("--preheat_kernel=True")
    return command


def home_url(port: int) -> str:
    return f"http://localhost:{port}/voila/render/{HOME}"


def serve(*, workspace: Path, port: int = DEFAULT_PORT, open_browser: bool = True, shared: bool = False) -> int:
    """Prepare the workspace and run Voila until interrupted; return its exit code."""
    print("Preparing your course folder\u2026", flush=True)
    workspace = prepare_workspace(workspace)
    print(f"Your course folder: {workspace}")
    if shared:
        print("Shared mode: each browser gets its own answers, kept under "
              f"{workspace / '.learners'}")
    print(f"Open the course at: {home_url(port)}", flush=True)
    env = dict(os.environ, JUPYTER_PLATFORM_DIRS="1")
    voila = subprocess.Popen(voila_command(workspace, port=port, open_browser=open_browser, shared=shared), env=env)
    # Stopping `peer-course serve` (Ctrl+C, or SIGTERM from a service manager) stops
    # Voila with it; Voila's kernels notice their parent is gone and end too.
    previous = signal.signal(signal.SIGTERM, lambda signum, frame: voila.terminate())
    try:
        return voila.wait()
    except KeyboardInterrupt:
        voila.terminate()
        voila.wait()
        return 0
    finally:
        signal.signal(signal.SIGTERM, previous)
