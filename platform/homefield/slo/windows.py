"""Alert and recording windows, and how `--window-scale` shortens them for game days."""

from __future__ import annotations

from dataclasses import dataclass

from homefield.catalog.slo import FAST_PAGE_BURN_RATE

_UNITS_MS = (("d", 86_400_000), ("h", 3_600_000), ("m", 60_000), ("s", 1_000), ("ms", 1))

SLO_PERIOD = "30d"
RATIO_WINDOWS = ("5m", "30m", "1h", "2h", "6h", "1d", "3d", "30d")


@dataclass(frozen=True)
class BurnRateAlert:
    """One multi-window condition of the SRE Workbook: both windows over ``factor`` x budget."""

    severity: str
    factor: float
    long_window: str
    short_window: str


BURN_RATE_ALERTS = (
    BurnRateAlert("page", FAST_PAGE_BURN_RATE, "1h", "5m"),
    BurnRateAlert("page", 6, "6h", "30m"),
    BurnRateAlert("ticket", 3, "1d", "2h"),
    BurnRateAlert("ticket", 1, "3d", "6h"),
)


def window_ms(window: str) -> int:
    """Milliseconds in a Prometheus duration with one unit, such as ``5m`` or ``30d``."""
    for unit, size in sorted(_UNITS_MS, key=lambda pair: -len(pair[0])):
        number = window.removesuffix(unit)
        if number != window and number.isdigit():
            return int(number) * size
    raise ValueError(f"not a single-unit duration: {window!r}")


def format_ms(milliseconds: int) -> str:
    """The shortest single-unit Prometheus duration for a whole number of milliseconds."""
    for unit, size in _UNITS_MS:
        if milliseconds % size == 0:
            return f"{milliseconds // size}{unit}"
    raise AssertionError("every duration is a whole number of milliseconds")


def scaled(window: str, scale: int) -> str:
    """``window`` divided by ``scale`` (test-only game-day shortening); 1 keeps it unchanged."""
    if scale == 1:
        return window
    return format_ms(max(1, round(window_ms(window) / scale)))
