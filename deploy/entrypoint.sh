#!/usr/bin/env bash
# The one entry script, for the image and for `make up`: init (seed, migrate, render), then
# supervisord. supervisord exits 0 even when the FATAL listener stopped it, so this script
# wraps it instead of exec-ing it: it forwards SIGTERM and exits 1 when a FATAL marker exists.
set -euo pipefail

APP_DIR="${APP_DIR:-$(cd "$(dirname "$0")/.." && pwd)}"
export APP_DIR
export NODE_BIN="${NODE_BIN:-$APP_DIR/node_modules/node/bin/node}"
[ -x "$NODE_BIN" ] || NODE_BIN="$(command -v node)"
export CADDY_BIN="${CADDY_BIN:-$(command -v caddy)}"
export DATA_DIR="$(realpath -m "${DATA_DIR:-$APP_DIR/data}")"
export RUN_DIR="$(realpath -m "${RUN_DIR:-$DATA_DIR/../run}")"
if [ "${SIMULATOR:-0}" = 1 ]; then export SIMULATOR_AUTOSTART=true; else export SIMULATOR_AUTOSTART=false; fi

mkdir -p "$DATA_DIR" "$RUN_DIR"
rm -f "$RUN_DIR/fatal"
"$NODE_BIN" "$APP_DIR/dist/admin/init-main.js"

supervisord -c "$APP_DIR/supervisord.conf" &
sup=$!
trap 'kill -TERM "$sup" 2>/dev/null || true' TERM INT
set +e
wait "$sup"; status=$?
# A trapped signal interrupts the first wait; wait again for the real exit.
while kill -0 "$sup" 2>/dev/null; do wait "$sup"; status=$?; done
set -e
if [ -f "$RUN_DIR/fatal" ]; then
  echo "entrypoint: $(cat "$RUN_DIR/fatal")" >&2
  exit 1
fi
exit "$status"
