from homefield.runtime import run_service

from experiments.bootstrap import build

run_service("experiments", build)
