"""Homefield platform: catalog, runtime, ownership checks, SLO rendering and local run."""

__version__ = "0.1.0"
