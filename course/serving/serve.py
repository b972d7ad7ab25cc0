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
from peer_widgets.i18n import available_languages, gettext, speaking
from peer_widgets.pages.language import (COURSE_NAME, PAGE_TITLES, bilingual_parts, localize_links, page_name,
                                         switch_markdown)
from peer_widgets.translations import LANGUAGES, SOURCE_LANGUAGE, is_overlay, lesson_cells
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
# Idle kernels kept ready per preheated page (each about 50 MB), and how many
# pages are kept ready: a fixed memory cost of about 150 MB.
PREHEAT_POOL_SIZE = 1
PREHEAT_PAGES = 3
# Seconds before the kernel a learner's page took is replaced, so that the new
# kernel's start does not compete with the page being opened (Voila's default: 1).
PREHEAT_REFILL_SECONDS = 5


def default_workspace() -> Path:
    return Path(os.environ.get("PEER_COURSE_WORKSPACE", Path.home() / "peer-course"))


def add_home_link(notebook_path: Path, language: str = SOURCE_LANGUAGE) -> None:
    """End a page in a subfolder (the self-assessment, the practice exam) with
    links back to the course home and *My progress*, in the page's language."""
    nb = nbformat.read(notebook_path, as_version=4)
    with speaking(language):
        words = (f"[\u2190 {gettext('Course home')}]({page_name('../home.ipynb', language)}) \u00b7 "
                 f"[{gettext('My progress')} \u2192]({page_name('../progress.ipynb', language)})")
    nb.cells = [cell for cell in nb.cells if cell.get("id") != "peer-course-nav"]
    cell = nbformat.v4.new_markdown_cell(words)
    cell["id"] = "peer-course-nav"
    nb.cells.append(cell)
    nbformat.write(nb, notebook_path)


def page_title(nb: nbformat.NotebookNode, name: str, language: str = SOURCE_LANGUAGE) -> str:
    """The title a page shows in the browser: its first ``# `` heading (or its
    name in :data:`PAGE_TITLES`), then the course's name, in ``language``."""
    with speaking(language):
        course = gettext(COURSE_NAME)
        own_title = gettext(PAGE_TITLES[name]) if name in PAGE_TITLES else None
    for cell in nb.cells:
        if cell.cell_type != "markdown":
            continue
        text = bilingual_parts(cell.source).get(language, cell.source)
        for line in text.splitlines():
            if line.startswith("# "):
                return f"{line[2:].strip()} \u2013 {course}"
    own = own_title or nb.metadata.get("title")
    return f"{own} \u2013 {course}" if own else course


def language_page(source: Path, target: Path, language: str) -> None:
    """Write the page ``source`` in ``language`` to ``target``.

    The page starts by choosing its language (and remembering it as the
    learner's, see :mod:`peer_widgets.pages.language`) and shows the switch to
    the same page in the other languages. A lesson's markdown comes from its
    translation (``01-peer-role.es.yaml``, by cell id), with its links to
    course pages going to those pages in the same language; a passage with no
    translation stays in English, marked ``lang="en"``, rather than missing.
    """
    nb = nbformat.read(source, as_version=4)
    name = page_name(source.name, SOURCE_LANGUAGE)
    if language != SOURCE_LANGUAGE:
        translated = lesson_cells(source, language)
        for cell in nb.cells:
            if cell.cell_type != "markdown" or bilingual_parts(cell.source):
                continue
            if cell.get("id") in translated:
                cell.source = localize_links(translated[cell["id"]], language)
            else:
                cell.source = f'<div lang="{SOURCE_LANGUAGE}">\n\n{cell.source}\n\n</div>'
    nb.cells = [cell for cell in nb.cells if cell.get("id") not in ("peer-course-language", "peer-course-switch")]
    choose = nbformat.v4.new_code_cell(
        f"from peer_widgets.pages.language import use_language\nuse_language({language!r}, {target.name!r})")
    choose["id"] = "peer-course-language"
    switch = nbformat.v4.new_markdown_cell(switch_markdown(name, language))
    switch["id"] = "peer-course-switch"
    nb.cells[:0] = [choose, switch]
    nb.metadata["peer_course"] = {"language": language}
    nb.metadata["title"] = page_title(nb, name, language)
    nbformat.write(nb, target)


def language_pages(source: Path, folder: Path) -> None:
    """Every language's page of ``source`` into ``folder`` (``x.ipynb``, ``x.es.ipynb``...)."""
    for language in course_languages():
        language_page(source, folder / page_name(source.name, language), language)


def course_languages() -> list[str]:
    """The languages the course is served in: English and each with an interface catalogue."""
    return [language for language in LANGUAGES if language in available_languages()]


def prepare_workspace(workspace: str | Path, *, self_assessment: bool = True) -> Path:
    """Copy the course pages into ``workspace``, one per language; learner files are never touched."""
    from peer_course.serving.student_version import make_student_version

    workspace = Path(workspace).resolve()
    source = modules_dir()
    (workspace / "items").mkdir(parents=True, exist_ok=True)
    for notebook in sorted(source.glob("*.ipynb")):
        language_pages(notebook, workspace)
    for bank in sorted((source / "items").glob("*.y*ml")):
        shutil.copy2(bank, workspace / "items" / bank.name)
    # Check every bank now, in this process: a bad one is reported before any
    # learner opens a page, and the check is remembered so pages open fast.
    from peer_widgets.bank import load_bank

    for bank in sorted((workspace / "items").glob("*.y*ml")):
        if not is_overlay(bank):
            load_bank(bank)
    manifest = load_manifest()
    extras = [(manifest.self_assessment, SELF_ASSESSMENT_DIR), (manifest.practice_exam, PRACTICE_EXAM_DIR)]
    for extra, folder_name in extras if self_assessment else ():
        if extra is None:
            continue
        folder = make_student_version(extra.assessment, workspace / folder_name)
        subfolder_pages(folder / f"{extra.assessment}.ipynb")
        load_bank(folder / "items.yaml")
    return workspace


def subfolder_pages(english: Path) -> None:
    """A page in a subfolder of the course (the self-assessment, the practice
    exam), in every language, each ending with links back home."""
    language_pages(english, english.parent)
    for language in course_languages():
        add_home_link(english.parent / page_name(english.name, language), language)


def language_folder(folder: Path) -> None:
    """Every page of a folder of course pages in every language, in place (for a
    server that serves the content folder itself, as Binder does)."""
    for notebook in sorted(folder.glob("*.ipynb")):
        if page_name(notebook.name, SOURCE_LANGUAGE) == notebook.name:
            language_pages(notebook, folder)


def preheated_pages(workspace: Path, limit: int = PREHEAT_PAGES) -> list[str]:
    """The pages kept preheated, relative to ``workspace``: the first ``limit``
    lessons, in course order, with a question the learner has not answered yet,
    in the language the learner last chose (read once, as the course starts). Each lesson's ``Page(...)`` shows the
    answers saved when the learner's request arrives."""
    from peer_widgets.bank import load_bank
    from peer_widgets.store import ResponseStore

    from peer_widgets.pages.language import remembered_language

    workspace = Path(workspace)
    store = ResponseStore.for_folder(workspace)
    answered = store.items()
    language = remembered_language(store) or SOURCE_LANGUAGE
    pages = []
    for module in load_manifest().modules:
        if len(pages) >= limit:
            break
        page = page_name(module.notebook, language)
        if not (workspace / page).is_file():
            continue
        if any(item_id not in answered for item_id in load_bank(workspace / module.bank).ids):
            pages.append(page)
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
    """The course's address: the server root, which opens the home page in the
    learner's language (the one they last chose, else the course's)."""
    return f"http://localhost:{port}/"


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


def serve(*, workspace: Path, port: int = DEFAULT_PORT, open_browser: bool = True, shared: bool = False,
          language: str | None = None) -> int:
    """Prepare the workspace and run Voila until interrupted; return its exit code.

    The course's address is printed once the server answers; Voila's own
    messages go to ``server.log`` in the course folder. ``language`` is the
    course's language until a learner chooses one on a page (default:
    ``PEER_COURSE_LANG``, else English).
    """
    if language is not None:
        os.environ["PEER_COURSE_LANG"] = language
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
