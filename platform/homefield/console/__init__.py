"""The on-call console: one page per team (services, on call, SLOs, alerts, changes,
dependencies) and per service (dashboard charts, runbook, PRFAQ, OWNERS), with JSON twins."""
