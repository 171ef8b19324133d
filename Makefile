# CCHC: make run (set up and serve), make test (the whole suite), make bench, make lint.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000
# the development identity provider's port (issue 15; docs/identity.md)
IDP_PORT ?= 8070

.PHONY: run setup install test test-api lint bench browsers clean serve

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

setup: install
	$(BIN)/cchc migrate --noinput
	$(BIN)/cchc org load
	$(BIN)/cchc signing setup
	$(BIN)/cchc program import src/cchc/program/data/qd-4831-2021-khanh-hoa.txt
	$(BIN)/cchc program link-targets
	$(BIN)/cchc catalogue import --at 2025-07-01T00:00+07:00
	$(BIN)/cchc integrations procedures demo
	$(BIN)/cchc demo_admin
	$(BIN)/cchc demo_staff
	$(BIN)/cchc simulate --dossiers 300 --seed 1 --from 2025-07-01 --if-empty
	$(BIN)/cchc indicators rebuild
	$(BIN)/cchc feedback demo
	$(BIN)/cchc plans demo
	$(BIN)/cchc surveys demo
	$(BIN)/cchc par demo
	$(BIN)/cchc program demo-targets
	$(BIN)/cchc report demo
	$(BIN)/cchc opendata publish --from 2025-07 --if-empty

# Beside the development server, and stopped with it: the national systems' simulator (docs/integrations.md),
# the development identity provider (docs/identity.md), the payment gateway simulator (docs/payments.md), the
# time-stamping simulator (docs/digital.md) and the outbox's dispatcher (docs/outbox.md).
run: setup
	$(BIN)/cchc simulator national --port 8090 & simulator=$$!; export CCHC_NATIONAL_URL=http://127.0.0.1:8090; \
	$(BIN)/cchc identity dev-provider --port $(IDP_PORT) & identity=$$!; \
	$(BIN)/cchc payments gateway-simulator --ipn-url http://$(HOST):$(PORT)/thanh-toan/vnpay/ipn/ & payments=$$!; \
	$(BIN)/cchc signing tsa-simulator --port 8091 & tsa=$$!; export CCHC_TSA_URL=http://127.0.0.1:8091/; \
	$(BIN)/cchc outbox dispatch & dispatcher=$$!; \
	trap 'kill $$dispatcher $$tsa $$payments $$identity $$simulator 2>/dev/null; wait $$dispatcher $$tsa $$payments $$identity $$simulator' EXIT; \
	trap 'exit 130' INT TERM; $(BIN)/cchc runserver $(HOST):$(PORT)

# The production stack on this machine (issue 17; docs/deploy.md): gunicorn + whitenoise, the outbox dispatcher and
# the task worker, production settings from var/serve.env (made on first use with random secrets), PostgreSQL
# database "cchc" and Redis. `make run` stays the zero-setup demo.
serve: install
	$(BIN)/cchc serve

# The suite runs in TEST_WORKERS processes (pytest-xdist; default: the cores, at most 4; TEST_WORKERS=0 runs it in
# this one process, e.g. for --pdb). Each worker has its own test database (PostgreSQL test_<name>_gw0, …; SQLite in
# memory), its own temporary directories and simulators on free ports: the rules new tests follow are in
# docs/architecture.md ("Tests in parallel"). The tests are dealt out in pytest-django's order (xdist's default
# --dist load), which keeps every transactional test after the others in each worker: such a test empties its
# worker's database, data migrations' rows included (--dist loadfile broke that: calendar overrides and message
# templates were gone for later files). The 25 slowest tests are listed at the end, so that CI's log shows what grows.
TEST_WORKERS ?= $(shell n=$$(nproc 2>/dev/null || echo 2); echo $$(( n > 4 ? 4 : n )))

test: install
	$(BIN)/pytest -q -p no:cacheprovider -n $(TEST_WORKERS) --durations=25

# the public API fuzzed against its OpenAPI document (schemathesis, issue 17 item 8; part of `make test` too)
test-api: install
	$(BIN)/pytest -q -p no:cacheprovider -m schemathesis src/cchc/publicapi

lint: install
	$(BIN)/ruff check src
	$(BIN)/ruff format --check src
	$(BIN)/mypy src
	$(BIN)/lint-imports

bench: install
	env -u DATABASE_URL $(BIN)/python benchmarks/foundation.py
	DATABASE_URL=$${BENCH_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/postgres} $(BIN)/python benchmarks/foundation.py
	env -u DATABASE_URL $(BIN)/python benchmarks/calendar_deadlines.py
	DATABASE_URL=$${BENCH_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/postgres} $(BIN)/python benchmarks/calendar_deadlines.py
	DATABASE_URL=$${BENCH_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/postgres} $(BIN)/python benchmarks/dossiers.py
	DATABASE_URL=$${BENCH_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/postgres} $(BIN)/python benchmarks/outbox.py
	DATABASE_URL=$${BENCH_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/postgres} $(BIN)/python benchmarks/integrations.py
	DATABASE_URL=$${BENCH_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/postgres} $(BIN)/python benchmarks/payments.py
	DATABASE_URL=$${BENCH_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/postgres} $(BIN)/python benchmarks/identity.py
	env -u DATABASE_URL $(BIN)/python benchmarks/signing.py
	DATABASE_URL=$${BENCH_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/postgres} $(BIN)/python benchmarks/verification.py
	env -u DATABASE_URL $(BIN)/python benchmarks/addresses.py
	env -u DATABASE_URL $(BIN)/python benchmarks/maps.py
	DATABASE_URL=$${BENCH_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/postgres} $(BIN)/python benchmarks/provinces.py
	DATABASE_URL=$${BENCH_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/postgres} $(BIN)/python benchmarks/records.py
# issue 17 items 4-5: gunicorn + locust against 1 M dossiers (kept database cchc_bench_load, built on first use),
# 10 minutes; then kill -9 of a web worker and the task worker under load (docs/benchmarks.md)
	DATABASE_URL=$${BENCH_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/postgres} $(BIN)/python benchmarks/load.py --duration 600 --users $${LOAD_USERS:-180} --record
	DATABASE_URL=$${BENCH_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/postgres} $(BIN)/python benchmarks/load.py --duration 120 --users $${LOAD_USERS:-180} --faults --record
	DATABASE_URL=$${BENCH_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/postgres} $(BIN)/python benchmarks/indicators.py --keep-db cchc_bench_10m

clean:
	rm -rf $(VENV) var
