"""Captures payment for reserved orders, exactly once per order."""
