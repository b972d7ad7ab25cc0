"""Binder: repo2docker recognises binder/ and writes a build script that
installs the course; a fresh environment built by that script's own steps
(same requirements, same postBuild) runs every lesson notebook and serves
the course home through Voila's server extension, as a Binder launch with
``urlpath=voila/render/modules/home.ipynb`` does.

No Docker engine is needed: ``repo2docker --no-build`` prints the Dockerfile,
and the test runs its assemble steps (``RUN`` lines after the repository is
copied) in a fresh virtual environment standing in for the image's
``${KERNEL_PYTHON_PREFIX}``. The one change is that pip may use its cache
(the Dockerfile says ``--no-cache-dir`` to keep the image small).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
import requests
from packaging.specifiers import SpecifierSet

from peer_course.serving.serve import CULL_IDLE_SECONDS

REPO = Path(__file__).resolve().parents[2]
HOME_URLPATH = "voila/render/modules/home.ipynb"
NOT_COPIED = shutil.ignore_patterns(".venv", ".git", "node_modules", "*.egg-info", "__pycache__",
                                    "artifacts", "build", "dist", "responses.json")


def repo2docker(*args: str) -> subprocess.CompletedProcess:
    script = Path(sys.executable).with_name("jupyter-repo2docker")
    return subprocess.run([str(script), *args], capture_output=True, text=True, timeout=300)


@pytest.fixture(scope="module")
def dockerfile() -> tuple[str, str]:
    """(Dockerfile text, log) for the repository as Binder would build it (uid 1000)."""
    process = repo2docker("--no-build", "--user-id", "1000", "--user-name", "jovyan", str(REPO))
    assert process.returncode == 0, process.stderr
    return process.stdout, process.stderr


def assemble_steps(dockerfile: str) -> list[str]:
    """The shell commands the image runs after the repository is copied in."""
    after_copy = dockerfile.split("COPY --chown=1000:1000 src/ ${REPO_DIR}/", 1)[1]
    return [line[len("RUN "):] for line in after_copy.splitlines() if line.startswith("RUN ")]


def test_runtime_is_a_python_the_package_supports():
    runtime = (REPO / "binder" / "runtime.txt").read_text(encoding="utf-8").strip()
    match = re.fullmatch(r"python-(\d+\.\d+)", runtime)
    assert match, f"binder/runtime.txt should say python-X.Y, not {runtime!r}"
    pyproject = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
    assert match.group(1) + ".0" in SpecifierSet(pyproject["project"]["requires-python"])


@pytest.mark.slow
def test_repo2docker_recognises_binder_and_installs_the_course(dockerfile):
    text, log = dockerfile
    runtime = (REPO / "binder" / "runtime.txt").read_text(encoding="utf-8").strip()
    assert f"Building conda environment for python={runtime.removeprefix('python-')}" in log
    steps = assemble_steps(text)
    # requirements.txt holds a local reference (-e .), so it is installed after
    # the copy, then postBuild runs, as the notebook user.
    assert steps == [
        '${KERNEL_PYTHON_PREFIX}/bin/pip install --no-cache-dir -r "binder/requirements.txt"',
        "chmod +x binder/postBuild",
        "./binder/postBuild",
    ]
    requirements = (REPO / "binder" / "requirements.txt").read_text(encoding="utf-8")
    assert "-e .[postgres,trainer]" in [line.strip() for line in requirements.splitlines()]
    before_postbuild = text.split("RUN ./binder/postBuild", 1)[0]
    users = [line for line in before_postbuild.splitlines() if line.startswith("USER ")]
    assert users[-1] == "USER ${NB_USER}"  # postBuild runs as the learner, not root


@pytest.fixture(scope="module")
def binder_env(dockerfile, tmp_path_factory):
    """A fresh environment built by the Dockerfile's own assemble steps.

    Returns (repository copy, environment prefix, home folder)."""
    root = tmp_path_factory.mktemp("binder")
    repo = root / "repo"
    shutil.copytree(REPO, repo, ignore=NOT_COPIED)  # COPY src/ ${REPO_DIR}/
    prefix = root / "env"
    subprocess.run([sys.executable, "-m", "venv", str(prefix)], check=True, timeout=300)
    home = root / "home"
    home.mkdir()
    # The build keeps the real HOME: pip's settings and cache live there.
    env = {key: value for key, value in os.environ.items()
           if not key.startswith(("VIRTUAL_ENV", "PYTHONHOME", "PYTHONPATH", "JUPYTER", "PEER_COURSE"))}
    env.update(KERNEL_PYTHON_PREFIX=str(prefix), NB_PYTHON_PREFIX=str(prefix), REPO_DIR=str(repo),
               PATH=f"{prefix / 'bin'}{os.pathsep}{env['PATH']}", JUPYTER_PLATFORM_DIRS="1",
               JUPYTER_CONFIG_DIR=str(home / ".jupyter"), PEER_COURSE_DATA_DIR=str(home / "data"))
    log = root / "build.log"
    with log.open("w") as out:
        for step in assemble_steps(dockerfile[0]):
            step = step.replace(" --no-cache-dir", "")
            out.write(f"$ {step}\n")
            out.flush()
            done = subprocess.run(["bash", "-c", step], cwd=repo, env=env, stdout=out,
                                  stderr=subprocess.STDOUT, timeout=900)
            if done.returncode != 0:
                pytest.fail(f"build step failed: {step}\n" + log.read_text(errors="replace")[-5000:])
    return repo, prefix, home


def run_env(binder_env, child_env, *args: str, **env: str) -> subprocess.CompletedProcess:
    repo, prefix, home = binder_env
    extra = {"PATH": f"{prefix / 'bin'}{os.pathsep}{os.environ['PATH']}",
             "PEER_COURSE_DATA_DIR": str(home / "data"), **env}
    return subprocess.run([str(prefix / "bin" / "python"), *args], cwd=repo, capture_output=True, text=True,
                          env=child_env(home, **extra), timeout=600)


RUN_NOTEBOOKS = r"""
import json
import sys
from pathlib import Path
import nbformat
from nbclient import NotebookClient

import peer_course
print("course package:", peer_course.__file__)
failed = []
for path in sorted(Path("modules").glob("*.ipynb")):
    nb = nbformat.read(path, as_version=4)
    NotebookClient(nb, kernel_name="python3", timeout=120,
                   resources={"metadata": {"path": str(path.parent)}}).execute()
    bad = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs
           if o.output_type == "error" or (o.output_type == "stream" and o.name == "stderr")]
    print(path.name, "ok" if not bad else bad)
    if bad:
        failed.append(path.name)
    if path.name == "home.ipynb":  # outputs and the widget state nbclient stores
        print("temporary-session notice:", "temporary demo session" in json.dumps(nb))
sys.exit(1 if failed else 0)
"""


@pytest.mark.slow
def test_fresh_binder_env_runs_every_lesson(binder_env, child_env):
    repo, prefix, _ = binder_env
    done = run_env(binder_env, child_env, "-c", RUN_NOTEBOOKS, BINDER_REQUEST="v2/gh/peer-course/peer-course/HEAD")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "temporary-session notice: True" in done.stdout  # Binder keeps nothing, and the home says so
    # the course imported is the one installed (editable) from the copied repository
    assert f"course package: {repo / 'course' / '__init__.py'}" in done.stdout
    assert len(re.findall(r"\.ipynb ok$", done.stdout, re.M)) == len(list((repo / "modules").glob("*.ipynb")))


@pytest.mark.slow
def test_postbuild_configured_voila_and_enabled_extensions(binder_env):
    _, prefix, _ = binder_env
    config = prefix / "etc" / "jupyter" / "jupyter_server_config.d"
    assert (config / "peer-course.json").is_file()
    settings = json.loads((config / "peer-course.json").read_text(encoding="utf-8"))
    assert settings["MappingKernelManager"] == {"cull_idle_timeout": CULL_IDLE_SECONDS, "cull_interval": 60,
                                                "cull_connected": False}  # idle kernels end, as on a laptop
    assert (config / "voila.json").is_file() and (config / "nbgrader.json").is_file()
    repo = binder_env[0]
    survey = repo / "modules" / "self-assessment" / "core-competencies-self-assessment.ipynb"
    assert survey.is_file()
    assert "BEGIN HIDDEN TESTS" not in survey.read_text(encoding="utf-8")


@pytest.mark.slow
def test_binder_launch_opens_on_the_voila_course_home(binder_env, child_env, free_port, wait_http, stop_process):
    """The server Binder starts (Jupyter Server with the environment's
    extensions) answers the README's urlpath with the course home."""
    repo, prefix, home = binder_env
    port = free_port()
    token = "binder-test-token"
    log = home / "server.log"
    env = child_env(home, PATH=f"{prefix / 'bin'}{os.pathsep}{os.environ['PATH']}",
                    PEER_COURSE_DATA_DIR=str(home / "data"), BINDER_REQUEST="v2/gh/peer-course/peer-course/HEAD",
                    BINDER_LAUNCH_HOST="https://mybinder.org/")
    with log.open("w") as out:
        server = subprocess.Popen(
            [str(prefix / "bin" / "jupyter"), "server", "--no-browser", "--allow-root", f"--port={port}",
             "--ServerApp.ip=127.0.0.1", f"--IdentityProvider.token={token}"],
            cwd=repo, env=env, stdout=out, stderr=subprocess.STDOUT)
    try:
        base = f"http://127.0.0.1:{port}"
        headers = {"Authorization": f"token {token}"}
        wait_http(f"{base}/api/status", process=server, log=log, headers=headers)
        response = requests.get(f"{base}/{HOME_URLPATH}", headers=headers, timeout=180)
        assert response.status_code == 200, log.read_text(errors="replace")[-4000:]
        html = response.text
        # the home is drawn by live widgets; the page holds their views and no code
        assert "Peer Support Onboarding Course" in html
        assert "application/vnd.jupyter.widget-view+json" in html
        assert '"output_type": "error"' not in html
        assert "show_home" not in html  # strip_sources from postBuild
        lesson = requests.get(f"{base}/voila/render/modules/01-peer-role.ipynb", headers=headers, timeout=180)
        assert lesson.status_code == 200
        # the self-assessment the home links to, made by postBuild as a student version
        survey = requests.get(f"{base}/voila/render/modules/self-assessment/core-competencies-self-assessment.ipynb",
                              headers=headers, timeout=180)
        assert survey.status_code == 200
        assert survey.text.count("application/vnd.jupyter.widget-view+json") >= 62
        # nbgrader's learner-side server extension answers (no course configured on Binder)
        version = requests.get(f"{base}/nbgrader_version", params={"version": "0"}, headers=headers, timeout=60)
        assert version.status_code == 200 and version.json()["success"] is False  # answers, names the mismatch
        assert requests.get(f"{base}/formgrader", headers=headers, timeout=60).status_code == 200
        assert not (repo / "modules" / "responses.json").exists()  # viewing saves nothing
    finally:
        stop_process(server)


@pytest.mark.slow
def test_the_image_holds_no_key(binder_env):
    """Learners on Binder (and on an image built the same way) can read every
    file of it: no hidden test or key may be among them."""
    from tests.support import leaks, oracle
    from peer_widgets.manifest import load_manifest

    repo, _, _ = binder_env
    assert not (repo / ".git").exists()
    names = load_manifest().assessments
    items = [item for name in names for item in oracle.graded_items(name)]  # from this checkout's sources
    found = []
    # Course content is notebooks and banks (code that writes hidden tests, and
    # the formative banks' own keys, are not graded keys).
    content = [p for p in repo.rglob("*") if p.is_file() and p.suffix in (".ipynb", ".yaml", ".json")
               and "items" not in p.relative_to(repo).parts[:2] and p.relative_to(repo).parts[0] != "tests"]
    assert len(content) > 20
    for path in sorted(content):
        text = path.read_text(encoding="utf-8", errors="replace")
        if "BEGIN HIDDEN TESTS" in text:
            found.append(f"{path.relative_to(repo)}: a hidden test")
        found += [f"{path.relative_to(repo)}: {hit}" for hit in leaks.keys_in(text, items)]
    assert found == []
    for name in names:  # learners' servers get the student versions instead
        assert (repo / "released" / name / f"{name}.ipynb").is_file()
