"""Kernels end with their pages: closing a page, or leaving it for another,
ends the page's kernel (each holds some 60 MB), on the single-user server and
on the shared one. The check is the servers' own kernel processes, which must
return to their floor once the pages are gone: none, or, where lessons are
kept ready in preheated kernels (as ``peer-course serve`` does), exactly one
idle kernel per preheated lesson (a fixed number), never more."""

from __future__ import annotations

import time

import pytest

from peer_course.serving.serve import PREHEAT_PAGES, preheat_arguments, preheated_pages, prepare_workspace
from tests.support.voila import VoilaServer

from .conftest import open_page

pytestmark = pytest.mark.slow
PAGES = ["home.ipynb", "progress.ipynb", "01-peer-role.ipynb"]


def kernels_after_pages_are_gone(server, floor: int, wait: float = 30) -> list[int]:
    """The server's kernels, once they are down to ``floor`` (or ``wait`` seconds have passed)."""
    deadline = time.monotonic() + wait
    while len(kernels := server.kernel_pids()) > floor and time.monotonic() < deadline:
        time.sleep(0.25)
    return kernels


def visit(browser, server, views: int) -> None:
    """Open ``views`` pages one after another, as a learner does: half are
    left by following a link to the next page, half by closing their tab."""
    context = browser.new_context()
    page = None
    for number in range(views):
        name = PAGES[number % len(PAGES)]
        if page is None:
            page = open_page(context, server, name)
        else:  # leaving the page for the next one
            page.goto(server.url(name), wait_until="load", timeout=120_000)
            page.wait_for_function("() => !document.querySelector('#loading')", timeout=120_000)
        if number % 2:
            page.close(run_before_unload=True)  # the tab is closed
            page = None
    if page is not None:
        page.close(run_before_unload=True)
    context.close()


def test_closing_twenty_pages_ends_their_twenty_kernels(browser, course_server):
    floor = len(course_server.kernel_pids())
    visit(browser, course_server, 20)
    assert len(kernels_after_pages_are_gone(course_server, floor)) == floor


def test_on_the_shared_server_too(browser, shared_server):
    floor = len(shared_server.kernel_pids())
    visit(browser, shared_server, 6)
    assert len(kernels_after_pages_are_gone(shared_server, floor)) == floor


@pytest.fixture(scope="module")
def preheated_server(tmp_path_factory):
    root = tmp_path_factory.mktemp("preheated")
    workspace = prepare_workspace(root / "course")
    server = VoilaServer(workspace, data_dir=root / "user-data", args=preheat_arguments(preheated_pages(workspace)))
    yield server
    server.stop()


def kernels_once_steady(server, expected: int, wait: float = 90) -> list[int]:
    """The server's kernels once there are ``expected`` of them for two seconds
    (or ``wait`` seconds have passed): pools refill a few seconds after use."""
    deadline = time.monotonic() + wait
    steady_since = None
    while time.monotonic() < deadline:
        if len(server.kernel_pids()) == expected:
            steady_since = steady_since or time.monotonic()
            if time.monotonic() - steady_since >= 2:
                break
        else:
            steady_since = None
        time.sleep(0.25)
    return server.kernel_pids()


def test_preheated_pools_keep_a_fixed_number_of_kernels(browser, preheated_server):
    """With preheated lessons (one of the pages visited is one), the floor is one
    idle kernel per preheated page: a used one ends with its page and is
    replaced once, so twenty views leave the count where it was."""
    floor = len(preheated_pages(preheated_server.workspace))
    assert floor == PREHEAT_PAGES  # the next lessons to do, one idle kernel each
    assert len(kernels_once_steady(preheated_server, floor)) == floor
    visit(browser, preheated_server, 20)
    assert len(kernels_once_steady(preheated_server, floor)) == floor
