from homefield.runtime import run_service

from storefront.bootstrap import build

run_service("storefront", build)
