"""Local PostgreSQL for `make up STORE=postgres`: Debian's server, one cluster under .run/postgres,
a database per service.

initdb and postgres refuse to run as root, so as root both run as the ``postgres`` user that
Debian's package creates (``runuser``). The server listens on the loopback address only and
trusts it: this is a developer's machine, like the rest of the local shop.
"""

from __future__ import annotations

import os
import pwd
import shutil
import subprocess
from collections.abc import Iterable
from pathlib import Path

import psycopg
from psycopg import sql

SERVER_USER = "postgres"
SUPERUSER = "postgres"
_DEBIAN_SERVERS = Path("/usr/lib/postgresql")


class PostgresError(Exception):
    """The local PostgreSQL could not be set up; the message says what to do."""


def server_bindir() -> Path:
    """The newest Debian server's bin/ (``/usr/lib/postgresql/<major>/bin``), else PATH's."""
    found = sorted(
        (path for path in _DEBIAN_SERVERS.glob("*/bin") if (path / "postgres").exists()),
        key=lambda path: int(path.parent.name) if path.parent.name.isdigit() else 0,
    )
    if found:
        return found[-1]
    on_path = shutil.which("postgres")
    if on_path is None:
        raise PostgresError("PostgreSQL is not installed: run `make setup` (Debian: postgresql)")
    return Path(on_path).resolve().parent


def as_server_user(argv: Iterable[str]) -> tuple[str, ...]:
    """``argv`` run as the postgres user when we are root (PostgreSQL refuses root)."""
    if os.geteuid() != 0:
        return tuple(argv)
    return ("runuser", "-u", SERVER_USER, "--", *argv)


def _hand_to_server_user(path: Path) -> None:
    if os.geteuid() != 0:
        return
    try:
        user = pwd.getpwnam(SERVER_USER)
    except KeyError:
        raise PostgresError(
            f"no {SERVER_USER!r} user: install Debian's postgresql package (make setup)"
        ) from None
    os.chown(path, user.pw_uid, user.pw_gid)
    path.chmod(0o700)


def ensure_cluster(data_dir: Path) -> bool:
    """initdb ``data_dir`` unless it holds a cluster; True when it made one."""
    if (data_dir / "PG_VERSION").is_file():
        return False
    data_dir.mkdir(parents=True, exist_ok=True)
    _hand_to_server_user(data_dir)
    initdb = [str(server_bindir() / "initdb"), "--pgdata", str(data_dir), "--username", SUPERUSER]
    initdb += ["--auth", "trust", "--encoding", "UTF8", "--locale", "C.UTF-8", "--no-instructions"]
    done = subprocess.run(
        as_server_user(initdb), capture_output=True, text=True, check=False, cwd="/"
    )
    if done.returncode != 0:
        tail = "\n".join((done.stdout + done.stderr).strip().splitlines()[-8:])
        raise PostgresError(f"initdb {data_dir} failed:\n{tail}")
    return True


def server_command(data_dir: Path, *, host: str, port: int) -> tuple[str, ...]:
    """The postgres server on ``host:port`` (TCP only), run in the foreground."""
    return as_server_user(
        [
            str(server_bindir() / "postgres"),
            "-D",
            str(data_dir),
            "-c",
            f"listen_addresses={host}",
            "-c",
            f"port={port}",
            "-c",
            "unix_socket_directories=",
            "-c",
            "max_connections=200",  # every replica's pool, the relay's lock session, the tests
        ]
    )


def server_url(host: str, port: int, database: str = "postgres") -> str:
    return f"postgresql://{SUPERUSER}@{host}:{port}/{database}"


def database_name(service: str) -> str:
    return service.replace("-", "_")


def is_ready(host: str, port: int) -> bool:
    try:
        with psycopg.connect(server_url(host, port), connect_timeout=2) as conn:
            conn.execute("SELECT 1")
    except psycopg.Error:
        return False
    return True


def create_databases(host: str, port: int, services: Iterable[str]) -> list[str]:
    """CREATE DATABASE for each service that has none yet; return the ones created."""
    created = []
    with psycopg.connect(server_url(host, port), autocommit=True, connect_timeout=5) as conn:
        existing = {row[0] for row in conn.execute("SELECT datname FROM pg_database")}
        for service in services:
            name = database_name(service)
            if name not in existing:
                conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
                created.append(name)
    return created
