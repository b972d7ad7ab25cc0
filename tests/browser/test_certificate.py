"""Once every module is complete, My progress offers a certificate that
prints on its own (the rest of the page is hidden in print)."""

from __future__ import annotations

import json
from datetime import date

import pytest

from peer_widgets.manifest import load_manifest
from peer_widgets import load_bank

from .conftest import open_page, screenshot

pytestmark = pytest.mark.slow


def complete_every_module(workspace):
    items = {}
    for module in load_manifest().modules:
        for item in load_bank(workspace / module.bank):
            if item.type in ("single_choice", "multiple_select", "matching"):
                items[item.id] = {"value": item.key, "answered_at": "2026-11-20T10:00:00Z", "attempts": 1}
    (workspace / "responses.json").write_text(json.dumps({"schema_version": 1, "items": items}), encoding="utf-8")


def test_certificate_after_every_module(browser, tmp_path_factory):
    from tests.support.voila import VoilaServer
    from peer_course.serving.serve import prepare_workspace

    root = tmp_path_factory.mktemp("graduate")
    workspace = prepare_workspace(root / "course")
    complete_every_module(workspace)
    server = VoilaServer(workspace, shared=False, data_dir=root / "user-data")
    try:
        context = browser.new_context()
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
        assert f"Completed on {date.today().isoformat()}" in text
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
