from homefield.runtime import run_service

from notifications.bootstrap import build

run_service("notifications", build)
