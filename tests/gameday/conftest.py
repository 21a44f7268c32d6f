"""The game days' fast Prometheus (see fast_prometheus.py)."""

from fast_prometheus import fast_prometheus

__all__ = ["fast_prometheus"]
