"""The local PostgreSQL of `make up STORE=postgres`: Debian's server, run as the postgres user."""

import psycopg
import pytest
from homefield.local.postgres import create_databases, database_name, is_ready
from homefield.testing.postgres import HOST, PostgresServer

pytestmark = pytest.mark.integration


def test_each_service_gets_its_own_database_once(postgres_server: PostgresServer) -> None:
    assert is_ready(HOST, postgres_server.port)
    services = ["orders", "inventory", "sample-svc"]
    first = create_databases(HOST, postgres_server.port, services)
    again = create_databases(HOST, postgres_server.port, services)
    assert first == ["orders", "inventory", "sample_svc"] and again == []
    with psycopg.connect(postgres_server.url(database_name("sample-svc"))) as conn:
        assert conn.execute("SELECT current_database()").fetchone() == ("sample_svc",)


def test_nothing_listens_where_no_server_runs() -> None:
    from homefield.local.health import free_port

    assert not is_ready(HOST, free_port())
