#!/usr/bin/env bash
# `make up` from a fresh clone, as a newcomer runs it: clone, make up (installs, builds, starts),
# one OpenAI SDK call over HTTPS through Caddy, make down. Run by .ci/run after make test.
set -euo pipefail
src="$(cd "$(dirname "$0")/.." && pwd)"
work="$(mktemp -d)"
trap 'cd "$work/repo" 2>/dev/null && make down >/dev/null 2>&1 || true; rm -rf "$work"' EXIT
git clone --quiet "$src" "$work/repo"
cd "$work/repo"
# Ports of their own, so a developer's running stack is not disturbed.
export HTTPS_PORT=28443 HTTP_PORT=28080 PROXY_PORT=23000 ADMIN_PORT=23001 INTERNAL_PORT=23002 SIM_PORT=23003 CADDY_ADMIN=localhost:22019
out="$(make up)"
echo "$out"
key="$(printf '%s\n' "$out" | sed -n 's/^ *Client key: *\(sk-gw-[^ ]*\).*/\1/p')"
[ -n "$key" ] || { echo "fresh-clone: make up printed no client key" >&2; exit 1; }
NODE_EXTRA_CA_CERTS="$PWD/data/caddy/pki/authorities/local/root.crt" KEY="$key" node_modules/.bin/node -e "
const OpenAI = require('openai');
new OpenAI({ baseURL: 'https://localhost:' + process.env.HTTPS_PORT + '/v1', apiKey: process.env.KEY, maxRetries: 0 })
  .chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hello from a fresh clone' }] })
  .then((r) => { console.log('fresh-clone: ' + r.choices[0].message.content); })
  .catch((e) => { console.error('fresh-clone: SDK call failed: ' + e.message); process.exit(1); });"
make down
echo "fresh-clone make up: 1 passed, 0 failed"
