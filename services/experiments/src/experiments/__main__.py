"""Start the experiments service: `python -m experiments`, what `make up` and the image run."""

from homefield.runtime import run_service

from experiments.bootstrap import build

run_service("experiments", build)
