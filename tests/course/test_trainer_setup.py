"""Trainer folder set-up: roster import with clear errors, the stored
database URL, the SQLite grading lock, and the CLI's trainer commands."""

from __future__ import annotations

import fcntl
import subprocess
import sys

import pytest

from peer_course.cli import main
from peer_course.grading.gradebook import lock_path, open_gradebook
from peer_course.grading.parallel import bounded_workers, default_workers
from peer_course.grading.roster import RosterError, read_roster
from peer_course.grading.settings import SETTINGS_NAME
from peer_course.grading.trainer_dir import TrainerDir, init_course_dir


def db_url(folder) -> str:
    return TrainerDir(folder).db_url

GOOD = "id,first_name,last_name,email\nada,Ada,Okafor,ada@example.org\nben,Ben,,\n"


def test_roster_is_imported_into_the_gradebook(tmp_path, capsys):
    roster = tmp_path / "roster.csv"
    roster.write_text(GOOD, encoding="utf-8")
    assert main(["init", str(tmp_path / "t"), "--roster", str(roster)]) == 0
    with open_gradebook(tmp_path / "t") as gb:
        assert sorted((s.id, s.first_name, s.last_name, s.email) for s in gb.students) == [
            ("ada", "Ada", "Okafor", "ada@example.org"), ("ben", "Ben", None, None)]
    # importing again updates, never duplicates or removes
    roster.write_text("id,first_name,last_name,email\nada,Ada,Okafor-Smith,ada@example.org\n", encoding="utf-8")
    assert main(["init", str(tmp_path / "t"), "--roster", str(roster)]) == 0
    with open_gradebook(tmp_path / "t") as gb:
        assert sorted((s.id, s.last_name or "") for s in gb.students) == [("ada", "Okafor-Smith"), ("ben", "")]
    assert "Roster imported from" in capsys.readouterr().out


def test_bad_rows_name_file_row_and_field(tmp_path, capsys):
    roster = tmp_path / "roster.csv"
    roster.write_text("id,first_name,last_name,email\n"
                      "ada,Ada,O,ada@example.org\n"
                      ",No,Id,x@example.org\n"
                      "ada,Again,O,\n"
                      "bad id!,B,C,\n"
                      "cy,Cy,D,not-an-email\n", encoding="utf-8")
    with pytest.raises(RosterError) as error:
        read_roster(roster)
    assert error.value.problems == [
        f"{roster}: row 3: field 'id': missing",
        f"{roster}: row 4: field 'id': 'ada' is already used in row 2",
        f"{roster}: row 5: field 'id': 'bad id!' may only hold letters, digits, '.', '_' and '-' "
        "(starting with a letter or digit)",
        f"{roster}: row 6: field 'email': 'not-an-email' is not an email address",
    ]
    assert main(["init", str(tmp_path / "t"), "--roster", str(roster)]) == 1
    err = capsys.readouterr().err.splitlines()
    assert err[0] == f"peer-course init: {roster}: row 3: field 'id': missing"
    assert len(err) == 4
    assert not (tmp_path / "t").exists()  # nothing was set up from a bad roster


def test_missing_column(tmp_path):
    roster = tmp_path / "r.csv"
    roster.write_text("id,name\nada,Ada\n", encoding="utf-8")
    with pytest.raises(RosterError, match=r"row 1: missing column\(s\) first_name, last_name, email"):
        read_roster(roster)


def test_db_url_is_stored_and_environment_wins(tmp_path, monkeypatch):
    monkeypatch.delenv("PEER_COURSE_DB_URL", raising=False)
    folder = init_course_dir(tmp_path / "t", assessments=["peer-role-check"], db_url="postgresql://u:p@h/db")
    assert (folder / SETTINGS_NAME).stat().st_mode & 0o777 == 0o600
    assert db_url(folder) == "postgresql+psycopg2://u:p@h/db"
    init_course_dir(folder, assessments=["peer-role-check"])  # re-running init keeps it
    assert db_url(folder) == "postgresql+psycopg2://u:p@h/db"
    monkeypatch.setenv("PEER_COURSE_DB_URL", "postgresql://other/db")
    assert db_url(folder) == "postgresql+psycopg2://other/db"
    code = ("from traitlets.config.loader import PyFileConfigLoader\n"
            f"c = PyFileConfigLoader('nbgrader_config.py', path={str(folder)!r}).load_config()\n"
            "print(c.CourseDirectory.db_url); print(c.Exchange.root)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.splitlines() == ["postgresql+psycopg2://other/db", "/srv/nbgrader/exchange"]


def test_sqlite_workers_take_turns_on_the_database(tmp_path):
    """While one worker holds a Gradebook open, another cannot get the lock:
    database steps are serial, notebook execution is not."""
    folder = init_course_dir(tmp_path / "t", assessments=["peer-role-check"])
    code = (
        "import sys, time\n"
        "from peer_course.grading.gradebook import serialise_gradebook_access\n"
        f"serialise_gradebook_access({str(lock_path(folder))!r})\n"
        "from nbgrader.api import Gradebook\n"
        f"gb = Gradebook({db_url(folder)!r})\n"
        "print('open', flush=True); sys.stdin.readline(); gb.close(); print('closed', flush=True)\n"
        "sys.stdin.readline()\n")
    env = {**__import__("os").environ, "PATH": str(__import__("pathlib").Path(sys.executable).parent) + ":/usr/bin:/bin"}
    worker = subprocess.Popen([sys.executable, "-c", code], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                              text=True, env=env)
    try:
        assert worker.stdout.readline().strip() == "open"
        with open(lock_path(folder), "a") as handle:
            with pytest.raises(BlockingIOError):
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            worker.stdin.write("\n")
            worker.stdin.flush()
            assert worker.stdout.readline().strip() == "closed"
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)  # free again
            fcntl.flock(handle, fcntl.LOCK_UN)
    finally:
        worker.stdin.write("\n")
        worker.stdin.flush()
        worker.wait(timeout=30)
        worker.stdout.close()
        worker.stdin.close()


def test_workers_are_bounded_by_cpu_count(monkeypatch):
    monkeypatch.setattr("os.cpu_count", lambda: 2)
    assert default_workers() == 2
    assert bounded_workers(16) == 2
    assert bounded_workers(None) == 2
    monkeypatch.setattr("os.cpu_count", lambda: 12)
    assert default_workers() == 4
    assert bounded_workers(8) == 8


def test_formgrader_prints_how_to_open_it(tmp_path, capsys):
    folder = init_course_dir(tmp_path / "t", assessments=["peer-role-check"])
    assert main(["formgrader", "--course-dir", str(folder), "--print-only", "--port", "8899", "--no-browser"]) == 0
    out = capsys.readouterr().out
    assert "Nbgrader > Formgrader" in out and "http://localhost:8899/lab" in out
    assert f"lab --ServerApp.root_dir={folder} --port=8899 --no-browser" in out


def test_release_before_build_says_what_to_do(tmp_path, capsys):
    folder = init_course_dir(tmp_path / "t", assessments=["peer-role-check"], exchange=tmp_path / "x")
    assert main(["release", "--course-dir", str(folder), "--assessment", "peer-role-check"]) == 1
    assert capsys.readouterr().err == (
        "peer-course release: peer-role-check is not built yet; run `peer-course build` first\n")
