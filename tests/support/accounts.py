"""Running code as another account in a test (the tests run as root)."""

from __future__ import annotations

import contextlib
import shutil
import stat
import subprocess
from pathlib import Path
from typing import Iterator


def open_to_others(paths: list[Path]) -> dict[Path, int]:
    """Let other accounts traverse every folder above and at ``paths`` (this
    environment's Python may live under a private home such as /root).
    Returns the modes to restore."""
    changed: dict[Path, int] = {}
    for path in paths:
        for folder in [path, *path.parents]:
            if folder.is_dir() and folder not in changed:
                mode = folder.stat().st_mode
                if not mode & stat.S_IXOTH:
                    changed[folder] = stat.S_IMODE(mode)
                    folder.chmod(stat.S_IMODE(mode) | stat.S_IXOTH)
    return changed


@contextlib.contextmanager
def reachable(*paths: Path) -> Iterator[None]:
    """Other accounts may traverse to ``paths`` inside the block; modes are restored after."""
    changed = open_to_others(list(paths))
    try:
        yield
    finally:
        for folder, mode in changed.items():
            folder.chmod(mode)


def run_as(user: str, command: list[str], **env: str) -> subprocess.CompletedProcess:
    """Run ``command`` as ``user`` (with that account's groups, as a login would)."""
    runuser = shutil.which("runuser") or "/usr/sbin/runuser"
    return subprocess.run([runuser, "-u", user, "--", *command], capture_output=True, text=True, timeout=300,
                          env={"PATH": "/usr/bin:/bin", **env})
