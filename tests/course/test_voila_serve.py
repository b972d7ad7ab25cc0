"""The course app served by the real Voila over HTTP: home and module pages
render with their widgets, no code is served, and no stray file is."""

from __future__ import annotations

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
    assert len(views) == 2  # the home page and the answers download/restore box
    assert "show_home" not in response.text
    assert "Traceback" not in decoded(response.text)


def test_module_page_renders_widgets_without_code(voila):
    base, workspace = voila
    module = load_manifest().module("recovery-principles")
    response = requests.get(f"{base}/voila/render/{module.notebook}", timeout=120)
    assert response.status_code == 200
    html = response.text
    views = re.findall(r'application/vnd\.jupyter\.widget-view\+json": \{"model_id": "([0-9a-f]{32})"', html)
    assert len(views) == len(load_bank(workspace / module.bank))  # one live widget per item
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
    assert home_url(8866) == "http://localhost:8866/voila/render/home.ipynb"


def test_serve_command_prints_the_address_and_serves_it(tmp_path):
    """The README's first command, minus the install: `peer-course serve`."""
    import sys
    from pathlib import Path

    port = free_port()
    env = dict(os.environ, JUPYTER_PLATFORM_DIRS="1", PEER_COURSE_DATA_DIR=str(tmp_path / "data"))
    command = [str(Path(sys.executable).parent / "peer-course"), "serve", "--no-browser", f"--port={port}",
               "--workspace", str(tmp_path / "course")]
    process = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        lines = []
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            line = process.stdout.readline()
            lines.append(line)
            if line.startswith("Open the course at: "):
                break
        assert lines[-1].strip() == f"Open the course at: http://localhost:{port}/voila/render/home.ipynb"
        url = lines[-1].split(": ", 1)[1].strip()
        for _ in range(300):
            try:
                response = requests.get(url, timeout=120)
                break
            except requests.ConnectionError:
                time.sleep(0.3)
        assert response.status_code == 200
        assert (tmp_path / "course" / "self-assessment" / "core-competencies-self-assessment.ipynb").is_file()
    finally:
        process.terminate()
        process.wait(timeout=30)
    # stopping `peer-course serve` stops its Voila server (no server left behind)
    assert wait_until_gone("voila", f"--port={port}") == []


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
