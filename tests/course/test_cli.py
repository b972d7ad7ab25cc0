"""`peer-course`: clear one-line errors with exit code 1, and the trainer
folder rules (generated config, refusing to release an answers file)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from peer_course.cli import main
from peer_widgets.manifest import load_manifest
from peer_course.grading.trainer_dir import CONFIG_NAME, MARKER, find_course_dir, init_course_dir


def test_init_writes_config_and_sources(tmp_path, capsys):
    assert main(["init", str(tmp_path / "trainer")]) == 0
    folder = tmp_path / "trainer"
    config = (folder / CONFIG_NAME).read_text(encoding="utf-8")
    assert MARKER in config
    names = load_manifest().assessments
    assert f"for name in {sorted(names)!r}" in config
    for name in names:
        assert (folder / "source" / name / f"{name}.ipynb").is_file()
        assert (folder / "source" / name / "items.yaml").is_file()
    assert "Next: cd" in capsys.readouterr().out


def test_config_loads_in_nbgrader(tmp_path):
    """nbgrader itself reads the generated config: exclude_overwriting protects responses.json."""
    folder = init_course_dir(tmp_path / "trainer")
    code = ("from traitlets.config.loader import PyFileConfigLoader\n"
            f"c = PyFileConfigLoader({CONFIG_NAME!r}, path={str(folder)!r}).load_config()\n"
            "print(sorted(set(map(tuple, c.Autograde.exclude_overwriting.values()))))\n"
            "print(c.CourseDirectory.db_url)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.splitlines() == ["[('responses.json',)]", f"sqlite:///{folder}/gradebook.db"]


def test_init_refuses_foreign_config(tmp_path, capsys):
    folder = tmp_path / "trainer"
    folder.mkdir()
    (folder / CONFIG_NAME).write_text("c = get_config()\n", encoding="utf-8")
    assert main(["init", str(folder)]) == 1
    err = capsys.readouterr().err
    assert err.startswith(f"peer-course init: {folder / CONFIG_NAME} was not written by peer-course;")
    assert (folder / CONFIG_NAME).read_text(encoding="utf-8") == "c = get_config()\n"


def test_init_refuses_to_release_an_answers_file(tmp_path, monkeypatch, capsys):
    import shutil

    from peer_widgets.content import course_root

    root = tmp_path / "course"
    shutil.copytree(course_root() / "modules", root / "modules")
    shutil.copytree(course_root() / "assessments", root / "assessments")
    (root / "assessments" / "peer-role-check" / "responses.json").write_text("{}", encoding="utf-8")
    monkeypatch.setenv("PEER_COURSE_ROOT", str(root))
    assert main(["init", str(tmp_path / "trainer")]) == 1
    assert "responses.json exists (probably from trying the notebook); remove it" in capsys.readouterr().err


def test_steps_outside_a_trainer_folder_say_what_to_do(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("PEER_COURSE_DIR", raising=False)
    assert main(["autograde"]) == 1
    assert capsys.readouterr().err == (
        "peer-course autograde: no trainer folder here or above; run `peer-course init FOLDER` "
        "and then work inside FOLDER (or pass --course-dir)\n")


def test_trainer_folder_found_from_a_subfolder(tmp_path, monkeypatch):
    folder = init_course_dir(tmp_path / "trainer")
    (folder / "submitted" / "ada").mkdir(parents=True)
    monkeypatch.chdir(folder / "submitted" / "ada")
    monkeypatch.delenv("PEER_COURSE_DIR", raising=False)
    assert find_course_dir() == folder


def test_author_bad_draft_is_one_line(tmp_path, capsys):
    draft = tmp_path / "draft.yaml"
    draft.write_text("schema_version: 1\nid: x-check\ntitle: X\nmode: graded\nitems: []\n", encoding="utf-8")
    assert main(["author", str(draft), "--out", str(tmp_path / "out")]) == 1
    err = capsys.readouterr().err
    assert err == f"peer-course author: {draft}: field 'items': [] should be non-empty\n"


def test_console_script_is_installed():
    out = subprocess.run([str(Path(sys.executable).parent / "peer-course"), "--help"],
                         capture_output=True, text=True, check=True).stdout
    for command in ("serve", "validate", "author", "init", "build", "release", "collect", "autograde",
                    "formgrader", "feedback", "export", "report", "certificates"):
        assert command in out


def test_trainer_tools_missing_is_one_line_saying_how_to_install(tmp_path, monkeypatch, capsys):
    """A learner's install leaves pandas out; `peer-course report` then says
    what to install instead of printing a traceback."""
    init_course_dir(tmp_path / "t", assessments=["peer-role-check"])
    monkeypatch.chdir(tmp_path / "t")
    monkeypatch.delenv("PEER_COURSE_DIR", raising=False)
    for name in [m for m in sys.modules if m == "pandas" or m.startswith("pandas.")]:
        monkeypatch.delitem(sys.modules, name)
    for name in [m for m in sys.modules if m.startswith("peer_course.reports")]:
        monkeypatch.delitem(sys.modules, name)
    monkeypatch.setitem(sys.modules, "pandas", None)  # import pandas -> ModuleNotFoundError
    assert main(["report"]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "Traceback" not in err
    assert err.startswith("peer-course report: this command needs the trainer tools")
    assert "pip install -e '.[trainer]'" in err


def test_console_script_lists_the_new_trainer_commands():
    out = subprocess.run([str(Path(sys.executable).parent / "peer-course"), "--help"],
                         capture_output=True, text=True, check=True).stdout
    for command in ("status", "regrade", "due"):
        assert command in out


def test_formgrader_starts_as_root(tmp_path, capsys):
    """In a container or a VM the trainer is often root, and Jupyter refuses to
    start as root without --allow-root; `peer-course formgrader` adds it there."""
    import os

    from tests.support.net import free_port, stop, wait_for_http

    from peer_course.grading.runner import nbgrader_env
    from peer_course.grading.steps import formgrader_command

    folder = init_course_dir(tmp_path / "trainer", assessments=["peer-role-check"])
    port = free_port()
    assert main(["formgrader", "--course-dir", str(folder), "--port", str(port), "--print-only"]) == 0
    printed = capsys.readouterr().out.splitlines()[-1].split()
    assert ("--allow-root" in printed) == (os.geteuid() == 0)
    assert "--allow-root" not in formgrader_command(course_dir=folder, as_root=False)
    if os.geteuid() != 0:
        pytest.skip("starting JupyterLab as root needs root")
    log = tmp_path / "lab.log"
    env = {**nbgrader_env(), "JUPYTER_RUNTIME_DIR": str(tmp_path / "runtime")}
    with log.open("w") as handle:
        process = subprocess.Popen(printed, cwd=folder, env=env, stdout=handle, stderr=subprocess.STDOUT)
    try:
        assert wait_for_http(f"http://localhost:{port}/api", process=process, log=log).json()["version"]
    finally:
        stop(process)


@pytest.mark.parametrize("command", ["build", "release", "collect", "autograde"])
def test_an_unknown_assessment_is_one_line_and_nothing_is_done(tmp_path, monkeypatch, capsys, command):
    folder = init_course_dir(tmp_path / "trainer", assessments=["peer-role-check"])
    monkeypatch.chdir(folder)
    assert main([command, "--assessment", "peer-role-chek"]) == 1
    err = capsys.readouterr().err
    assert err == (f"peer-course {command}: 'peer-role-chek' is not an assessment of this trainer folder; "
                   "the assessments are: peer-role-check\n")
    assert not (folder / "release" / "peer-role-chek").exists()


def test_an_unknown_learner_is_one_line(tmp_path, monkeypatch, capsys):
    folder = init_course_dir(tmp_path / "trainer", assessments=["peer-role-check"])
    monkeypatch.chdir(folder)
    assert main(["autograde", "--assessment", "peer-role-check", "--student", "nobody"]) == 1
    err = capsys.readouterr().err
    assert err.startswith("peer-course autograde: no submission from 'nobody' in submitted/ for peer-role-check")
    assert err.count("\n") == 1
