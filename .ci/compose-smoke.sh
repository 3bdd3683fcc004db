#!/usr/bin/env bash
# Compose smoke test without any image registry (issue #19), run by ComposeSmokeIT in CI and usable by hand:
#   .ci/compose-smoke.sh [PREFIX]        (after ./mvnw package; PREFIX names every image, container and volume)
# 1. Debian base images from Debian packages: debootstrap -> docker import (src/main/docker/debian-images.sh, cached)
# 2. the PostgreSQL image (src/main/docker/Dockerfile.postgres) and the app image (src/main/docker/Dockerfile.jvm with
#    RUNTIME_IMAGE = the Debian JRE image, APP_BUILD=prebuilt) through docker-compose.yml (Compose from Debian)
# 3. waits for the app's health check, then from the host: compose refuses to start without the secrets; the
#    container runs as uid 185 on a read-only root filesystem; sign-in; a knowledge-base page; an agent enrollment
# 4. tears down everything it made (containers, network, volume, the two images; the cached base images stay).
set -euo pipefail
cd "$(dirname "$0")/.."
prefix=${1:-cakb-smoke}
project=$prefix-compose
log() { printf '[compose-smoke] %s\n' "$*"; }
fail() { log "FAILED: $*"; exit 1; }
t0=$(date +%s)
[ -f target/quarkus-app/quarkus-run.jar ] && [ -f target/cakb-agent.jar ] || fail "run ./mvnw package first"
for tool in debootstrap docker-compose jq curl; do command -v $tool >/dev/null || fail "needs $tool (.ci/install-test-deps)"; done
docker info >/dev/null 2>&1 || fail "docker is not running"

src/main/docker/debian-images.sh "$prefix"
t1=$(date +%s)

random() { head -c 48 /dev/urandom | base64 | tr -dc 'A-Za-z0-9' | head -c "$1"; }
free_port() { local p; for _ in $(seq 1 50); do p=$((20000 + RANDOM % 20000)); (exec 3<>/dev/tcp/127.0.0.1/$p) 2>/dev/null || { echo $p; return; }; done; return 1; }
port=${CAKB_SMOKE_PORT:-$(free_port)}
export CAKB_DB_PASSWORD=$(random 24) CAKB_BOOTSTRAP_ADMIN_PASSWORD=$(random 20) CAKB_SESSION_KEY=$(random 32) CAKB_CSRF_KEY=$(random 32)
export CAKB_HTTP_PORT=$port CAKB_POSTGRES_IMAGE=$prefix-postgres:15 CAKB_APP_IMAGE=$prefix-app:smoke
export CAKB_BUILD_IMAGE=$prefix-debian-jre:bookworm CAKB_RUNTIME_IMAGE=$prefix-debian-jre:bookworm CAKB_APP_BUILD=prebuilt
compose() { docker-compose -p "$project" -f docker-compose.yml "$@"; }
work=$(mktemp -d)
cleanup() {
  compose logs --no-color > "$work/compose.log" 2>&1 || true
  if [ "${CAKB_KEEP_COMPOSE:-}" = "" ]; then
    compose down -v --remove-orphans >/dev/null 2>&1 || true
    docker image rm -f "$CAKB_APP_IMAGE" "$CAKB_POSTGRES_IMAGE" >/dev/null 2>&1 || true
  fi
  if [ "${status:-1}" != 0 ]; then tail -60 "$work/compose.log"; fi
  rm -rf "$work"
}
trap cleanup EXIT

# compose refuses to start without each secret, naming it
for secret in CAKB_DB_PASSWORD CAKB_BOOTSTRAP_ADMIN_PASSWORD CAKB_SESSION_KEY CAKB_CSRF_KEY; do
  if out=$(env -u "$secret" docker-compose -p "$project" -f docker-compose.yml config 2>&1); then
    fail "compose accepted a missing $secret"
  fi
  grep -q "$secret" <<<"$out" || fail "compose's refusal does not name $secret: $out"
done
log "compose refuses to start without any one of the four secrets"

docker build -q -f src/main/docker/Dockerfile.postgres --build-arg BASE_IMAGE="$prefix-debian-postgres:bookworm" \
  -t "$CAKB_POSTGRES_IMAGE" . >/dev/null
compose build -q app >/dev/null 2>&1 || compose build app
t2=$(date +%s)
log "images built in $((t2 - t1)) s"
compose up -d >/dev/null 2>&1 || { compose up -d; fail "compose up"; }
app=$(compose ps -q app)
health=""
for _ in $(seq 1 120); do
  health=$(docker inspect -f '{{.State.Health.Status}}' "$app" 2>/dev/null || echo gone)
  [ "$health" = healthy ] && break
  [ "$health" = gone ] || [ "$(docker inspect -f '{{.State.Running}}' "$app")" = true ] || fail "app container stopped"
  sleep 2
done
[ "$health" = healthy ] || fail "app not healthy after 240 s (health: $health)"
t3=$(date +%s)
log "app healthy $((t3 - t2)) s after compose up"

# the container's user and filesystem
[ "$(docker inspect -f '{{.Config.User}}' "$app")" = 185 ] || fail "image user is not 185"
[ "$(docker exec "$app" id -u)" = 185 ] || fail "process not running as uid 185"
[ "$(docker inspect -f '{{.HostConfig.ReadonlyRootfs}}' "$app")" = true ] || fail "root filesystem not read-only"
if docker exec "$app" bash -c 'echo x > /app/written' 2>/dev/null; then fail "the app could write to /app"; fi
log "runs as uid 185, root filesystem read-only, /app not writable"

base=http://127.0.0.1:$port
# sign-in through the login form, as a browser does: the form's CSRF token and cookie first. The CSRF cookie is
# Secure in production and curl keeps Secure cookies off plain http even to 127.0.0.1, so it is sent as a header.
login_form() { # $1 = password, $2 = cookie jar for the answer; prints the HTTP code and the redirect
  local page csrf_token csrf_cookie
  page=$(curl -s -c "$work/login-cookies" "$base/login")
  csrf_token=$(grep -o 'name="csrf-token" value="[^"]*"' <<<"$page" | head -1 | sed 's/.*value="//; s/"$//')
  csrf_cookie=$(awk '{ sub(/^#HttpOnly_/, "") } !/^#/ && $6 == "cakb-csrf" { print $6 "=" $7 }' "$work/login-cookies")
  [ -n "$csrf_token" ] && [ -n "$csrf_cookie" ] || fail "the login page has no CSRF token or cookie"
  curl -s -o /dev/null -w '%{http_code} %{redirect_url}' -c "$2" -H "Cookie: $csrf_cookie" --data-urlencode j_username=admin \
    --data-urlencode "j_password=$1" --data-urlencode "csrf-token=$csrf_token" "$base/j_security_check"
}
answer=$(login_form "$CAKB_BOOTSTRAP_ADMIN_PASSWORD" "$work/cookies")
code=${answer%% *}
[ "$code" = 302 ] && ! grep -q error <<<"${answer#* }" && grep -q quarkus-credential "$work/cookies" || fail "sign-in: HTTP $answer"
code=$(curl -s -o /dev/null -w '%{http_code}' -b "$work/cookies" "$base/assessments")
[ "$code" = 200 ] || fail "signed-in page: HTTP $code"
bad=$(login_form wrong "$work/bad-cookies")
grep -q error <<<"$bad" || fail "a wrong password was not refused: $bad"
log "sign-in works (and a wrong password is refused)"
# a knowledge-base page (public browsing is off: signed in) and the API
page=$(curl -s -b "$work/cookies" "$base/threats/threat:container-to-host-escape")
grep -q 'Container-to-host attack' <<<"$page" || fail "knowledge-base page"
[ "$(curl -s -o /dev/null -w '%{http_code}' "$base/threats/threat:container-to-host-escape")" = 302 ] || fail "anonymous page not sent to login"
log "knowledge-base page served to the signed-in admin, anonymous visitors sent to the login page"
# agent enrollment with the packaged agent, from the host
host=$(curl -sf -u "admin:$CAKB_BOOTSTRAP_ADMIN_PASSWORD" -H 'Content-Type: application/json' -d '{"name":"compose-smoke-host"}' "$base/api/v1/hosts")
host_id=$(jq -r .host.id <<<"$host")
token=$(curl -sf -u "admin:$CAKB_BOOTSTRAP_ADMIN_PASSWORD" -H 'Content-Type: application/json' -d '{"lifetimeHours":1}' \
  "$base/api/v1/hosts/$host_id/enrollment-tokens" | jq -r .token)
java -jar target/cakb-agent.jar enroll --server "$base" --token "$token" --credential-file "$work/credential" >/dev/null \
  || fail "agent enrollment"
[ -s "$work/credential" ] || fail "no credential stored"
# exit 1 only says a check failed on this machine (a verdict); 2-4 are errors
agent_rc=0
java -jar target/cakb-agent.jar run --server "$base" --credential-file "$work/credential" --out "$work/report.json" \
  >/dev/null 2>"$work/agent.err" || agent_rc=$?
[ "$agent_rc" -le 1 ] || { cat "$work/agent.err"; fail "agent report (exit $agent_rc)"; }
seen=$(curl -sf -u "admin:$CAKB_BOOTSTRAP_ADMIN_PASSWORD" "$base/api/v1/hosts/$host_id" | jq -r '.host.lastSeenAt // empty')
[ -n "$seen" ] || fail "the host has no report after the agent ran"
log "agent enrolled from the host and its report stored"
status=0
log "PASSED in $(( $(date +%s) - t0 )) s (base images $((t1 - t0)) s, image builds $((t2 - t1)) s, start to healthy $((t3 - t2)) s)"
