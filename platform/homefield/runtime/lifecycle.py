"""Process entry point for a service: settings, logging, signals, exit codes."""

from __future__ import annotations

import asyncio
import logging
import signal
import sys
from collections.abc import Callable

import uvloop

from homefield.catalog import CatalogError
from homefield.runtime.logs import configure_logging
from homefield.runtime.registry import RegistrationError
from homefield.runtime.service import ServiceApp
from homefield.runtime.settings import SettingsError

log = logging.getLogger("homefield.lifecycle")


async def serve(app: ServiceApp) -> None:
    """Start ``app``, run until SIGTERM or SIGINT, then stop it gracefully."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    await app.start()
    try:
        await app.wait(stop)
    finally:
        await app.stop()


async def _build_and_serve(build: Callable[[], ServiceApp]) -> None:
    # grpc.aio servers and channels bind to the running loop, so build inside it.
    await serve(build())


def run_service(name: str, build: Callable[[], ServiceApp]) -> None:
    """Build and serve one service; configuration errors exit 2 with a one-line message."""
    configure_logging(name)
    try:
        uvloop.run(_build_and_serve(build))  # libuv's loop: less CPU per socket event
    except (SettingsError, CatalogError, RegistrationError) as exc:
        sys.stderr.write(f"{name}: {exc}\n")
        raise SystemExit(2) from None
    except RuntimeError as exc:
        log.exception("service failed: %s", exc)
        raise SystemExit(1) from None
