# One entry point for everything: install, build, lint, test, run the stack.
# Every Node command runs on the pinned Node 24 binary (the machine's Node is too old: docs/architecture.md, "Node version").

SHELL := /bin/bash
NODE_BIN := $(CURDIR)/node_modules/node/bin/node
export NODE_BIN
export PATH := $(CURDIR)/node_modules/.bin:$(PATH)
# The one Caddy every test, `make up`, bench and soak run: the package the image installs, unpacked
# by `make deps` into tools/ (docs/caddy.md). Debian 12's own caddy package is not used.
CADDY_BIN := $(CURDIR)/tools/caddy/bin/caddy
export CADDY_BIN
APT_PACKAGES := supervisor pebble redis-server chromium fonts-wqy-microhei bindfs
DATA_DIR ?= $(CURDIR)/data

.PHONY: all deps apt npm caddy build lint typecheck test test-only up down logs status bench profile soak clean

all: build

## deps: install what is missing (Debian packages as root, npm packages from the lock file, Caddy).
deps: apt npm caddy

# Debian packages: supervisord, pebble (ACME tests), redis-server (shared-state tests start their
# own on a free port), Chromium (UI tests), a CJK font (so the Chinese UI renders in the browser
# tests' screenshots) and bindfs (the image tests' DATA_DIR looks like an Azure Files share).
# Installed only when missing.
apt:
	@missing=""; \
	for pkg in $(APT_PACKAGES); do \
	  dpkg-query -W -f='$${Status}' $$pkg 2>/dev/null | grep -q 'install ok installed' || missing="$$missing $$pkg"; \
	done; \
	if [ -n "$$missing" ]; then \
	  echo "installing Debian packages:$$missing"; \
	  if [ "$$(id -u)" = 0 ]; then SUDO=""; else SUDO="sudo"; fi; \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $$missing >/dev/null; \
	fi

# Caddy from Debian 13's backports into tools/caddy, the version the Dockerfile pins; a no-op when
# that version is there already.
caddy:
	@deploy/fetch-caddy.sh

# npm ci only when the lock file changed since the last install (a stamp in node_modules).
npm: node_modules/.installed

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund
	@touch $@

build: npm
	@rm -rf dist
	npm run --silent build

lint: npm
	$(NODE_BIN) node_modules/prettier/bin/prettier.cjs --check --log-level warn .
	$(NODE_BIN) node_modules/eslint/bin/eslint.js --max-warnings=0 .
	$(NODE_BIN) node_modules/dockerfilelint/bin/dockerfilelint Dockerfile
	bash -n deploy/*.sh

typecheck: build

## test: everything CI runs: install, type check + build, lint, all tests.
test: deps build lint test-only

test-only:
	$(NODE_BIN) --import ./dist/test/harness/loopback-guard.js --test --test-concurrency=2 \
	  --test-reporter=spec --test-timeout=120000 $$(find dist/test -name '*.test.js' | sort)

## up: the whole stack on loopback (HTTPS 8443, tls internal, Foundry simulator as upstream).
up: deps build
	@deploy/up.sh

down:
	@deploy/down.sh

logs:
	@source deploy/stack-env.sh && tail -n 100 -f "$$RUN_DIR/stack.log"

status:
	@source deploy/stack-env.sh && supervisorctl -c supervisord.conf status

## bench: the simulator direct, Caddy alone, the stack, the proxy alone and Portkey, interleaved;
## writes docs/reports/benchmarks.md (about 9 minutes on 2 CPUs; BENCH_ROUNDS, BENCH_TELEMETRY_ROUNDS and
## BENCH_SCALE shorten it).
## Compiles in place (no rm -rf dist) only what it runs (bench/tsconfig.json), so tests running
## alongside keep their files and a test that does not compile yet cannot block it.
bench: deps
	tsc -p bench/tsconfig.json
	$(NODE_BIN) dist/bench/main.js

## profile: where a proxy alone spends time and bytes (CPU profile under streams at c=200, heap
## snapshots idle and at 1,000 open streams); raw profiles and a summary under profiles/ (not committed).
profile: deps
	tsc -p bench/tsconfig.json
	$(NODE_BIN) dist/bench/profile-main.js

## soak: the reliability suite on the real stack: load held, faults under load, a fuzzer on every
## endpoint, data lost; writes docs/reports/reliability.md (about 7 minutes on 2 CPUs; SOAK_SECONDS,
## SOAK_FUZZ_RUNS shorten it). Compiles in place like bench; the disk-full fault needs root (tmpfs).
soak: deps
	tsc -p soak/tsconfig.json
	$(NODE_BIN) dist/soak/main.js

clean:
	rm -rf dist
