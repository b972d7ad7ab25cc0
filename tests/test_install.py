"""A regular (non-editable) install finds the course content and serves the
course home, from a folder far from this checkout.

The fresh virtual environment gets only this package, installed from a
wheel built from the repository; its dependencies (Jupyter, Voila, nbgrader)
are borrowed from the test environment through a ``.pth`` file,
``JUPYTER_PATH`` and ``PATH``, so the test takes seconds instead of a full download.
What it proves is about this package: that it carries its lessons, banks,
manifest and assessments, and finds them without the checkout; and that a
learner's install (no extras) serves every kind of page without the
trainer-only packages, which the served pages are kept from importing here.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import site
import subprocess
import sys
import venv
from pathlib import Path

import pytest
import requests

from tests.support.net import free_port, stop, wait_for_http, wait_until_gone

pytestmark = pytest.mark.slow
REPO = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def installed(tmp_path_factory) -> Path:
    base = tmp_path_factory.mktemp("regular-install")
    env_dir = base / "venv"
    venv.create(env_dir, with_pip=False)
    python = env_dir / "bin" / "python"
    target = Path(subprocess.run([python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                                 check=True, capture_output=True, text=True).stdout.strip())
    (target / "borrowed-dependencies.pth").write_text("\n".join(site.getsitepackages()) + "\n", encoding="utf-8")
    # Build from a copy of the files git knows (not ignored ones), as a fresh clone
    # would: a stale build/ folder in the checkout must not stand in for the build step.
    source = base / "source"
    listed = subprocess.run(["git", "ls-files", "-co", "--exclude-standard"], cwd=REPO, check=True,
                            capture_output=True, text=True).stdout.splitlines()
    for name in listed:
        if (REPO / name).is_file():
            (source / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(REPO / name, source / name)
    wheels = base / "wheels"
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w",
                    str(wheels), str(source)], check=True, capture_output=True, cwd=base)
    [wheel] = wheels.glob("peer_course-*.whl")
    subprocess.run([sys.executable, "-m", "pip", "--python", str(python), "install", "--no-deps", "-q", str(wheel)],
                   check=True, capture_output=True, cwd=base)
    return env_dir


def clean_env(env_dir: Path, tmp: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PEER_COURSE", "PYTHON", "VIRTUAL_ENV"))}
    # the borrowed dependencies' commands (nbgrader runs `alembic`) come after this venv's own
    env.update(PATH=os.pathsep.join([str(env_dir / "bin"), str(Path(sys.executable).parent), env["PATH"]]),
               JUPYTER_PLATFORM_DIRS="1",
               JUPYTER_PATH=str(Path(sys.prefix) / "share" / "jupyter"),
               PEER_COURSE_DATA_DIR=str(tmp / "data"), HOME=str(tmp))
    return env


def test_the_installed_package_carries_its_content(installed, tmp_path):
    code = ("import peer_widgets, peer_widgets.content as c, peer_widgets.manifest as m;"
            "print(peer_widgets.__file__); print(c.course_root()); print(len(m.load_manifest().modules))")
    out = subprocess.run([installed / "bin" / "python", "-c", code], cwd=tmp_path, env=clean_env(installed, tmp_path),
                         check=True, capture_output=True, text=True).stdout.splitlines()
    assert out[0].startswith(str(installed))  # the regular install, not this checkout
    assert Path(out[1]) == Path(out[0]).parent / "content"
    assert int(out[2]) >= 7
    bundled = Path(out[1])
    assert not list(bundled.rglob("responses.json*"))  # no learner answers ship


# In [trainer] (reports and certificates), not in a learner's install: nothing
# that `peer-course serve` runs may import them.
TRAINER_ONLY = ("pandas", "numpy")


def test_a_learner_install_leaves_out_the_trainer_only_packages(installed, tmp_path):
    code = ("import importlib.metadata as m, json;"
            "print(json.dumps(m.requires('peer-course')))")
    out = subprocess.run([installed / "bin" / "python", "-c", code], cwd=tmp_path, env=clean_env(installed, tmp_path),
                         check=True, capture_output=True, text=True).stdout
    requires = json.loads(out)
    core = {re.split(r"[<>=!~;\[ ]", r, maxsplit=1)[0].lower() for r in requires if "extra ==" not in r}
    assert {"voila", "ipywidgets", "anywidget", "nbgrader"} <= core
    assert core.isdisjoint(TRAINER_ONLY)
    assert any(r.startswith("pandas") and 'extra == "trainer"' in r for r in requires)
    for extra in ("test", "hub"):  # the tests and a course hub get the trainer tools too
        assert any(r.replace(" ", "").startswith("peer-course[trainer]") and f'extra == "{extra}"' in r
                   for r in requires), extra


def test_the_installed_command_serves_every_page_without_trainer_only_packages(installed, tmp_path):
    # The borrowed test environment has pandas and numpy; these stand-ins, first
    # on the path of `peer-course serve`, Voila and every kernel, refuse to import.
    blocked = tmp_path / "blocked"
    for name in TRAINER_ONLY:
        (blocked / name).mkdir(parents=True)
        (blocked / name / "__init__.py").write_text(
            f"raise ImportError('{name} is trainer-only: a learner install does not have it')\n", encoding="utf-8")
    env = clean_env(installed, tmp_path)
    env["PYTHONPATH"] = str(blocked)
    port = free_port()
    log = tmp_path / "serve.log"
    with log.open("w") as handle:
        process = subprocess.Popen([installed / "bin" / "peer-course", "serve", "--no-browser", f"--port={port}",
                                    "--workspace", str(tmp_path / "course")],
                                   cwd=tmp_path, env=env, stdout=handle, stderr=subprocess.STDOUT)
    try:
        base = f"http://127.0.0.1:{port}/voila/render"
        page = wait_for_http(f"{base}/home.ipynb", process=process, log=log, timeout=180, below=400)
        assert page.status_code == 200
        assert "peer-home" in page.text
        assert (tmp_path / "course" / "01-peer-role.ipynb").is_file()
        # a module page and the self-assessment (nbgrader's student version) render too
        for path in ("01-peer-role.ipynb",
                     "self-assessment/core-competencies-self-assessment.ipynb"):
            page = requests.get(f"{base}/{path}", timeout=120)
            assert page.status_code == 200, path
            assert "application/vnd.jupyter.widget-view+json" in page.text, path
            assert '"output_type": "error"' not in page.text, path
            assert "show_tracebacks" not in page.text, path
        assert "Error" not in log.read_text(errors="replace")
        assert "trainer-only" not in log.read_text(errors="replace")
    finally:
        stop(process)
    assert wait_until_gone("voila", f"--port={port}") == []  # stopping serve stops its Voila
