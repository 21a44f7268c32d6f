"""ServiceApp: the one composition root a service builds on. Services add only their domain:
numbered migrations, gRPC servicers, event handlers and (for the storefront) HTTP routes."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable, Iterable, Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import grpc
from fastapi import FastAPI
from google.protobuf.message import Message
from opentelemetry.sdk.trace import SpanProcessor

from homefield.catalog import Catalog
from homefield.catalog.registrations import require_registered
from homefield.catalog.slo import outbox_age_thresholds
from homefield.runtime.consumer import EventConsumer, RetryPolicy
from homefield.runtime.db import Seed, open_database
from homefield.runtime.dlq import DeadLetterWriter, dlq_topic
from homefield.runtime.endpoints import channel_target
from homefield.runtime.faults import FaultInjector
from homefield.runtime.grpc_client import open_channel
from homefield.runtime.grpc_server import GrpcServer
from homefield.runtime.http import HttpServer, build_ops_app
from homefield.runtime.info import ServiceInfo
from homefield.runtime.kafka import broker_reachable, new_consumer, new_producer, start_with_retry
from homefield.runtime.metrics import Metrics
from homefield.runtime.outbox_watch import OutboxWatch
from homefield.runtime.producer import RecoveringProducer
from homefield.runtime.readiness import ReadinessChecks
from homefield.runtime.registry import RegistrationError, Registry
from homefield.runtime.relay import OutboxRelay
from homefield.runtime.settings import ServiceSettings, SettingsError, setting_name
from homefield.runtime.tracing import build_tracer_provider, tracer_for

log = logging.getLogger("homefield.service")
PRUNE_INTERVAL_SECONDS = 600
CONSUMER_TASK = "event consumer"


class ServiceApp:
    """Everything a Homefield service runs on, built from its catalog entry and settings.

    It reads only its own service.yaml, OWNERS, slo.yaml and team (from ``catalog``'s root):
    another service's files cannot stop it; callees come from the ``endpoints`` setting. At
    start it applies the platform's migrations, then ``migrations``, then ``seed``.
    """

    def __init__(
        self,
        name: str,
        settings: ServiceSettings,
        *,
        migrations: Path | None = None,
        seed: Seed | None = None,
        catalog: Catalog | None = None,
        span_processors: Iterable[SpanProcessor] = (),
    ) -> None:
        catalog = catalog or Catalog.load()
        self.root = catalog.root
        self.entry = catalog.load_service(catalog.root / "services" / name)
        self.name = name
        self.settings = settings
        spec = self.entry.spec
        if extra := sorted(set(settings.endpoints) - set(spec.calls)):
            raise SettingsError(
                f"{setting_name(name, 'endpoints')}: {', '.join(extra)} not in service.yaml calls"
            )
        self.metrics = Metrics(
            service=name, team=self.entry.team, tier=spec.tier, version=settings.version
        )
        self.tracer_provider = build_tracer_provider(
            service=name, version=settings.version, processors=span_processors
        )
        self.tracer = tracer_for(self.tracer_provider, name)
        self.faults = FaultInjector(settings.faults)
        topic = settings.topic_prefix + spec.publishes[0].topic if spec.publishes else ""
        dirs = [migrations] if migrations else []
        self.db = open_database(settings.database_url, topic=topic, migrations=dirs, seed=seed)
        self.metrics.store_size.set_function(self.db.size_bytes)
        self.grpc = (
            GrpcServer(metrics=self.metrics, tracer=self.tracer, faults=self.faults)
            if spec.grpc
            else None
        )
        self.info = ServiceInfo(self.entry, catalog.teams, version=settings.version)
        self.readiness = ReadinessChecks()
        self.readiness.add("accepting", lambda: None if not self._stopping else "shutting down")
        self.readiness.add("database", self._database_check)
        if self.uses_kafka:
            self.readiness.add("kafka", self._kafka_check)
        self.http: FastAPI = build_ops_app(
            metrics=self.metrics,
            tracer=self.tracer,
            readiness=self.readiness.evaluate,
            info=self.info,
        )
        self.registry = Registry(name, consumes=spec.consumes)
        self._channels: dict[str, grpc.aio.Channel] = {}
        self._tasks: list[asyncio.Task[None]] = []
        self._stopping = False
        self.grpc_port: int | None = None
        self._producers: list[RecoveringProducer] = []
        self.relay: OutboxRelay | None = None
        self.consumer: EventConsumer | None = None
        self.http_port: int | None = None

    # --- what a service adds -------------------------------------------------------------
    def add_grpc(
        self,
        register: Callable[[Any, grpc.aio.Server], None],
        servicer: Any,
        *,
        methods: Sequence[str],
    ) -> None:
        """Serve ``servicer`` (registered with its generated ``add_*Servicer_to_server``) as the
        gRPC service in service.yaml ``provides``; ``methods`` names every method it serves."""
        if self.grpc is None or self.entry.spec.grpc is None:
            raise RegistrationError(f"{self.name}: service.yaml declares no grpc section")
        grpc_service = self.entry.spec.grpc.provides[0]
        self.registry.add_grpc_service(grpc_service, methods)
        self.grpc.add(register, servicer, grpc_service)

    def handle(
        self, name: str, event_type: type[Message], handler: Callable[..., None], **deps: Any
    ) -> None:
        """Run ``handler(event, tx, **deps)`` for each ``event_type`` from the topics in
        service.yaml ``consumes``. ``name`` is its metric label, fault key and SLO name."""
        self.registry.handle(name, event_type, handler, **deps)

    def channel(self, grpc_service: str) -> grpc.aio.Channel:
        """A channel to ``grpc_service`` (listed in service.yaml ``calls``), balanced over the
        addresses the ``endpoints`` setting gives for it."""
        if grpc_service not in self.entry.spec.calls:
            raise ValueError(f"{self.name}: {grpc_service} is not in service.yaml calls")
        if grpc_service not in self._channels:
            addresses = self.settings.endpoints.get(grpc_service)
            if not addresses:
                raise SettingsError(
                    f"{setting_name(self.name, 'endpoints')} gives no address for {grpc_service},"
                    " which service.yaml calls (`make up` and `make render` write it)"
                )
            self._channels[grpc_service] = open_channel(
                channel_target(addresses), metrics=self.metrics, tracer=self.tracer
            )
        return self._channels[grpc_service]

    # --- lifecycle -----------------------------------------------------------------------
    async def start(self) -> None:
        """Refuse an slo.yaml naming what bootstrap.py did not register, then start it all."""
        require_registered(self.entry, self.registry.registered())
        s, spec = self.settings, self.entry.spec
        self.db.open()
        if self.uses_kafka:
            await self._start_relay()
        if self.registry.routes:
            await self._start_consumer()
        if self.grpc is not None and spec.grpc is not None:
            port = spec.grpc.port if s.grpc_port is None else s.grpc_port
            self.grpc_port = await self.grpc.start(s.http_host, port)
        port = spec.http.port if s.http_port is None else s.http_port
        self._http_server = HttpServer(self.http, s.http_host, port)
        self.http_port = await self._http_server.start()
        log.info(
            "service started", extra={"grpc_port": self.grpc_port, "http_port": self.http_port}
        )

    @property
    def uses_kafka(self) -> bool:
        """Services that neither publish nor consume run without a broker."""
        return bool(self.entry.spec.publishes or self.entry.spec.consumes)

    def _producer(self, name: str) -> RecoveringProducer:
        bootstrap = self.settings.kafka_bootstrap
        producer = RecoveringProducer(lambda: new_producer(bootstrap), name=name)
        self._producers.append(producer)
        return producer

    async def _start_relay(self) -> None:
        producer = self._producer("outbox relay")
        await start_with_retry(producer)
        self.relay = OutboxRelay(
            outbox=self.db,
            producer=producer,
            metrics=self.metrics,
            tracer=self.tracer,
            faults=self.faults,
            source=f"//homefield/{self.name}",
            batch_size=self.settings.relay_batch_size,
        )
        self.db.on_commit(self.relay.wake)
        self._spawn(self.relay.run(), "outbox relay")
        watch = OutboxWatch(
            outbox=self.db,
            metrics=self.metrics,
            thresholds=outbox_age_thresholds(self.entry.slos),
        )
        setting = setting_name(self.name, "outbox_max_age_seconds")
        limit = self.settings.outbox_max_age_seconds
        self.readiness.add("outbox", watch.readiness(limit_seconds=limit, setting=setting))
        self._spawn(watch.run(), "outbox watch")

    async def _start_consumer(self) -> None:
        s, spec = self.settings, self.entry.spec
        topics = [s.topic_prefix + topic for topic in spec.consumes]
        self._kafka_consumer = new_consumer(
            s.kafka_bootstrap, topics=topics, group_id=s.topic_prefix + self.name
        )
        await start_with_retry(self._kafka_consumer)
        self.consumer = EventConsumer(
            consumer=self._kafka_consumer,
            dead_letters=DeadLetterWriter(
                self._producer("dead letters"),
                topic=dlq_topic(self.name, s.topic_prefix),
                metrics=self.metrics,
            ),
            routes=self.registry.routes,
            db=self.db,
            metrics=self.metrics,
            tracer=self.tracer,
            faults=self.faults,
            retry=RetryPolicy(s.consumer_max_attempts, s.retry_backoff_ms / 1000),
            commit_interval_seconds=s.consumer_commit_interval_ms / 1000,
        )
        self._spawn(self.consumer.run(), CONSUMER_TASK)
        consumer, limit = self.consumer, s.consumer_max_stall_seconds
        setting = setting_name(self.name, "consumer_max_stall_seconds")
        self.readiness.add(
            "consumer", lambda: consumer.stalled(limit_seconds=limit, setting=setting)
        )
        self._spawn(self._prune_processed(), "processed-id pruning")

    async def _prune_processed(self) -> None:
        keep = timedelta(days=self.settings.processed_event_retention_days)
        while True:
            removed = self.db.prune_processed(datetime.now(UTC) - keep)
            if removed:
                log.info("forgot old processed event ids", extra={"removed": removed})
            await asyncio.sleep(PRUNE_INTERVAL_SECONDS)

    async def stop(self) -> None:
        """Stop intake, finish in-flight work, commit, deliver the outbox, close."""
        if self._stopping:
            return
        self._stopping = True
        grace = self.settings.shutdown_grace_seconds
        if self.grpc is not None and self.grpc_port is not None:
            await self.grpc.stop(grace * 0.3)
        await self._http_server.stop()  # in-flight requests finish while channels are still open
        if self.consumer is not None:
            self.consumer.stop()
        await self._finish_consuming(timeout=grace * 0.3)
        for task in self._tasks:
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        if self.relay is not None:
            await self.relay.drain(deadline_seconds=grace * 0.2)
        for producer in self._producers:  # each gives up within its share of the grace
            await producer.stop(grace * 0.05)
        if self.consumer is not None:  # a broker that is down must not hold the exit
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._kafka_consumer.stop(), grace * 0.1)
        for channel in self._channels.values():
            await channel.close()
        self.db.close()
        self.tracer_provider.shutdown()
        log.info("service stopped")

    async def wait(self, stop: asyncio.Event) -> None:
        """Run until ``stop`` is set or a background task fails."""
        waiter = asyncio.create_task(stop.wait())
        await asyncio.wait([waiter, *self._tasks], return_when=asyncio.FIRST_COMPLETED)
        waiter.cancel()
        for task in self._tasks:
            if task.done() and not task.cancelled() and task.exception() is not None:
                raise RuntimeError(f"{task.get_name()} failed") from task.exception()

    def _spawn(self, coro: Any, name: str) -> None:
        self._tasks.append(asyncio.create_task(coro, name=name))

    async def _finish_consuming(self, *, timeout: float) -> None:
        """Let the consumer finish its batch and commit; the other tasks are cancelled after."""
        pending = [t for t in self._tasks if t.get_name() == CONSUMER_TASK]
        if pending:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(asyncio.gather(*pending, return_exceptions=True), timeout)

    def _database_check(self) -> str | None:
        return None if self.db.is_reachable() else f"database {self.db.location} does not answer"

    async def _kafka_check(self) -> str | None:
        bootstrap = self.settings.kafka_bootstrap
        reachable = await broker_reachable(bootstrap)
        return None if reachable else f"no Kafka broker answers at {bootstrap}"
