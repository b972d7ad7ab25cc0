"""Fixtures for the trainer tests: a real PostgreSQL server on loopback.

The server runs as the ``postgres`` user (PostgreSQL refuses to run as
root) in a temporary folder that user owns, on a free port, and is stopped
and removed at the end of the session. Debian's ``postgresql`` package is
installed with apt-get when ``initdb`` is missing (CI runs as root).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
import uuid
from pathlib import Path

import pytest

from tests.support.net import free_port


def _pg_bin() -> Path | None:
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"))
    if found:
        return found[-1].parent
    which = shutil.which("initdb")
    return Path(which).resolve().parent if which else None


@pytest.fixture(scope="session")
def postgres_server():
    """``(base URL without a database name, create_database)`` for a throwaway server."""
    bin_dir = _pg_bin()
    if bin_dir is None:
        if os.geteuid() != 0:
            pytest.skip("PostgreSQL is not installed and installing it needs root")
        subprocess.run(["apt-get", "update", "-q"], check=True, capture_output=True)
        subprocess.run(["apt-get", "install", "-y", "-q", "postgresql"], check=True, capture_output=True,
                       env={**os.environ, "DEBIAN_FRONTEND": "noninteractive"})
        bin_dir = _pg_bin()
    as_postgres = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
    base = Path(tempfile.mkdtemp(prefix="peer-course-pg-", dir="/tmp"))
    if os.geteuid() == 0:
        shutil.chown(base, "postgres", "postgres")
    data, port = base / "data", free_port()
    subprocess.run([*as_postgres, str(bin_dir / "initdb"), "-D", str(data), "-A", "trust", "-U", "postgres",
                    "-E", "UTF8", "--no-instructions"], check=True, capture_output=True)
    subprocess.run([*as_postgres, str(bin_dir / "pg_ctl"), "-D", str(data), "-l", str(base / "server.log"), "-w",
                    "-o", f"-p {port} -k {base} -c listen_addresses=127.0.0.1 -c max_connections=200", "start"],
                   check=True, capture_output=True)
    url = f"postgresql://postgres@127.0.0.1:{port}"

    def create_database() -> str:
        import psycopg2

        name = "gradebook_" + uuid.uuid4().hex[:8]
        connection = psycopg2.connect(url + "/postgres")
        connection.autocommit = True
        with connection.cursor() as cursor:
            cursor.execute(f"CREATE DATABASE {name}")
        connection.close()
        return f"{url}/{name}"

    try:
        yield url, create_database
    finally:
        subprocess.run([*as_postgres, str(bin_dir / "pg_ctl"), "-D", str(data), "-m", "immediate", "-w", "stop"],
                       capture_output=True)
        shutil.rmtree(base, ignore_errors=True)
