"""Browser fixtures: Debian's Chromium driven by Playwright, and real Voila
servers (single-user and shared) on loopback.

The test set-up installs the ``chromium`` package when it is missing; no
browser is ever downloaded.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import time
from pathlib import Path

import pytest
import requests

from peer_course.serving.serve import prepare_workspace, voila_command

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]
REPO = Path(__file__).resolve().parents[2]


def ensure_chromium() -> str:
    if not Path(CHROMIUM).exists():
        env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
        subprocess.run(["apt-get", "update", "-qq"], check=True, env=env, capture_output=True)
        subprocess.run(["apt-get", "install", "-y", "-qq", "chromium"], check=True, env=env, capture_output=True)
    return CHROMIUM


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    executable = ensure_chromium()
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=executable, args=ARGS)
        yield chromium
        chromium.close()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Server:
    def __init__(self, workspace: Path, *, shared: bool, data_dir: Path):
        self.workspace = workspace
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        env = dict(os.environ, JUPYTER_PLATFORM_DIRS="1", PEER_COURSE_DATA_DIR=str(data_dir),
                   PEER_COURSE_CACHE_DIR=str(data_dir.parent / "cache"))
        env.pop("PEER_COURSE_RESPONSES", None)
        self.log_path = workspace.parent / f"voila-{self.port}.log"
        self._log = open(self.log_path, "w")
        self.process = subprocess.Popen(voila_command(workspace, port=self.port, open_browser=False, shared=shared),
                                        env=env, stdout=self._log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            try:
                if requests.get(self.base + "/voila/", timeout=5).status_code < 500:
                    return
            except requests.ConnectionError:
                time.sleep(0.3)
        self.stop()
        raise RuntimeError("Voila did not start: " + self.log_path.read_text())

    def url(self, page: str) -> str:
        return f"{self.base}/voila/render/{page}"

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
        self._log.close()


def _server(tmp_path_factory, shared: bool):
    root = tmp_path_factory.mktemp("shared" if shared else "learner")
    workspace = prepare_workspace(root / "course")
    server = Server(workspace, shared=shared, data_dir=root / "user-data")
    yield server
    server.stop()


@pytest.fixture(scope="module")
def course_server(tmp_path_factory):
    yield from _server(tmp_path_factory, shared=False)


@pytest.fixture(scope="module")
def shared_server(tmp_path_factory):
    yield from _server(tmp_path_factory, shared=True)


def open_page(context, server: Server, page_name: str, *, width: int = 1100):
    """Open a Voila page and wait until its widgets are live."""
    page = context.new_page()
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(server.url(page_name), wait_until="load", timeout=120_000)
    page.wait_for_function("() => document.body && !document.querySelector('#loading') || "
                           "document.querySelector('#loading')?.style.display === 'none'", timeout=120_000)
    page.wait_for_load_state("networkidle", timeout=120_000)
    return page


def screenshot(page, name: str) -> Path:
    """Save a screenshot for the README (docs/screenshots) and as a test artifact."""
    target = REPO / "docs" / "screenshots" / f"{name}.png"
    target.parent.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(target), full_page=False)
    artifacts = REPO / "artifacts" / "screenshots"
    artifacts.mkdir(parents=True, exist_ok=True)
    shutil.copy(target, artifacts / target.name)
    return target


def download_answers(home, path: Path) -> Path:
    """Prepare and download the learner's answers from the home page, as they would."""
    link = home.get_by_role("link", name="Download my answers")
    old_href = link.get_attribute("href") if link.count() else None
    home.get_by_role("button", name="Prepare my download").click()
    home.wait_for_function("old => { const a = document.querySelector('a[download]'); return a && a.href !== old; }",
                           arg=old_href, timeout=30_000)
    with home.expect_download() as info:
        link.click()
    info.value.save_as(path)
    return path
