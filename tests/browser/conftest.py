"""Browser fixtures: Debian's Chromium driven by Playwright, and real Voila
servers (single-user and shared) on loopback.

The test set-up installs the ``chromium`` package when it is missing; no
browser is ever downloaded.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from peer_course.serving.serve import prepare_workspace
from tests.support.screenshots import save as save_screenshot
from tests.support.voila import CHROMIUM_ARGS, VoilaServer, ensure_chromium


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    executable = ensure_chromium()
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


def _server(tmp_path_factory, shared: bool):
    root = tmp_path_factory.mktemp("shared" if shared else "learner")
    workspace = prepare_workspace(root / "course")
    server = VoilaServer(workspace, shared=shared, data_dir=root / "user-data")
    yield server
    server.stop()


@pytest.fixture(scope="module")
def course_server(tmp_path_factory):
    yield from _server(tmp_path_factory, shared=False)


@pytest.fixture(scope="module")
def shared_server(tmp_path_factory):
    yield from _server(tmp_path_factory, shared=True)


def open_page(context, server: VoilaServer, page_name: str, *, width: int = 1100):
    """Open a Voila page and wait until its widgets are live."""
    page = context.new_page()
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(server.url(page_name), wait_until="load", timeout=120_000)
    page.wait_for_function("() => document.body && !document.querySelector('#loading') || "
                           "document.querySelector('#loading')?.style.display === 'none'", timeout=120_000)
    page.wait_for_load_state("networkidle", timeout=120_000)
    return page


def screenshot(page, name: str) -> Path:
    """Save a screenshot as a test artifact (``python -m tests.support.screenshots``
    copies the README's ones into docs/screenshots)."""
    return save_screenshot(page, name)


def download_answers(home, path: Path) -> Path:
    """Prepare and download the learner's answers from the home page, as they would."""
    link = home.get_by_role("link", name="Download my answers")
    home.evaluate("() => { const region = document.getElementById('peer-live'); if (region) region.textContent = ''; }")
    home.get_by_role("button", name="Prepare my download").click()
    # The page says the download is ready once the link holds the new document.
    home.locator("#peer-live", has_text="Your download is ready").wait_for(state="attached", timeout=30_000)
    home.wait_for_function("() => document.querySelector('a[download]')?.href", timeout=30_000)
    with home.expect_download() as info:
        link.click()
    info.value.save_as(path)
    return path
