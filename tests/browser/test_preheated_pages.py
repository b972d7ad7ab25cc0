"""Pages kept ready ahead of any request (``peer-course serve``'s preheated
kernels) show the learner's answers as they are when the page is opened, not
as they were when the page's kernel started; and the server holds a fixed
number of idle kernels, one per preheated page."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from peer_course.serving.serve import PREHEAT_PAGES, preheat_arguments, preheated_pages, prepare_workspace
from peer_widgets import load_bank
from peer_widgets.store import ResponseStore
from tests.support.voila import VoilaServer

from .conftest import open_page

pytestmark = pytest.mark.slow
MODULE = "01-peer-role.ipynb"


def cpu_ticks(pid: int) -> int:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return int(fields[11]) + int(fields[12])  # utime + stime


def wait_until_idle(server: VoilaServer, kernels: int, timeout: float = 120) -> list[int]:
    """Wait until the server runs ``kernels`` kernels and none has used the CPU for
    a second: each preheated page has run as far as it can before a request."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        pids = server.kernel_pids()
        if len(pids) == kernels:
            try:
                before = [cpu_ticks(pid) for pid in pids]
                time.sleep(1)
                if [cpu_ticks(pid) for pid in pids] == before and server.kernel_pids() == pids:
                    return pids
            except OSError:
                pass
        else:
            time.sleep(0.25)
    raise AssertionError(f"the server has {len(server.kernel_pids())} kernels, not {kernels}, after {timeout} s")


@pytest.fixture(scope="module")
def preheated_server(tmp_path_factory):
    root = tmp_path_factory.mktemp("preheated")
    workspace = prepare_workspace(root / "course", self_assessment=False)
    server = VoilaServer(workspace, data_dir=root / "user-data", args=preheat_arguments(preheated_pages(workspace)))
    yield server
    server.stop()


def test_an_answer_saved_after_the_page_was_preheated_is_shown(browser, preheated_server):
    server = preheated_server
    item = load_bank(server.workspace / "items" / "peer-role.yaml")["pr-f01"]
    first, second = item.options[0], item.options[1]
    store = ResponseStore(server.workspace / "responses.json")
    store.save(item.id, first.id)  # the answer as the page's kernel starts
    pages = preheated_pages(server.workspace)
    assert MODULE in pages
    wait_until_idle(server, len(pages))  # the module's kernel is ready and waiting for a learner
    store.save(item.id, second.id)  # the learner changes it (on another page) before opening this one
    context = browser.new_context()
    try:
        page = open_page(context, server, MODULE)
        question = page.locator(f"#item-{item.id}")
        assert question.locator(f'input[type="radio"][value="{second.id}"]').is_checked()
        assert not question.locator(f'input[type="radio"][value="{first.id}"]').is_checked()
        assert "Using pre-heated kernel" in server.log()  # the page did come from the pool
    finally:
        context.close()


def test_the_pools_hold_one_idle_kernel_per_preheated_page(preheated_server):
    """A fixed number of idle kernels: one for each of the next lessons to do.
    Home and My progress read answers as they are built, so they are not preheated."""
    pages = preheated_pages(preheated_server.workspace)
    assert "home.ipynb" not in pages and "progress.ipynb" not in pages
    assert len(pages) == PREHEAT_PAGES
    wait_until_idle(preheated_server, len(pages))
