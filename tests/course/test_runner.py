"""The trainer folder object and the one nbgrader runner: the folder layout,
which setting wins, the generated nbgrader_config.py giving nbgrader the same
settings, "already released" known from nbgrader's API rather than its
text, and clear one-line failures."""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
from pathlib import Path

import pytest
from peer_course.cli import main
from peer_course.grading.runner import Runner, StepError, load_config, nbgrader_environment
from peer_course.grading.settings import (COURSE_ID_ENV, DB_ENV, EXCHANGE_ENV, SETTINGS_NAME, SettingsError,
                                          write_settings)
from peer_course.grading.trainer_dir import TrainerDir, TrainerDirError, init_course_dir
from peer_widgets.errors import PeerCourseError

PRC = "peer-role-check"
SETTING_ENVS = (DB_ENV, EXCHANGE_ENV, COURSE_ID_ENV)


@pytest.fixture
def clean_env(monkeypatch):
    for name in SETTING_ENVS:
        monkeypatch.delenv(name, raising=False)
    return monkeypatch


def test_format_path_is_the_one_layout(tmp_path):
    trainer = TrainerDir(tmp_path / "t")
    root = (tmp_path / "t").resolve()
    assert trainer.format_path("source", None, PRC) == root / "source" / PRC
    assert trainer.format_path("release", ".", PRC) == root / "release" / PRC  # nbgrader's "no learner"
    for step in ("submitted", "autograded", "feedback", "archive"):
        assert trainer.format_path(step, "ada", PRC) == root / step / "ada" / PRC
    assert os.fspath(trainer) == str(root) and TrainerDir.of(trainer) is trainer


@pytest.mark.parametrize(("step", "student", "assessment", "error"), [
    ("build", None, PRC, ValueError),            # not a step
    ("release", "ada", PRC, ValueError),         # one copy per assessment
    ("submitted", None, PRC, ValueError),        # one per learner: which one?
    ("submitted", "../ada", PRC, TrainerDirError),
    ("feedback", "ada", "a/b", TrainerDirError),
    ("source", None, "..", TrainerDirError),
    ("source", None, "", TrainerDirError),
])
def test_format_path_refuses_what_is_not_a_folder_in_its_step(tmp_path, step, student, assessment, error):
    with pytest.raises(error):
        TrainerDir(tmp_path).format_path(step, student, assessment)


def test_submissions_lists_learners_with_that_assessment(tmp_path):
    trainer = TrainerDir(tmp_path)
    for student, name in (("ben", PRC), ("ada", PRC), ("cy", "other")):
        trainer.format_path("submitted", student, name).mkdir(parents=True)
    (tmp_path / "submitted" / "notes.txt").write_text("", encoding="utf-8")
    assert trainer.submissions("submitted", PRC) == ["ada", "ben"]
    assert trainer.submissions("submitted", PRC, students=["ben", "zed"]) == ["ben"]
    assert trainer.submissions("autograded", PRC) == []  # nothing graded yet: no folder
    with pytest.raises(ValueError):
        trainer.submissions("release", PRC)


def test_settings_environment_over_stored_over_default(tmp_path, clean_env):
    root = tmp_path / "t"
    root.mkdir()
    default = TrainerDir(root)
    assert (default.db_url, default.exchange, default.course_id) == (
        f"sqlite:///{root.resolve()}/gradebook.db", Path("/srv/nbgrader/exchange"), "peer-course")
    write_settings(root, db_url="postgresql://u:p@h/db", exchange=str(tmp_path / "x"))
    stored = TrainerDir(root)
    assert (stored.db_url, stored.exchange, stored.course_id) == (
        "postgresql+psycopg2://u:p@h/db", tmp_path / "x", "peer-course")
    clean_env.setenv(DB_ENV, "postgres://other/db")
    clean_env.setenv(EXCHANGE_ENV, str(tmp_path / "y"))
    clean_env.setenv(COURSE_ID_ENV, "cohort-7")
    env = TrainerDir(root)
    assert (env.db_url, env.exchange, env.course_id) == ("postgresql+psycopg2://other/db", tmp_path / "y", "cohort-7")
    given = TrainerDir(root, db_url="sqlite:////given.db", exchange="/given", course_id="given")
    assert (given.db_url, given.exchange, given.course_id) == ("sqlite:////given.db", Path("/given"), "given")
    assert stored.db_url == "postgresql+psycopg2://u:p@h/db"  # read once, then kept


@pytest.mark.parametrize(("text", "message"), [
    ('{"db_url": ', "cannot read the trainer folder's settings"),
    ('["a list"]', "the settings must be a JSON object"),
    ('{"db_url": 5}', "field 'db_url': must be a string, not 5"),
])
def test_unusable_settings_name_the_file(tmp_path, clean_env, text, message):
    (tmp_path / SETTINGS_NAME).write_text(text, encoding="utf-8")
    trainer = TrainerDir(tmp_path)  # making one reads nothing yet
    with pytest.raises(SettingsError, match=message) as error:
        _ = trainer.db_url
    assert str(error.value).startswith(f"{tmp_path / SETTINGS_NAME}: ")


@pytest.mark.parametrize("command", ["build", "release", "collect", "autograde", "feedback", "export"])
def test_a_corrupt_settings_file_stops_every_step_in_one_line(tmp_path, capsys, clean_env, command):
    folder = init_course_dir(tmp_path / "t", assessments=[PRC])
    (folder / SETTINGS_NAME).write_text('{"db_url": ', encoding="utf-8")
    assert main([command, "--course-dir", str(folder)]) == 1
    out, err = capsys.readouterr()
    assert out == ""  # nothing announced, nothing run
    assert err.count("\n") == 1 and err.startswith(
        f"peer-course {command}: {folder / SETTINGS_NAME}: cannot read the trainer folder's settings (")


def test_peer_course_build_on_corrupt_settings_exits_1_without_a_traceback(tmp_path):
    folder = init_course_dir(tmp_path / "t", assessments=[PRC])
    (folder / SETTINGS_NAME).write_text("{not json", encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if k not in SETTING_ENVS}
    process = subprocess.run([str(Path(sys.executable).parent / "peer-course"), "build"], cwd=folder, env=env,
                             capture_output=True, text=True, check=False)
    assert process.returncode == 1
    assert process.stdout == ""
    assert len(process.stderr.splitlines()) == 1 and "Traceback" not in process.stderr
    assert process.stderr.startswith(f"peer-course build: {folder / SETTINGS_NAME}: cannot read")


SCENARIOS = {
    "defaults": ({}, {}),
    "stored": ({"db_url": "postgresql://u:p@h/db", "exchange": "/srv/stored"}, {}),
    "environment": ({"db_url": "postgresql://u:p@h/db", "exchange": "/srv/stored"},
                    {DB_ENV: "sqlite:////tmp/env.db", EXCHANGE_ENV: "/srv/env", COURSE_ID_ENV: "cohort-7"}),
}


def _folder_for(tmp_path, monkeypatch, scenario: str) -> tuple[Path, dict[str, str]]:
    stored, env = SCENARIOS[scenario]
    folder = init_course_dir(tmp_path / "t", assessments=[PRC], **stored)
    for name in SETTING_ENVS:
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return folder, dict(os.environ)


def _expected(folder: Path) -> list[str]:
    trainer = TrainerDir(folder)
    return [trainer.db_url, str(trainer.exchange), trainer.course_id]


@pytest.mark.parametrize("scenario", sorted(SCENARIOS))
def test_generated_config_gives_nbgrader_the_trainer_dir_settings(tmp_path, monkeypatch, scenario):
    """traitlets' loader (what nbgrader uses) on the generated file, in a fresh process."""
    folder, env = _folder_for(tmp_path, monkeypatch, scenario)
    code = ("from traitlets.config.loader import PyFileConfigLoader\n"
            f"c = PyFileConfigLoader('nbgrader_config.py', path={str(folder)!r}).load_config()\n"
            "print(c.CourseDirectory.db_url); print(c.Exchange.root); print(c.CourseDirectory.course_id)\n"
            "print(c.CourseDirectory.root)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, env=env).stdout
    assert out.splitlines() == [*_expected(folder), str(folder)]
    with nbgrader_environment():  # and the runner's own loading agrees
        config = load_config(TrainerDir(folder))
    assert [config.CourseDirectory.db_url, config.Exchange.root, config.CourseDirectory.course_id] == _expected(folder)
    assert config.Autograde.exclude_overwriting == {PRC: ["responses.json"]}


@pytest.mark.slow
@pytest.mark.parametrize("scenario", ["stored", "environment"])
def test_nbgrader_app_in_the_folder_opens_what_trainer_dir_says(tmp_path, monkeypatch, scenario):
    """nbgrader's own start-up (as the CLI, the workers and Formgrader do) in the trainer folder."""
    folder, env = _folder_for(tmp_path, monkeypatch, scenario)
    code = ("from nbgrader.apps.baseapp import NbGrader\n"
            "app = NbGrader(); app.initialize([])\n"
            "print(app.coursedir.db_url); print(app.config.Exchange.root); print(app.coursedir.course_id)\n"
            "print(app.config.GenerateFeedback.preprocessors[-1])")
    out = subprocess.run([sys.executable, "-c", code], cwd=folder, capture_output=True, text=True, check=True,
                         env={**env, "JUPYTER_PLATFORM_DIRS": "1"}).stdout
    assert out.splitlines() == [*_expected(folder), "nbgrader.preprocessors.ClearHiddenTests"]


def test_a_config_that_fails_stops_the_step_instead_of_running_on_defaults(tmp_path, capsys, clean_env):
    folder = init_course_dir(tmp_path / "t", assessments=[PRC])
    (folder / "nbgrader_config_local.py").write_text("raise RuntimeError('a typo')\n", encoding="utf-8")
    message = r"nbgrader_config.py: nbgrader cannot load this configuration \(RuntimeError: a typo\)"
    with pytest.raises(StepError, match=message), nbgrader_environment():
        load_config(TrainerDir(folder))
    assert main(["export", "--course-dir", str(folder), "--to", str(tmp_path / "g.csv")]) == 1
    assert capsys.readouterr().err.count("\n") == 1
    assert not (tmp_path / "g.csv").exists()


def test_check_reads_the_api_result_not_printed_text(tmp_path):
    runner = Runner(TrainerDir(tmp_path), progress=lambda message: None)
    runner.check({"success": True, "log": "[ERROR] words that mean nothing here"}, "building x")
    with pytest.raises(StepError) as error:
        runner.check({"success": False, "log": "[INFO] one\n[ERROR] two\n",
                      "error": "Traceback (most recent call last):\n  ...\nValueError: three"}, "building x")
    assert isinstance(error.value, PeerCourseError)
    assert str(error.value) == "building x failed:\n[INFO] one\n[ERROR] two\nValueError: three"
    with pytest.raises(StepError, match="exchange is not available"):
        runner.check(None, "releasing x")
    with pytest.raises(KeyboardInterrupt):  # Ctrl+C while nbgrader ran still stops the command
        runner.check({"success": False, "error": "Traceback (most recent call last):\nKeyboardInterrupt\n"}, "x")


def _process_state() -> dict:
    from traitlets.log import get_logger

    return {"environ": dict(os.environ), "cwd": os.getcwd(), "sys.path": list(sys.path),
            "root handlers": list(logging.getLogger().handlers), "traitlets level": get_logger().level}


@pytest.mark.slow
def test_already_released_is_known_from_the_exchange_listing(tmp_path, monkeypatch, clean_env):
    from nbgrader.apps.api import NbGraderAPI
    from peer_course.grading.steps import build, release

    exchange = tmp_path / "exchange"
    course = init_course_dir(tmp_path / "t", assessments=[PRC], exchange=exchange)
    before = _process_state()
    build(course_dir=course, assessments=[PRC], progress=lambda m: None)
    assert not exchange.exists()  # building never touches the exchange
    lines: list[str] = []
    first = release(course_dir=course, assessments=[PRC], progress=lines.append)
    assert [(o.ok, o.status) for o in first] == [(True, "graded")]
    with Runner(TrainerDir(course)).api() as api:
        assert api.get_released_assignments() == {PRC}

    def refuse(self, assignment_id):
        raise AssertionError("release_assignment must not be tried for an assessment already released")

    with monkeypatch.context() as patch:
        patch.setattr(NbGraderAPI, "release_assignment", refuse)
        again = release(course_dir=course, assessments=[PRC], progress=lines.append)
    assert [(o.assessment, o.ok, o.status, o.message) for o in again] == [
        (PRC, True, "skipped", "already released (use --force to release again)")]
    forced = release(course_dir=course, assessments=[PRC], force=True, progress=lines.append)
    assert [(o.ok, o.status) for o in forced] == [(True, "graded")]
    assert (exchange / "peer-course" / "outbound" / PRC / f"{PRC}.ipynb").is_file()
    assert lines == [f"[1/1] releasing {PRC} to {exchange}"] * 3
    assert _process_state() == before  # in-process nbgrader left nothing behind


@pytest.mark.slow
def test_a_failing_step_reports_nbgrader_s_last_lines(tmp_path, clean_env):
    from peer_course.grading.steps import build

    course = init_course_dir(tmp_path / "t", assessments=[PRC])
    (course / "source" / PRC / f"{PRC}.ipynb").write_text('{"cells": [', encoding="utf-8")
    with pytest.raises(StepError) as error:
        build(course_dir=course, assessments=[PRC], progress=lambda m: None)
    message = str(error.value)
    assert message.startswith(f"building {PRC} failed:\n")
    assert "Notebook does not appear to be JSON" in message
    assert f"[ERROR] There was an error processing assignment '{PRC}'" in message
    assert len(message.splitlines()) <= 13


@pytest.mark.slow
def test_student_version_uses_the_runner_and_no_trainer_setting(tmp_path, monkeypatch):
    """A trainer's database and exchange in the environment are never touched."""
    from peer_course.serving.student_version import make_student_version

    monkeypatch.setenv(DB_ENV, "postgresql://nobody@127.0.0.1:9/none")
    monkeypatch.setenv(EXCHANGE_ENV, str(tmp_path / "exchange"))
    folder = make_student_version(PRC, tmp_path / "out")
    text = (folder / f"{PRC}.ipynb").read_text(encoding="utf-8")
    assert "BEGIN HIDDEN TESTS" not in text and json.loads(text)["cells"]
    assert not (tmp_path / "exchange").exists()
    assert not (folder / "responses.json").exists()
