#!/usr/bin/env bash
# Installs and starts the container runtimes the probe agent's integration tests (src/test/java/org/cakb/agent/*IT.java)
# run the built agent jar under: unshare/setpriv (util-linux), bubblewrap, runc, Docker engine (docker.io), LXC;
# jq for bin/measure-defaults; debootstrap, docker-compose, nginx-light and curl for the replica and compose
# smoke tests (src/test/java/org/cakb/cluster).
# Idempotent and non-interactive; run as root on Debian 12. Safe to run again: it skips what is already in place.
set -u
log() { printf '[setup-runtimes] %s\n' "$*"; }

if [ "$(id -u)" != 0 ]; then log "must run as root"; exit 1; fi
export DEBIAN_FRONTEND=noninteractive

PKGS="docker.io runc lxc bubblewrap busybox-static uidmap libcap2-bin util-linux time jq debootstrap docker-compose nginx-light curl"
missing=""
for p in $PKGS; do dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing="$missing $p"; done
if [ -n "$missing" ]; then
  log "installing:$missing"
  apt-get update -q || { log "apt-get update failed"; exit 1; }
  apt-get install -y -q --no-install-recommends $missing || { log "apt-get install failed"; exit 1; }
else
  log "packages already installed"
fi

# subordinate ids for root: unshare --map-users (newuidmap) and user-namespaced runc/LXC tests map root to 100000
for f in /etc/subuid /etc/subgid; do
  grep -q '^root:100000:65536$' "$f" 2>/dev/null || echo 'root:100000:65536' >> "$f"
done

DOCKER=/usr/bin/docker
[ -x "$DOCKER" ] || DOCKER=$(command -v docker)

# --- dockerd -------------------------------------------------------------------------------------
if ! "$DOCKER" info >/dev/null 2>&1; then
  # a daemon that died leaves its pid file behind, and dockerd then refuses to start ("pid file found")
  if [ -f /var/run/docker.pid ] && ! kill -0 "$(cat /var/run/docker.pid 2>/dev/null)" 2>/dev/null; then
    log "removing the stale /var/run/docker.pid of a daemon that is not running"
    rm -f /var/run/docker.pid
  fi
  log "starting dockerd (log: /tmp/dockerd.log)"
  # containerd is started by dockerd itself when not running as a service
  nohup /usr/sbin/dockerd --host=unix:///var/run/docker.sock >/tmp/dockerd.log 2>&1 &
  echo $! > /tmp/dockerd.pid
  for i in $(seq 1 60); do
    "$DOCKER" info >/dev/null 2>&1 && break
    sleep 1
  done
fi
if "$DOCKER" info >/dev/null 2>&1; then
  log "docker is up: $("$DOCKER" version --format '{{.Server.Version}}' 2>/dev/null)"
else
  log "docker did not come up; see /tmp/dockerd.log"; tail -20 /tmp/dockerd.log
fi

# --- test image: busybox-static only; the JRE comes from read-only host bind mounts at run time ---
IMAGE=cakb-probe-test:latest
if "$DOCKER" info >/dev/null 2>&1 && ! "$DOCKER" image inspect "$IMAGE" >/dev/null 2>&1; then
  log "building $IMAGE with docker import"
  tree=$(mktemp -d)
  mkdir -p "$tree"/bin "$tree"/etc "$tree"/tmp "$tree"/proc "$tree"/sys "$tree"/dev "$tree"/usr "$tree"/lib "$tree"/lib64 "$tree"/agent "$tree"/run
  cp /bin/busybox "$tree"/bin/busybox
  for a in sh ls cat id; do ln -sf busybox "$tree/bin/$a"; done
  echo 'root:x:0:0:root:/root:/bin/sh' > "$tree"/etc/passwd
  echo 'root:x:0:' > "$tree"/etc/group
  chmod 1777 "$tree"/tmp
  tar -C "$tree" -c . | "$DOCKER" import -c 'CMD ["/bin/sh"]' - "$IMAGE" >/dev/null && log "image $IMAGE built"
  rm -rf "$tree"
fi

# --- LXC: busybox template, empty network; the IT creates its own container per run -----------------
if command -v lxc-create >/dev/null 2>&1; then log "lxc $(lxc-create --version 2>/dev/null)"; fi
for t in unshare setpriv bwrap runc lxc-create capsh; do
  if command -v "$t" >/dev/null 2>&1; then log "ok: $t"; else log "MISSING: $t"; fi
done
exit 0
