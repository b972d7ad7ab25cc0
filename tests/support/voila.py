"""A real Voila server on loopback serving a learner's course folder, and
Debian's Chromium for Playwright (installed with apt-get when missing; no
browser is ever downloaded)."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

from peer_course.serving.serve import voila_command
from tests.support.net import free_port, stop, wait_for_http

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def ensure_chromium() -> str:
    """The path of Debian's Chromium, installing the package first if needed (tests run as root)."""
    if not Path(CHROMIUM).exists():
        env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
        subprocess.run(["apt-get", "update", "-qq"], check=True, env=env, capture_output=True)
        subprocess.run(["apt-get", "install", "-y", "-qq", "chromium"], check=True, env=env, capture_output=True)
    return CHROMIUM


class VoilaServer:
    """``peer-course serve``'s Voila command on a free port, for one course folder.

    ``shared`` runs the shared-server mode (a cookie per browser). Each
    server has its own per-user data folder, as a learner's computer would;
    ``env`` is added to its environment and ``args`` to its command line.
    """

    def __init__(self, workspace: Path, *, shared: bool = False, data_dir: Path, env: dict[str, str] | None = None,
                 args: list[str] | None = None):
        self.workspace = workspace
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        env = dict(os.environ, JUPYTER_PLATFORM_DIRS="1", PEER_COURSE_DATA_DIR=str(data_dir),
                   PEER_COURSE_CACHE_DIR=str(data_dir.parent / "cache"), **(env or {}))
        env.pop("PEER_COURSE_RESPONSES", None)
        self.log_path = workspace.parent / f"voila-{self.port}.log"
        self._log = open(self.log_path, "w")
        command = voila_command(workspace, port=self.port, open_browser=False, shared=shared)
        replaced = {arg.split("=", 1)[0] for arg in args or []}  # a setting given twice is an error
        command = [arg for arg in command if arg.split("=", 1)[0] not in replaced] + list(args or [])
        self.process = subprocess.Popen(command, env=env, stdout=self._log, stderr=subprocess.STDOUT)
        try:
            wait_for_http(self.base + "/voila/", process=self.process, log=self.log_path, timeout=90)
        except Exception:
            self.stop()
            raise

    def url(self, page: str) -> str:
        return f"{self.base}/voila/render/{page}"

    def log(self) -> str:
        self._log.flush()
        return self.log_path.read_text(errors="replace")

    def kernel_pids(self) -> list[int]:
        """The ids of the kernels this server is running (its ipykernel child processes)."""
        pids = []
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit():
                continue
            try:
                status = (entry / "status").read_text()
                command = (entry / "cmdline").read_bytes()
            except OSError:
                continue
            if f"\nPPid:\t{self.process.pid}\n" in status and b"ipykernel" in command:
                pids.append(int(entry.name))
        return pids

    def stop(self) -> None:
        stop(self.process)
        self._log.close()
