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

In single-user mode the next lessons the learner has not finished are kept
ready ahead of any request (Voila's preheated kernels): one idle kernel per
page, for at most :data:`PREHEAT_PAGES` pages, with the whole lesson built;
when the learner's request arrives, every question shows the answer saved at
that moment (:mod:`peer_widgets.pages.request`). So such a page arrives at
once and never shows answers older than the request. Other pages (the home and *My progress* read answers as they are
built) start a kernel on request as before. See :func:`preheated_pages`.

Voila serves the folder with sources stripped and a narrow file allowlist,
so no code and no answers file is ever served as a file. It runs as
:mod:`peer_course.serving.app` (Voila with the course's page template, and
each page's kernel ended when its page is closed); its log goes to
``server.log`` in the course folder, so the terminal shows only what a
person running the course needs.
"""

from __future__ import annotations

import http.client
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import nbformat
from peer_widgets.content import modules_dir
from peer_widgets.manifest import load_manifest
from peer_widgets.pages.home import PRACTICE_EXAM_DIR, SELF_ASSESSMENT_DIR

DEFAULT_PORT = 8866
# A kernel idle this long with no page connected to it is ended (its page is
# gone: answers are saved as they are given, so nothing is lost).
CULL_IDLE_SECONDS = 900
CULL_INTERVAL_SECONDS = 60
HOME = "home.ipynb"
# Voila serves only these static files from the workspace: images for the
# lessons. Notebooks are rendered, never served raw; responses.json never.
FILE_ALLOWLIST = [r".*\.(png|jpg|jpeg|gif|svg)$"]
# Voila's own log (and its kernels'), kept in the course folder.
LOG_NAME = "server.log"
# Titles for pages that have no "# " heading of their own.
PAGE_TITLES = {"home.ipynb": "Course home", "progress.ipynb": "My progress",
               "crosswalk.ipynb": "How this course maps to peer certification"}
COURSE_NAME = "Peer support course"
# Idle kernels kept ready per preheated page (each about 50 MB), and how many
# pages are kept ready: a fixed memory cost of about 150 MB.
PREHEAT_POOL_SIZE = 1
PREHEAT_PAGES = 3
# Seconds before the kernel a learner's page took is replaced, so that the new
# kernel's start does not compete with the page being opened (Voila's default: 1).
PREHEAT_REFILL_SECONDS = 5


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


def page_title(nb: nbformat.NotebookNode, name: str) -> str:
    """The title a page shows in the browser: its first ``# `` heading (or its
    name in :data:`PAGE_TITLES`), then the course's name."""
    for cell in nb.cells:
        if cell.cell_type != "markdown":
            continue
        for line in cell.source.splitlines():
            if line.startswith("# "):
                return f"{line[2:].strip()} \u2013 {COURSE_NAME}"
    own = nb.metadata.get("title") or PAGE_TITLES.get(name)
    return f"{own} \u2013 {COURSE_NAME}" if own else COURSE_NAME


def set_page_title(notebook_path: Path) -> None:
    """Record the page's title in its notebook metadata (the page template shows it)."""
    nb = nbformat.read(notebook_path, as_version=4)
    title = page_title(nb, notebook_path.name)
    if nb.metadata.get("title") != title:
        nb.metadata["title"] = title
        nbformat.write(nb, notebook_path)


def prepare_workspace(workspace: str | Path, *, self_assessment: bool = True) -> Path:
    """Copy the course pages into ``workspace``; learner files are never touched."""
    from peer_course.serving.student_version import make_student_version

    workspace = Path(workspace).resolve()
    source = modules_dir()
    (workspace / "items").mkdir(parents=True, exist_ok=True)
    for notebook in sorted(source.glob("*.ipynb")):
        shutil.copy2(notebook, workspace / notebook.name)
        set_page_title(workspace / notebook.name)
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
        set_page_title(folder / f"{name}.ipynb")
        load_bank(folder / "items.yaml")
    if self_assessment and manifest.practice_exam is not None:
        name = manifest.practice_exam.assessment
        folder = make_student_version(name, workspace / PRACTICE_EXAM_DIR)
        add_home_link(folder / f"{name}.ipynb")
        set_page_title(folder / f"{name}.ipynb")
    return workspace


def preheated_pages(workspace: Path, limit: int = PREHEAT_PAGES) -> list[str]:
    """The pages kept preheated, relative to ``workspace``: the first ``limit``
    lessons, in course order, with a question the learner has not answered yet
    (read once, as the course starts). Each lesson's ``Page(...)`` shows the
    answers saved when the learner's request arrives."""
    from peer_widgets.bank import load_bank
    from peer_widgets.store import ResponseStore

    workspace = Path(workspace)
    answered = ResponseStore.for_folder(workspace).items()
    pages = []
    for module in load_manifest().modules:
        if len(pages) >= limit:
            break
        if not (workspace / module.notebook).is_file():
            continue
        if any(item_id not in answered for item_id in load_bank(workspace / module.bank).ids):
            pages.append(module.notebook)
    return pages


def preheat_arguments(pages: list[str]) -> list[str]:
    """Voila's settings keeping :data:`PREHEAT_POOL_SIZE` kernels ready for each of
    ``pages`` (paths relative to the served folder) and none for any other page.

    So the server holds a fixed number of idle kernels, ``len(pages) *
    PREHEAT_POOL_SIZE``, whatever else is in the folder; a kernel taken by a
    page is replaced :data:`PREHEAT_REFILL_SECONDS` later and ends with its page.
    """
    import json

    pools = {"default": {"pool_size": 0}, **{page: {"pool_size": PREHEAT_POOL_SIZE} for page in pages}}
    return ["--preheat_kernel=True",
            f"--VoilaKernelManager.kernel_pools_config={json.dumps(pools)}",
            f"--VoilaKernelManager.fill_delay={PREHEAT_REFILL_SECONDS}"]


def voila_command(workspace: Path, *, port: int, open_browser: bool, shared: bool = False,
                  preheat: list[str] | None = None) -> list[str]:
    """The command running the course server; ``preheat``: the pages to keep
    preheated (single-user mode only; none if not given)."""
    from peer_course.serving.app import PAGE_EXTENSIONS, TEMPLATE

    module = "peer_course.serving.shared" if shared else "peer_course.serving.app"
    command = [
        sys.executable, "-m", module, str(workspace),
        f"--port={port}",
        "--Voila.port_retries=0",  # the printed address is the one served, or a clear message
        "--Voila.ip=127.0.0.1",
        "--VoilaConfiguration.strip_sources=True",
        "--VoilaConfiguration.show_tracebacks=False",
        *(f"--VoilaConfiguration.file_allowlist={pattern}" for pattern in FILE_ALLOWLIST),
        f"--VoilaConfiguration.template={TEMPLATE}",
        "--VoilaConfiguration.allow_template_override=NO",
        "--VoilaConfiguration.allow_theme_override=NO",
        *(f"--VoilaConfiguration.extension_allowlist={name}" for name in PAGE_EXTENSIONS),
        f"--MappingKernelManager.cull_idle_timeout={CULL_IDLE_SECONDS}",
        f"--MappingKernelManager.cull_interval={CULL_INTERVAL_SECONDS}",
        "--MappingKernelManager.cull_connected=False",
    ]
    if not open_browser:
        command.append("--no-browser")
    if preheat and not shared:
        command.extend(preheat_arguments(preheat))
    return command


def home_url(port: int) -> str:
    return f"http://localhost:{port}/voila/render/{HOME}"


def server_answers(port: int) -> bool:
    """Whether a web server answers on ``port`` (the root only, which starts no kernel)."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    try:
        connection.request("HEAD", "/")
        return connection.getresponse().status < 500
    except OSError:
        return False
    finally:
        connection.close()


def port_is_free(port: int) -> bool:
    """Whether the course server could listen on ``port``."""
    import socket

    with socket.socket() as probe:
        try:
            probe.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def wait_until_answering(voila: subprocess.Popen, port: int, *, log: Path, stopping: list) -> bool:
    """Wait for the course server to answer; False (with one clear message) if it stopped first."""
    while not server_answers(port):
        if voila.poll() is not None:
            if not stopping:
                print(f"The course server stopped before it was ready. What it said is in {log}", flush=True)
            return False
        time.sleep(0.2)
    return True


def serve(*, workspace: Path, port: int = DEFAULT_PORT, open_browser: bool = True, shared: bool = False) -> int:
    """Prepare the workspace and run Voila until interrupted; return its exit code.

    The course's address is printed once the server answers; Voila's own
    messages go to ``server.log`` in the course folder.
    """
    print("Preparing your course folder\u2026", flush=True)
    workspace = prepare_workspace(workspace)
    print(f"Your course folder: {workspace}")
    if shared:
        print("Shared mode: each browser gets its own answers, kept under "
              f"{workspace / '.learners'}")
    log_path = workspace / LOG_NAME
    if server_answers(port) or not port_is_free(port):
        print(f"Another program is already using port {port}, so the course cannot start there. "
              f"Stop that program, or choose another port: peer-course serve --port {port + 1}", flush=True)
        return 1
    print("Starting the course server\u2026", flush=True)
    env = dict(os.environ, JUPYTER_PLATFORM_DIRS="1")
    with open(log_path, "w", encoding="utf-8") as log:
        command = voila_command(workspace, port=port, open_browser=open_browser, shared=shared,
                                preheat=None if shared else preheated_pages(workspace))
        voila = subprocess.Popen(command,
                                 env=env, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
    # Stopping `peer-course serve` (Ctrl+C, or SIGTERM from a service manager) stops
    # Voila with it; Voila's kernels notice their parent is gone and end too.
    stopping: list = []

    def stop(signum, frame):
        stopping.append(signum)
        voila.terminate()

    previous = signal.signal(signal.SIGTERM, stop)
    try:
        if wait_until_answering(voila, port, log=log_path, stopping=stopping):
            print(f"Open the course at: {home_url(port)}")
            print(f"(The server's log is in {log_path}. Press Ctrl+C to stop the course.)", flush=True)
        return voila.wait()
    except KeyboardInterrupt:
        voila.terminate()
        voila.wait()
        return 0
    finally:
        signal.signal(signal.SIGTERM, previous)
