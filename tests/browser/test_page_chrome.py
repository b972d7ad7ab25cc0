"""The frame around every page (the course's Voila template): English as the
page language, one <main> landmark, the lesson's own title, the lesson text
shown at once with a friendly note until the questions are live, and no
front-end extension a learner's page does not need."""

from __future__ import annotations

import pytest

from .conftest import open_page

pytestmark = pytest.mark.slow
# axe-core's rules about the page's language, title and landmarks
RULES = ["html-has-lang", "html-lang-valid", "document-title", "landmark-one-main", "landmark-no-duplicate-main",
         "landmark-main-is-top-level", "region"]
# Record, while the page loads, whether the lesson's heading was on screen
# while the loading note was still showing.
WATCH_TEXT_WHILE_LOADING = """
(() => {
  const check = () => {
    const note = document.getElementById('loading');
    const heading = document.querySelector('h1');
    if (note && heading && heading.offsetParent !== null && heading.getBoundingClientRect().height > 0) {
      window.__textWhileLoading = note.textContent.trim();
      return;
    }
    requestAnimationFrame(check);
  };
  requestAnimationFrame(check);
})();
"""


def rule_violations(page) -> list:
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page, options={"runOnly": {"type": "rule", "values": RULES}})
    return [(v["id"], [n["target"] for n in v["nodes"]][:3]) for v in results.response["violations"]]


def chrome(page) -> dict:
    return page.evaluate("""() => ({lang: document.documentElement.lang, title: document.title,
                                    mains: document.querySelectorAll('main').length})""")


def test_the_server_root_opens_the_course_home_in_english(browser, course_server):
    context = browser.new_context()
    page = context.new_page()
    page.goto(course_server.base + "/", wait_until="load", timeout=120_000)
    page.wait_for_function("() => !document.querySelector('#loading')", timeout=120_000)
    assert page.url == course_server.url("home.ipynb")
    assert chrome(page) == {"lang": "en", "title": "Course home \u2013 Peer support course", "mains": 1}
    assert rule_violations(page) == []
    context.close()


def test_the_course_home_has_language_title_and_one_main(browser, course_server):
    context = browser.new_context()
    page = open_page(context, course_server, "home.ipynb")
    assert chrome(page) == {"lang": "en", "title": "Course home \u2013 Peer support course", "mains": 1}
    assert rule_violations(page) == []
    context.close()


def test_a_lesson_shows_its_text_at_once_with_a_friendly_note(browser, course_server):
    context = browser.new_context()
    requests = []
    context.on("request", lambda request: requests.append(request.url))
    page = context.new_page()
    page.add_init_script(WATCH_TEXT_WHILE_LOADING)
    page.goto(course_server.url("01-peer-role.ipynb"), wait_until="commit", timeout=120_000)
    page.wait_for_function("() => !document.querySelector('#loading')", timeout=120_000)
    page.wait_for_load_state("networkidle", timeout=120_000)
    assert page.evaluate("window.__textWhileLoading") == "Getting your questions ready\u2026"
    assert chrome(page) == {"lang": "en", "title": "Module 1: The peer role \u2013 Peer support course", "mains": 1}
    assert page.get_by_role("main").get_by_role("heading", name="Module 1: The peer role").is_visible()
    assert rule_violations(page) == []
    # only the widget extensions are loaded, not every extension installed beside Voila
    loaded = {url.split("/voila/labextensions/", 1)[1].split("/static/")[0] for url in requests
              if "/voila/labextensions/" in url}
    assert loaded <= {"@voila-dashboards/widgets-manager8", "@jupyter-widgets/jupyterlab-manager", "anywidget"}
    assert "@voila-dashboards/widgets-manager8" in loaded
    context.close()
