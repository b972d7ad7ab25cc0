"""The answers file: atomic, merged across kernels, corrupt files kept aside,
read-only folders handled, and never touched while grading."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from peer_widgets.store import FILE_NAME, ResponseStore, StoreError, default_path, private_store


def read(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def test_save_writes_versioned_document(notebook_dir):
    store = ResponseStore.for_folder()
    record = store.save("q1", "b")
    document = read(notebook_dir / FILE_NAME)
    assert document["schema_version"] == 1
    assert document["items"]["q1"]["value"] == "b"
    assert document["items"]["q1"]["attempts"] == 0  # attempts are checks, not saves
    assert document["items"]["q1"]["answered_at"] == record["answered_at"]
    assert record["answered_at"].endswith("Z")
    store.save("q1", "c")
    assert read(notebook_dir / FILE_NAME)["items"]["q1"] == {**store.get("q1")}
    assert store.get("q1")["value"] == "c"
    store.check("q1", "c")
    assert store.get("q1")["attempts"] == 1 and store.get("q1")["checked"] is True
    store.save("q1", "c")  # the same answer again: still the one checked
    assert store.get("q1")["checked"] is True
    store.save("q1", "a")  # a new answer has not been checked
    assert store.get("q1")["attempts"] == 1 and "checked" not in store.get("q1")
    assert read(notebook_dir / FILE_NAME)["items"]["q1"] == {**store.get("q1")}


def test_write_is_atomic_rename(notebook_dir, monkeypatch):
    store = ResponseStore.for_folder()
    store.save("q1", "a")
    before = (notebook_dir / FILE_NAME).read_bytes()

    def crash(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", crash)
    with pytest.raises(StoreError, match="disk full"):
        store.save("q2", "b")
    # The old file is intact and no temporary file is left behind.
    assert (notebook_dir / FILE_NAME).read_bytes() == before
    assert sorted(p.name for p in notebook_dir.iterdir()) == [".responses.json.lock", FILE_NAME]


@pytest.mark.parametrize("content", [b"{not json", b"\xff\xfe", b"[1, 2]", b'{"schema_version": 1}',
                                     b'{"schema_version": 1, "items": {"q": 3}}', b""])
def test_corrupt_file_is_kept_aside_not_emptied(notebook_dir, content):
    (notebook_dir / FILE_NAME).write_bytes(content)
    store = ResponseStore.for_folder()
    backups = sorted(notebook_dir.glob(f"{FILE_NAME}.corrupt-*"))
    assert len(backups) == 1
    assert backups[0].read_bytes() == content
    assert not (notebook_dir / FILE_NAME).exists()
    assert len(store.notices) == 1
    assert backups[0].name in store.notices[0]
    store.save("q1", "a")
    assert read(notebook_dir / FILE_NAME)["items"]["q1"]["value"] == "a"
    assert backups[0].read_bytes() == content


def test_two_corrupt_files_get_two_backups(notebook_dir):
    for _ in range(2):
        (notebook_dir / FILE_NAME).write_text("garbage", encoding="utf-8")
        ResponseStore.for_folder()
    assert len(list(notebook_dir.glob(f"{FILE_NAME}.corrupt-*"))) == 2


def test_newer_schema_is_left_alone_and_not_overwritten(notebook_dir):
    newer = json.dumps({"schema_version": 99, "items": {}})
    (notebook_dir / FILE_NAME).write_text(newer, encoding="utf-8")
    store = ResponseStore.for_folder()
    assert store.read_only
    with pytest.raises(StoreError):
        store.save("q1", "a")
    assert (notebook_dir / FILE_NAME).read_text(encoding="utf-8") == newer
    assert "newer version" in store.notices[0]


def test_grading_never_moves_or_writes(notebook_dir, monkeypatch):
    monkeypatch.setenv("NBGRADER_EXECUTION", "autograde")
    (notebook_dir / FILE_NAME).write_text("garbage", encoding="utf-8")
    store = ResponseStore.for_folder()
    assert store.read_only
    assert (notebook_dir / FILE_NAME).read_text(encoding="utf-8") == "garbage"
    assert list(notebook_dir.glob("*.corrupt-*")) == []
    with pytest.raises(StoreError):
        store.save("q1", "a")


def test_read_only_folder_falls_back_to_user_data(read_only_dir, tmp_path, monkeypatch):
    folder, lock = read_only_dir
    (folder / FILE_NAME).write_text(json.dumps(
        {"schema_version": 1, "items": {"old": {"value": "a", "answered_at": "2026-01-01T00:00:00Z", "attempts": 1}}}))
    lock()
    monkeypatch.chdir(folder)
    store = ResponseStore.for_folder()
    assert store.path.is_relative_to(tmp_path / "user-data" / "fallback")
    assert store.value("old") == "a"  # earlier answers are still shown
    store.save("new", "b")
    assert read(store.path)["items"]["new"]["value"] == "b"
    assert read(folder / FILE_NAME)["items"].keys() == {"old"}
    assert str(store.path) in store.notices[0]


def test_environment_variable_points_elsewhere(notebook_dir, tmp_path, monkeypatch):
    target = tmp_path / "elsewhere" / "answers.json"
    monkeypatch.setenv("PEER_COURSE_RESPONSES", str(target))
    assert default_path() == target
    ResponseStore.for_folder().save("q1", "a")
    assert read(target)["items"]["q1"]["value"] == "a"
    assert not (notebook_dir / FILE_NAME).exists()


def test_private_store_is_outside_the_notebook_folder(notebook_dir, tmp_path):
    store = private_store()
    store.save("r1", {"text": "my story"})
    assert store.path.is_relative_to(tmp_path / "user-data" / "private")
    assert list(notebook_dir.iterdir()) == []


WRITER = textwrap.dedent("""
    import sys
    from peer_widgets.store import ResponseStore
    store = ResponseStore(sys.argv[1])
    for i in range(int(sys.argv[3])):
        store.save(f"{sys.argv[2]}-{i}", i)
""")


def test_two_kernels_writing_at_once_lose_nothing(notebook_dir):
    path = notebook_dir / FILE_NAME
    count = 60
    writers = [subprocess.Popen([sys.executable, "-c", WRITER, str(path), name, str(count)]) for name in ("a", "b")]
    assert [w.wait(timeout=120) for w in writers] == [0, 0]
    items = read(path)["items"]
    assert len(items) == 2 * count
    assert all(items[f"{name}-{i}"]["value"] == i for name in ("a", "b") for i in range(count))
    assert list(notebook_dir.glob("*.corrupt-*")) == []


def test_a_file_that_becomes_newer_is_not_overwritten(notebook_dir):
    store = ResponseStore.for_folder()
    store.save("q1", "a")
    newer = json.dumps({"schema_version": 99, "items": {"q1": {"value": "z"}}})
    (notebook_dir / FILE_NAME).write_text(newer, encoding="utf-8")  # a newer course version wrote it since
    with pytest.raises(StoreError):
        store.save("q2", "b")
    assert (notebook_dir / FILE_NAME).read_text(encoding="utf-8") == newer


def test_the_fallback_file_starts_from_the_read_only_folders_answers(read_only_dir, tmp_path, monkeypatch):
    folder, lock = read_only_dir
    (folder / FILE_NAME).write_text(json.dumps(
        {"schema_version": 1, "items": {"old": {"value": "a", "answered_at": "2026-01-01T00:00:00Z", "attempts": 1}}}))
    lock()
    monkeypatch.chdir(folder)
    ResponseStore.for_folder().save("new", "b")
    again = ResponseStore.for_folder()  # the next page opened
    assert again.value("old") == "a" and again.value("new") == "b"
    assert read(again.path)["items"].keys() == {"old", "new"}


def test_a_corrupt_file_is_moved_aside_only_under_the_lock(notebook_dir, monkeypatch):
    (notebook_dir / FILE_NAME).write_text("{ half a file", encoding="utf-8")
    held = []
    original = ResponseStore._set_aside

    def spy(self, problem):
        lock = notebook_dir / f".{FILE_NAME}.lock"
        probe = subprocess.run([sys.executable, "-c", textwrap.dedent(f"""
            import fcntl, sys
            with open({str(lock)!r}, "a+") as h:
                try:
                    fcntl.flock(h, fcntl.LOCK_EX | fcntl.LOCK_NB)
                except BlockingIOError:
                    sys.exit(3)
            """)])
        held.append(probe.returncode == 3)  # another process could not take the lock
        return original(self, problem)

    monkeypatch.setattr(ResponseStore, "_set_aside", spy)
    ResponseStore.for_folder()
    assert held == [True]
    assert len(list(notebook_dir.glob(f"{FILE_NAME}.corrupt-*"))) == 1


def test_temporary_files_left_by_a_killed_save_are_cleaned(notebook_dir):
    store = ResponseStore.for_folder()
    store.save("q1", "a")
    stale = notebook_dir / f".{FILE_NAME}.k1ll3d.tmp"
    stale.write_text('{"schema_version": 1', encoding="utf-8")  # what kill -9 mid-save leaves
    store.save("q2", "b")
    assert not stale.exists()
    assert read(notebook_dir / FILE_NAME)["items"].keys() == {"q1", "q2"}
