# netpol-audit container image: Debian-based Node LTS with Debian's Chromium for PDF reports.
# Runs as a non-root user and writes only to /data (history, reports) and /tmp, so it works with a
# read-only root filesystem.
#
#   docker build -t netpol-audit .
#   docker run --rm -v netpol-audit-data:/data netpol-audit demo --out /data/demo

# ---- build: compile TypeScript and the native SQLite binding, then drop dev dependencies
FROM node:20-bookworm-slim AS build
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 make g++ ca-certificates \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /app
# node-gyp builds better-sqlite3 against the headers of this very Node installation (no header download)
ENV npm_config_nodedir=/usr/local
COPY package.json package-lock.json ./
RUN npm ci --ignore-scripts --no-audit --no-fund \
 && npm rebuild better-sqlite3
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
RUN npx tsc -p tsconfig.build.json \
 && npm prune --omit=dev --no-audit --no-fund

# ---- runtime: no compilers, no npm caches, Chromium from Debian
FROM node:20-bookworm-slim
RUN apt-get update \
 && apt-get install -y --no-install-recommends chromium fonts-dejavu-core ca-certificates tini \
 && rm -rf /var/lib/apt/lists/* /var/cache/apt/*
ENV NODE_ENV=production \
    PUPPETEER_EXECUTABLE_PATH=/usr/bin/chromium \
    NETPOL_AUDIT_CHROMIUM_NO_SANDBOX=1 \
    NETPOL_AUDIT_STORE=sqlite:/data/history.sqlite \
    HOME=/tmp \
    XDG_CONFIG_HOME=/tmp/.config \
    XDG_CACHE_HOME=/tmp/.cache
WORKDIR /app
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY package.json ./
COPY bin ./bin
COPY templates ./templates
COPY config ./config
COPY examples ./examples
RUN ln -s /app/bin/netpol-audit.js /usr/local/bin/netpol-audit \
 && mkdir -p /data && chown node:node /data
USER node
VOLUME ["/data"]
# The daemon touches a heartbeat file after every scheduler tick; one-shot commands (CronJobs) have no
# long-running process to check, and the health command then reports healthy.
HEALTHCHECK --interval=5m --timeout=10s --start-period=1m CMD ["netpol-audit", "health"]
ENTRYPOINT ["/usr/bin/tini", "--", "netpol-audit"]
CMD ["daemon"]
