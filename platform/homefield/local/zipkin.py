"""Zipkin, the local trace server: its exec jar from Maven Central (with the Lens UI) on a small
heap, keeping a bounded number of spans in memory.

Services send spans with OpenTelemetry's Zipkin exporter (``OTEL_TRACES_EXPORTER=zipkin``); the
console reads traces and the dependency links Zipkin derives from them.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from homefield.local.maven import pom_property

POM = Path(__file__).parent / "zipkin" / "pom.xml"
MAX_HEAP = "128m"
# In-memory storage drops the oldest traces beyond this many spans: at make up's 0.1 sampling
# that is several minutes of sagas under load, and it fits the heap above.
MAX_SPANS = 20_000
JVM_FLAGS = (
    "-Xms32m",
    f"-Xmx{MAX_HEAP}",
    "-Xss512k",
    "-XX:+UseSerialGC",
    "-XX:TieredStopAtLevel=1",
    "-XX:ReservedCodeCacheSize=48m",
    "-XX:-UsePerfData",
    "-XX:+ExitOnOutOfMemoryError",
    "-Djava.awt.headless=true",
)


def zipkin_version(pom: Path = POM) -> str:
    return pom_property(pom, "zipkin.version")


def zipkin_jar(root: Path) -> Path:
    """Where `make setup` puts the exec jar: .cache/zipkin/<version>/."""
    version = zipkin_version()
    return root / ".cache" / "zipkin" / version / f"zipkin-server-{version}-exec.jar"


def zipkin_command(jar: Path, *, host: str, port: int) -> tuple[str, ...]:
    """Run the server on ``host:port`` only (plain HTTP: the UI, the API and span intake)."""
    java = shutil.which("java") or "/usr/bin/java"
    listen = "--armeria.ports[0]"
    return (
        java,
        *JVM_FLAGS,
        "-jar",
        str(jar),
        f"{listen}.ip={host}",
        f"{listen}.port={port}",
        f"{listen}.protocols=http",
    )


def zipkin_env(port: int) -> dict[str, str]:
    return {"STORAGE_TYPE": "mem", "MEM_MAX_SPANS": str(MAX_SPANS), "QUERY_PORT": str(port)}


def spans_url(base_url: str) -> str:
    """Where services post spans: Zipkin's v2 span API under ``base_url``."""
    return f"{base_url}/api/v2/spans"
