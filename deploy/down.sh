#!/usr/bin/env bash
# `make down`: SIGTERM the entry script (supervisord drains the proxy, Caddy stops) and wait.
set -euo pipefail
source "$(dirname "$0")/stack-env.sh"
pidfile="$RUN_DIR/entrypoint.pid"
if ! [ -f "$pidfile" ] || ! kill -0 "$(cat "$pidfile")" 2>/dev/null; then
  echo "The stack is not running."
  rm -f "$pidfile"
  exit 0
fi
pid=$(cat "$pidfile")
kill -TERM "$pid"
for _ in $(seq 1 80); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
if kill -0 "$pid" 2>/dev/null; then echo "still running after 40 s; killing" >&2; kill -KILL -- "-$pid" 2>/dev/null || kill -KILL "$pid"; fi
rm -f "$pidfile"
echo "The stack is stopped."
