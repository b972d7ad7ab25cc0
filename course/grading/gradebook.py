"""Where a trainer folder's gradebook is, and how several graders share it.

The database URL is, in order: ``PEER_COURSE_DB_URL`` in the environment,
the ``db_url`` stored by ``peer-course init --db-url`` in the folder's
``peer-course.json``, else SQLite in ``<folder>/gradebook.db``. The folder's
``nbgrader_config.py`` applies the same rule, so nbgrader, formgrader and
our own reports always open the same database.

SQLite and parallel grading: nbgrader opens a short-lived
:class:`nbgrader.api.Gradebook` around every database step of autograde and
never while a notebook executes. On SQLite each grading worker holds an
exclusive file lock (``gradebook.db.lock``) from a Gradebook's creation to
its close, so notebooks execute in parallel while database writes happen one
at a time. A busy timeout alone is not enough: a SQLite transaction that
reads and then writes can fail with "database is locked" at once, without
waiting, when another process wrote in between. PostgreSQL needs no lock.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
from pathlib import Path
from typing import Any, Iterator

from peer_widgets.errors import PeerCourseError

SETTINGS_NAME = "peer-course.json"
DB_ENV = "PEER_COURSE_DB_URL"
LOCK_ENV = "PEER_COURSE_GRADEBOOK_LOCK"
COURSE_ID_ENV = "PEER_COURSE_ID"
DEFAULT_COURSE_ID = "peer-course"


class SettingsError(PeerCourseError):
    """The trainer folder's ``peer-course.json`` cannot be used."""


def read_settings(course_dir: Path) -> dict[str, Any]:
    """The settings ``peer-course init`` stored (``{}`` when there are none)."""
    path = Path(course_dir) / SETTINGS_NAME
    if not path.is_file():
        return {}
    try:
        settings = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError) as error:
        raise SettingsError(f"{path}: cannot read the trainer folder's settings ({error}); fix the file, "
                            "or delete it and run `peer-course init` again with --db-url/--exchange") from None
    if not isinstance(settings, dict):
        raise SettingsError(f"{path}: the settings must be a JSON object; fix the file, "
                            "or delete it and run `peer-course init` again")
    return settings


def write_settings(course_dir: Path, **changes: Any) -> dict[str, Any]:
    """Merge ``changes`` (``None`` values are ignored) into the stored settings.

    The file may hold a database password, so only its owner may read it.
    """
    settings = read_settings(course_dir)
    settings.update({k: v for k, v in changes.items() if v is not None})
    path = Path(course_dir) / SETTINGS_NAME
    path.write_text(json.dumps(settings, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    path.chmod(0o600)
    return settings


def normalise_url(url: str) -> str:
    """``postgresql://`` means psycopg2 (the ``postgres`` extra); SQLAlchemy 2.1
    would otherwise look for psycopg 3."""
    for prefix in ("postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+psycopg2://" + url[len(prefix):]
    return url


def db_url(course_dir: Path) -> str:
    """The gradebook's database URL for this trainer folder (see module docs)."""
    course_dir = Path(course_dir).resolve()
    return normalise_url(os.environ.get(DB_ENV) or read_settings(course_dir).get("db_url")
                         or "sqlite:///" + str(course_dir / "gradebook.db"))


def course_id() -> str:
    return os.environ.get(COURSE_ID_ENV, DEFAULT_COURSE_ID)


def is_sqlite(url: str) -> bool:
    return url.startswith("sqlite")


def lock_path(course_dir: Path) -> Path:
    return Path(course_dir).resolve() / "gradebook.db.lock"


@contextlib.contextmanager
def file_lock(path: Path) -> Iterator[None]:
    """An exclusive lock between processes (blocks until it is free)."""
    with open(path, "a", encoding="utf-8") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


@contextlib.contextmanager
def open_gradebook(course_dir: Path) -> Iterator[Any]:
    """nbgrader's Gradebook for this folder; on SQLite, under the grading lock."""
    from nbgrader.api import Gradebook

    url = db_url(course_dir)
    lock = file_lock(lock_path(course_dir)) if is_sqlite(url) else contextlib.nullcontext()
    with lock, _alembic_on_path(), Gradebook(url, course_id()) as gb:
        yield gb


@contextlib.contextmanager
def _alembic_on_path() -> Iterator[None]:
    """nbgrader runs ``alembic`` when it creates a gradebook; it lives beside our Python."""
    import sys

    saved = os.environ.get("PATH")
    os.environ["PATH"] = str(Path(sys.executable).parent) + os.pathsep + (saved or "")
    try:
        yield
    finally:
        if saved is None:
            os.environ.pop("PATH", None)
        else:
            os.environ["PATH"] = saved


def serialise_gradebook_access(path: str | Path) -> None:
    """Make every nbgrader Gradebook in this process hold the file lock at ``path``
    from its creation until it is closed (re-entrant within the process).

    Used by grading workers on SQLite; see the module docs for why.
    """
    from nbgrader import api

    if getattr(api.Gradebook, "_peer_course_locked", False):
        return
    original_init, original_close = api.Gradebook.__init__, api.Gradebook.close
    state: dict[str, Any] = {"depth": 0, "handle": None}

    def acquire() -> None:
        if state["depth"] == 0:
            handle = open(path, "a", encoding="utf-8")
            fcntl.flock(handle, fcntl.LOCK_EX)
            state["handle"] = handle
        state["depth"] += 1

    def release() -> None:
        state["depth"] -= 1
        if state["depth"] == 0:
            handle = state.pop("handle")
            fcntl.flock(handle, fcntl.LOCK_UN)
            handle.close()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        acquire()
        self._peer_course_holds_lock = True
        try:
            original_init(self, *args, **kwargs)
        except BaseException:
            self._peer_course_holds_lock = False
            release()
            raise

    def close(self) -> None:
        try:
            original_close(self)
        finally:
            if getattr(self, "_peer_course_holds_lock", False):
                self._peer_course_holds_lock = False
                release()

    api.Gradebook.__init__ = __init__
    api.Gradebook.close = close
    api.Gradebook._peer_course_locked = True
