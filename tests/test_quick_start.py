"""The README's first Quick start command, exactly as written there, works from
a fresh copy of the repository: it installs the learner's course and serves the
course home. ``benchmarks/bench_install.py`` times the same command against a
bare Voila install; this test only proves that the line a learner copies works,
with an empty package cache, so a change to it (or to what it installs) that
breaks it fails here rather than on a learner's computer.
"""

from __future__ import annotations

import subprocess

import pytest

from benchmarks import bench_install

pytestmark = pytest.mark.slow


def test_the_readme_first_command_installs_and_serves_the_course_home(tmp_path):
    command = bench_install.readme_learner_command()
    clone = bench_install.fresh_clone(tmp_path / "clone")
    env = bench_install.base_env(tmp_path / "cache")
    log = tmp_path / "quick-start.log"
    try:
        bench_install.run_install(bench_install.install_part(command), clone, env, log)
        bench_install.serve_until_home(clone, env, log, timeout=300)
    except SystemExit as failure:  # the helpers stop a benchmark with the command's own output
        pytest.fail(f"the README's first command failed:\n{failure}", pytrace=False)
    # a learner's install, not the trainer's: the trainer-only pandas is left out
    found = subprocess.run([clone / ".venv" / "bin" / "python", "-c",
                            "import importlib.util; print(importlib.util.find_spec('pandas') is not None)"],
                           capture_output=True, text=True, check=True).stdout.strip()
    assert found == "False"
