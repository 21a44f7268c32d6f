"""pytest plugin: a real PostgreSQL server for integration tests.

``postgres_server`` (session) is a throwaway cluster of Debian's server (the one `make up
STORE=postgres` runs), on a free port in a temporary directory, stopped at the end.
``postgres_url`` is a fresh, empty database on it for one test.
Enable it with ``pytest_plugins = ["homefield.testing.postgres"]`` in the root conftest.py.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from psycopg import sql

from homefield.local.health import free_port
from homefield.local.postgres import (
    PostgresError,
    ensure_cluster,
    is_ready,
    server_command,
    server_url,
)

HOST = "127.0.0.1"
START_SECONDS = 60.0


class PostgresServer:
    """A running throwaway server: ``url(database)`` connects as the superuser."""

    def __init__(self, port: int) -> None:
        self.port = port

    def url(self, database: str = "postgres") -> str:
        return server_url(HOST, self.port, database)

    def create_database(self) -> str:
        """A new empty database; returns its URL."""
        name = f"t_{uuid.uuid4().hex[:12]}"
        with psycopg.connect(self.url(), autocommit=True) as conn:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        return self.url(name)


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PostgresServer]:
    # The server runs as the postgres user, which must reach its data directory: pytest's own
    # temporary directories are private to the user running the tests.
    base = Path(tempfile.mkdtemp(prefix="homefield-postgres-"))
    base.chmod(0o755)
    port = free_port()
    try:
        ensure_cluster(base / "data")
    except PostgresError as exc:
        shutil.rmtree(base, ignore_errors=True)
        pytest.fail(f"PostgreSQL for the tests: {exc}", pytrace=False)
    log = (base / "server.log").open("wb")
    process = subprocess.Popen(
        server_command(base / "data", host=HOST, port=port),
        stdout=log,
        stderr=subprocess.STDOUT,
        cwd="/",
    )
    try:
        deadline = time.monotonic() + START_SECONDS
        while not is_ready(HOST, port):
            if process.poll() is not None or time.monotonic() > deadline:
                text = (base / "server.log").read_text(errors="replace")[-2000:]
                pytest.fail(f"PostgreSQL did not start on port {port}:\n{text}", pytrace=False)
            time.sleep(0.2)
        yield PostgresServer(port)
    finally:
        process.terminate()
        try:
            process.wait(30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()
        shutil.rmtree(base, ignore_errors=True)


@pytest.fixture
def postgres_url(postgres_server: PostgresServer) -> str:
    """A fresh, empty database for one test."""
    return postgres_server.create_database()
