"""build records nbgrader's gradebook rows with one commit per Gradebook that
nbgrader opens, not one per row (gradebook.commit_when_closed): the same rows,
committed when nbgrader closes the Gradebook."""

from __future__ import annotations

import shutil
import sqlite3

import pytest
from nbgrader import api
from peer_course.grading.gradebook import commit_when_closed
from peer_course.grading.runner import nbgrader_environment
from sqlalchemy import event
from sqlalchemy.engine import Engine


@pytest.fixture(scope="module")
def empty_gradebook(tmp_path_factory):
    """A new SQLite gradebook, made once (nbgrader runs alembic for that, which takes seconds)."""
    path = tmp_path_factory.mktemp("empty") / "gradebook.db"
    with nbgrader_environment():
        api.Gradebook(f"sqlite:///{path}").close()
    return path


@pytest.fixture
def db(tmp_path, empty_gradebook):
    """``(url, path)`` of a copy of the empty gradebook, for one test."""
    path = shutil.copy(empty_gradebook, tmp_path / "gradebook.db")
    return f"sqlite:///{path}", path


@pytest.fixture
def commits():
    """Every database commit made while the test runs."""
    made: list[object] = []

    def count(connection: object) -> None:
        made.append(connection)

    event.listen(Engine, "commit", count)
    yield made
    event.remove(Engine, "commit", count)


def students(path) -> list[str]:
    """The learners another connection sees committed."""
    with sqlite3.connect(path) as connection:
        return sorted(row[0] for row in connection.execute("SELECT id FROM student"))


def test_rows_are_committed_together_when_the_gradebook_closes(db, commits):
    url, path = db
    with commit_when_closed():
        gb = api.Gradebook(url)
        opened = len(commits)
        for name in ("ada", "ben", "cy"):
            gb.add_student(name)
        assert gb.find_student("ben").id == "ben"  # nbgrader reads back what it wrote
        assert students(path) == [] and len(commits) == opened
        gb.close()
    assert students(path) == ["ada", "ben", "cy"]
    assert len(commits) == opened + 1


def test_a_gradebook_closed_after_the_block_still_commits(db):
    url, path = db
    with commit_when_closed():
        gb = api.Gradebook(url)
    with gb:
        gb.add_student("ada")
    assert students(path) == ["ada"]
    with api.Gradebook(url) as after:  # nbgrader's own again: each row is committed at once
        after.add_student("ben")
        assert students(path) == ["ada", "ben"]


def test_a_failed_write_is_still_nbgrader_s_error(db):
    url, path = db
    with commit_when_closed(), api.Gradebook(url) as gb:
        gb.add_student("ada")
        with pytest.raises(api.InvalidEntry):
            gb.add_student("ada")
        gb.add_student("ben")
    assert students(path) == ["ben"]  # the failed write rolled back what came before it, as documented
