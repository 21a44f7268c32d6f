"""Start the storefront service: `python -m storefront`, what `make up` and the image run."""

from homefield.runtime import run_service

from storefront.bootstrap import build

run_service("storefront", build)
