"""Detached background processes tracked by pid files: spawn, check, stop."""

from __future__ import annotations

import os
import signal
import subprocess
import time
from collections.abc import Mapping, Sequence
from pathlib import Path

_POLL_SECONDS = 0.1


def spawn(
    command: Sequence[str],
    *,
    cwd: Path,
    log_path: Path,
    pid_path: Path,
    env: Mapping[str, str] | None = None,
) -> int:
    """Start ``command`` in its own session, output appended to ``log_path``; return its pid."""
    log_path.parent.mkdir(parents=True, exist_ok=True)
    pid_path.parent.mkdir(parents=True, exist_ok=True)
    full_env = {**os.environ, **(env or {})}
    with log_path.open("ab") as log:
        process = subprocess.Popen(
            list(command),
            cwd=cwd,
            env=full_env,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    started = start_time(process.pid) or ""
    pid_path.write_text(f"{process.pid} {started}".strip() + "\n", encoding="utf-8")
    return process.pid


def _pid_record(pid_path: Path) -> list[str]:
    try:
        return pid_path.read_text(encoding="utf-8").split()
    except FileNotFoundError:
        return []


def read_pid(pid_path: Path) -> int | None:
    record = _pid_record(pid_path)
    return int(record[0]) if record and record[0].isdigit() else None


def _stat(pid: int) -> list[str]:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text(encoding="utf-8")
    except (FileNotFoundError, ProcessLookupError, PermissionError):
        return []
    return stat.rsplit(")", 1)[-1].split()


def start_time(pid: int) -> str | None:
    """When ``pid`` started, in clock ticks since boot: tells a reused pid from the original."""
    fields = _stat(pid)
    return fields[19] if len(fields) > 19 else None


def is_running(pid: int | None) -> bool:
    """True while ``pid`` is a live process; a zombie counts as gone (and is reaped if ours)."""
    if pid is None or pid <= 0:
        return False
    _reap(pid)
    fields = _stat(pid)
    return bool(fields) and fields[0] not in ("Z", "X")


def running_pid(pid_path: Path) -> int | None:
    """The pid recorded in ``pid_path`` if that very process still runs (not a reused pid)."""
    record = _pid_record(pid_path)
    pid = read_pid(pid_path)
    if not is_running(pid) or pid is None:
        return None
    if len(record) > 1 and record[1] != start_time(pid):
        return None
    return pid


def _reap(pid: int) -> None:
    try:
        os.waitpid(pid, os.WNOHANG)
    except ChildProcessError:
        return


def _signal_group(pid: int, sig: signal.Signals) -> None:
    try:
        os.killpg(pid, sig)
    except (ProcessLookupError, PermissionError):
        try:
            os.kill(pid, sig)
        except ProcessLookupError:
            return


def signal_stop(pid: int) -> None:
    """SIGTERM the process group of ``pid`` without waiting."""
    _signal_group(pid, signal.SIGTERM)


def wait_gone(pid: int, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while is_running(pid):
        if time.monotonic() >= deadline:
            return False
        time.sleep(_POLL_SECONDS)
    return True


def stop(pid_path: Path, *, timeout: float) -> bool:
    """SIGTERM the recorded process group, SIGKILL it after ``timeout``; True if killed."""
    pid = running_pid(pid_path)
    killed = False
    if pid is not None:
        _signal_group(pid, signal.SIGTERM)
        if not wait_gone(pid, timeout):
            killed = True
        kill_now(pid)
    pid_path.unlink(missing_ok=True)
    return killed


def kill_now(pid: int) -> None:
    """SIGKILL the process group of ``pid`` (leader and any children left) and wait."""
    _signal_group(pid, signal.SIGKILL)
    wait_gone(pid, 30.0)
