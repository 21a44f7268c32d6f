from homefield.runtime import run_service

from inventory.bootstrap import build

run_service("inventory", build)
