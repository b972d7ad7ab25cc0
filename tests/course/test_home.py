"""The course home: modules in order, progress from the learner's answers,
"continue where you left off", and the privacy paragraph."""

from __future__ import annotations

import shutil

import pytest

from peer_widgets.pages.home import COMPLETED, IN_PROGRESS, NOT_STARTED, module_progress, render_home
from peer_widgets.manifest import load_manifest
from peer_widgets.content import modules_dir
from peer_widgets import load_bank
from peer_widgets.store import ResponseStore


@pytest.fixture
def workspace(tmp_path):
    folder = tmp_path / "course"
    shutil.copytree(modules_dir() / "items", folder / "items")
    return folder


def answer_all(store, bank, limit=None):
    ids = [i.id for i in bank if i.type in ("single_choice", "multiple_select", "matching")]
    for item_id in ids[:limit]:
        store.save(item_id, "a")
    return len(ids)


def test_progress_moves_from_not_started_to_completed(workspace):
    manifest = load_manifest()
    store = ResponseStore(workspace / "responses.json")
    first, second = manifest.modules[0], manifest.modules[1]
    total_first = answer_all(store, load_bank(workspace / first.bank))
    answer_all(store, load_bank(workspace / second.bank), limit=3)
    progress = module_progress(manifest, workspace, store)
    assert [p.status for p in progress[:3]] == [COMPLETED, IN_PROGRESS, NOT_STARTED]
    assert (progress[0].answered, progress[0].total) == (total_first, total_first)
    assert progress[1].answered == 3
    html = render_home(manifest, progress, [])
    assert f"Continue: Module 2. {second.title} \u2192" in html
    assert "Completed (" in html and "In progress (3/" in html


def test_home_escapes_text_and_shows_notices(workspace):
    manifest = load_manifest()
    store = ResponseStore(workspace / "responses.json")
    html = render_home(manifest, module_progress(manifest, workspace, store), ["<b>file kept aside</b>"])
    assert "&lt;b&gt;file kept aside&lt;/b&gt;" in html
    assert "Start: Module 1. The peer role" in html
    assert html.index("Module 1.") < html.index("Module 2.") < html.index("Module 7.")
    assert "temporary demo session" not in html


def test_binder_notice(workspace, monkeypatch):
    monkeypatch.setenv("BINDER_LAUNCH_HOST", "https://mybinder.org/")
    manifest = load_manifest()
    html = render_home(manifest, module_progress(manifest, workspace, ResponseStore(workspace / "r.json")), [])
    assert "This is a temporary demo session: nothing is kept after you close it." in html


def test_shared_server_home_offers_forget_me(workspace, monkeypatch):
    manifest = load_manifest()
    progress = module_progress(manifest, workspace, ResponseStore(workspace / "r.json"))
    assert "Forget me on this computer" not in render_home(manifest, progress, [])
    monkeypatch.setenv("PEER_COURSE_SHARED", "1")
    html = render_home(manifest, progress, [])
    # relative to /voila/render/home.ipynb, the shared server's /voila/peer-course/forget
    assert "<a href='../peer-course/forget'>Forget me on this computer</a>" in html
    assert "download your answers first" in html
