"""Build step that carries the course content inside the installed package.

The lessons, item banks, manifest and assessments live once, in
``modules/`` and ``assessments/`` at the top of the repository. A regular
install (``pip install .``, a wheel, a hosting image) copies them into
``peer_widgets/content/``, where :mod:`peer_widgets.content` finds them; an
editable install reads them from the checkout and copies nothing. Everything
else about the package is in ``pyproject.toml``.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

ROOT = Path(__file__).resolve().parent
CONTENT = ("modules", "assessments")
# learners' answers and generated folders never ship, even if they exist in a checkout
SKIP = shutil.ignore_patterns("responses.json*", ".*", "__pycache__", "self-assessment", "*.pyc")


class build_py_with_content(build_py):
    def run(self) -> None:
        super().run()
        if getattr(self, "editable_mode", False):
            return
        target = Path(self.build_lib) / "peer_widgets" / "content"
        for folder in CONTENT:
            shutil.rmtree(target / folder, ignore_errors=True)
            shutil.copytree(ROOT / folder, target / folder, ignore=SKIP)


setup(cmdclass={"build_py": build_py_with_content})
