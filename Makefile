# Every target runs with Node >= 22: scripts/node.sh uses the system node when it is new enough,
# else installs node@22 from the npm registry into .tools/ once.
NODE := ./scripts/node.sh
API ?= 1
FILTER ?= 1
STATISTICS ?= 1
TIMELINE ?= 1
LAUNCHER ?= 1
ARCHIVE ?= 1

.PHONY: install build up cluster rolling-deploy repl brokers-cluster brokers-cluster-stop bench test test-unit test-integration typecheck lint format clean

# `npm ci` installs exactly what package-lock.json lists and never writes to it, so no target dirties
# the checkout. The lock lists every platform's optional native packages (jest's resolver, Parcel's
# watcher), as a full `npm install` records them: ci refuses a lock that lacks some. After changing
# package.json, run `./scripts/node.sh npm install` and commit the lock it writes.
node_modules/.installed: package.json package-lock.json
	$(NODE) npm ci --loglevel=error --no-fund --no-audit
	touch $@

install: node_modules/.installed

build: install
	$(NODE) npm run --silent build

## Starts every service in one process with the built-in tweet generator, gateway on :8004.
up: build
	$(NODE) node dist/bin/server.js

## One process per worker: make cluster FILTER=3 STATISTICS=2 TIMELINE=2 LAUNCHER=2 ARCHIVE=1 (Ctrl-C drains and stops all).
cluster: build
	API=$(API) FILTER=$(FILTER) STATISTICS=$(STATISTICS) TIMELINE=$(TIMELINE) LAUNCHER=$(LAUNCHER) ARCHIVE=$(ARCHIVE) $(NODE) scripts/cluster.sh

## Replaces every worker of the running `make cluster` with this build, one at a time (build first).
rolling-deploy: build
	$(NODE) node dist/bin/rolling-deploy.js --state .cluster/workers

## A REPL node joined to the running mesh (`nameko shell`).
repl: build
	$(NODE) node dist/bin/repl.js

## A 3-node RabbitMQ cluster (AMQP on 5681-5683) and a Redis Cluster of 3 primaries and 3 replicas (7000-7005) on
## this machine, state in .brokers/; prints the variables to export: eval "$$(make -s brokers-cluster)".
brokers-cluster:
	@amqp=$$(scripts/rabbitmq-cluster.sh start | paste -sd, -) && redis=$$(scripts/redis-cluster.sh start) && \
	echo "export TRANSPORTER=$$amqp" && echo "export PIPELINE_URL=$$amqp" && echo "export REDIS_CLUSTER_NODES=$$redis"

## Stops both clusters and keeps their data (scripts/*-cluster.sh stop --clean removes it).
brokers-cluster-stop:
	scripts/rabbitmq-cluster.sh stop
	scripts/redis-cluster.sh stop

## Throughput, latency, RPC and matcher figures with same-run baselines: bench/results/latest.{md,json}.
bench: build
	$(NODE) npx tsc -p tsconfig.bench.json
	cp store/*.lua .bench-build/store/
	$(NODE) node .bench-build/bench/run.js

typecheck: install
	$(NODE) npx tsc -p tsconfig.json --noEmit

## eslint's type-aware rules (eslint.config.mjs), no warning allowed, and Prettier's layout (.prettierrc.json) checked.
lint: install
	$(NODE) npx eslint --max-warnings 0 .
	$(NODE) npx prettier --check .

## Rewrites files: Prettier's layout, then eslint's own fixes (it then lists what it could not fix).
format: install
	$(NODE) npx prettier --write .
	$(NODE) npx eslint --fix .

## Lint, then unit and integration tests; integration tests need RabbitMQ and Redis on their local ports.
test: install lint typecheck build
	$(NODE) npx jest --runInBand

test-unit: install
	$(NODE) npx jest test/unit

test-integration: install build
	$(NODE) npx jest --runInBand test/integration

clean:
	rm -rf dist .bench-build node_modules .tools
