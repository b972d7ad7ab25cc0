"""Download and restore: a restored file can only hold answers the course's
items can take, at times that are not in the future, and private text stays
private."""

from __future__ import annotations

import json
from datetime import datetime, timezone

import pytest

from peer_widgets import load_bank
from peer_widgets.pages.transfer import TransferError, export_document, read_download, restore_document
from peer_widgets.store import ResponseStore
from tests.conftest import FIXTURES

GOOD_TIME = "2026-11-20T10:00:00Z"


@pytest.fixture
def course(tmp_path):
    items = {item.id: item for item in load_bank(FIXTURES / "sample-bank.yaml")}
    stores = {"course": ResponseStore(tmp_path / "responses.json")}
    private = {"course": ResponseStore(tmp_path / "private.json")}
    return stores, private, items


def download(records: dict, private: dict | None = None) -> dict:
    document = {"kind": "peer-course-answers", "schema_version": 1, "exported_at": GOOD_TIME,
                "stores": {"course": records}}
    if private is not None:
        document["private"] = {"course": private}
    return document


def rec(value, when=GOOD_TIME, attempts=1) -> dict:
    return {"value": value, "answered_at": when, "attempts": attempts}


def test_a_download_restores_what_it_holds(course):
    stores, private, items = course
    stores["course"].save("s-single", "b")
    document = export_document(stores)
    stores["course"].forget("s-single")
    assert restore_document(document, stores, private, items) == (1, 0)
    assert stores["course"].value("s-single") == "b"


@pytest.mark.parametrize("record", [
    rec("z"),                                                  # not an option
    rec(["a", "q"]),                                           # unknown option in a multiple select
    rec({"shared": False, "completed": True, "text": "mine"}),  # private reflection carrying its text
    rec({"rating": "excellent", "comment": ""}),               # not a level of the scale
    rec(float("nan")),                                         # NaN (if it ever gets past the reader)
    "not a record",
])
def test_values_an_item_cannot_take_are_left_out(course, record):
    stores, private, items = course
    target = {"s-single": "s-single", "s-multi": "s-multi"}
    item_id = "s-multi" if isinstance(record, dict) and isinstance(record.get("value"), list) else "s-single"
    if isinstance(record, dict) and isinstance(record.get("value"), dict):
        item_id = "s-rate" if "rating" in record["value"] else "s-reflect"
    assert restore_document(download({target.get(item_id, item_id): record}), stores, private, items) == (0, 1)
    assert stores["course"].items() == {}


def test_unknown_items_are_left_out(course):
    stores, private, items = course
    assert restore_document(download({"no-such-item": rec("a")}), stores, private, items) == (0, 1)


def test_times_in_the_future_are_clamped_and_attempts_bounded(course):
    stores, private, items = course
    restore_document(download({"s-single": rec("b", when="9999-12-31T23:59:59Z", attempts=-5)}), stores, private, items)
    saved = stores["course"].get("s-single")
    assert parse(saved["answered_at"]) <= datetime.now(timezone.utc)
    assert saved["attempts"] == 1


def parse(when: str) -> datetime:
    return datetime.fromisoformat(when.replace("Z", "+00:00"))


def test_private_drafts_must_be_plain_text(course):
    stores, private, items = course
    assert restore_document(download({}, {"s-reflect": rec({"text": "my words"}),
                                          "s-other": rec({"text": 5}), "s-more": rec({"text": "x", "html": "y"})}),
                            stores, private, items) == (1, 2)
    assert private["course"].value("s-reflect") == {"text": "my words"}


def test_nan_and_infinity_are_refused_by_the_reader():
    for constant in ("NaN", "Infinity", "-Infinity"):
        with pytest.raises(ValueError):
            read_download(json.dumps(download({"s-single": rec(1)})).replace("1,", f"{constant},", 1).encode())


def test_a_file_that_is_not_a_download_is_refused(course):
    stores, private, items = course
    with pytest.raises(TransferError):
        restore_document({"schema_version": 1, "items": {}}, stores, private, items)


@pytest.mark.parametrize(("content", "message"), [
    (b'{"hello": 1}', "This file is not a download of your course answers."),
    (b"\xff\xfe not json", "That file could not be read as a course download."),
    (b'{"kind": "peer-course-answers", "schema_version": 1, "stores": {"course": {"s-single": '
     b'{"value": NaN}}}}', "That file could not be read as a course download."),
])
def test_the_upload_control_says_what_went_wrong(no_kernel, course, content, message):
    from peer_widgets.pages.transfer import AnswersTransfer

    stores, private, items = course
    control = AnswersTransfer(stores, private, items)
    control._on_upload({"new": [{"content": memoryview(content), "name": "x.json"}]})
    assert message in control.status.value


def test_the_upload_control_counts_what_it_left_out(no_kernel, course):
    from peer_widgets.pages.transfer import AnswersTransfer

    stores, private, items = course
    control = AnswersTransfer(stores, private, items)
    content = json.dumps(download({"s-single": rec("b"), "s-multi": rec(["zz"])})).encode()
    control._on_upload({"new": [{"content": memoryview(content), "name": "x.json"}]})
    assert "Answers restored: 1." in control.status.value
    assert "do not fit this course&#x27;s questions and were left out: 1." in control.status.value


def _hrefs(control) -> list[str]:
    import base64
    import re

    return [base64.b64decode(h).decode("utf-8")
            for h in re.findall(r'href="data:application/json;base64,([^"]+)"', control.link.value)]


def test_unticking_private_text_rebuilds_the_link_without_it(no_kernel, course):
    from peer_widgets.controls.live import LiveRegion
    from peer_widgets.pages.transfer import AnswersTransfer

    stores, private, items = course
    private["course"].save("s-reflection", {"text": "my secret words"})
    live = LiveRegion()
    control = AnswersTransfer(stores, private, items, live=live)
    control.include_private.value = True
    control._on_prepare()
    assert any("my secret words" in doc for doc in _hrefs(control))
    assert "Your download is ready" in live.message
    control.include_private.value = False
    assert _hrefs(control) and not any("my secret words" in doc for doc in _hrefs(control))
    assert "my secret words" not in control.link.value
    assert "without the text of your private reflections" in live.message


def test_changing_the_choice_before_preparing_makes_no_link(no_kernel, course):
    from peer_widgets.pages.transfer import AnswersTransfer

    stores, private, items = course
    control = AnswersTransfer(stores, private, items)
    control.include_private.value = True
    assert control.link.value == ""
