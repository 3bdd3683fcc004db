#!/usr/bin/env bash
# Builds local Debian base images from Debian packages, without any image registry: debootstrap a minimal bookworm
# tree with the packages a role needs, then `docker import` it. Used by the compose smoke test (.ci/compose-smoke.sh)
# and by anyone who cannot pull the public images.
#   src/main/docker/debian-images.sh PREFIX      -> images PREFIX-debian-jre:bookworm and PREFIX-debian-postgres:bookworm
# The tarballs are cached in ${CAKB_IMAGE_CACHE:-/var/cache/cakb-images} by package list, so a second run (or a CI run
# on the same machine) only imports them. Needs root, debootstrap, docker and the Debian mirror apt uses.
set -euo pipefail
prefix=${1:?usage: debian-images.sh PREFIX}
cache=${CAKB_IMAGE_CACHE:-/var/cache/cakb-images}
mirror=${CAKB_DEBIAN_MIRROR:-$(awk '/^URIs:/ {print $2; exit}' /etc/apt/sources.list.d/debian.sources 2>/dev/null || true)}
mirror=${mirror:-http://deb.debian.org/debian}
mkdir -p "$cache"

# role -> extra packages (bash for the health check, passwd for the unprivileged user, ca-certificates for TLS)
declare -A packages=(
  [jre]="openjdk-17-jre-headless,ca-certificates,passwd,bash"
  [postgres]="postgresql-15,passwd,bash,locales-all"
)
for role in jre postgres; do
  image=$prefix-debian-$role:bookworm
  if docker image inspect "$image" >/dev/null 2>&1; then
    echo "[debian-images] $image exists"
    continue
  fi
  key=$(echo "bookworm minbase ${packages[$role]}" | sha256sum | cut -c1-12)
  tarball=$cache/debian-$role-$key.tar
  if [ ! -s "$tarball" ]; then
    tree=$(mktemp -d /var/tmp/cakb-debootstrap.XXXXXX)
    echo "[debian-images] debootstrap $role (${packages[$role]}) from $mirror"
    start=$(date +%s)
    debootstrap --variant=minbase --include="${packages[$role]}" bookworm "$tree" "$mirror" >"$tree.log" 2>&1 \
      || { tail -30 "$tree.log"; rm -rf "$tree"; exit 1; }
    # no package caches or lists in the image
    rm -rf "$tree"/var/cache/apt/archives/*.deb "$tree"/var/lib/apt/lists/* "$tree"/tmp/*
    tar -C "$tree" --numeric-owner -cf "$tarball.part" . && mv "$tarball.part" "$tarball"
    rm -rf "$tree" "$tree.log"
    echo "[debian-images] $role tree built in $(( $(date +%s) - start )) s: $(du -h "$tarball" | cut -f1)"
  fi
  docker import -c 'ENV LANG=C.UTF-8' -c 'CMD ["/bin/bash"]' "$tarball" "$image" >/dev/null
  echo "[debian-images] imported $image"
done
