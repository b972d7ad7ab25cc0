"""Student versions of assessments for a learner's own course folder.

A learner who takes the course without a trainer (a laptop, Binder, a shared
Voila server) still needs the self-assessment page. It is made exactly as a
trainer's release is, by nbgrader's generate_assignment in a throw-away
course folder, so no hidden test ever reaches the learner; the result is
cached by a fingerprint of the source.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from peer_widgets.content import assessments_dir
from peer_widgets.errors import PeerCourseError

STAMP = ".peer-course-source"


class StudentVersionError(PeerCourseError):
    pass


def fingerprint(folder: Path) -> str:
    digest = hashlib.sha256()
    for path in sorted(p for p in folder.iterdir() if p.is_file() and not p.name.startswith(".")):
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def make_student_version(name: str, dest: Path) -> Path:
    """Write the student version of assessment ``name`` into ``dest`` (learner files untouched)."""
    source = assessments_dir() / name
    stamp = fingerprint(source)
    dest.mkdir(parents=True, exist_ok=True)
    if (dest / STAMP).is_file() and (dest / STAMP).read_text(encoding="utf-8") == stamp:
        return dest
    with tempfile.TemporaryDirectory(prefix="peer-course-release-") as tmp:
        root = Path(tmp)
        shutil.copytree(source, root / "source" / name,
                        ignore=shutil.ignore_patterns("responses.json*", ".*"))
        (root / "nbgrader_config.py").write_text(
            "c = get_config()\n"
            f"c.CourseDirectory.root = {str(root)!r}\n"
            f"c.CourseDirectory.db_url = 'sqlite:///{root}/gradebook.db'\n", encoding="utf-8")
        # nbgrader calls alembic, so this environment's bin goes first on PATH.
        env = dict(os.environ, PATH=str(Path(sys.executable).parent) + os.pathsep + os.environ.get("PATH", ""))
        process = subprocess.run([sys.executable, "-m", "nbgrader", "generate_assignment", name, "--create", "--force"],
                                 cwd=root, env=env, capture_output=True, text=True)
        if process.returncode != 0:
            tail = "\n".join(((process.stderr or "") + (process.stdout or "")).strip().splitlines()[-8:])
            raise StudentVersionError(f"could not make the student version of {name}:\n{tail}")
        for path in (root / "release" / name).iterdir():
            if path.is_file() and path.name != "responses.json":
                shutil.copy2(path, dest / path.name)
    (dest / STAMP).write_text(stamp, encoding="utf-8")
    return dest
