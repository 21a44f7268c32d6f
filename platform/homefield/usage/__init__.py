"""Usage growth: signals per service, growth flags and capacity tickets, `homefield usage`."""
