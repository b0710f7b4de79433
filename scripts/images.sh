#!/usr/bin/env bash
# `npm run images`: builds every image docker-compose.yml runs, here, with no image registry:
#   callcenter/debian:bookworm          Debian bookworm minbase (debootstrap + docker import; once)
#   callcenter/node:24-bookworm-slim    stand-in for node:24-bookworm-slim (node from .cache/node)
#   callcenter/jre:17-bookworm          Debian's OpenJDK 17 JRE (apt inside the build)
#   callcenter/services:local           intake, triage, dispatch, analytics, console, portal (infra/images/services.Dockerfile)
#   callcenter/oidc-provider:local      the embedded OIDC provider, stand-in for the real IdP
#   callcenter/kafka:local              Apache Kafka 4.1 KRaft from the Maven Central jars
#   callcenter/mongo-java-server:local  stand-in for mongo:7 (mongo-java-server + H2)
#   callcenter/prometheus:local         Debian's prometheus package + infra/prometheus (config, alert rules)
# With a registry, BASE_IMAGE=node:24-bookworm-slim JRE_BASE=debian:bookworm-slim skips the local
# Debian and Node bases and builds on the official images instead (JRE_BASE is the Debian base of
# the JRE and Prometheus images).
# Production node_modules are made on the host (npm ci --omit=dev into .cache/images/app) because
# builds cannot be assumed to reach the npm registry; the code is compiled there too (swc, vite),
# without tests, test helpers, bench/ or tools/.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
ensure_node

TAG="${IMAGE_TAG:-local}"
DEBIAN_IMAGE="${DEBIAN_IMAGE:-callcenter/debian:bookworm}"
NODE_BASE="callcenter/node:24-bookworm-slim"
BASE_IMAGE="${BASE_IMAGE:-$NODE_BASE}"
JRE_BASE="${JRE_BASE:-$DEBIAN_IMAGE}"
JRE_IMAGE="callcenter/jre:17-bookworm"
STAGE="$ROOT/.cache/images"
IMAGES="$ROOT/infra/images"
started=$SECONDS

command -v docker >/dev/null || { say "docker is not installed (as root: apt-get install docker.io, then start dockerd)"; exit 1; }
docker info >/dev/null 2>&1 || { say "no Docker engine answers at ${DOCKER_HOST:-/var/run/docker.sock}"; exit 1; }
build() { # tag dockerfile context [args…]
  local tag="$1" file="$2" context="$3"; shift 3
  local t=$SECONDS log; log="$(mktemp)"
  # The legacy builder works with any engine (Debian's docker.io has no buildx); its deprecation
  # notice and the build output are shown only when the build fails.
  DOCKER_BUILDKIT=0 docker build --force-rm -t "$tag" -f "$file" "$@" "$context" >"$log" 2>&1 || { tail -n 40 "$log" >&2; rm -f "$log"; exit 1; }
  rm -f "$log"
  say "image $tag ($((SECONDS - t)) s)"
}

# ---- bases --------------------------------------------------------------------------------------
needs_debian() { [[ "$DEBIAN_IMAGE" == callcenter/* ]] && { [[ "$BASE_IMAGE" == "$NODE_BASE" ]] || [[ "$JRE_BASE" == "$DEBIAN_IMAGE" ]]; }; }
if needs_debian && ! docker image inspect "$DEBIAN_IMAGE" >/dev/null 2>&1; then
  [[ "$(id -u)" == 0 ]] || { say "making $DEBIAN_IMAGE needs root (debootstrap)"; exit 1; }
  command -v debootstrap >/dev/null || { say "installing debootstrap (apt-get)"; DEBIAN_FRONTEND=noninteractive apt-get install -y -qq debootstrap >&2; }
  rootfs="$(mktemp -d /tmp/callcenter-debian.XXXXXX)"
  say "debootstrap --variant=minbase bookworm (about a minute)"
  debootstrap --variant=minbase bookworm "$rootfs" "${DEBIAN_MIRROR:-http://deb.debian.org/debian}" >"$rootfs.log" 2>&1 \
    || { tail -n 20 "$rootfs.log" >&2; rm -rf "$rootfs" "$rootfs.log"; exit 1; }
  rm -rf "$rootfs"/var/lib/apt/lists/* "$rootfs"/var/cache/apt/*.bin "$rootfs"/var/cache/apt/archives/*.deb "$rootfs"/var/log/*.log
  tar -C "$rootfs" --numeric-owner -c . | docker import --change 'CMD ["bash"]' - "$DEBIAN_IMAGE" >/dev/null
  rm -rf "$rootfs" "$rootfs.log"
fi
if [[ "$BASE_IMAGE" == "$NODE_BASE" ]]; then
  mkdir -p "$STAGE/node"
  cp -p "$(command -v node)" "$STAGE/node/node"
  build "$NODE_BASE" "$IMAGES/node.Dockerfile" "$STAGE/node" --build-arg "DEBIAN_IMAGE=$DEBIAN_IMAGE"
fi
build "$JRE_IMAGE" "$IMAGES/jre.Dockerfile" "$IMAGES" --build-arg "DEBIAN_IMAGE=$JRE_BASE"

# ---- the Node images: production dependencies and compiled code, staged ------------------------
APP="$STAGE/app"
mkdir -p "$APP"
if [[ ! -f "$APP/node_modules/.package-lock.json" || package-lock.json -nt "$APP/node_modules/.package-lock.json" || package.json -nt "$APP/package.json" ]]; then
  say "production node_modules (npm ci --omit=dev)"
  cp package.json package-lock.json "$APP/"
  (cd "$APP" && npm ci --omit=dev --ignore-scripts --no-audit --no-fund --loglevel=error >&2)
fi
cp package.json "$APP/package.json"
if [[ ! -d node_modules ]]; then say "installing npm packages (npm ci) to compile"; npm ci --no-audit --no-fund --loglevel=error >&2; fi
say "compiling apps/ and libs/ without tests (swc) and the web apps (vite)"
rm -rf "$APP/dist" "$APP/config" "$APP/infra" "$APP/apps"
npx swc apps libs -d "$APP/dist" --copy-files --quiet \
  --ignore '**/*.spec.ts' --ignore '**/*.testing.ts' --ignore 'apps/*/test/**' --ignore 'libs/testing/**' --ignore 'libs/api-client/**' \
  --ignore 'apps/*/web/**' >&2
for config in apps/*/web/vite.config.mts; do # the single-page apps (console, portal)
  app="$(basename "$(dirname "$(dirname "$config")")")"
  npx vite build --config "$config" --outDir "$APP/dist/apps/$app/web" --emptyOutDir --logLevel error >&2
done
mkdir -p "$APP/config" "$APP/infra/oidc-provider"
cp config/jurisdiction.json config/oidc-realm.json "$APP/config/"
mkdir -p "$APP/apps/triage/models" # triage's suggestion model (SUGGESTION_MODEL_FILE, relative to /app)
cp apps/triage/models/suggestions-* "$APP/apps/triage/models/" # gzipped JSON (.json.gz)
cp infra/oidc-provider/*.mjs "$APP/infra/oidc-provider/"
for main in apps/*/src/main.ts; do
  [[ -f "$APP/dist/${main%.ts}.js" ]] || { say "missing dist/${main%.ts}.js"; exit 1; }
done
if find "$APP/dist" \( -name '*.spec.js' -o -name '*.testing.js' -o -path '*/bench/*' -o -path '*/simulator/*' -o -path '*/libs/testing/*' -o -path '*/libs/api-client/*' \) | grep -q .; then
  say "test, bench or simulator code reached the image staging directory"; exit 1
fi
build "callcenter/services:$TAG" "$IMAGES/services.Dockerfile" "$APP" --target services --build-arg "BASE_IMAGE=$BASE_IMAGE"
build "callcenter/oidc-provider:$TAG" "$IMAGES/services.Dockerfile" "$APP" --target oidc-provider --build-arg "BASE_IMAGE=$BASE_IMAGE"

# ---- Kafka and the database stand-in: the jars the project already fetches --------------------
(unset KAFKA_BROKERS MONGODB_URI; bash infra/bin/infra install)
rm -rf "$STAGE/kafka" "$STAGE/mongo-java-server"
mkdir -p "$STAGE/kafka" "$STAGE/mongo-java-server"
cp -al "$ROOT/.cache/kafka/libs" "$STAGE/kafka/libs" && rm -f "$STAGE/kafka/libs/.complete"
cp -r "$IMAGES/kafka" "$STAGE/kafka/kafka"
mkdir -p "$STAGE/kafka/security" # SASL/SCRAM over TLS and ACLs, as KAFKA_SECURITY=sasl-ssl locally
cp infra/kafka/{kafka-security,acls.conf,server-sasl-ssl.properties,SecurityBootstrap.java,log4j2-tools.properties} "$STAGE/kafka/security/"
build "callcenter/kafka:$TAG" "$IMAGES/kafka.Dockerfile" "$STAGE/kafka" --build-arg "JRE_IMAGE=$JRE_IMAGE"
cp -al "$ROOT/.cache/mongo-java-server/libs" "$ROOT/.cache/mongo-java-server/classes" "$STAGE/mongo-java-server/"
build "callcenter/mongo-java-server:$TAG" "$IMAGES/mongo-java-server.Dockerfile" "$STAGE/mongo-java-server" --build-arg "JRE_IMAGE=$JRE_IMAGE"

# ---- Prometheus: Debian's package, the project's configuration and rules ------------------------
rm -rf "$STAGE/prometheus" && mkdir -p "$STAGE/prometheus/compose"
cp infra/prometheus/prometheus.yml infra/prometheus/alerts.yml "$STAGE/prometheus/"
cp infra/prometheus/compose/targets.yml "$STAGE/prometheus/compose/"
build "callcenter/prometheus:$TAG" "$IMAGES/prometheus.Dockerfile" "$STAGE/prometheus" --build-arg "DEBIAN_IMAGE=$JRE_BASE"

say "images built in $((SECONDS - started)) s:"
docker image ls --filter 'reference=callcenter/*' --format '  {{.Repository}}:{{.Tag}}  {{.Size}}' >&2
