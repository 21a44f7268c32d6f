# Homefield: `make up` runs the shop locally, `make test` runs every check. See README.md.
SHELL := /bin/bash
.DEFAULT_GOAL := help
HF := .venv/bin/homefield
PYTEST := .venv/bin/pytest

.PHONY: help setup up down status logs test test-unit test-integration test-system lint protos render openapi images check loadtest loadtest-compare bench bench-check chaos

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-18s %s\n", $$1, $$2}'

setup: ## install uv, sync .venv, fetch the Kafka and Zipkin jars, install Debian tools (idempotent)
	@bash platform/scripts/setup.sh

up: setup ## start Kafka, every service, Prometheus, Alertmanager, Zipkin and the console; print URLs
	@$(HF) up

down: setup ## stop everything `make up` started, leaving no process and no listening port
	@$(HF) down

status: setup ## health of each part (Kafka, services, Prometheus, Alertmanager, alert sink, Zipkin, console)
	@$(HF) status

logs: setup ## last lines of every part's log; PART=orders for one, FOLLOW=1 to follow
	@$(HF) logs $(PART) $(if $(FOLLOW),--follow)

protos: setup ## regenerate protos/gen from protos/shop and the vendored buf/validate (protos/vendor)
	@$(HF) protos

render: setup ## regenerate deploy/ from service.yaml, slo.yaml and teams.yaml
	@$(HF) render

openapi: setup ## regenerate services/storefront/openapi.json, the public API contract (reviewed as a diff)
	@.venv/bin/python -m storefront.entrypoints.openapi

lint: setup ## ruff and mypy strict on platform/ and services/
	@.venv/bin/ruff check platform services tests loadtests
	@.venv/bin/ruff format --check platform services tests loadtests
	@.venv/bin/mypy platform/homefield $(wildcard services/*/src)

images: setup ## one image per service from the Dockerfile (host-built wheels, no network in the build); prints the tags; SERVICES="orders" BASE_IMAGE=img
	@$(HF) images $(foreach s,$(SERVICES),--service $(s)) $(if $(BASE_IMAGE),--base-image $(BASE_IMAGE))

BASE ?= origin/main
check: setup ## `homefield check` of your commits against BASE (default origin/main), as an away team sees it
	@$(HF) check --base $(BASE)

test-unit: setup ## unit tests: fakes only, no broker
	@$(PYTEST) -q -m "not integration and not system" platform/tests services/*/tests/unit loadtests/tests

test-integration: setup ## integration tests against a real Kafka broker (the fixture starts one)
	@$(PYTEST) -q -m integration platform/tests services/*/tests tests/integration loadtests/tests

test-system: setup ## system, chaos and game-day tests on a fresh local shop, then the replica test on PostgreSQL (resets .run/)
	@$(PYTEST) -q -m system tests/system tests/chaos tests/gameday
	@$(PYTEST) -q -m system tests/replicas

test: lint test-unit test-integration test-system ## lint, unit, integration, system, chaos and game-day tests


ROUNDS ?= 10
chaos: up ## ROUNDS (default 10) rounds of every fault under load, invariants after each; FAULTS="broker restart,..." for some
	@PYTHONPATH=tests .venv/bin/python -m chaos_harness --rounds $(ROUNDS) $(if $(FAULTS),--faults "$(FAULTS)") $(CHAOS_ARGS)

bench-check: setup ## time `homefield check` on a scratch change of 2,000 files (buf off)
	@.venv/bin/python loadtests/bench_check.py

loadtest: setup ## wrk against the running shop (`make up` first): orders/s, latency, CPU per order; LOADTEST_ARGS="--rate 100"
	@.venv/bin/python loadtests/run_loadtest.py $(LOADTEST_ARGS)

loadtest-compare: setup ## the figures of record: BEFORE=<rev> against HEAD, each shop started, loaded and stopped in turn
	@$(if $(BEFORE),,$(error set BEFORE to the revision to compare with, e.g. make loadtest-compare BEFORE=main~5))
	@.venv/bin/python loadtests/compare.py --before $(BEFORE) $(COMPARE_ARGS)

bench: setup ## bench-check, then the event relay and gRPC against raw aiokafka and grpc.aio as ratios; BENCH_ARGS
	@.venv/bin/python loadtests/bench_check.py
	@.venv/bin/python loadtests/run_bench.py $(BENCH_ARGS)
