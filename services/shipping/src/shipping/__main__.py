"""Start the shipping service: `python -m shipping`, what `make up` and the image run."""

from homefield.runtime import run_service

from shipping.bootstrap import build

run_service("shipping", build)
