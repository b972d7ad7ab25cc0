"""Build step that carries the course content inside the installed package.

The lessons, item banks, manifest and assessments live once, in
``modules/`` and ``assessments/`` at the top of the repository. A regular
install (``pip install .``, a wheel, a hosting image) copies them into
``peer_widgets/content/``, where :mod:`peer_widgets.content` finds them; an
editable install reads them from the checkout and copies nothing. Everything
else about the package is in ``pyproject.toml``. The same step compiles each
interface translation (``locale/<lang>/LC_MESSAGES/peer_widgets.po``) into
the ``.mo`` the package reads, as ``pybabel compile`` does.
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
            return  # an editable install compiles its catalogues on first use (peer_widgets.i18n)
        from babel.messages.mofile import write_mo
        from babel.messages.pofile import read_po

        for po in (ROOT / "widgets" / "locale").glob("*/LC_MESSAGES/*.po"):
            mo = Path(self.build_lib) / "peer_widgets" / po.relative_to(ROOT / "widgets").with_suffix(".mo")
            mo.parent.mkdir(parents=True, exist_ok=True)
            with po.open("rb") as source, mo.open("wb") as target:
                write_mo(target, read_po(source, locale=po.parent.parent.name))
        target = Path(self.build_lib) / "peer_widgets" / "content"
        for folder in CONTENT:
            shutil.rmtree(target / folder, ignore_errors=True)
            shutil.copytree(ROOT / folder, target / folder, ignore=SKIP)


setup(cmdclass={"build_py": build_py_with_content})
