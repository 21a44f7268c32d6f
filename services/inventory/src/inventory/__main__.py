"""Start the inventory service: `python -m inventory`, what `make up` and the image run."""

from homefield.runtime import run_service

from inventory.bootstrap import build

run_service("inventory", build)
