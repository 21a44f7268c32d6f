"""Start the notifications service: `python -m notifications`, what `make up` and the image run."""

from homefield.runtime import run_service

from notifications.bootstrap import build

run_service("notifications", build)
