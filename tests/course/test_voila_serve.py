"""The course app served by the real Voila over HTTP: home and module pages
render with their widgets, no code is served, and no stray file is."""

from __future__ import annotations

import json
import os
import re
import subprocess
import time

import pytest
import requests

from peer_widgets.manifest import load_manifest
from peer_course.serving.serve import home_url, prepare_workspace
from peer_widgets import load_bank
from tests.support.net import free_port, wait_until_gone
from tests.support.voila import VoilaServer

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def voila(tmp_path_factory):
    workspace = prepare_workspace(tmp_path_factory.mktemp("learner") / "course")
    server = VoilaServer(workspace, data_dir=tmp_path_factory.mktemp("user-data"))
    yield server.base, workspace
    server.stop()


def decoded(text: str) -> str:
    """Voila 0.5 ships outputs as JSON inside the page; undo its \\uXXXX escapes."""
    return re.sub(r"\\u([0-9a-fA-F]{4})", lambda m: chr(int(m.group(1), 16)), text)


def test_home_page_renders_its_widgets(voila):
    """The home page's content is drawn by widgets (the browser tests read it);
    over HTTP it must render, hold live widget views and no code."""
    base, _ = voila
    response = requests.get(base + "/voila/render/home.ipynb", timeout=120)
    assert response.status_code == 200
    views = re.findall(r'application/vnd\.jupyter\.widget-view\+json": \{"model_id": "([0-9a-f]{32})"', response.text)
    # the home page, the answers download/restore box, the page's live region, the course's widget code
    # and the (hidden) widget that brings a learner to the language they chose
    assert len(views) == 5
    assert "show_home" not in response.text
    assert "Traceback" not in decoded(response.text)


def test_module_page_renders_widgets_without_code(voila):
    base, workspace = voila
    module = load_manifest().module("recovery-principles")
    response = requests.get(f"{base}/voila/render/{module.notebook}", timeout=120)
    assert response.status_code == 200
    html = response.text
    views = re.findall(r'application/vnd\.jupyter\.widget-view\+json": \{"model_id": "([0-9a-f]{32})"', html)
    # one live widget per item, "n of N answered", the course's widget code (sent once per page) and
    # the (hidden) widget that brings a learner to the language they chose
    assert len(views) == len(load_bank(workspace / module.bank)) + 3
    assert "from peer_widgets import Page" not in html
    assert "page.show(" not in html
    assert "Module 2: Recovery principles" in html
    assert not (workspace / "responses.json").exists()  # viewing a page saves nothing


def test_only_allowlisted_files_are_served(voila):
    base, workspace = voila
    (workspace / "responses.json").write_text('{"schema_version": 1, "items": {}}', encoding="utf-8")
    for path in ("responses.json", "items/recovery-principles.yaml", "02-recovery-principles.ipynb"):
        assert requests.get(f"{base}/voila/files/{path}", timeout=30).status_code == 403


def test_home_url_is_printed_form():
    # the root opens the home page in the language the learner last chose (see test_language_switch)
    assert home_url(8866) == "http://localhost:8866/"


def test_serve_command_prints_the_address_once_it_answers(tmp_path):
    """The README's first command, minus the install: `peer-course serve`.
    The address is printed only once the server answers it (so the first
    click works), and the terminal shows no message meant for developers:
    Voila's own log goes to a file in the course folder, which is named."""
    import sys
    from pathlib import Path

    port = free_port()
    env = dict(os.environ, JUPYTER_PLATFORM_DIRS="1", PEER_COURSE_DATA_DIR=str(tmp_path / "data"))
    command = [str(Path(sys.executable).parent / "peer-course"), "serve", "--no-browser", f"--port={port}",
               "--workspace", str(tmp_path / "course"), "--lang", "es"]
    process = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        lines = []
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            line = process.stdout.readline()
            lines.append(line)
            if line.startswith("Open the course at: ") or not line:
                break
        assert lines[-1].strip() == f"Open the course at: http://localhost:{port}/"
        url = lines[-1].split(": ", 1)[1].strip()
        response = requests.get(url, timeout=120)  # at once: no retrying
        assert response.status_code == 200
        # --lang es: a learner who has not chosen a language gets the Spanish home
        assert response.url == f"http://localhost:{port}/voila/render/home.es.ipynb"
        assert 'document.documentElement.lang = "es"' in response.text
        lines.append(process.stdout.readline())
        log = tmp_path / "course" / "server.log"
        assert lines[-1].strip() == f"(The server's log is in {log}. Press Ctrl+C to stop the course.)"
        assert (tmp_path / "course" / "self-assessment" / "core-competencies-self-assessment.ipynb").is_file()
    finally:
        process.terminate()
        rest, _ = process.communicate(timeout=30)
    # stopping `peer-course serve` stops its Voila server (no server left behind)
    assert wait_until_gone("voila", f"--port={port}") == []
    printed = "".join(lines) + rest
    for developer_note in ("WARNING", "Warning", "Deprecat", "[Voila]", "[CourseVoila]", "[IPKernelApp]",
                           "Traceback", "jupyter", "Kernel started"):
        assert developer_note not in printed, printed
    assert "Kernel started" in log.read_text()  # Voila's messages are kept, in the log file


def test_serve_says_so_once_when_the_server_cannot_start(tmp_path):
    """A port already in use: one clear message, no traceback, no other address."""
    import socket
    import sys
    from pathlib import Path

    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        env = dict(os.environ, JUPYTER_PLATFORM_DIRS="1", PEER_COURSE_DATA_DIR=str(tmp_path / "data"))
        command = [str(Path(sys.executable).parent / "peer-course"), "serve", "--no-browser", f"--port={port}",
                   "--workspace", str(tmp_path / "course")]
        result = subprocess.run(command, env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode != 0
    assert result.stdout.splitlines()[-1] == (
        f"Another program is already using port {port}, so the course cannot start there. "
        f"Stop that program, or choose another port: peer-course serve --port {port + 1}")
    assert result.stderr == ""


LIGHT_CHECK = """
import sys
from peer_widgets import Page
page = Page("items/recovery-principles.yaml")
page.show()
from peer_widgets.pages.home import show_home
heavy = ("pandas", "numpy", "matplotlib", "plotly", "altair", "nbgrader", "sqlalchemy", "scipy")
print(sorted(name for name in heavy if name in sys.modules))
"""


def test_learner_pages_import_nothing_heavy(tmp_path):
    """A module page and the home page keep the learner's kernel light."""
    import sys

    workspace = prepare_workspace(tmp_path / "course", self_assessment=False)
    out = subprocess.run([sys.executable, "-c", LIGHT_CHECK], cwd=workspace, capture_output=True, text=True,
                         env=dict(os.environ, PEER_COURSE_DATA_DIR=str(tmp_path / "data")), check=True).stdout
    assert out.strip().splitlines()[-1] == "[]"


def test_every_server_culls_kernels_whose_page_is_gone(tmp_path):
    from peer_course.serving.serve import CULL_IDLE_SECONDS, voila_command

    for shared in (False, True):
        command = voila_command(tmp_path, port=8866, open_browser=False, shared=shared)
        assert f"--MappingKernelManager.cull_idle_timeout={CULL_IDLE_SECONDS}" in command
        assert "--MappingKernelManager.cull_connected=False" in command  # an open page keeps its kernel


STAMP_NOTEBOOK_CELLS = [
    "from pathlib import Path\nPath('preheated.txt').write_text('yes')",
    "from peer_widgets.pages.request import before_answers_load\nbefore_answers_load()\n"
    "print('answers: ' + Path('answers.txt').read_text())",
]


def test_a_preheated_page_reads_answers_when_the_learner_asks(tmp_path):
    """With Voila's preheated kernels a page is run before anyone asks for it;
    the answers it shows must be those saved when the learner opens it."""
    import nbformat

    workspace = tmp_path / "course"
    workspace.mkdir()
    nb = nbformat.v4.new_notebook()
    nb.metadata.kernelspec = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nb.cells = [nbformat.v4.new_code_cell(source) for source in STAMP_NOTEBOOK_CELLS]
    nbformat.write(nb, workspace / "stamp.ipynb")
    (workspace / "answers.txt").write_text("as the kernel started")
    server = VoilaServer(workspace, data_dir=tmp_path / "data", args=["--preheat_kernel=True"])
    try:
        deadline = time.monotonic() + 90
        while not (workspace / "preheated.txt").exists() and time.monotonic() < deadline:
            time.sleep(0.2)
        assert (workspace / "preheated.txt").exists()  # the page is running ahead of any request
        time.sleep(1)  # let it reach the answers, were it not waiting
        (workspace / "answers.txt").write_text("as the learner opened the page")
        html = requests.get(server.url("stamp.ipynb"), timeout=120).text
    finally:
        server.stop()
    assert "answers: as the learner opened the page" in decoded(html)
    assert "answers: as the kernel started" not in decoded(html)


def test_the_page_speaks_the_learners_language(tmp_path):
    """The page's own words (the loading note, and the note the page shows when
    loading is slow) come from the course's catalogue for the page's language,
    and ``<html lang>`` says which language that is: each page in its own,
    whatever the course's default (here Spanish)."""
    from babel.messages.catalog import Catalog
    from babel.messages.pofile import write_po

    from peer_widgets.i18n import PAGE_TEMPLATE_STRINGS

    catalog = Catalog(locale="es")
    catalog.add(PAGE_TEMPLATE_STRINGS["loading"], "Preparando tus preguntas\u2026")
    catalog.add(PAGE_TEMPLATE_STRINGS["slow"], "Esto tarda m\u00e1s de lo normal.")
    folder = tmp_path / "locale" / "es" / "LC_MESSAGES"
    folder.mkdir(parents=True)
    with (folder / "peer_widgets.po").open("wb") as handle:
        write_po(handle, catalog)
    workspace = prepare_workspace(tmp_path / "course", self_assessment=False)
    server = VoilaServer(workspace, data_dir=tmp_path / "data",
                         env={"PEER_COURSE_LANG": "es", "PEER_COURSE_LOCALE_DIR": str(tmp_path / "locale")})
    try:
        # Voila's header names no charset; the page's <meta charset> says UTF-8, as a browser reads it
        spanish = requests.get(server.url("01-peer-role.es.ipynb"), timeout=120).content.decode("utf-8")
        english = requests.get(server.url("01-peer-role.ipynb"), timeout=120).content.decode("utf-8")
    finally:
        server.stop()
    assert re.search(r'<html lang="es">', spanish) and 'document.documentElement.lang = "es"' in spanish
    assert '<p id="loading" class="peer-course-loading" role="status">Preparando tus preguntas\u2026</p>' in spanish
    assert "Esto tarda m\\u00e1s de lo normal." in spanish  # the slow-loading note, as a JavaScript string
    assert PAGE_TEMPLATE_STRINGS["loading"] not in spanish
    # the English page on the same server: English words, and lang="en" before any text is drawn
    assert 'document.documentElement.lang = "en"' in english
    assert english.index('document.documentElement.lang = "en"') < english.index('id="loading"')
    assert f'role="status">{PAGE_TEMPLATE_STRINGS["loading"]}</p>' in english


def test_serve_keeps_the_next_lessons_to_do_ready(tmp_path):
    """Single-user serving preheats a fixed number of lessons: the first ones with
    an unanswered question (so never more idle kernels than that), and only there."""
    from peer_course.serving.serve import PREHEAT_PAGES, preheated_pages, voila_command
    from peer_widgets.store import ResponseStore

    workspace = prepare_workspace(tmp_path / "course", self_assessment=False)
    modules = load_manifest().modules
    assert preheated_pages(workspace) == [m.notebook for m in modules[:PREHEAT_PAGES]]
    store = ResponseStore(workspace / "responses.json")
    for item_id in load_bank(workspace / modules[0].bank).ids:  # lesson 1 done
        store.save(item_id, "anything")
    assert preheated_pages(workspace) == [m.notebook for m in modules[1:PREHEAT_PAGES + 1]]
    pages = preheated_pages(workspace)
    command = voila_command(workspace, port=8866, open_browser=False, preheat=pages)
    assert "--preheat_kernel=True" in command
    pools = json.loads(next(a for a in command if a.startswith("--VoilaKernelManager.kernel_pools_config=")
                            ).split("=", 1)[1])
    assert pools == {"default": {"pool_size": 0}, **{page: {"pool_size": 1} for page in pages}}
    shared = voila_command(workspace, port=8866, open_browser=False, shared=True, preheat=pages)
    assert "--preheat_kernel=True" not in shared  # Voila's prelaunch hook (shared mode) cannot preheat
