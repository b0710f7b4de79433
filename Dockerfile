# syntax=docker/dockerfile:1
#
# One image for all four services (intake, triage, dispatch, analytics). The image holds the whole
# compiled monorepo; which service runs is chosen by the command, e.g. in docker-compose.yml:
#   command: ["node", "--enable-source-maps", "dist/apps/<service>/src/main.js"]
# No HEALTHCHECK here on purpose: each service has its own port, so docker-compose.yml defines them.

ARG NODE_IMAGE=node:20-bookworm-slim

# ---- build: full dependencies, compile TypeScript with swc ------------------------------------
FROM ${NODE_IMAGE} AS build
WORKDIR /app

# Dependencies first so this layer is cached until the lockfile changes.
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund --loglevel=error

# Sources (what .dockerignore lets through). swc reads .swcrc for decorators and the
# @callcenter/* path aliases; --copy-files brings non-TS assets such as
# libs/contracts/src/proto/*.proto along into dist/.
COPY . .
RUN npx swc apps libs bench -d dist --copy-files --quiet \
 && for svc in intake triage dispatch analytics; do \
      test -f "dist/apps/$svc/src/main.js" || { echo "missing dist/apps/$svc/src/main.js" >&2; exit 1; }; \
    done

# ---- runtime: production dependencies + compiled output, non-root ------------------------------
FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production
WORKDIR /app

COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund --loglevel=error \
 && npm cache clean --force

COPY --from=build /app/dist ./dist

# Files stay owned by root (read-only for the app); the process runs as the image's `node` user.
USER node

# intake gRPC, then the HTTP ports of intake, triage, dispatch, analytics.
EXPOSE 50051 3001 3002 3003 3004

# Default: intake. docker-compose.yml overrides the command per service.
CMD ["node", "--enable-source-maps", "dist/apps/intake/src/main.js"]
