"""Every page: an axe-core audit with no serious or critical violations, and
no sideways scrolling on a 390-pixel-wide phone screen."""

from __future__ import annotations

import pytest

from peer_widgets.manifest import load_manifest

from .conftest import open_page

pytestmark = pytest.mark.slow
MANIFEST = load_manifest()
PAGES = (["home.ipynb", "progress.ipynb"] + [m.notebook for m in MANIFEST.modules]
         + [f"self-assessment/{MANIFEST.self_assessment.assessment}.ipynb"])


def wait_for_widgets(page):
    page.wait_for_selector(".jupyter-widgets", timeout=120_000)
    page.wait_for_load_state("networkidle", timeout=120_000)


@pytest.mark.parametrize("page_name", PAGES)
def test_axe_finds_no_serious_violations(browser, course_server, page_name):
    from axe_playwright_python.sync_playwright import Axe

    context = browser.new_context()
    page = open_page(context, course_server, page_name)
    wait_for_widgets(page)
    results = Axe().run(page)
    serious = [(v["id"], v["impact"], [n["target"] for n in v["nodes"]][:3])
               for v in results.response["violations"] if v["impact"] in ("serious", "critical")]
    assert serious == []
    context.close()


@pytest.mark.parametrize("page_name", PAGES)
def test_no_sideways_scrolling_at_390_pixels(browser, course_server, page_name):
    context = browser.new_context(viewport={"width": 390, "height": 844}, device_scale_factor=2, is_mobile=True)
    page = open_page(context, course_server, page_name, width=390)
    wait_for_widgets(page)
    widths = page.evaluate("[document.documentElement.scrollWidth, document.body.scrollWidth, window.innerWidth]")
    assert widths[0] <= widths[2] and widths[1] <= widths[2], widths
    context.close()
