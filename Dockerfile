# syntax=docker/dockerfile:1
# The four service images from one file, one target each; the build context is the repository:
#   docker build --target renderer -t invoicing/renderer:0.1.0 .
# There is no JavaScript build: a service runs its TypeScript through tsx, as in development.
# An image holds the workspace packages, that service's sources, the code generated from
# proto/ and that service's production dependencies; it runs as the non-root user 1000.

ARG NODE_IMAGE=node:20.20.2-bookworm-slim

# ---- build (never shipped) ------------------------------------------------------------------
FROM ${NODE_IMAGE} AS workspace
# better-sqlite3 compiles from source when its prebuilt binary cannot be downloaded; the
# headers come from the Node image itself.
ENV npm_config_nodedir=/usr/local
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 make g++ \
 && rm -rf /var/lib/apt/lists/*
RUN npm install -g pnpm@10.34.9
WORKDIR /app
# The lockfile alone decides the downloads: this layer is reused until dependencies change.
COPY pnpm-lock.yaml pnpm-workspace.yaml .npmrc ./
RUN pnpm fetch
COPY . .
# Every dependency (buf and protoc-gen-es are dev dependencies), then packages/contracts/gen,
# which is not in git.
RUN pnpm install --frozen-lockfile --offline && pnpm generate

FROM workspace AS order-deps
RUN sh deploy/docker/install-production-deps.sh order

FROM workspace AS invoice-deps
RUN sh deploy/docker/install-production-deps.sh invoice

FROM workspace AS renderer-deps
RUN sh deploy/docker/install-production-deps.sh renderer

FROM workspace AS notifier-deps
RUN sh deploy/docker/install-production-deps.sh notifier

# ---- runtime ----------------------------------------------------------------------------------
FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production
WORKDIR /app
# The image's "node" user, by number so that Kubernetes' runAsNonRoot can verify it. The files
# stay root's: the service only reads them. Writable: /tmp (an emptyDir in the cluster).
USER 1000:1000

FROM runtime AS order
COPY --from=order-deps /app/package.json ./
COPY --from=order-deps /app/node_modules ./node_modules
COPY --from=order-deps /app/packages ./packages
COPY --from=order-deps /app/services/order ./services/order
EXPOSE 50051
CMD ["node", "--import", "tsx", "services/order/src/main.ts"]

FROM runtime AS invoice
# The sRGB profile every Factur-X PDF/A embeds as its output intent (the service stops at start
# without it), from Debian as in scripts/install.sh.
USER root
RUN apt-get update \
 && apt-get install -y --no-install-recommends icc-profiles-free \
 && rm -rf /var/lib/apt/lists/*
USER 1000:1000
COPY --from=invoice-deps /app/package.json ./
COPY --from=invoice-deps /app/node_modules ./node_modules
COPY --from=invoice-deps /app/packages ./packages
COPY --from=invoice-deps /app/services/invoice ./services/invoice
EXPOSE 50052
CMD ["node", "--import", "tsx", "services/invoice/src/main.ts"]

FROM runtime AS notifier
COPY --from=notifier-deps /app/package.json ./
COPY --from=notifier-deps /app/node_modules ./node_modules
COPY --from=notifier-deps /app/packages ./packages
COPY --from=notifier-deps /app/services/notifier ./services/notifier
EXPOSE 50054
CMD ["node", "--import", "tsx", "services/notifier/src/main.ts"]

# Debian's headless Chromium and fonts for every script a buyer's name may be in (Latin,
# Greek, Cyrillic, Arabic, Hebrew in Noto core; Chinese, Japanese, Korean in Noto CJK; emoji),
# the same set scripts/install.sh gives the tests; no browser is downloaded. In its own stage
# so that code changes do not reinstall it.
FROM runtime AS renderer-system
USER root
RUN apt-get update \
 && apt-get install -y --no-install-recommends \
      chromium-headless-shell fontconfig fonts-dejavu-core fonts-liberation fonts-noto-core \
      fonts-noto-cjk fonts-noto-color-emoji tini \
 && rm -rf /var/lib/apt/lists/*
# Chromium and fontconfig write under $HOME; in the cluster only /tmp is writable.
ENV HOME=/tmp
USER 1000:1000

FROM renderer-system AS renderer
COPY --from=renderer-deps /app/package.json ./
COPY --from=renderer-deps /app/node_modules ./node_modules
COPY --from=renderer-deps /app/packages ./packages
COPY --from=renderer-deps /app/services/renderer ./services/renderer
EXPOSE 50053
# tini as PID 1 reaps Chromium's helper processes, which node would leave as zombies.
ENTRYPOINT ["/usr/bin/tini", "--"]
CMD ["node", "--import", "tsx", "services/renderer/src/main.ts"]
