#!/usr/bin/env bash
# The one entry script, for the image and for `make up`: init (seed, migrate, render), then
# supervisord. supervisord exits 0 even when the FATAL listener stopped it, so this script
# wraps it instead of exec-ing it: it forwards SIGTERM and exits 1 when a FATAL marker exists.
set -euo pipefail

APP_DIR="${APP_DIR:-$(cd "$(dirname "$0")/.." && pwd)}"
export APP_DIR
export NODE_BIN="${NODE_BIN:-$APP_DIR/node_modules/node/bin/node}"
[ -x "$NODE_BIN" ] || NODE_BIN="$(command -v node)"
# The image sets CADDY_BIN; from a checkout, the Caddy `make deps` unpacked (docs/caddy.md).
export CADDY_BIN="${CADDY_BIN:-$APP_DIR/tools/caddy/bin/caddy}"
export DATA_DIR="$(realpath -m "${DATA_DIR:-$APP_DIR/data}")"
# Next to DATA_DIR and named after it, so two stacks whose data folders share a parent never share
# sockets, pid files or logs (docs/configuration.md, "Two stacks on one machine").
export RUN_DIR="$(realpath -m "${RUN_DIR:-$DATA_DIR.run}")"
if [ "${SIMULATOR:-0}" = 1 ]; then export SIMULATOR_AUTOSTART=true; else export SIMULATOR_AUTOSTART=false; fi
# GATEWAY_ROLE=all (default): Caddy, proxy and the admin, which writes config.json. replica: Caddy
# and proxy, plus a follower that keeps this replica's Caddy in step with the shared config.json;
# its Caddyfile lives in RUN_DIR, as only the admin writes DATA_DIR (docs/shared-state.md, "Replicas").
export GATEWAY_ROLE="${GATEWAY_ROLE:-all}"
case "$GATEWAY_ROLE" in
  all) export CADDYFILE="$DATA_DIR/Caddyfile" ADMIN_MAIN=main.js ;;
  replica) export CADDYFILE="$RUN_DIR/Caddyfile" ADMIN_MAIN=replica-main.js ;;
  *) echo "entrypoint: GATEWAY_ROLE must be all or replica, got '$GATEWAY_ROLE'" >&2; exit 2 ;;
esac
# The user the programs run as. The image starts as root (Azure Files mounts on ACI require it)
# and runs every program as PROGRAM_USER=node; a local `make up` runs them as the caller.
export PROGRAM_USER="${PROGRAM_USER:-$(id -un)}"

# A stop request during init ends the start cleanly (this script may be PID 1).
trap 'echo "entrypoint: stopped during init" >&2; exit 143' TERM INT

mkdir -p "$DATA_DIR" "$RUN_DIR"
# RUN_DIR holds Caddy's access log and the supervisor socket: owner only.
chmod 0700 "$RUN_DIR" 2>/dev/null || true
rm -f "$RUN_DIR/fatal"
as_program_user() {
  if [ "$(id -u)" = 0 ] && [ "$PROGRAM_USER" != root ]; then runuser -u "$PROGRAM_USER" -- "$@"; else "$@"; fi
}
if [ "$(id -u)" = 0 ] && [ "$PROGRAM_USER" != root ]; then
  # Ignored where ownership cannot change (an SMB share is mounted with its own owner and modes).
  chown -R "$PROGRAM_USER" "$DATA_DIR" "$RUN_DIR" 2>/dev/null || true
fi
as_program_user "$NODE_BIN" "$APP_DIR/dist/stack/init-main.js"

supervisord -c "$APP_DIR/supervisord.conf" &
sup=$!
trap 'kill -TERM "$sup" 2>/dev/null || true' TERM INT
set +e
wait "$sup"; status=$?
# A trapped signal interrupts the first wait; wait again for the real exit status.
while kill -0 "$sup" 2>/dev/null; do wait "$sup"; status=$?; done
# If it exited right after the interrupted wait, one more wait returns its real status
# (127 means it was already reaped and `status` holds it).
wait "$sup" 2>/dev/null; last=$?
if [ "$last" -ne 127 ]; then status=$last; fi
set -e
if [ -f "$RUN_DIR/fatal" ]; then
  echo "entrypoint: $(cat "$RUN_DIR/fatal")" >&2
  exit 1
fi
exit "$status"
