"""A learner in a real browser: home, a module, answers by mouse and by
keyboard, explanatory feedback, answers kept across a reload, progress."""

from __future__ import annotations

import json

import pytest

from peer_widgets import load_bank

from .conftest import open_page, screenshot

pytestmark = pytest.mark.slow
MODULE = "02-recovery-principles.ipynb"


def item_box(page, item_id_prompt: str):
    return page.locator(".peer-item", has_text=item_id_prompt).first


def radio(box, item, option_id):
    """The radio input for an option, found by its label (options are shown in each learner's own order)."""
    control = box.get_by_role("radio", name=item.option(option_id).text, exact=True)
    assert control.get_attribute("value") == option_id
    return control


def test_answer_by_click_and_keyboard_then_reload(browser, course_server):
    bank = load_bank(course_server.workspace / "items" / "recovery-principles.yaml")
    first, second = [item for item in bank if item.type == "single_choice"][:2]
    context = browser.new_context()
    page = open_page(context, course_server, "home.ipynb")
    assert page.get_by_text("Start: Module 1. The peer role").is_visible()
    screenshot(page, "home")
    page.get_by_role("link", name="Module 2. Recovery principles").first.click()
    page.wait_for_selector(".peer-item", timeout=120_000)
    page.wait_for_load_state("networkidle")

    # 1. a click on a wrong option is saved; "Check my answer" explains why it is not the best
    box = item_box(page, first.prompt)
    wrong = next(o for o in first.options if o.id != first.key)
    radio(box, first, wrong.id).click()
    box.get_by_text("Saved.").wait_for(timeout=30_000)
    assert not box.get_by_text("Not quite.").is_visible()
    box.get_by_role("button", name="Check my answer").click()
    box.get_by_text("Not quite.").wait_for(timeout=30_000)
    assert box.get_by_text(wrong.feedback).is_visible()
    screenshot(page, "module")

    # 2. the keyboard: focus the first radio of the second item, arrow down to the key, then check
    box2 = item_box(page, second.prompt)
    radios = box2.get_by_role("radio")
    radios.first.focus()
    page.keyboard.press("Space")
    shown = [radios.nth(i).get_attribute("value") for i in range(radios.count())]
    for _ in range(shown.index(second.key)):
        page.keyboard.press("ArrowDown")
    page.keyboard.press("Tab")  # to "Check my answer"
    page.keyboard.press("Enter")
    box2.get_by_text("That's right.").wait_for(timeout=30_000)
    assert box2.get_by_text(second.option(second.key).feedback).is_visible()

    saved = json.loads((course_server.workspace / "responses.json").read_text(encoding="utf-8"))["items"]
    assert saved[first.id]["value"] == wrong.id
    assert saved[second.id]["value"] == second.key

    # 3. reload: the answers are shown again
    page.reload(wait_until="load")
    page.wait_for_selector(".peer-item", timeout=120_000)
    page.wait_for_load_state("networkidle")
    assert radio(item_box(page, first.prompt), first, wrong.id).is_checked()
    assert radio(item_box(page, second.prompt), second, second.key).is_checked()

    # 4. progress on the home page changed
    home = open_page(context, course_server, "home.ipynb")
    total = len([i for i in bank if i.type in ("single_choice", "multiple_select", "matching")])
    assert home.get_by_text(f"In progress (2/{total} checks)").is_visible()
    context.close()


def test_progress_page_renders_profile(browser, course_server):
    context = browser.new_context()
    page = open_page(context, course_server, "progress.ipynb")
    assert page.get_by_role("heading", name="My progress").is_visible()
    assert page.locator("svg[role=img] title").first.text_content() == "Competency profile by category"
    assert page.get_by_text("Your certificate appears here when every module is complete", exact=False).is_visible()
    screenshot(page, "progress")
    context.close()
