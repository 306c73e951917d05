# Sourced by the make targets: the local stack's environment (docs/architecture.md, "Runtime contract"),
# every value overridable from the caller's environment.
APP_DIR="${APP_DIR:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}"
export APP_DIR
export NODE_BIN="${NODE_BIN:-$APP_DIR/node_modules/node/bin/node}"
# The Caddy `make deps` unpacked (the image's version, docs/caddy.md), not Debian 12's older one.
export CADDY_BIN="${CADDY_BIN:-$APP_DIR/tools/caddy/bin/caddy}"
export DATA_DIR="$(realpath -m "${DATA_DIR:-$APP_DIR/data}")"
# Next to DATA_DIR and named after it, so two stacks whose data folders share a parent never share
# sockets, pid files or logs (docs/configuration.md, "Two stacks on one machine").
export RUN_DIR="$(realpath -m "${RUN_DIR:-$DATA_DIR.run}")"
export HTTPS_PORT="${HTTPS_PORT:-8443}" HTTP_PORT="${HTTP_PORT:-8080}"
export BIND_ADDRESS="${BIND_ADDRESS:-127.0.0.1}" DOMAIN="${DOMAIN:-localhost}"
export SIMULATOR="${SIMULATOR:-1}" SIMULATOR_AUTOSTART="${SIMULATOR_AUTOSTART:-true}"
# What supervisorctl needs to read supervisord.conf (the entry script sets the same for the stack).
export CADDYFILE="${CADDYFILE:-$DATA_DIR/Caddyfile}" ADMIN_MAIN="${ADMIN_MAIN:-main.js}"
