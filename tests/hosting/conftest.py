"""Shared pieces of the hosting tests: free loopback ports, waiting for a
server to answer, and a clean environment for processes that must not see
this test run's virtual environment or the developer's own Jupyter files."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest
import requests

from tests.support import net

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="session")
def free_port() -> Callable[[], int]:
    """A function returning a loopback port nobody is listening on."""
    return net.free_port


def wait_for_http(url: str, **kwargs) -> requests.Response:
    """GET ``url`` until it answers (see :func:`tests.support.net.wait_for_http`);
    a server that never answers fails the test with its log."""
    try:
        return net.wait_for_http(url, **kwargs)
    except net.ServerDidNotStart as error:
        pytest.fail(str(error))


@pytest.fixture(scope="session")
def wait_http() -> Callable[..., requests.Response]:
    return wait_for_http


@pytest.fixture(scope="session")
def stop_process() -> Callable[[subprocess.Popen], None]:
    return net.stop


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
