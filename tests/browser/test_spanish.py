"""A learner takes the course in Spanish, in Chromium.

She opens the course (English by default), switches to Español on the home
page, and from then on every page is in Spanish: the home, a lesson and one
of its checks with its feedback, the self-assessment, My progress with her
certificate, the crosswalk and the practice exam. On each page no English
is left that a learner reads (apart from passages marked ``lang="en"``, such
as the switch back to English), ``<html lang>`` is ``es``, and axe-core finds
nothing. The choice is remembered: the server root opens the Spanish home,
and an answer given on an English page is there on the Spanish one.
"""

from __future__ import annotations

import json
import re

import pytest

from peer_widgets.bank import load_bank
from peer_widgets.manifest import load_manifest

from .conftest import open_page, screenshot
from .test_accessibility import violations, wait_for_widgets
from .test_questions import wait_until

pytestmark = pytest.mark.slow
MANIFEST = load_manifest(language="en")
LESSON = "03-recovery-language"
# Words a Spanish page never needs: seeing one means an English passage was left.
ENGLISH = {"the", "and", "your", "you", "of", "with", "this", "that", "for", "are", "is", "what", "how", "answer",
           "answers", "question", "questions", "check", "checks", "saved", "module", "right", "minutes", "about",
           "progress", "certificate", "home", "my", "not", "no longer", "will", "from", "each", "every", "here",
           "course", "choose", "start", "continue", "download", "restore", "share", "skip", "optional"}
# Visible text outside any passage marked as English, one string per text node.
VISIBLE_TEXT = """() => {
  const out = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const node = walker.currentNode, el = node.parentElement;
    if (!el || !node.textContent.trim()) continue;
    if (el.closest('script, style, [hidden], [aria-hidden=true]')) continue;
    if ((el.closest('[lang]')?.getAttribute('lang') || '').startsWith('en')) continue;
    if (!el.checkVisibility({checkOpacity: true, checkVisibilityCSS: true})) continue;
    out.push(node.textContent.trim());
  }
  return out;
}"""


def english_left(page) -> list[str]:
    """Visible passages holding English words (names of people and documents aside)."""
    found = []
    for text in page.evaluate(VISIBLE_TEXT):
        words = set(re.findall(r"[A-Za-z]+", text.lower()))
        if len(words & ENGLISH) >= 2 or (len(words) <= 3 and words and words <= ENGLISH):
            found.append(text[:120])
    return found


def check_page(page, name: str) -> None:
    assert page.evaluate("document.documentElement.lang") == "es", name
    assert english_left(page) == [], name
    assert violations(page) == [], name


def records(workspace) -> dict:
    path = workspace / "responses.json"
    return json.loads(path.read_text(encoding="utf-8"))["items"] if path.is_file() else {}


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    from tests.support.voila import VoilaServer

    from peer_course.serving.serve import prepare_workspace

    root = tmp_path_factory.mktemp("spanish")
    workspace = prepare_workspace(root / "course")
    # Every module's checks answered right but one lesson's, so the certificate is hers to print.
    items = {}
    for module in MANIFEST.modules:
        if not module.notebook.startswith(LESSON):
            for item in load_bank(workspace / module.bank, language="en"):
                if item.key is not None:
                    items[item.id] = {"value": item.key, "answered_at": "2026-11-20T10:00:00Z", "attempts": 1}
    (workspace / "responses.json").write_text(json.dumps({"schema_version": 1, "items": items}), encoding="utf-8")
    server = VoilaServer(workspace, shared=False, data_dir=root / "user-data")
    yield server, workspace
    server.stop()


def open_the_course(browser, server):
    """A new browser at the server's root (the address `peer-course serve` prints)."""
    context = browser.new_context()
    page = context.new_page()
    page.goto(server.base + "/", wait_until="load", timeout=120_000)
    return context, page


def test_a_learner_takes_the_course_in_spanish(browser, server):
    server, workspace = server
    context, page = open_the_course(browser, server)
    assert page.url.endswith("/voila/render/home.ipynb")  # the course's default language: English
    wait_for_widgets(page)
    page.get_by_role("link", name="Español").click()
    page.wait_for_url(re.compile(r"/voila/render/home\.es\.ipynb\?lang=es$"), timeout=120_000)
    wait_for_widgets(page)
    assert page.get_by_role("heading", name=re.compile("Módulo 1")).first.is_visible()
    check_page(page, "home")
    screenshot(page, "es-home")
    assert wait_until(lambda: records(workspace).get("course-language", {}).get("value") == "es")

    # a lesson, and a check with its feedback
    page.get_by_role("link", name=re.compile(r"^Módulo 3\b")).first.click()
    page.wait_for_url(re.compile(rf"/{LESSON}\.es\.ipynb"), timeout=120_000)
    wait_for_widgets(page)
    bank = load_bank(workspace / "items" / "recovery-language.yaml", language="es")
    item = next(i for i in bank if i.type == "single_choice")
    section = page.locator(f"#item-{item.id}")
    group = section.get_by_role("group", name=item.prompt, exact=True)
    group.get_by_role("radio").first.check()
    section.get_by_role("button", name="Revisar mi respuesta").click()
    section.locator(".peer-verdict").wait_for(timeout=30_000)
    chosen = group.get_by_role("radio").first.get_attribute("value")
    assert section.get_by_text(item.option(chosen).feedback, exact=True).is_visible()
    assert wait_until(lambda: records(workspace).get(item.id, {}).get("language") == "es")
    check_page(page, "lesson")
    screenshot(page, "es-lesson-check")

    for name in ("self-assessment/core-competencies-self-assessment.es.ipynb", "crosswalk.es.ipynb",
                 "practice-exam/practice-exam.es.ipynb"):
        other = open_page(context, server, name)
        wait_for_widgets(other)
        check_page(other, name)
        other.close()
    context.close()


def test_my_progress_and_the_certificate_in_spanish(browser, server):
    server, workspace = server
    items = records(workspace)
    for item in load_bank(workspace / "items" / "recovery-language.yaml", language="en"):
        if item.key is not None:
            items[item.id] = {"value": item.key, "answered_at": "2026-11-21T10:00:00Z", "attempts": 1}
    (workspace / "responses.json").write_text(json.dumps({"schema_version": 1, "items": items}), encoding="utf-8")
    context = browser.new_context()
    page = open_page(context, server, "progress.es.ipynb")
    name = page.get_by_role("textbox", name=re.compile("certificado"))
    name.fill("Rosa Martínez")
    page.keyboard.press("Tab")
    certificate = page.locator(".peer-certificate")
    certificate.get_by_text("Rosa Martínez").wait_for(timeout=30_000)
    text = certificate.inner_text()
    spanish = load_manifest(language="es")
    for module in spanish.modules:
        assert f"Módulo {module.number}. {module.title}" in text
    check_page(page, "progress")
    screenshot(page, "es-certificate")
    context.close()


def test_the_choice_is_remembered_and_answers_follow_the_learner(browser, server):
    server, workspace = server
    context, page = open_the_course(browser, server)
    assert page.url.endswith("/voila/render/home.es.ipynb")  # she chose Spanish before
    # an English page opened from an old link brings her to the same page in Spanish
    page.goto(server.url("02-recovery-principles.ipynb"), wait_until="load", timeout=120_000)
    page.wait_for_url(re.compile(r"02-recovery-principles\.es\.ipynb$"), timeout=120_000)
    # she chooses English on it: an answer given there is the answer on the Spanish page
    page.get_by_role("link", name="English").click()
    page.wait_for_url(re.compile(r"02-recovery-principles\.ipynb\?lang=en$"), timeout=120_000)
    wait_for_widgets(page)
    assert wait_until(lambda: records(workspace).get("course-language", {}).get("value") == "en")
    bank = load_bank(workspace / "items" / "recovery-principles.yaml", language="en")
    item = next(i for i in bank if i.type == "single_choice")
    radios = page.locator(f"#item-{item.id}").get_by_role("radio")
    radios.last.check()
    value = radios.last.get_attribute("value")
    assert wait_until(lambda: records(workspace).get(item.id, {}).get("value") == value)
    page.get_by_role("link", name="Español").click()
    page.wait_for_url(re.compile(r"02-recovery-principles\.es\.ipynb\?lang=es$"), timeout=120_000)
    wait_for_widgets(page)
    assert page.locator(f"#item-{item.id}").locator(f"input[value='{value}']").is_checked()
    assert page.get_by_role("link", name="English").get_attribute("lang") == "en"
    assert wait_until(lambda: records(workspace).get("course-language", {}).get("value") == "es")
    context.close()
