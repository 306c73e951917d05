# The gateway as one container: Caddy (front door, TLS/ACME), the proxy and the admin service
# under supervisord.
#   docker build -t foundry-gateway .                                   (official Caddy)
#   docker build --target runtime-azure-dns -t foundry-gateway:dns .    (Caddy + Azure DNS for DNS-01)

# ---- compile TypeScript ------------------------------------------------------------------
FROM node:24-bookworm-slim AS build
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
FROM node:24-bookworm-slim AS deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund

# ---- Caddy with the Azure DNS provider (only built for the runtime-azure-dns target) -------
FROM caddy:2.10-builder AS caddy-azure-dns-build
RUN xcaddy build --with github.com/caddy-dns/azure --output /usr/bin/caddy

# ---- everything but Caddy -------------------------------------------------------------------
FROM node:24-bookworm-slim AS base
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

# ---- runtime with the official Caddy binary (the default target: last stage) ----------------
FROM base AS runtime
COPY --from=caddy:2.10 /usr/bin/caddy /usr/bin/caddy
RUN setcap cap_net_bind_service=+ep /usr/bin/caddy
