"""Dispatches confirmed orders."""
