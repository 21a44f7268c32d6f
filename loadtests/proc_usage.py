"""CPU time and memory of each part of the local shop, read from /proc.

A part is whatever `make up` started with a pid file under .run/pids/ (Kafka, each service,
Prometheus, ...). Each was started in a session of its own, so a part's figure is the sum over
every live process of that session: a part that runs helpers is counted whole. The load client
is in none of these sessions, so its CPU is never counted.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

from homefield.local.processes import running_pid

CLOCK_TICKS = os.sysconf("SC_CLK_TCK")
PAGE_BYTES = os.sysconf("SC_PAGE_SIZE")
# Fields of /proc/<pid>/stat after the command name: 4 session, 12 utime, 13 stime, 22 rss.
_SESSION, _UTIME, _STIME, _RSS = 3, 11, 12, 21


@dataclass(frozen=True)
class Usage:
    """A part at one moment: CPU seconds used so far, resident memory, which processes."""

    cpu_seconds: float
    rss_bytes: int
    pids: frozenset[int]


def shop_parts(run_dir: Path) -> dict[str, int]:
    """Each running part of the shop under ``run_dir`` (name -> pid of its session leader)."""
    parts: dict[str, int] = {}
    for pid_file in sorted((run_dir / "pids").glob("*.pid")):
        pid = running_pid(pid_file)
        if pid is not None:
            parts[pid_file.stem] = pid
    return parts


def _stat_fields(pid: str) -> list[str] | None:
    try:
        text = Path(f"/proc/{pid}/stat").read_text(encoding="ascii", errors="replace")
    except OSError:  # the process ended between listing and reading
        return None
    return text.rsplit(")", 1)[-1].split()


def _processes() -> Iterator[tuple[int, list[str]]]:
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            fields = _stat_fields(entry)
            if fields is not None and len(fields) > _RSS:
                yield int(entry), fields


def sample(parts: Mapping[str, int]) -> dict[str, Usage]:
    """Every part's CPU and RSS now, summed over the processes of its session."""
    by_session = {leader: name for name, leader in parts.items()}
    cpu = dict.fromkeys(parts, 0)
    rss = dict.fromkeys(parts, 0)
    pids: dict[str, set[int]] = {name: set() for name in parts}
    for pid, fields in _processes():
        name = by_session.get(int(fields[_SESSION]))
        if name is None:
            continue
        cpu[name] += int(fields[_UTIME]) + int(fields[_STIME])
        rss[name] += int(fields[_RSS]) * PAGE_BYTES
        pids[name].add(pid)
    return {
        name: Usage(cpu[name] / CLOCK_TICKS, rss[name], frozenset(pids[name])) for name in parts
    }


@dataclass(frozen=True)
class PartCost:
    """What one part used between two samples."""

    name: str
    cpu_seconds: float
    rss_bytes: int  # at the second sample
    restarted: bool  # its processes changed: the CPU figure does not cover the window


def costs(before: Mapping[str, Usage], after: Mapping[str, Usage]) -> list[PartCost]:
    """CPU used by each part between ``before`` and ``after``, largest first."""
    found = []
    for name, end in after.items():
        start = before.get(name)
        restarted = start is None or not start.pids <= end.pids
        used = end.cpu_seconds - (start.cpu_seconds if start else 0.0)
        found.append(PartCost(name, max(used, 0.0), end.rss_bytes, restarted))
    return sorted(found, key=lambda part: (-part.cpu_seconds, part.name))


def machine_busy_seconds() -> float:
    """CPU seconds every process on the machine has used since boot (all cores), from
    /proc/stat: with the shop's own figures it shows how much else ran during a window."""
    fields = Path("/proc/stat").read_text(encoding="ascii").splitlines()[0].split()[1:]
    user, nice, system, _idle, _iowait, irq, softirq, steal = (int(v) for v in fields[:8])
    return (user + nice + system + irq + softirq + steal) / CLOCK_TICKS
