"""Chaos helpers over the running local shop: kill, pause or restart one service; stop, start
or restart the broker; wait until every part answers.

They act on the shop that `homefield up` started in the checkout at ``root`` (found from the
working directory when omitted). They block; from async code call them via asyncio.to_thread.
"""

from __future__ import annotations

import os
import signal
from collections.abc import Mapping
from dataclasses import replace
from pathlib import Path

from homefield.catalog import Catalog
from homefield.local.parts import StackLayout
from homefield.local.stack import KAFKA_STOP_SECONDS, LocalStack, StackError


def _stack(root: Path | None) -> LocalStack:
    catalog = Catalog.load(root)
    return LocalStack(StackLayout.for_repo(catalog.root), catalog, echo=lambda _line: None)


def kill_service(name: str, *, root: Path | None = None) -> None:
    """SIGKILL one service (as a crash would) and leave it down."""
    stack = _stack(root)
    stack.kill(stack.part(name))


def start_service(name: str, *, root: Path | None = None, timeout: float = 60.0) -> None:
    """Start one service unless it runs, and wait until it is ready."""
    stack = _stack(root)
    part = stack.part(name)
    stack.start(part)
    stack.wait_healthy([part], timeout)


def restart_service(
    name: str,
    *,
    root: Path | None = None,
    timeout: float = 60.0,
    env: Mapping[str, str] | None = None,
) -> None:
    """SIGTERM one service (SIGKILL after 10 s), start it again and wait until it is ready.

    ``env`` adds to its environment until its next restart: a game day injects faults with
    ``{"PAYMENTS_FAULTS": '{"capture_payment": {"error_rate": 0.5}}'}``.
    """
    stack = _stack(root)
    part = stack.part(name)
    if env:
        part = replace(part, env={**part.env, **env})
    stack.restart(part, timeout)


def restart_broker(*, root: Path | None = None, hard: bool = False, timeout: float = 90.0) -> None:
    """Stop the broker (SIGKILL when ``hard``, else a controlled shutdown), start it on the
    same data and wait until it serves again."""
    _stack(root).restart_broker(hard=hard, timeout=timeout)


def pause_service(name: str, *, root: Path | None = None) -> None:
    """SIGSTOP one service: it holds its sockets and answers nothing until resumed."""
    _signal(name, signal.SIGSTOP, root)


def resume_service(name: str, *, root: Path | None = None) -> None:
    """SIGCONT a paused service."""
    _signal(name, signal.SIGCONT, root)


def _signal(name: str, signum: signal.Signals, root: Path | None) -> None:
    stack = _stack(root)
    pid = stack.pid(stack.part(name))
    if pid is None:
        raise StackError(f"{name} is not running")
    os.kill(pid, signum)


def stop_broker(*, root: Path | None = None, hard: bool = False) -> None:
    """Stop the broker: SIGKILL when ``hard`` (a crash), else a controlled shutdown."""
    kafka = _stack(root).kafka()
    if hard:
        kafka.kill()
    else:
        kafka.stop(KAFKA_STOP_SECONDS)


def start_broker(*, root: Path | None = None, timeout: float = 90.0) -> None:
    """Start the broker on its data and wait until it serves."""
    kafka = _stack(root).kafka()
    kafka.start()
    kafka.wait_ready(timeout)


def wait_all_healthy(*, root: Path | None = None, timeout: float = 120.0) -> None:
    """Block until every part of the shop answers (StackError naming the ones that do not)."""
    stack = _stack(root)
    stack.wait_healthy(stack.parts, timeout)
