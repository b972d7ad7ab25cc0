"""Finding one's way: each lesson opens with a table of contents whose links
land on its sections, the course home's "Continue" links go to the first
unanswered check, and My progress shows every category label in full."""

from __future__ import annotations

import json

import pytest

from peer_widgets import load_bank
from peer_widgets.categories import categories
from peer_widgets.kinds import kind_of
from peer_widgets.manifest import load_manifest

from .conftest import open_page

pytestmark = pytest.mark.slow
MANIFEST = load_manifest()


def test_lesson_contents_link_to_its_sections(browser, course_server):
    module = MANIFEST.modules[1]  # headings with parentheses and a question mark
    context = browser.new_context()
    page = open_page(context, course_server, module.notebook)
    toc = page.locator("ul:has(a[href^='#']):not(:has(.anchor-link))").first
    links = toc.locator("a[href^='#']")
    hrefs = [links.nth(i).get_attribute("href") for i in range(links.count())]
    assert len(hrefs) >= 5
    targets = page.evaluate("hrefs => hrefs.map(h => { const el = document.getElementById(decodeURIComponent(h.slice(1)));"
                            " return el ? el.tagName + ':' + el.textContent.replace('\\u00b6', '') : null; })", hrefs)
    assert all(t and t.startswith("H2:") for t in targets), dict(zip(hrefs, targets))
    assert [links.nth(i).inner_text() for i in range(links.count())] == [t[3:] for t in targets]
    links.nth(len(hrefs) - 2).click()
    page.wait_for_function("h => location.hash === h", arg=hrefs[-2])
    top = page.evaluate("h => document.getElementById(decodeURIComponent(h.slice(1))).getBoundingClientRect().top",
                        hrefs[-2])
    assert 0 <= top < 900  # the section is on screen
    context.close()


def test_home_continue_goes_to_the_first_unanswered_check(browser, course_server):
    module = MANIFEST.modules[0]
    checks = [i for i in load_bank(course_server.workspace / module.bank) if kind_of(i).keyed]
    records = {i.id: {"value": i.key, "answered_at": "2026-11-20T10:00:00Z", "attempts": 1} for i in checks[:4]}
    (course_server.workspace / "responses.json").write_text(json.dumps({"schema_version": 1, "items": records}),
                                                            encoding="utf-8")
    context = browser.new_context()
    home = open_page(context, course_server, "home.ipynb")
    target = f"{module.notebook}#item-{checks[4].id}"
    top = home.get_by_role("link", name=f"Continue where you left off: Module 1. {module.title}")
    assert top.first.get_attribute("href") == target
    assert home.locator(f".peer-module-next a[href='{target}']").count() == 1
    progress = open_page(context, course_server, "progress.ipynb")
    labels = progress.evaluate("() => [...document.querySelectorAll('svg .peer-chart-label')].map(t => "
                               "({text: t.textContent, right: t.getBBox().x + t.getBBox().width, "
                               "width: t.ownerSVGElement.viewBox.baseVal.width}))")
    assert [label["text"].replace(" ", "") for label in labels] == [c.label.replace(" ", "") for c in categories()]
    assert all(label["right"] <= label["width"] for label in labels)
    assert any(label["text"].endswith("health, wellness, and recovery") for label in labels)  # category VII whole
    context.close()
