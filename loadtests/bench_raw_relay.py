"""The raw side of the relay benchmark: the same rows as the platform, written by hand.

What a careful engineer writes with the platform's libraries and nothing else: an aiokafka
consumer and producer with the platform's client settings, SQLite with the runtime's pragmas and
tables, and per polled batch one transaction that checks and records each ce_id and writes the
shipment and outbox rows; then produce, wait for the acks, delete the outbox rows, commit the
offsets. No envelope checks beyond reading ce_id, no spans, no metrics.
"""

from __future__ import annotations

import asyncio
import sqlite3
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition
from bench_rounds import Stamp
from homefield.runtime.db import INSERT_OUTBOX, utc_now
from homefield.runtime.envelope import encode_headers
from homefield.runtime.sqlite_store import PRAGMAS, platform_schema
from shop.orders.v1.events_pb2 import OrderConfirmed
from shop.shipping.v1.events_pb2 import ShipmentDispatched

# The effect both relays write for each event, beside the processed id and the outbox row.
SCHEMA = """
CREATE TABLE IF NOT EXISTS shipments (
    order_id TEXT PRIMARY KEY,
    shipment_id TEXT NOT NULL,
    tracking_number TEXT NOT NULL
);
"""
INSERT_SHIPMENT = "INSERT INTO shipments (order_id, shipment_id, tracking_number) VALUES (?, ?, ?)"


@dataclass
class Clock:
    first: Stamp | None = None
    done: int = 0
    stopping: bool = False

    def mark_first(self) -> None:
        if self.first is None:
            self.first = Stamp.now()


def shipment_for(event: OrderConfirmed) -> ShipmentDispatched:
    return ShipmentDispatched(
        order_id=event.order_id,
        shipment_id=f"shp-{event.order_id}",
        tracking_number=f"TRK{event.order_id[-7:]}",
    )


def open_raw_database(path: Path) -> sqlite3.Connection:
    """The raw relay's SQLite file: the runtime's pragmas and tables, autocommit off by hand."""
    conn = sqlite3.connect(path, isolation_level=None)
    for pragma in PRAGMAS:
        conn.execute(pragma)
    conn.executescript(platform_schema() + SCHEMA)
    return conn


class RawRelay:
    """Per polled batch: one transaction writing each new event's processed id, shipment and
    outbox rows; then produce them, wait for the acks, delete them, commit the offsets."""

    def __init__(
        self,
        consumer: AIOKafkaConsumer,
        producer: AIOKafkaProducer,
        conn: sqlite3.Connection,
        sink: str,
        clock: Clock,
    ) -> None:
        self.consumer, self.producer, self.conn = consumer, producer, conn
        self.sink, self.clock = sink, clock
        self.ce_type = ShipmentDispatched.DESCRIPTOR.full_name

    async def run(self) -> None:
        while not self.clock.stopping:
            batch = await self.consumer.getmany(timeout_ms=200, max_records=500)
            if not batch:
                continue
            self.clock.mark_first()
            rows = self._store(batch)
            futures = [
                await self.producer.send(self.sink, payload, key=key, headers=headers)
                for _, key, payload, headers in rows
            ]
            await asyncio.gather(*futures)
            self.conn.execute("BEGIN IMMEDIATE")
            self.conn.executemany("DELETE FROM outbox WHERE id = ?", [(r[0],) for r in rows])
            self.conn.execute("COMMIT")
            await self.consumer.commit({tp: recs[-1].offset + 1 for tp, recs in batch.items()})
            self.clock.done += sum(len(records) for records in batch.values())

    def _store(self, batch: dict[TopicPartition, list[Any]]) -> list[tuple[int, bytes, bytes, Any]]:
        conn, rows = self.conn, []
        conn.execute("BEGIN IMMEDIATE")
        for records in batch.values():
            for record in records:
                headers = dict(record.headers)
                ce_id = headers["ce_id"].decode()
                seen = conn.execute("SELECT 1 FROM processed_events WHERE ce_id = ?", (ce_id,))
                if seen.fetchone() is not None:
                    continue
                event = OrderConfirmed.FromString(record.value)
                shipment = shipment_for(event)
                conn.execute(
                    INSERT_SHIPMENT,
                    (event.order_id, shipment.shipment_id, shipment.tracking_number),
                )
                out_id, now, payload = str(uuid.uuid4()), utc_now(), shipment.SerializeToString()
                traceparent = headers.get("traceparent", b"").decode()
                cursor = conn.execute(
                    INSERT_OUTBOX,
                    (self.sink, event.order_id, out_id, self.ce_type, now, traceparent, payload),
                )
                conn.execute(
                    "INSERT INTO processed_events (ce_id, processed_at) VALUES (?, ?)",
                    (ce_id, now),
                )
                out_headers = encode_headers(
                    ce_id=out_id,
                    ce_type=self.ce_type,
                    ce_source="//homefield/bench-raw",
                    ce_time=now,
                    traceparent=traceparent,
                )
                rows.append((int(cursor.lastrowid or 0), record.key, payload, out_headers))
        conn.execute("COMMIT")
        return rows
