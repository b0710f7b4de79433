# The platform's Node images, built by scripts/images.sh (`npm run images`) from a staging
# directory it prepares on the host (.cache/images/app), because the npm registry need not be
# reachable from inside a build:
#   node_modules/   npm ci --omit=dev: production dependencies only, no devDependencies
#   dist/           swc output of apps/ and libs/ without tests, test helpers, bench/ or tools/
#                   (no simulator), plus the console's built web app
#   config/         jurisdiction.json (triage, dispatch, analytics) and oidc-realm.json (provider)
#   apps/triage/models/  triage's learnt suggestion model (SUGGESTION_MODEL_FILE)
#   infra/oidc-provider/  the embedded provider
#
# Target `services`: one image for intake, triage, dispatch, analytics and console (and the
# portal once it exists: it lands in dist/apps/portal with the rest). The command selects the
# service, e.g. ["node", "--enable-source-maps", "dist/apps/triage/src/main.js"].
# Target `oidc-provider`: infra/oidc-provider/server.mjs, a stand-in for the real identity
# provider (Keycloak or another; README "Deploying").
#
# Both run as the unprivileged `node` user on files owned by root, so they work with a read-only
# root filesystem (docker-compose.yml sets read_only and a tmpfs for /tmp).
ARG BASE_IMAGE=node:24-bookworm-slim

FROM ${BASE_IMAGE} AS runtime-deps
ENV NODE_ENV=production
WORKDIR /app
COPY package.json ./
COPY node_modules ./node_modules

FROM runtime-deps AS services
COPY dist ./dist
COPY config/jurisdiction.json ./config/jurisdiction.json
COPY apps/triage/models ./apps/triage/models
USER node
# console 3000, intake gRPC 50051 and HTTP 3001, triage 3002, dispatch 3003, analytics 3004.
EXPOSE 3000 3001 3002 3003 3004 50051
CMD ["node", "--enable-source-maps", "dist/apps/intake/src/main.js"]

FROM runtime-deps AS oidc-provider
COPY infra/oidc-provider ./infra/oidc-provider
COPY config/oidc-realm.json ./config/oidc-realm.json
# Signing and cookie keys live here (a volume): tokens survive a restart of the provider.
RUN mkdir -p /data/oidc && chown node:node /data/oidc
ENV OIDC_HOST=0.0.0.0 OIDC_DATA_DIR=/data/oidc
USER node
EXPOSE 8080
CMD ["node", "infra/oidc-provider/server.mjs"]
