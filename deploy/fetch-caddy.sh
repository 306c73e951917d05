#!/usr/bin/env bash
# `make deps`: the Caddy that the tests, `make up`, `make bench` and `make soak` run. It is the very
# package the image installs (the Dockerfile's CADDY_DEB_VERSION, from Debian 13's backports; the
# static binary runs on Debian 12 too), fetched with apt through a private sources list, so the
# machine's own apt sources stay untouched, and unpacked into tools/caddy (gitignored).
# apt checks the suite's signature and the package's hash. A no-op when that version is there.
set -euo pipefail

APP_DIR="$(cd "$(dirname "$0")/.." && pwd)"
deb_version="$(sed -n 's/^ARG CADDY_DEB_VERSION=//p' "$APP_DIR/Dockerfile")"
if [ -z "$deb_version" ]; then
  echo "fetch-caddy: no 'ARG CADDY_DEB_VERSION=' line in the Dockerfile" >&2
  exit 1
fi
dest="$APP_DIR/tools/caddy"
if [ -x "$dest/bin/caddy" ] && [ "$(cat "$dest/deb-version" 2>/dev/null)" = "$deb_version" ]; then
  exit 0
fi

echo "fetching Caddy $deb_version from Debian's trixie-backports into tools/caddy"
mkdir -p "$APP_DIR/tools"
work="$(mktemp -d "$APP_DIR/tools/.caddy-apt.XXXXXX")"
trap 'rm -rf "$work"' EXIT
# The machine's own Debian mirror (its first URIs line may be another vendor's repository).
mirror="${CADDY_APT_MIRROR:-$(apt-cache policy 2>/dev/null | grep -m1 -oE 'https?://[^ ]+ (bookworm|trixie)/main' | cut -d' ' -f1 || true)}"
mirror="${mirror:-http://deb.debian.org/debian}"
mkdir -p "$work/lists/partial" "$work/archives/partial"
printf 'Types: deb\nURIs: %s\nSuites: trixie-backports\nComponents: main\nSigned-By: /usr/share/keyrings/debian-archive-keyring.gpg\n' \
  "$mirror" > "$work/backports.sources"
apt_opts=(-o Dir::Etc::sourcelist=/dev/null -o "Dir::Etc::sourceparts=$work" -o "Dir::State=$work"
  -o "Dir::Cache=$work" -o Dir::State::status=/dev/null -o APT::Sandbox::User=root -qq)
apt-get "${apt_opts[@]}" update
if ! (cd "$work" && apt-get "${apt_opts[@]}" download "caddy=$deb_version"); then
  echo "fetch-caddy: caddy=$deb_version is not in trixie-backports on $mirror any more;" \
    "move CADDY_DEB_VERSION (and CADDY_VERSION) in the Dockerfile to the version it carries now:" >&2
  apt-cache "${apt_opts[@]}" policy caddy >&2 || true
  exit 1
fi
dpkg-deb -x "$work"/caddy_*.deb "$work/root"
reported="$("$work/root/usr/bin/caddy" version | cut -d' ' -f1)"
case "$deb_version" in
  "$reported"-*) ;;
  *) echo "fetch-caddy: the package $deb_version holds Caddy $reported" >&2; exit 1 ;;
esac
mkdir -p "$work/new/bin"
cp "$work/root/usr/bin/caddy" "$work/new/bin/caddy"
echo "$deb_version" > "$work/new/deb-version"
# Readable and runnable by the unprivileged user the stack's programs run as.
chmod -R a+rX "$work/new"
rm -rf "$dest"
mv "$work/new" "$dest"
echo "Caddy $reported in $dest/bin/caddy"
