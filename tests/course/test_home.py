"""The course home: modules in order, progress from the learner's answers,
"continue where you left off" links to the first unanswered check, the
privacy paragraph; My progress and its certificate under the pass rule; and
a restore that the home page shows at once."""

from __future__ import annotations

import json
import shutil

import pytest

from peer_widgets.pages.home import COMPLETED, IN_PROGRESS, NOT_STARTED, module_progress, render_home
from peer_widgets.manifest import load_manifest
from peer_widgets.content import modules_dir
from peer_widgets import load_bank
from peer_widgets.store import ResponseStore
from tests.support.choices import first_option


@pytest.fixture
def workspace(tmp_path):
    folder = tmp_path / "course"
    shutil.copytree(modules_dir() / "items", folder / "items")
    return folder


def answer_all(store, bank, limit=None):
    items = [i for i in bank if i.type in ("single_choice", "multiple_select", "matching")]
    for item in items[:limit]:
        store.save(item.id, item.key)
    return len(items)



def write_answers(workspace, answer, when=lambda item: "2026-11-20T10:00:00Z"):
    records = {}
    for module in load_manifest().modules:
        for item in load_bank(workspace / module.bank):
            if item.type in ("single_choice", "multiple_select", "matching"):
                records[item.id] = {"value": answer(item), "answered_at": when(item), "attempts": 1}
    (workspace / "responses.json").write_text(json.dumps({"schema_version": 1, "items": records}),
                                              encoding="utf-8")
    return records


@pytest.fixture
def shown(monkeypatch, no_kernel):
    """What a page function displays, in order (widgets and outputs)."""
    import IPython.display

    out = []
    monkeypatch.setattr(IPython.display, "display", lambda *objects, **kw: out.extend(objects))
    monkeypatch.setattr("peer_widgets.pages.page._style_shown", True)
    return out


def page_text(shown) -> str:
    def walk(objects):
        for o in objects:
            yield str(getattr(o, "value", ""))
            yield from walk(getattr(o, "children", ()))
    return "\n".join(walk(shown))


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
    assert f"Continue where you left off: Module 2. {second.title} \u2192" in html
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


def test_continue_goes_to_the_first_unanswered_check(workspace):
    manifest = load_manifest()
    store = ResponseStore(workspace / "responses.json")
    first, second = manifest.modules[0], manifest.modules[1]
    answer_all(store, load_bank(workspace / first.bank))
    bank = [i for i in load_bank(workspace / second.bank) if i.type in ("single_choice", "multiple_select", "matching")]
    answer_all(store, bank, limit=3)
    html = render_home(manifest, module_progress(manifest, workspace, store), [])
    target = f"{second.notebook}#item-{bank[3].id}"
    assert f"<p class='peer-continue'><a href='{target}'>Continue where you left off: Module 2. {second.title}" in html
    # and each module has its own next step
    assert html.count(f"href='{target}'") == 2
    assert f"<a href='{manifest.modules[2].notebook}' aria-label='Start this module: Module 3." in html


def test_first_option_everywhere_earns_no_certificate(workspace, shown):
    from peer_widgets.pages.home import show_progress

    write_answers(workspace, first_option)
    show_progress(workspace)
    text = page_text(shown)
    assert "peer-certificate'" not in text and "Your name for the certificate" not in text
    assert "with at least 80% of each module&#x27;s checks right" in text
    assert "Module 1. The peer role: 22% right so far; 80% is needed." in text
    assert "Look again at a check" in text


def test_certificate_is_dated_by_the_last_answer_and_is_not_a_state_certification(workspace, shown):
    from peer_widgets.pages.home import show_progress

    last = load_manifest().modules[3]
    late = {i.id for i in load_bank(workspace / last.bank)}
    write_answers(workspace, lambda item: item.key,
                  when=lambda item: "2026-11-25T15:00:00Z" if item.id in late else "2026-11-20T10:00:00Z")
    show_progress(workspace)
    text = page_text(shown)
    assert "<section class='peer-certificate'" in text
    assert "Completed on 2026-11-25" in text
    assert "It is not a state peer support certification." in text
    assert "Module 1. The peer role (100% of checks right)" in text


def test_progress_page_does_not_promise_a_plan_it_does_not_show(workspace, shown):
    from peer_widgets.pages.home import show_progress

    show_progress(workspace)
    text = page_text(shown)
    assert "write your plan below" not in text
    assert "Not finished yet" not in text


def test_a_restore_shows_on_the_home_page_at_once(workspace, shown):
    from peer_widgets.controls.live import LiveRegion
    from peer_widgets.pages.home import show_home
    from peer_widgets.pages.transfer import AnswersTransfer

    first = load_manifest().modules[0]
    show_home(workspace)
    home = next(o for o in shown if "peer-home" in str(getattr(o, "value", "")))
    transfer = next(o for o in shown if isinstance(o, AnswersTransfer))
    live = next(o for o in shown if isinstance(o, LiveRegion))
    assert "Start: Module 1. The peer role" in home.value
    item = next(i for i in load_bank(workspace / first.bank) if i.type == "single_choice")
    document = {"kind": "peer-course-answers", "schema_version": 1, "exported_at": "2026-11-20T10:00:00Z",
                "stores": {"course": {item.id: {"value": item.key, "answered_at": "2026-11-20T10:00:00Z",
                                                "attempts": 1}}}}
    transfer._on_upload({"new": [{"content": memoryview(json.dumps(document).encode()), "name": "a.json"}]})
    assert "Continue where you left off: Module 1. The peer role" in home.value
    assert "In progress (1/" in home.value
    assert live.message.startswith("Answers restored: 1.")
    assert "Answers restored: 1." in transfer.status.value
