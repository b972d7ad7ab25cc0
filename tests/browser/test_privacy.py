"""A private reflection typed in the browser stays private: it is absent
from the submission (the answers file), from every export, from the
notebook file and from the server's log; it is kept in the learner's own
private store, and appears in the submission only after they choose to share."""

from __future__ import annotations

import json

import pytest

from .conftest import download_answers, open_page

pytestmark = pytest.mark.slow
MODULE = "05-sharing-lived-experience.ipynb"
SECRET = "The night I called my sponsor from the bus station changed everything 7Q3X"


def all_text(folder):
    for path in folder.rglob("*"):
        if path.is_file():
            yield path, path.read_bytes().decode("utf-8", errors="replace")


def test_private_reflection_never_leaves(browser, course_server, tmp_path):
    workspace = course_server.workspace
    notebook_before = (workspace / MODULE).read_bytes()
    context = browser.new_context(accept_downloads=True)
    page = open_page(context, course_server, MODULE)
    box = page.locator(".peer-item-reflection").first
    box.scroll_into_view_if_needed()
    textarea = box.get_by_role("textbox")
    textarea.fill(SECRET)  # saved while typing, after a short pause
    box.get_by_text("Saved privately.").wait_for(timeout=30_000)

    answers = (workspace / "responses.json").read_text(encoding="utf-8")
    assert SECRET not in answers
    record = next(r["value"] for r in json.loads(answers)["items"].values()
                  if isinstance(r["value"], dict) and "shared" in r["value"])
    assert record == {"shared": False, "completed": True, "words": len(SECRET.split())}
    # kept only in the learner's private store, outside the course folder
    private_files = [p for p, text in all_text(workspace.parent / "user-data") if SECRET in text]
    assert len(private_files) == 1 and "private" in private_files[0].parts
    assert [p for p, text in all_text(workspace) if SECRET in text] == []
    assert (workspace / MODULE).read_bytes() == notebook_before
    assert SECRET not in course_server.log_path.read_text(encoding="utf-8")

    # the download (an export) leaves it out unless the learner ticks the box
    home = open_page(context, course_server, "home.ipynb")
    path = download_answers(home, tmp_path / "answers.json")
    assert SECRET not in path.read_text(encoding="utf-8")
    home.get_by_role("checkbox", name="Include the text of my private reflections").check()
    download_answers(home, path)
    assert SECRET in path.read_text(encoding="utf-8")

    # sharing is an explicit choice, and it can be taken back
    page = open_page(context, course_server, MODULE)
    box = page.locator(".peer-item-reflection").first
    assert box.get_by_role("textbox").input_value() == SECRET
    box.get_by_role("checkbox", name="Share this reflection with my trainer").check()
    box.get_by_text("Saved.").wait_for(timeout=30_000)
    assert SECRET in (workspace / "responses.json").read_text(encoding="utf-8")
    box.get_by_role("checkbox", name="Share this reflection with my trainer").uncheck()
    box.get_by_text("Saved privately.").wait_for(timeout=30_000)
    assert SECRET not in (workspace / "responses.json").read_text(encoding="utf-8")
    context.close()
