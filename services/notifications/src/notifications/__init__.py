"""Tells the customer about every visible change to an order."""
