"""No learner can run script in a trainer's browser.

Learners submit notebooks full of raw HTML and script (in markdown, in
saved outputs) and one submits under the id ``<svg onload=...>``; the
cohort is collected from the submitted folder and autograded with
``peer-course autograde``; then Chromium opens, as a trainer would, the
Formgrader's pages (assessments, students, the gradebook, every submission)
and every learner's feedback page. No dialog may open and no planted script
may run.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys

import nbformat
import pytest
import requests

from peer_course.grading.steps import autograde, build, feedback
from peer_course.grading.trainer_dir import init_course_dir
from tests.support import oracle
from tests.support.net import free_port, stop, wait_for_http

pytestmark = pytest.mark.slow
NAME = "peer-role-check"
TOKEN = "trainer-pages-test"
SCRIPT = "<script>window.__pwned = (window.__pwned || 0) + 1; alert('script')</script>"
IMG = "<img src=x onerror=\"window.__pwned = (window.__pwned || 0) + 1; alert('img')\">"
SVG_ID = "<svg onload=alert(1)>"


def plant(folder, learner_text: str) -> None:
    """Add raw HTML to a submitted notebook: a markdown cell and a saved HTML output."""
    notebook = folder / f"{NAME}.ipynb"
    nb = nbformat.read(notebook, as_version=4)
    nb.cells.insert(1, nbformat.v4.new_markdown_cell(f"My answer {learner_text} {SCRIPT} {IMG}"))
    code = nbformat.v4.new_code_cell("1")
    code.outputs = [nbformat.v4.new_output("display_data", data={"text/html": f"{SCRIPT}{IMG}"})]
    nb.cells.insert(2, code)
    nbformat.write(nb, notebook)


@pytest.fixture(scope="module")
def trainer_folder(tmp_path_factory):
    course = init_course_dir(tmp_path_factory.mktemp("trainer-pages") / "trainer", assessments=[NAME])
    build(course_dir=course, assessments=[NAME], progress=lambda m: None)
    bank = oracle.released_bank(NAME)
    records = {item.item_id: oracle.record(oracle.answer(item, bank, oracle.RIGHT)[0])
               for item in oracle.graded_items(NAME)}
    for learner in ("ana", "ben", SVG_ID):
        target = course / "submitted" / learner / NAME
        shutil.copytree(course / "release" / NAME, target)
        (target / "timestamp.txt").write_text("2026-11-25 10:00:00.000000 UTC", encoding="utf-8")
        (target / "responses.json").write_text(json.dumps(oracle.document(records)), encoding="utf-8")
        plant(target, IMG)
    outcomes = autograde(course_dir=course, assessments=[NAME], progress=lambda m: None)
    assert {o.student: o.ok for o in outcomes} == {"ana": True, "ben": True, SVG_ID: False}
    feedback(course_dir=course, assessments=[NAME], progress=lambda m: None)
    return course


@pytest.fixture(scope="module")
def formgrader(trainer_folder):
    port = free_port()
    log = trainer_folder.parent / "formgrader.log"
    env = dict(os.environ, JUPYTER_PLATFORM_DIRS="1")
    with log.open("w") as out:
        server = subprocess.Popen([sys.executable, "-m", "jupyter", "server", "--no-browser", "--allow-root",
                                   f"--port={port}", "--ServerApp.ip=127.0.0.1", f"--IdentityProvider.token={TOKEN}",
                                   f"--ServerApp.root_dir={trainer_folder}"],
                                  cwd=trainer_folder, env=env, stdout=out, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_for_http(f"{base}/formgrader/api/status?token={TOKEN}", process=server, log=log, timeout=120)
        yield base
    finally:
        stop(server)


def visit(browser, url: str) -> tuple[list[str], int]:
    """Open ``url`` as a trainer; return the dialogs that opened and how often planted script ran."""
    context = browser.new_context()
    page = context.new_page()
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.goto(url, wait_until="load", timeout=120_000)
    page.wait_for_timeout(1500)  # let late scripts and image errors fire
    ran = sum(frame.evaluate("() => window.__pwned || 0") for frame in page.frames)
    context.close()
    return dialogs, ran


def test_formgrader_pages_run_no_learner_script(browser, formgrader):
    submissions = requests.get(f"{formgrader}/formgrader/api/submitted_notebooks/{NAME}/{NAME}",
                               params={"token": TOKEN}, timeout=60).json()
    assert {s["student"] for s in submissions} == {"ana", "ben"}  # the unsafe id was never graded
    pages = [f"{formgrader}/formgrader/manage_assignments", f"{formgrader}/formgrader/manage_students",
             f"{formgrader}/formgrader/gradebook/{NAME}/{NAME}",
             *[f"{formgrader}/formgrader/submissions/{s['id']}/?index=0" for s in submissions]]
    for url in pages:
        dialogs, ran = visit(browser, f"{url}{'&' if '?' in url else '?'}token={TOKEN}")
        assert (dialogs, ran) == ([], 0), url


def test_feedback_pages_run_no_learner_script(browser, trainer_folder):
    pages = sorted((trainer_folder / "feedback").rglob("*.html"))
    assert {p.relative_to(trainer_folder / "feedback").parts[0] for p in pages} == {"ana", "ben"}
    for path in pages:
        assert visit(browser, path.as_uri()) == ([], 0), path


def test_the_check_sees_a_planted_script(browser, tmp_path):
    """The page check can fail: a page carrying the same payloads is caught."""
    page = tmp_path / "planted.html"
    page.write_text(f"<!doctype html><html><body><p>My answer {SCRIPT} {IMG}</p></body></html>", encoding="utf-8")
    dialogs, ran = visit(browser, page.as_uri())
    assert ran == 2 and sorted(dialogs) == ["img", "script"]
