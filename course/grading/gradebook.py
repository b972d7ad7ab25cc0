"""Opening a trainer folder's gradebook, and how several graders share it.

Which database a folder uses is decided by the rule in
:mod:`peer_course.grading.settings` (``PEER_COURSE_DB_URL``, else the URL
stored by ``peer-course init --db-url``, else SQLite in
``<folder>/gradebook.db``); the folder's ``nbgrader_config.py`` asks the
same rule, so nbgrader, formgrader and our own reports always open the same
database.

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
import os
from pathlib import Path
from typing import Any, Iterator

from peer_course.grading.runner import nbgrader_environment
from peer_course.grading.settings import Settings, resolve_settings

LOCK_ENV = "PEER_COURSE_GRADEBOOK_LOCK"


def is_sqlite(url: str) -> bool:
    return url.startswith("sqlite")


def lock_path(course_dir: str | os.PathLike) -> Path:
    """The file SQLite graders lock, beside the default gradebook (a lock file, never data)."""
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
def open_gradebook(course_dir: str | os.PathLike) -> Iterator[Any]:
    """nbgrader's Gradebook for the trainer folder ``course_dir`` (a path, or a
    TrainerDir whose own settings then apply); on SQLite, under the grading lock.

    A missing database is created (nbgrader runs ``alembic`` for that, so
    this Python's ``bin`` is on ``PATH`` meanwhile). Raises SettingsError for an
    unusable ``peer-course.json``.
    """
    from nbgrader.api import Gradebook

    settings: Settings = getattr(course_dir, "settings", None) or resolve_settings(course_dir)
    lock = file_lock(lock_path(course_dir)) if is_sqlite(settings.db_url) else contextlib.nullcontext()
    with lock, nbgrader_environment(), Gradebook(settings.db_url, settings.course_id) as gb:
        yield gb


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


@contextlib.contextmanager
def commit_when_closed() -> Iterator[None]:
    """Make every nbgrader Gradebook created in this process while the block runs
    write in one transaction, committed when nbgrader closes it.

    nbgrader commits after each row it records (every cell of a notebook when
    it builds an assessment); on SQLite each commit waits for the disk, which
    was a third of ``build``. Each write is still flushed at once, so nbgrader
    reads back what it wrote and a constraint error surfaces where nbgrader
    catches it; the rows are the same, committed together. One difference: a
    failed write rolls back what that Gradebook wrote before it (nbgrader
    alone would have kept those rows); the step fails either way.

    Use it only around nbgrader steps that close every Gradebook they open
    (generate_assignment does, with ``with``): one left open loses its writes.
    """
    from nbgrader import api

    original_init = api.Gradebook.__init__

    def __init__(self: Any, *args: Any, **kwargs: Any) -> None:
        original_init(self, *args, **kwargs)
        commit, close = self.db.commit, self.close
        self.db.commit = self.db.flush

        def commit_then_close() -> None:
            try:
                if self.db.is_active:  # else a write failed and was not rolled back: close discards it
                    commit()
            finally:
                close()

        # per instance, so a Gradebook made in the block and closed after it still commits
        self.close = commit_then_close

    api.Gradebook.__init__ = __init__
    try:
        yield
    finally:
        api.Gradebook.__init__ = original_init
