"""Start the orders service: `python -m orders`, what `make up` and the image run."""

from homefield.runtime import run_service

from orders.bootstrap import build

run_service("orders", build)
