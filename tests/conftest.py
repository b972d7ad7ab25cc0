"""Shared fixtures: isolated learner data, widgets without a kernel, and
folders the tests build themselves."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
FIXTURES = Path(__file__).with_name("fixtures")

os.environ.setdefault("JUPYTER_PLATFORM_DIRS", "1")


@pytest.fixture(autouse=True)
def isolated_learner(tmp_path, monkeypatch):
    """Each test gets its own per-user data folder and no answers-file override."""
    monkeypatch.setenv("PEER_COURSE_DATA_DIR", str(tmp_path / "user-data"))
    monkeypatch.setenv("PEER_COURSE_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.delenv("PEER_COURSE_RESPONSES", raising=False)
    monkeypatch.delenv("NBGRADER_EXECUTION", raising=False)
    monkeypatch.delenv("PEER_COURSE_LANG", raising=False)
    from peer_widgets import i18n

    i18n.set_language(None)
    yield


class DummyComm:
    """Stands in for a kernel comm, as ipywidgets' own tests do."""

    comm_id = "a-b-c-d"
    kernel = "Truthy"

    def __init__(self, *args, **kwargs):
        self.messages = []

    def open(self, *args, **kwargs):
        pass

    def on_msg(self, *args, **kwargs):
        pass

    def send(self, *args, **kwargs):
        self.messages.append((args, kwargs))

    def close(self, *args, **kwargs):
        pass


@pytest.fixture
def no_kernel(monkeypatch):
    """Widgets can be built and driven without a kernel."""
    import comm
    import ipywidgets.widgets.widget as widget_module

    monkeypatch.setattr(comm, "create_comm", lambda **kwargs: DummyComm())
    monkeypatch.setattr(comm, "get_comm_manager", lambda **kwargs: {})
    monkeypatch.setattr(widget_module, "Comm", DummyComm, raising=False)
    yield


@pytest.fixture
def notebook_dir(tmp_path, monkeypatch):
    """A learner's notebook folder (the kernel's working directory)."""
    folder = tmp_path / "notebook"
    folder.mkdir()
    monkeypatch.chdir(folder)
    return folder


@pytest.fixture
def read_only_dir(tmp_path):
    """A folder nobody can write to, root included (tests run as root in CI)."""
    folder = tmp_path / "read-only"
    folder.mkdir()

    def lock():
        if os.geteuid() == 0:
            subprocess.run(["chattr", "+i", str(folder)], check=True)
        else:
            folder.chmod(0o555)

    yield folder, lock
    if os.geteuid() == 0:
        subprocess.run(["chattr", "-i", str(folder)], check=False)
    folder.chmod(0o755)


def front_end_sets(widget, **state):
    """Change a control the way the browser does: a comm message with new state."""
    widget.set_state(state)


@pytest.fixture
def python() -> str:
    return sys.executable


def copy_fixture(name: str, dest: Path) -> Path:
    target = dest / name
    shutil.copy(FIXTURES / name, target)
    return target
