"""Takes orders and walks each one through the saga to SHIPPED or CANCELLED."""
