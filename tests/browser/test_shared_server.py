"""One shared Voila server, many learners: each browser has its own answers,
and a learner can take all their answers away in one file and bring them back."""

from __future__ import annotations

import json

import pytest

from peer_widgets import load_bank

from .conftest import download_answers, open_page

pytestmark = pytest.mark.slow
MODULE = "02-recovery-principles.ipynb"


def first_single_choice(server):
    bank = load_bank(server.workspace / "items" / "recovery-principles.yaml")
    return next(item for item in bank if item.type == "single_choice")


def radio(box, item, index):
    """The radio of the item's ``index``-th option (options are shown in each learner's own order)."""
    return box.get_by_role("radio", name=item.options[index].text, exact=True)


def choose(page, item, index):
    box = page.locator(".peer-item", has_text=item.prompt).first
    radio(box, item, index).click()
    box.get_by_text("Saved.").wait_for(timeout=30_000)
    return box


def upload(page, path):
    """Pick a file with the restore button, as a learner would."""
    with page.expect_file_chooser() as chooser:
        page.get_by_role("button", name="Restore from a file").click()
    chooser.value.set_files(str(path))


def learner_files(server):
    return sorted((server.workspace / ".learners").glob("*/responses.json"))


def test_two_browsers_never_see_each_other(browser, shared_server):
    item = first_single_choice(shared_server)
    alice, bruno = browser.new_context(), browser.new_context()
    page_a = open_page(alice, shared_server, MODULE)
    page_b = open_page(bruno, shared_server, MODULE)
    choose(page_a, item, 0)
    choose(page_b, item, 1)
    for context, index in ((alice, 0), (bruno, 1)):
        page = open_page(context, shared_server, MODULE)
        box = page.locator(".peer-item", has_text=item.prompt).first
        box.get_by_role("radio").first.wait_for(timeout=60_000)
        assert [radio(box, item, i).is_checked() for i in range(len(item.options))] == [
            i == index for i in range(len(item.options))]
    files = learner_files(shared_server)
    values = sorted(json.loads(f.read_text(encoding="utf-8"))["items"][item.id]["value"] for f in files)
    assert values == sorted([item.options[0].id, item.options[1].id])
    assert not (shared_server.workspace / "responses.json").exists()
    cookies = {c["name"]: c for c in alice.cookies()}
    assert cookies["peer_course_learner"]["httpOnly"] is True
    assert cookies["peer_course_learner"]["value"] not in "".join(str(f) for f in files)
    alice.close()
    bruno.close()


def test_download_and_restore(browser, shared_server, tmp_path):
    item = first_single_choice(shared_server)
    owner = browser.new_context(accept_downloads=True)
    page = open_page(owner, shared_server, MODULE)
    choose(page, item, 2)
    home = open_page(owner, shared_server, "home.ipynb")
    path = download_answers(home, tmp_path / "answers.json")
    document = json.loads(path.read_text(encoding="utf-8"))
    assert document["kind"] == "peer-course-answers"
    assert document["stores"]["course"][item.id]["value"] == item.options[2].id
    assert "private" not in document

    newcomer = browser.new_context()
    home2 = open_page(newcomer, shared_server, "home.ipynb")
    upload(home2, path)
    home2.locator(".peer-transfer").get_by_text("Answers restored").wait_for(timeout=30_000)
    restored = home2.locator(".peer-transfer").inner_text()
    assert "Answers restored: 1." in restored  # one answer, once, though every folder shares one file here
    page2 = open_page(newcomer, shared_server, MODULE)
    restored_radio = radio(page2.locator(".peer-item", has_text=item.prompt).first, item, 2)
    restored_radio.wait_for(timeout=60_000)
    assert restored_radio.is_checked()
    owner.close()
    newcomer.close()


def test_a_file_that_is_not_a_download_is_refused(browser, shared_server, tmp_path):
    bogus = tmp_path / "bogus.json"
    bogus.write_text('{"hello": 1}', encoding="utf-8")
    context = browser.new_context()
    home = open_page(context, shared_server, "home.ipynb")
    upload(home, bogus)
    home.locator(".peer-transfer").get_by_text("This file is not a download of your course answers.").wait_for(timeout=30_000)
    context.close()
