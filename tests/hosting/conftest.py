"""Shared pieces of the hosting tests: free loopback ports, waiting for a
server to answer, and a clean environment for processes that must not see
this test run's virtual environment or the developer's own Jupyter files."""

from __future__ import annotations

import os
import socket
import subprocess
import time
from collections.abc import Callable
from pathlib import Path

import pytest
import requests

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="session")
def free_port() -> Callable[[], int]:
    """A function returning a loopback port nobody is listening on."""

    def pick() -> int:
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            return sock.getsockname()[1]

    return pick


def wait_for_http(url: str, *, process: subprocess.Popen, log: Path, timeout: float = 120,
                  below: int = 500, **kwargs) -> requests.Response:
    """GET ``url`` until it answers with a status below ``below``; fail with
    the server's log if the server exits or does not answer in ``timeout`` s."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"the server exited ({process.returncode}) before answering {url}:\n"
                        + log.read_text(errors="replace")[-6000:])
        try:
            response = requests.get(url, timeout=10, **kwargs)
            if response.status_code < below:
                return response
        except requests.ConnectionError:
            pass
        time.sleep(0.5)
    pytest.fail(f"no answer from {url} within {timeout:g} s:\n" + log.read_text(errors="replace")[-6000:])


@pytest.fixture(scope="session")
def wait_http() -> Callable[..., requests.Response]:
    return wait_for_http


def stop(process: subprocess.Popen, timeout: float = 30) -> None:
    """Terminate a server we started, then kill it if it does not stop."""
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=timeout)


@pytest.fixture(scope="session")
def stop_process() -> Callable[[subprocess.Popen], None]:
    return stop


def clean_env(home: Path, **extra: str) -> dict[str, str]:
    """The environment for a child process with its own ``home``: no virtual
    environment activated and no Jupyter settings from the developer (pip's
    settings stay: they say where this machine's package index is)."""
    env = {key: value for key, value in os.environ.items()
           if not key.startswith(("JUPYTER", "PYTHON", "VIRTUAL_ENV", "PEER_COURSE", "NBGRADER"))}
    env.update(HOME=str(home), JUPYTER_PLATFORM_DIRS="1", PYTHONNOUSERSITE="1")
    env.update(extra)
    return env


@pytest.fixture(scope="session")
def child_env() -> Callable[..., dict[str, str]]:
    return clean_env
