"""Finding every process one grading worker started, wherever it went.

Each worker gets a random token in its environment; its kernels and
anything they start inherit it, even a process that moved to a session or
process group of its own. Ending all processes with the token ends all of
a worker's grading, which a process-group kill alone would not.
"""

from __future__ import annotations

from pathlib import Path

TOKEN_ENV = "PEER_COURSE_GRADING_TOKEN"
MEMORY_ENV = "PEER_COURSE_MEMORY_LIMIT_MB"


def processes_with_token(token: str) -> list[int]:
    """The ids of every process whose environment holds this grading token."""
    marker = f"{TOKEN_ENV}={token}".encode()
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            if marker in (entry / "environ").read_bytes().split(b"\0"):
                found.append(int(entry.name))
        except OSError:
            continue
    return found
