"""Start the payments service: `python -m payments`, what `make up` and the image run."""

from homefield.runtime import run_service

from payments.bootstrap import build

run_service("payments", build)
