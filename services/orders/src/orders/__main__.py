from homefield.runtime import run_service

from orders.bootstrap import build

run_service("orders", build)
