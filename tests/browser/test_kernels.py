"""Kernels end with their pages: closing a page, or leaving it for another,
ends the page's kernel (each holds some 60 MB), on the single-user server and
on the shared one. The check is the servers' own kernel processes, which must
return to their floor (none) once the pages are gone."""

from __future__ import annotations

import time

import pytest

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
