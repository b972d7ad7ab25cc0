"""Once the course's pass rule is met (every module's checks answered, at
least 80 % right in each), My progress offers a certificate, dated by the
last answer, that prints on its own (the rest of the page is hidden in
print). Answering every check with the first option does not earn it."""

from __future__ import annotations

import json
import pytest

from peer_widgets.manifest import load_manifest
from peer_widgets import load_bank

from .conftest import open_page, screenshot
from tests.support.choices import first_option

pytestmark = pytest.mark.slow



def complete_every_module(workspace, answer=lambda item: item.key):
    items = {}
    for module in load_manifest().modules:
        for item in load_bank(workspace / module.bank):
            if item.type in ("single_choice", "multiple_select", "matching"):
                items[item.id] = {"value": answer(item), "answered_at": "2026-11-20T10:00:00Z", "attempts": 1}
    (workspace / "responses.json").write_text(json.dumps({"schema_version": 1, "items": items}), encoding="utf-8")


def test_certificate_after_every_module(browser, tmp_path_factory):
    from tests.support.voila import VoilaServer
    from peer_course.serving.serve import prepare_workspace

    root = tmp_path_factory.mktemp("graduate")
    workspace = prepare_workspace(root / "course")
    complete_every_module(workspace, first_option)
    server = VoilaServer(workspace, shared=False, data_dir=root / "user-data")
    try:
        context = browser.new_context()
        page = open_page(context, server, "progress.ipynb")
        todo = page.locator(".peer-certificate-todo")
        assert todo.get_by_text("at least 80% of each module's checks right").is_visible()
        assert todo.get_by_text("80% is needed").count() == len(load_manifest().modules)
        assert page.locator(".peer-certificate").count() == 0
        assert page.get_by_role("textbox", name="Your name for the certificate").count() == 0
        page.close()
        complete_every_module(workspace)
        page = open_page(context, server, "progress.ipynb")
        name = page.get_by_role("textbox", name="Your name for the certificate")
        name.fill("Rosa <b>Mart\u00ednez</b>")
        page.keyboard.press("Tab")
        certificate = page.locator(".peer-certificate")
        certificate.get_by_text("Rosa <b>Mart\u00ednez</b>").wait_for(timeout=30_000)  # shown as text, not HTML
        assert certificate.locator("b").count() == 0
        text = certificate.inner_text()
        for module in load_manifest().modules:
            assert f"Module {module.number}. {module.title}" in text
        assert "Completed on 2026-11-20" in text  # the day of the last answer, not today
        assert "It is not a state peer support certification." in text
        screenshot(page, "certificate")
        page.emulate_media(media="print")
        assert certificate.is_visible()
        assert not page.get_by_role("heading", name="My progress").is_visible()
        pdf = page.pdf(format="Letter")
        assert pdf.startswith(b"%PDF") and len(pdf) > 5_000
        context.close()
        home_context = browser.new_context()
        home = open_page(home_context, server, "home.ipynb")
        assert home.get_by_text("Next: Core competencies self-assessment").is_visible()
        home_context.close()
    finally:
        server.stop()
