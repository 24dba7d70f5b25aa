# syntax=docker/dockerfile:1
# ai-gateway: one image for the operator and the proxy (`ai-gateway operator|proxy|standalone`).
# `npm run image` (scripts/image.ts) builds the same content without this file or a registry:
# buildah FROM scratch, Node from the npm `node` package, the same entrypoint.
# The product is TypeScript run directly by Node 24's type stripping: there is no build step, the
# runtime is the base image's Node 24, and only the production dependencies are installed (the
# `node` package in devDependencies is the developer toolchain, never shipped).
ARG NODE_IMAGE=node:24-slim

FROM ${NODE_IMAGE} AS deps
WORKDIR /app
ENV NODE_ENV=production
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund && npm cache clean --force

FROM ${NODE_IMAGE} AS runtime
LABEL org.opencontainers.image.title="ai-gateway" \
      org.opencontainers.image.description="Kubernetes-native LLM gateway: operator and proxy" \
      org.opencontainers.image.licenses="Apache-2.0"
WORKDIR /app
ENV NODE_ENV=production
COPY --from=deps /app/node_modules ./node_modules
COPY package.json ./
COPY operator/src ./operator/src
COPY gateway/src ./gateway/src
# The provider simulator runs in-cluster in the e2e tests on a real node (same image, other command).
COPY e2e/simulator ./e2e/simulator
# Fail the build if the base image's Node cannot run the product (type stripping needs 24+).
RUN node -e 'const m = Number(process.versions.node.split(".")[0]); if (m < 24) { console.error(`Node ${process.versions.node} < 24`); process.exit(1); }'
# Node's compile cache, prewarmed as the runtime uid with the proxy's flags (PROXY_NODE_FLAGS in
# operator/src/edges/proxy-node-options.ts) and with none (the operator): a process started from
# the image finds every module stripped and never loads Node's TypeScript stripper (~23 MiB RSS).
ENV NODE_COMPILE_CACHE=/app/.compile-cache
RUN mkdir .compile-cache && chown 65532:65532 .compile-cache && \
    setpriv --reuid=65532 --regid=65532 --clear-groups \
      node --max-semi-space-size=4 --heap-growing-percent=20 --no-memory-reducer operator/src/warm-compile-cache.ts && \
    setpriv --reuid=65532 --regid=65532 --clear-groups node operator/src/warm-compile-cache.ts && \
    chown -R root:root .compile-cache && chmod -R a+rX,go-w .compile-cache
# Distroless-style nonroot uid/gid; the chart also sets runAsNonRoot and a read-only root FS.
USER 65532:65532
EXPOSE 15000 15010 15020
ENTRYPOINT ["node", "operator/src/cli.ts"]
