# The gateway as one container: Caddy (front door, TLS/ACME), the proxy and the admin service
# under supervisord.
#   docker build -t foundry-gateway .                                   (Debian's Caddy package)
#   docker build --target runtime-azure-dns -t foundry-gateway:dns .    (Caddy + Azure DNS for DNS-01)

# The one Caddy version: the image installs this Debian package (trixie-backports), and `make deps`
# unpacks the very same package for the tests, `make up`, bench and soak (deploy/fetch-caddy.sh reads
# this line; test/caddy/version.test.ts fails if the two drift apart). The DNS-01 target builds
# the same upstream version with xcaddy. Backports keep only their newest build: when it moves on,
# move both lines (docs/caddy.md).
ARG CADDY_VERSION=2.11.2
ARG CADDY_DEB_VERSION=2.11.2-1~bpo13+1

# ---- compile TypeScript ------------------------------------------------------------------
FROM node:24-trixie-slim AS build
WORKDIR /src
COPY package.json package-lock.json ./
# The pinned node@24 dev dependency is not needed here: the base image is Node 24 already.
RUN npm ci --no-audit --no-fund --ignore-scripts
COPY tsconfig.json ./
COPY common ./common
COPY proxy ./proxy
COPY admin ./admin
COPY stack ./stack
COPY simulator ./simulator
# The product only: tests are compiled apart (test/tsconfig.json) and never enter the image.
RUN npm run build:product

# ---- production dependencies only --------------------------------------------------------
FROM node:24-trixie-slim AS deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund

# ---- Caddy with the Azure DNS provider (only built for the runtime-azure-dns target) -------
FROM caddy:2.11-builder AS caddy-azure-dns-build
ARG CADDY_VERSION
RUN xcaddy build "v${CADDY_VERSION}" --with github.com/caddy-dns/azure --output /usr/bin/caddy

# ---- everything but Caddy -------------------------------------------------------------------
FROM node:24-trixie-slim AS base
RUN apt-get update \
 && apt-get install -y --no-install-recommends supervisor libcap2-bin curl ca-certificates util-linux \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY --from=deps /app/node_modules ./node_modules
COPY --from=build /src/dist/common ./dist/common
COPY --from=build /src/dist/proxy ./dist/proxy
COPY --from=build /src/dist/admin ./dist/admin
COPY --from=build /src/dist/stack ./dist/stack
COPY --from=build /src/dist/simulator ./dist/simulator
COPY package.json supervisord.conf ./
COPY caddy ./caddy
COPY data-skel ./data-skel
COPY deploy/entrypoint.sh ./deploy/entrypoint.sh

# Runtime contract (docs/architecture.md): state on the data share, sockets and pid files in RUN_DIR.
# No port variables: the config (admin UI) decides the public ports, default 443/80.
# supervisord starts as root because ACI mounts Azure Files shares only for root containers;
# every program (caddy, proxy, admin) and the init step run as the unprivileged `node` user.
ENV DATA_DIR=/app/data \
    RUN_DIR=/run/aoai \
    NODE_BIN=/usr/local/bin/node \
    CADDY_BIN=/usr/bin/caddy \
    PROGRAM_USER=node \
    NODE_ENV=production
RUN mkdir -p /app/data /run/aoai \
 && chown -R node:node /app/data /run/aoai

# Only Caddy's ports are published; the proxy (3000), admin (3001) and internal (3002)
# listeners are on 127.0.0.1 inside the container.
EXPOSE 80 443
VOLUME ["/app/data"]
HEALTHCHECK --interval=30s --timeout=5s --retries=5 \
  CMD curl -fsS "http://127.0.0.1:${INTERNAL_PORT:-3002}/internal/targets" >/dev/null && curl -fsS "http://${CADDY_ADMIN:-localhost:2019}/config/" >/dev/null || exit 1
ENTRYPOINT ["/app/deploy/entrypoint.sh"]

# ---- runtime with Caddy + Azure DNS (docker build --target runtime-azure-dns) ----------------
FROM base AS runtime-azure-dns
COPY --from=caddy-azure-dns-build /usr/bin/caddy /usr/bin/caddy
# Caddy binds 80/443 as the non-root program user.
RUN setcap cap_net_bind_service=+ep /usr/bin/caddy

# ---- runtime with Debian's Caddy package (the default target: last stage) --------------------
# From Debian 13's backports, the version pinned at the top; the same package `make deps` unpacks.
FROM base AS runtime
ARG CADDY_DEB_VERSION
RUN printf 'Types: deb\nURIs: http://deb.debian.org/debian\nSuites: trixie-backports\nComponents: main\nSigned-By: /usr/share/keyrings/debian-archive-keyring.gpg\n' \
      > /etc/apt/sources.list.d/trixie-backports.sources \
 && apt-get update \
 && apt-get install -y --no-install-recommends -t trixie-backports "caddy=${CADDY_DEB_VERSION}" \
 && rm -rf /var/lib/apt/lists/* \
 && setcap cap_net_bind_service=+ep /usr/bin/caddy
