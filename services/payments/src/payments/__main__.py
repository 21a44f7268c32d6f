from homefield.runtime import run_service

from payments.bootstrap import build

run_service("payments", build)
