"""How long a saga step's transaction holds the event loop on each store.

A consumer's transaction runs synchronously on the event loop thread (it never awaits), so its
duration is time the loop serves nothing else. This times the transaction of one handled event
as the runtime runs it (savepoint, processed-id check, a stock update, a reservation row, an
outbox row, the processed id, release), in batches of --batch events per COMMIT, on SQLite (a
file in a temporary directory) and on PostgreSQL (--postgres, by default the local shop's
server from `make up STORE=postgres`), in a fresh database each.

    .venv/bin/python loadtests/bench_store.py [--events 2000] [--batch 50]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path

import psycopg
from homefield.runtime.db import Database, open_database
from psycopg import sql
from shop.inventory.v1 import events_pb2

SCHEMA = (
    "CREATE TABLE products (sku TEXT PRIMARY KEY, available BIGINT NOT NULL);\n"
    "CREATE TABLE reservations (order_id TEXT PRIMARY KEY, sku TEXT NOT NULL);\n"
    "INSERT INTO products VALUES ('SKU-1', 1000000000);\n"
)


def handle(db: Database, batch: int) -> float:
    """One polled batch in one transaction, a savepoint per event; seconds it took."""
    started = time.perf_counter()
    with db.transaction() as tx:
        for _ in range(batch):
            order_id, ce_id = str(uuid.uuid4()), str(uuid.uuid4())
            tx.execute("SAVEPOINT event")
            if not tx.already_processed(ce_id):
                tx.execute("UPDATE products SET available = available - 1 WHERE sku = ?", ["SKU-1"])
                tx.execute("INSERT INTO reservations VALUES (?, ?)", (order_id, "SKU-1"))
                tx.publish(events_pb2.StockReserved(order_id=order_id), key=order_id)
                tx.mark_processed(ce_id)
            tx.execute("RELEASE SAVEPOINT event")
    return time.perf_counter() - started


def measure(db: Database, events: int, batch: int) -> list[float]:
    db.open()
    try:
        return [handle(db, batch) / batch for _ in range(events // batch)]
    finally:
        db.close()


def fresh_postgres(url: str) -> str:
    name = f"bench_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    return url.rsplit("/", 1)[0] + "/" + name


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=2000)
    parser.add_argument("--batch", type=int, default=50)
    parser.add_argument("--postgres", default="postgresql://postgres@127.0.0.1:5432/postgres")
    args = parser.parse_args(argv)
    if args.events < args.batch or args.batch < 1:
        parser.error("--events must be at least --batch, and --batch at least 1")
    with tempfile.TemporaryDirectory() as tmp:
        migrations = Path(tmp) / "migrations"
        migrations.mkdir()
        (migrations / "0001.bench.sql").write_text(SCHEMA)
        stores = {
            "sqlite": f"sqlite:///{Path(tmp) / 'bench.sqlite3'}",
            "postgresql": fresh_postgres(args.postgres),
        }
        sys.stdout.write(f"per event, {args.batch} events per transaction, {args.events} events\n")
        for store, url in stores.items():
            db = open_database(url, topic="inventory.v1", migrations=[migrations])
            seconds = measure(db, args.events, args.batch)
            median, worst = statistics.median(seconds), max(seconds)
            sys.stdout.write(
                f"{store:<11} median {median * 1e6:7.0f} us   worst batch {worst * 1e6:7.0f} us"
                f"   loop held {median * args.batch * 1e3:6.1f} ms per batch\n"
            )
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
