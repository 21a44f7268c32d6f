"""Operational tools for on-call engineers: dead-letter inspection and replay."""
