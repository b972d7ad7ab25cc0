"""Every learner page, and the server's own root page: an axe-core audit
with no violation of any impact, and on a 390-pixel-wide phone screen no
sideways scrolling and every control inside the screen."""

from __future__ import annotations

import pytest

from peer_widgets.manifest import load_manifest

from .conftest import open_page, screenshot

pytestmark = pytest.mark.slow
MANIFEST = load_manifest()
SELF_ASSESSMENT = f"self-assessment/{MANIFEST.self_assessment.assessment}.ipynb"
PAGES = (["home.ipynb", "progress.ipynb", "crosswalk.ipynb"] + [m.notebook for m in MANIFEST.modules]
         + [SELF_ASSESSMENT, "practice-exam/practice-exam.ipynb"])
# Pages whose phone layout the README shows, and what to scroll to first.
PHONE_SHOTS = {"03-recovery-language.ipynb": ".peer-item-matching", SELF_ASSESSMENT: ".peer-item-rating"}
# Every control a learner can reach: its whole box must be on the screen.
CONTROLS = ("input, select, textarea, button, a[href], [role=button], [role=radio], [role=checkbox], "
            "[tabindex]:not([tabindex='-1'])")


def wait_for_widgets(page):
    page.wait_for_selector(".peer-item, .jupyter-widgets", timeout=120_000)
    page.wait_for_load_state("networkidle", timeout=120_000)


def violations(page) -> list:
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    return [(v["id"], v["impact"], [n["target"] for n in v["nodes"]][:3]) for v in results.response["violations"]]


@pytest.mark.parametrize("page_name", PAGES)
def test_axe_finds_no_violations(browser, course_server, page_name):
    context = browser.new_context()
    page = open_page(context, course_server, page_name)
    wait_for_widgets(page)
    assert violations(page) == []
    context.close()


def test_the_server_root_page_passes_axe_too(browser, course_server):
    context = browser.new_context()
    page = context.new_page()
    page.goto(course_server.base + "/", wait_until="networkidle")
    assert violations(page) == []
    context.close()


@pytest.mark.parametrize("page_name", PAGES)
def test_every_control_is_on_screen_at_390_pixels(browser, course_server, page_name):
    context = browser.new_context(viewport={"width": 390, "height": 844}, device_scale_factor=2, is_mobile=True)
    page = open_page(context, course_server, page_name, width=390)
    wait_for_widgets(page)
    widths = page.evaluate("[document.documentElement.scrollWidth, document.body.scrollWidth, window.innerWidth]")
    assert widths[0] <= widths[2] and widths[1] <= widths[2], widths
    # not only the page: no control may sit off-screen inside a box that scrolls sideways
    outside = page.evaluate("""(selector) => [...document.querySelectorAll(selector)]
        .filter(e => e.offsetParent !== null && !e.closest('#peer-live'))
        .map(e => [e, e.getBoundingClientRect()])
        .filter(([e, r]) => r.width > 0 && (r.left < -0.5 || r.right > window.innerWidth + 0.5))
        .map(([e, r]) => `${e.tagName.toLowerCase()} ${(e.textContent || e.getAttribute('aria-label') || '').slice(0, 40)}`
                         + ` [${Math.round(r.left)}, ${Math.round(r.right)}]`)""", CONTROLS)
    assert outside == []
    if page_name in PHONE_SHOTS:  # the README shows the phone layout too
        page.locator(PHONE_SHOTS[page_name]).first.scroll_into_view_if_needed()
        screenshot(page, f"phone-{page_name.split('/')[0].split('.')[0]}")
    context.close()
