"""Loopback ports, waiting for a server to answer, and stopping it."""

from __future__ import annotations

import socket
import subprocess
import time
from pathlib import Path

import requests


def free_port() -> int:
    """A loopback port nobody is listening on."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class ServerDidNotStart(RuntimeError):
    pass


def wait_for_http(url: str, *, process: subprocess.Popen, log: Path, timeout: float = 120,
                  below: int = 500, **kwargs) -> requests.Response:
    """GET ``url`` until it answers with a status below ``below``.

    Raises
    ------
    ServerDidNotStart
        With the server's log (see :func:`log_summary`), if the server exits
        or does not answer within ``timeout`` seconds.
    """
    deadline = time.monotonic() + timeout
    last = "nothing yet"
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise ServerDidNotStart(f"the server exited ({process.returncode}) before answering {url}:\n"
                                    + log_summary(log))
        try:
            response = requests.get(url, timeout=10, **kwargs)
            if response.status_code < below:
                return response
            last = f"status {response.status_code}"
        except requests.ConnectionError as error:
            last = f"no connection ({type(error).__name__})"
        time.sleep(0.3)
    raise ServerDidNotStart(f"no answer from {url} within {timeout:g} s (last: {last}):\n" + log_summary(log))


def log_summary(log: Path) -> str:
    """A server log for a failure message: its start (how the server came up,
    which a long tail of repeated requests would hide), the first warning,
    error and traceback lines after it, and its end."""
    text = log.read_text(errors="replace")
    if len(text) <= 12_000:
        return text
    lines = text.splitlines()
    notable = [line for line in lines[40:-60] if any(mark in line for mark in (
        "[W ", "[E ", "[C ", "Traceback", "Error", "error:", "warn"))]
    return "\n".join(["--- start of the log ---", *lines[:40], "--- warnings and errors ---", *notable[:80],
                      "--- end of the log ---", *lines[-60:]])


def stop(process: subprocess.Popen, timeout: float = 30) -> None:
    """Terminate a server we started, then kill it if it does not stop."""
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=timeout)


def processes_with(*fragments: str) -> list[int]:
    """The ids of running processes whose command line holds every fragment."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            command = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        if all(fragment in command for fragment in fragments):
            found.append(int(entry.name))
    return found


def wait_until_gone(*fragments: str, timeout: float = 30) -> list[int]:
    """Wait for every process matching ``fragments`` to end; return those still running."""
    deadline = time.monotonic() + timeout
    while (left := processes_with(*fragments)) and time.monotonic() < deadline:
        time.sleep(0.3)
    return left
