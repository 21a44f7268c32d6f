"""`homefield up`: a local Kafka broker, every service, Prometheus and Alertmanager as processes.

Chaos tests use :func:`kill_service`, :func:`start_service`, :func:`restart_service` and
:func:`restart_broker` against the shop that `homefield up` started.
"""

from homefield.local.control import kill_service, restart_broker, restart_service, start_service

__all__ = ["kill_service", "restart_broker", "restart_service", "start_service"]
