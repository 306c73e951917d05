#!/usr/bin/env bash
# `make up`: start the whole stack (Caddy, proxy, admin, Foundry simulator) in the background on
# loopback, wait until /readyz answers through Caddy over HTTPS, and say how to use it.
set -euo pipefail
source "$(dirname "$0")/stack-env.sh"
mkdir -p "$RUN_DIR"
pidfile="$RUN_DIR/entrypoint.pid"
if [ -f "$pidfile" ] && kill -0 "$(cat "$pidfile")" 2>/dev/null; then
  echo "The stack is already running (pid $(cat "$pidfile")). 'make down' stops it."
  exit 0
fi
log="$RUN_DIR/stack.log"
# The log holds the first-run secrets (printed once by init): readable by this user only.
( umask 077; : > "$log" )
chmod 600 "$log"
setsid "$APP_DIR/deploy/entrypoint.sh" >>"$log" 2>&1 < /dev/null &
echo $! > "$pidfile"

root="$DATA_DIR/caddy/pki/authorities/local/root.crt"
url="https://localhost:$HTTPS_PORT"
deadline=$((SECONDS + 60))
ready=0
while [ $SECONDS -lt $deadline ]; do
  if ! kill -0 "$(cat "$pidfile")" 2>/dev/null; then break; fi
  hk=$("$NODE_BIN" -e 'try{const c=JSON.parse(require("fs").readFileSync(process.argv[1],"utf8"));process.stdout.write(c.server?.healthKey??"")}catch{}' "$DATA_DIR/config.json")
  # The health key goes to curl in a 0600 file, not on its command line (visible in ps).
  if [ -n "$hk" ] && [ -f "$root" ] && ( umask 077; printf 'authorization: Bearer %s\n' "$hk" > "$RUN_DIR/.readyz-header" ) \
     && curl -fsS --max-time 2 --cacert "$root" -H "@$RUN_DIR/.readyz-header" "$url/readyz" >/dev/null 2>&1; then
    ready=1; break
  fi
  sleep 0.5
done
rm -f "$RUN_DIR/.readyz-header"
if [ "$ready" != 1 ]; then
  echo "The stack did not become ready within 60 s. Last 50 log lines ($log):" >&2
  tail -n 50 "$log" >&2
  exit 1
fi
key=$(grep -m1 'client API key:' "$log" | sed 's/.*client API key: *//' || true)
user=$("$NODE_BIN" -e 'const c=JSON.parse(require("fs").readFileSync(process.argv[1],"utf8"));process.stdout.write(c.server?.adminAuth?.username??"admin")' "$DATA_DIR/config.json")
cat <<INFO

The gateway is up.
  API:        $url/v1   (models: gpt-4o-mini, gpt-5-mini, text-embedding-3-small, gpt-image-1 — served by the simulator)
  Admin:      $url/admin   (user: $user; password: see $DATA_DIR/first-run.txt on the first run)
  Client key: ${key:-(created on the first run; see $DATA_DIR/first-run.txt, or create one in the admin UI)}
  Logs:       make logs      Status: make status      Stop: make down

Trust the local CA for Node clients:
  export NODE_EXTRA_CA_CERTS=$root
INFO
