"""Start, watch and stop the parts of the local shop, with pid files and logs under .run/."""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import psycopg
from aiokafka.errors import KafkaError

from homefield.catalog import Catalog
from homefield.local import postgres, processes
from homefield.local.admin import (
    TopicError,
    broker_ready,
    catalog_topics,
    create_topics,
    run_blocking,
)
from homefield.local.health import http_ok, port_in_use
from homefield.local.kafka import BrokerError, KafkaSettings, LocalKafka, require_kafka_libs
from homefield.local.logtail import tail
from homefield.local.parts import Part, StackLayout, plan_parts
from homefield.local.postgres import PostgresError

Echo = Callable[[str], None]
SERVICE_STOP_SECONDS = 10.0
KAFKA_STOP_SECONDS = 30.0
PROGRESS_SECONDS = 5.0


class StackError(Exception):
    """A part of the local shop could not be started or did not become healthy."""


@dataclass(frozen=True)
class PartState:
    """What `homefield status` shows for one part."""

    part: Part
    pid: int | None
    healthy: bool

    @property
    def state(self) -> str:
        if self.healthy:
            return "up"
        return "starting" if self.pid is not None else "down"


class LocalStack:
    """The local shop of one checkout: Kafka, every service, the alert sink and monitoring."""

    def __init__(self, layout: StackLayout, catalog: Catalog, echo: Echo) -> None:
        self.layout = layout
        self.parts = plan_parts(layout, catalog)
        self.catalog = catalog
        self.echo = echo

    def part(self, name: str) -> Part:
        for part in self.parts:
            if part.name == name:
                return part
        known = ", ".join(part.name for part in self.parts)
        raise StackError(f"no part named {name!r}; the parts are: {known}")

    def kafka(self) -> LocalKafka:
        settings = KafkaSettings(
            data_dir=self.layout.run_dir / "kafka",
            libs=require_kafka_libs(self.layout.root),
            port=self.layout.kafka_port,
            controller_port=self.layout.controller_port,
            host=self.layout.host,
        )
        return LocalKafka(
            settings, log_path=self.layout.log_path("kafka"), pid_path=self.layout.pid_path("kafka")
        )

    def pid(self, part: Part) -> int | None:
        return processes.running_pid(self.layout.pid_path(part.name))

    def healthy(self, part: Part) -> bool:
        if part.is_kafka:
            return broker_ready(self.layout.kafka_bootstrap)
        if part.is_postgres:
            return postgres.is_ready(self.layout.host, self.layout.postgres_port)
        return part.ready_url is not None and http_ok(part.ready_url)

    def states(self) -> list[PartState]:
        return [PartState(part, self.pid(part), self.healthy(part)) for part in self.parts]

    def start(self, part: Part) -> int:
        """Start ``part`` unless it runs; return its pid."""
        running = self.pid(part)
        if running is not None:
            self.echo(f"{part.name}: already running (pid {running})")
            return running
        missing = [str(path) for path in part.requires if not path.exists()]
        if missing:
            raise StackError(f"{part.name}: {', '.join(missing)} not found; run `make setup`")
        busy = [port for port in part.ports if port_in_use(self.layout.host, port)]
        if busy:
            ports = ", ".join(str(port) for port in busy)
            raise StackError(
                f"{part.name}: port {ports} is taken by a process `homefield up` did not start"
            )
        try:
            pid = self.kafka().start() if part.is_kafka else self._spawn(part)
        except FileNotFoundError as exc:
            raise StackError(f"{part.name}: {exc.filename} not found; run `make setup`") from None
        except (BrokerError, PostgresError, OSError) as exc:
            raise StackError(f"{part.name}: {exc}") from None
        self.echo(f"{part.name}: started (pid {pid})")
        return pid

    def _spawn(self, part: Part) -> int:
        (self.layout.run_dir / "data").mkdir(parents=True, exist_ok=True)
        if part.is_postgres and postgres.ensure_cluster(self.layout.postgres_data):
            self.echo(f"postgres: new cluster in {self.layout.postgres_data}")
        return processes.spawn(
            part.command,
            cwd=self.layout.root,
            log_path=self.layout.log_path(part.name),
            pid_path=self.layout.pid_path(part.name),
            env=part.env,
        )

    def wait_healthy(self, parts: Sequence[Part], timeout: float) -> None:
        """Block until every part is healthy; StackError with each failed part's log end."""
        pending, failures = list(parts), list[str]()
        started = time.monotonic()
        next_report = started + PROGRESS_SECONDS
        while pending:
            pending = self._check_once(pending, failures)
            now = time.monotonic()
            if pending and now - started >= timeout:
                late = f"not healthy after {timeout:g}s"
                failures += [self._failure(part, late) for part in pending]
                pending = []
            elif pending and now >= next_report:
                names = ", ".join(part.name for part in pending)
                self.echo(f"waiting for {names} ({now - started:.0f}s)")
                next_report = now + PROGRESS_SECONDS
            if pending:
                time.sleep(0.25)
        if failures:
            raise StackError("\n".join(failures))

    def _check_once(self, pending: list[Part], failures: list[str]) -> list[Part]:
        still: list[Part] = []
        for part in pending:
            if self.healthy(part):
                self.echo(f"{part.name}: healthy")
            elif self.pid(part) is None:
                failures.append(self._failure(part, "exited before it became healthy"))
            else:
                still.append(part)
        return still

    def _failure(self, part: Part, what: str) -> str:
        log = self.layout.log_path(part.name)
        return f"{part.name} {what}; end of {log}:\n{tail(log, 10)}"

    def create_topics(self) -> None:
        wanted = catalog_topics(self.catalog)
        bootstrap = self.layout.kafka_bootstrap
        try:
            created = run_blocking(lambda: create_topics(bootstrap, wanted))
        except (TopicError, KafkaError, OSError, TimeoutError) as exc:
            reason = str(exc) or type(exc).__name__
            raise StackError(
                f"kafka: creating the topics on {bootstrap} failed: {reason}"
            ) from None
        self.echo(f"topics: {len(wanted)} declared, {len(created)} created")

    def create_databases(self) -> None:
        services = [entry.name for entry in self.catalog.services.values()]
        try:
            created = postgres.create_databases(
                self.layout.host, self.layout.postgres_port, services
            )
        except psycopg.Error as exc:
            raise StackError(f"postgres: creating the databases failed: {exc}") from None
        self.echo(f"databases: {len(services)} declared, {len(created)} created")

    def up(self, timeout: float) -> list[PartState]:
        """Start what is not running and wait until all is healthy: Kafka, PostgreSQL (when the
        shape has it) and the parts that need neither (alert sink, Alertmanager, Prometheus,
        Zipkin, console) at once, so their start-up overlaps the broker's; the services once
        the broker serves their topics and their databases exist."""
        infra = [part for part in self.parts if part.is_kafka or part.is_postgres]
        others = [part for part in self.parts if part not in infra]
        services = [part for part in others if part.service is not None]
        self.layout.shape.save(self.layout.run_dir)
        for part in infra + [part for part in others if part not in services]:
            self.start(part)
        self.wait_healthy(infra, timeout)
        self.create_topics()
        if any(part.is_postgres for part in infra):
            self.create_databases()
        for part in services:
            self.start(part)
        self.wait_healthy(others, timeout)
        return self.states()

    def stop(self, part: Part) -> None:
        seconds = KAFKA_STOP_SECONDS if part.is_kafka else SERVICE_STOP_SECONDS
        if processes.stop(self.layout.pid_path(part.name), timeout=seconds):
            self.echo(f"{part.name}: killed after {seconds:g}s")

    def kill(self, part: Part) -> None:
        """SIGKILL ``part`` (as a crash would) and leave it down."""
        pid = self.pid(part)
        if pid is not None:
            processes.kill_now(pid)
        self.layout.pid_path(part.name).unlink(missing_ok=True)

    def restart(self, part: Part, timeout: float) -> None:
        """Stop ``part`` gracefully, start it again and wait until it is healthy."""
        if part.is_kafka:
            try:
                self.restart_broker(hard=False, timeout=timeout)
            except FileNotFoundError as exc:
                raise StackError(f"kafka: {exc.filename} not found; run `make setup`") from None
            return
        self.stop(part)
        self.start(part)
        self.wait_healthy([part], timeout)

    def restart_broker(self, *, hard: bool, timeout: float) -> None:
        """Stop Kafka (SIGKILL when ``hard``), start it on the same data, wait until it serves."""
        kafka = self.kafka()
        if hard:
            kafka.kill()
        else:
            kafka.stop(KAFKA_STOP_SECONDS)
        kafka.start()
        kafka.wait_ready(timeout)

    def down(self) -> list[str]:
        """Stop every part, services first and Kafka and PostgreSQL last; return the ports still
        listening."""
        infra = [part for part in self.parts if part.is_kafka or part.is_postgres]
        others = [part for part in self.parts if part not in infra]
        running = [part for part in [*others, *infra] if self.pid(part) is not None]
        for part in running:
            pid = self.pid(part)
            if pid is not None and not part.is_kafka:
                processes.signal_stop(pid)
        for part in running:
            self.stop(part)
            self.echo(f"{part.name}: stopped")
        for part in self.parts:
            self.layout.pid_path(part.name).unlink(missing_ok=True)
        return [
            f"{part.name}:{port}"
            for part in self.parts
            for port in part.ports
            if port_in_use(self.layout.host, port)
        ]
