#!/usr/bin/env bash
# Builds the base images docker-compose.yml needs from Debian packages, for machines that reach a Debian
# mirror but no image registry (docker pull fails). Users with a registry need none of this: the real FROM
# and image: lines (python:3.11-slim-bookworm, postgres:15, redis:7, debian:bookworm-slim) stay as they are.
#
#   scripts/docker-base-images.sh          # about 3-5 minutes the first time; later runs reuse what exists
#
# 1. debootstrap a minimal Debian 12 (bookworm) and `docker import` it as local/bookworm;
# 2. build on it, from Debian packages only (deploy/docker/*/Dockerfile):
#      local/python:3.11-bookworm   python3.11 + venv      (the portal's image: --build-arg PYTHON_IMAGE=...)
#      local/postgres:15            postgresql-15 + an entrypoint honouring POSTGRES_USER/PASSWORD/DB
#      local/redis:7                redis-server 7.0
#      local/mailsink               an SMTP sink (python3-aiosmtpd, Maildir) standing in for Mailpit
# deploy/compose.debian.yml points compose at them; scripts/compose-smoke.sh uses both.
set -euo pipefail
cd "$(dirname "$0")/.."

WORK=${BASE_IMAGES_WORK:-/var/tmp/portal-base-images}
MIRROR=${DEBIAN_MIRROR:-http://deb.debian.org/debian}
REBUILD=${REBUILD:-0}

have() { [ "$REBUILD" = 0 ] && docker image inspect "$1" >/dev/null 2>&1; }
stamp() { date +%s; }

t0=$(stamp)
if have local/bookworm; then
  echo "== local/bookworm exists"
else
  command -v debootstrap >/dev/null || { echo "debootstrap missing: apt-get install -y debootstrap" >&2; exit 1; }
  echo "== debootstrap bookworm ($MIRROR) into $WORK/rootfs"
  rm -rf "$WORK/rootfs"
  mkdir -p "$WORK"
  debootstrap --variant=minbase bookworm "$WORK/rootfs" "$MIRROR" >"$WORK/debootstrap.log" 2>&1 \
    || { tail -20 "$WORK/debootstrap.log" >&2; exit 1; }
  rm -rf "$WORK/rootfs/var/cache/apt/archives/"*.deb "$WORK/rootfs/var/lib/apt/lists/"*
  tar -C "$WORK/rootfs" -c . | docker import - local/bookworm >/dev/null
  rm -rf "$WORK/rootfs"
  echo "   debootstrap + import: $(( $(stamp) - t0 )) s"
fi

build() {  # build TAG DIR: a Dockerfile on local/bookworm; the host's network, for apt
  local tag=$1 dir=$2 t
  if have "$tag"; then echo "== $tag exists"; return; fi
  t=$(stamp)
  echo "== building $tag"
  docker build --network host --build-arg BASE=local/bookworm -t "$tag" "$dir" >"$WORK/build-${tag//[\/:]/_}.log" 2>&1 \
    || { tail -30 "$WORK/build-${tag//[\/:]/_}.log" >&2; exit 1; }
  echo "   $tag: $(( $(stamp) - t )) s"
}
mkdir -p "$WORK"
build local/python:3.11-bookworm deploy/docker/python
build local/postgres:15 deploy/docker/postgres
build local/redis:7 deploy/docker/redis
build local/mailsink deploy/docker/mailsink
echo "== base images ready in $(( $(stamp) - t0 )) s"
