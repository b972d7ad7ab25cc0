"""Screenshots: the browser tests save them as test artifacts; only this
command copies the README's eight into ``docs/screenshots/``.

    python -m tests.support.screenshots      # after a run of tests/browser
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
ARTIFACTS = REPO / "artifacts" / "screenshots"
DOCS = REPO / "docs" / "screenshots"
README_SHOTS = ("home", "module", "progress", "phone-03-recovery-language", "phone-self-assessment",
               "es-home", "es-lesson-check", "es-certificate")


def save(page, name: str) -> Path:
    """Save a screenshot of a Playwright page as ``artifacts/screenshots/<name>.png``."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    target = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(target), full_page=False)
    return target


def refresh_docs() -> list[Path]:
    """Copy the README's screenshots from the last browser test run into docs/."""
    missing = [name for name in README_SHOTS if not (ARTIFACTS / f"{name}.png").is_file()]
    if missing:
        raise SystemExit(f"no screenshot(s) {', '.join(missing)} in {ARTIFACTS}; "
                         "run `python -m pytest tests/browser` first")
    DOCS.mkdir(parents=True, exist_ok=True)
    return [Path(shutil.copy(ARTIFACTS / f"{name}.png", DOCS / f"{name}.png")) for name in README_SHOTS]


if __name__ == "__main__":
    for path in refresh_docs():
        print(f"updated {path.relative_to(REPO)}")
    sys.exit(0)
