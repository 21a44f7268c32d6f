from homefield.runtime import run_service

from shipping.bootstrap import build

run_service("shipping", build)
