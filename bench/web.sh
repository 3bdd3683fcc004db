#!/usr/bin/env bash
# Web page benchmark: the packaged app against nginx serving saved copies of the same pages, anonymous and signed in.
#   bench/web.sh                     build, run, print the table
#   SIGNED_IN=0 bench/web.sh         anonymous pages only
#   ITEMS=200 bench/web.sh           checklist size of the signed-in checklist page
#   BENCH_DB=cakb_bench_x bench/web.sh   a database of its own (branches with different migrations)
#   SKIP_BUILD=1 bench/web.sh        reuse target/quarkus-app
#   DURATION=15s CONNECTIONS=64 WARMUP=5s THREADS=2 bench/web.sh
#   JVM_WARMUP=60 bench/web.sh       seconds of load over all measured pages before the first measurement (0: none)
#   CAKB_WEB_PAGE_CACHE=false bench/web.sh   measure with the rendered-page cache switched off
#   ONLY='checklist|item' bench/web.sh       only the pages whose name matches (a grep -E pattern)
#   HOLD=1 bench/web.sh              set up, print the pages and a session cookie, keep the app running (profiling)
#   BENCH_APP_JAVA_OPTS='-XX:StartFlightRecording=filename=/tmp/web.jfr' bench/web.sh   JVM options for the app (profiling)
# Needs: wrk, nginx (Debian packages), a local PostgreSQL (bin/postgres-local creates the bench database).
# Signed-in pages use a session cookie obtained through the real login form (POST /j_security_check), fresh before
# each page (so no run outlives Quarkus' one-minute cookie renewal), plus the CSRF cookie a browser would send back.
# The checklist has ITEMS requirements: the bench copies content/ and adds synthetic requirement records (bench only).
# Targets: app >= 25 % of nginx req/s and p99 <= 25 ms on every page; search p50 <= 10 ms; single-request server
# time (median of sequential requests) <= 5 ms for knowledge-base pages and <= 15 ms for the checklist; an API call
# with a personal access token <= 2 ms (median latency of back-to-back calls on one kept-alive connection).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
DURATION=${DURATION:-15s}
WARMUP=${WARMUP:-5s}
JVM_WARMUP=${JVM_WARMUP:-60}
CONNECTIONS=${CONNECTIONS:-64}
THREADS=${THREADS:-2}
APP_PORT=${APP_PORT:-18431}
NGINX_PORT=${NGINX_PORT:-18432}
DB=${BENCH_DB:-cakb_bench} ROLE=cakb_bench PASSWORD=${BENCH_DB_PASSWORD:-cakb_bench}
SIGNED_IN=${SIGNED_IN:-1}
ITEMS=${ITEMS:-200}
SINGLE=${SINGLE:-40}
ADMIN_PASSWORD=bench-admin-password

for tool in wrk nginx curl jq; do
  command -v "$tool" >/dev/null || { echo "$tool is missing: apt-get install -y wrk nginx curl jq" >&2; exit 1; }
done

PAGES=(
  "home|/"
  "requirement|/requirements/nistir8176:req/a2-no-new-privs"
  "matrix|/matrix"
  "search|/search?q=seccomp+filter"
)

WORK=$(mktemp -d /tmp/cakb-bench-web.XXXXXX)
APP_PID= NGINX_PID=
cleanup() {
  [ -n "$APP_PID" ] && kill "$APP_PID" 2>/dev/null || true
  [ -n "$NGINX_PID" ] && kill "$NGINX_PID" 2>/dev/null || true
  wait 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT

if [ "${SKIP_BUILD:-0}" != 1 ]; then
  echo "building (./mvnw -q package -DskipTests) ..." >&2
  ./mvnw -q -B package -DskipTests
fi
bin/postgres-local "$DB" "$ROLE" "$PASSWORD" >&2

# content/ plus synthetic requirements for a checklist of ITEMS items (never written to the repository)
cp -r "$ROOT/content" "$WORK/content"
for i in $(seq -w 1 "$ITEMS"); do
  cat >"$WORK/content/requirements/benchmark--req--synthetic-$i.yaml" <<YAML
id: benchmark:req/synthetic-$i
title: Synthetic benchmark requirement $i for a checklist of $ITEMS items
provenance: derived
document: source:sp-800-190
category: assurance-requirement
area: nistir8176:area/host-os-kernel
body: Synthetic record made by bench/web.sh so that the checklist page has $ITEMS items. Not part of the knowledge base.
verification: Look at the host configuration.
citations:
- source: source:sp-800-190
  locator: Section 4.4
  note: Synthetic benchmark record.
YAML
done

echo "starting the app on 127.0.0.1:$APP_PORT ..." >&2
CAKB_SESSION_KEY=bench-session-encryption-key-0123456789abcdef CAKB_CSRF_KEY=bench-csrf-signature-key-0123456789abcdef CAKB_HOME=$ROOT DB_URL=jdbc:postgresql://127.0.0.1:5432/$DB DB_USER=$ROLE DB_PASSWORD=$PASSWORD \
  CAKB_BOOTSTRAP_ADMIN_USERNAME=admin CAKB_BOOTSTRAP_ADMIN_PASSWORD=$ADMIN_PASSWORD \
  java ${BENCH_APP_JAVA_OPTS:-} -Dquarkus.http.port=$APP_PORT -Dquarkus.http.host=127.0.0.1 -Dcakb.content.dir="$WORK/content" \
       -Dcakb.web.page-cache=${CAKB_WEB_PAGE_CACHE:-true} -Dcakb.public-browsing=true \
       -jar target/quarkus-app/quarkus-run.jar >"$WORK/app.log" 2>&1 &
APP_PID=$!
for _ in $(seq 1 120); do
  curl -fs "http://127.0.0.1:$APP_PORT/q/health/ready" >/dev/null 2>&1 && break
  kill -0 "$APP_PID" 2>/dev/null || { cat "$WORK/app.log" >&2; echo "the app exited" >&2; exit 1; }
  sleep 1
done
curl -fs "http://127.0.0.1:$APP_PORT/q/health/ready" >/dev/null || { tail -50 "$WORK/app.log" >&2; exit 1; }

APP=http://127.0.0.1:$APP_PORT
api() { curl -fsS -u "admin:$ADMIN_PASSWORD" -H 'Content-Type: application/json' "$@"; }
# A session as a browser has it: log in through the form (with its CSRF token), then load one page.
login() {
  local jar=$WORK/cookies.txt
  rm -f "$jar"
  # the login form carries a CSRF token (its HMAC in the cakb-csrf cookie), checked before the password
  local token
  token=$(curl -fs -c "$jar" "$APP/login" | sed -n 's/.*name="csrf-token" value="\([^"]*\)".*/\1/p' | head -1)
  curl -fs -b "$jar" -c "$jar" -o /dev/null --data-urlencode "csrf-token=$token" -d "j_username=admin" --data-urlencode "j_password=$ADMIN_PASSWORD" \
    "$APP/j_security_check"
  curl -fs -b "$jar" -c "$jar" -o /dev/null "$APP/"
  awk '!/^#/ || /^#HttpOnly_/ { if (NF >= 7) printf "%s%s=%s", (n++ ? "; " : ""), $6, $7 }' "$jar"
}

SIGNED=()
if [ "$SIGNED_IN" = 1 ]; then
  echo "setting up signed-in pages: a checklist of $ITEMS items, a host with one report ..." >&2
  ids=$(seq -w 1 "$ITEMS" | sed 's/^/"benchmark:req\/synthetic-/; s/$/"/' | paste -sd, -)
  assessment=$(api -d "{\"name\": \"bench $ITEMS items $(date +%s)\", \"target\": \"bench cluster\", \"scope\": {\"requirements\": [$ids]}}" \
    "$APP/api/v1/assessments" | jq -r .id)
  item=$(api "$APP/api/v1/assessments/$assessment/items?size=1" | jq -r 'if type == "array" then .[0].id else .items[0].id end')
  host=$(api -d "{\"name\": \"bench-web-$(date +%s)\"}" "$APP/api/v1/hosts" | jq -r .host.id)
  enroll=$(api -d '{"lifetimeHours": 1}' "$APP/api/v1/hosts/$host/enrollment-tokens" | jq -r .token)
  agent=$(curl -fsS -H 'Content-Type: application/json' -d "{\"token\": \"$enroll\"}" "$APP/api/v1/agent/enroll" | jq -r .credential)
  results=$(api "$APP/api/v1/probes?size=200" | jq -c '[(if type == "array" then .[] else .items[] end) | {id, verifies: (.attributes.verifies // []), status: "pass",
    observed: "as expected", expected: "as documented", explanation: "bench"}]')
  now=$(date -u +%Y-%m-%dT%H:%M:%SZ)
  curl -fsS -o /dev/null -H "Authorization: Bearer $agent" -H 'Content-Type: application/json' "$APP/api/v1/agent/reports" -d "{
    \"reportId\": \"$(cat /proc/sys/kernel/random/uuid)\", \"agent\": \"cakb-agent\", \"agentVersion\": \"bench\",
    \"startedAt\": \"$now\", \"finishedAt\": \"$now\", \"bundle\": \"bench\",
    \"system\": {\"hostname\": \"bench\", \"kernel\": \"6.1.0\", \"osRelease\": \"Debian GNU/Linux 12\"},
    \"environment\": {\"vantage\": \"host\", \"runtime\": \"docker\"}, \"results\": $results}"
  SIGNED=(
    "threat*|/threats/threat:container-to-host-escape"
    "matrix*|/matrix"
    "checklist*|/assessments/$assessment"
    "item*|/assessments/$assessment/items/$item"
    "host*|/hosts/$host"
    "fleet*|/hosts"
    "failing*|/fleet/failing?probe=$(echo "$results" | jq -r '.[0].id')&status=pass"
    "login|/login"
    "login*|/login"
  )
fi

# Saved copies of the very same pages (signed-in ones with the session cookie), for nginx.
mkdir -p "$WORK/www" "$WORK/nginx"
save() { # name path [cookie]
  curl -fs ${3:+-H "Cookie: $3"} "$APP$2" -o "$WORK/www/$1.html"
  echo "  $1: $2 ($(wc -c <"$WORK/www/$1.html") bytes)" >&2
}
for entry in "${PAGES[@]}" "${SIGNED[@]}"; do [[ ${entry%%|*} == *\* ]] || save "${entry%%|*}" "${entry#*|}"; done
if [ ${#SIGNED[@]} -gt 0 ]; then
  cookie=$(login)
  for entry in "${SIGNED[@]}"; do
    name=${entry%%|*}
    [[ $name == *\* ]] || continue
    save "${name%\*}-signed-in" "${entry#*|}" "$cookie"
    [[ $name == login* ]] || grep -q 'id="whoami"' "$WORK/www/${name%\*}-signed-in.html" \
      || { echo "${entry#*|} is not a signed-in page" >&2; exit 1; }
  done
fi
cat >"$WORK/nginx/nginx.conf" <<CONF
worker_processes auto;
pid $WORK/nginx/nginx.pid;
error_log $WORK/nginx/error.log warn;
events { worker_connections 1024; }
http {
  access_log off;
  sendfile on; tcp_nopush on; keepalive_requests 1000000;
  client_body_temp_path $WORK/nginx/body; proxy_temp_path $WORK/nginx/proxy;
  fastcgi_temp_path $WORK/nginx/fastcgi; uwsgi_temp_path $WORK/nginx/uwsgi; scgi_temp_path $WORK/nginx/scgi;
  types { text/html html; }
  server { listen 127.0.0.1:$NGINX_PORT; root $WORK/www; }
}
CONF
chmod -R a+rX "$WORK"
nginx -p "$WORK/nginx" -c "$WORK/nginx/nginx.conf" -g 'daemon off;' &
NGINX_PID=$!
for _ in $(seq 1 20); do curl -fs "http://127.0.0.1:$NGINX_PORT/home.html" >/dev/null 2>&1 && break; sleep 0.5; done

if [ "${HOLD:-0}" = 1 ]; then
  echo "app: $APP (pid $APP_PID), nginx: http://127.0.0.1:$NGINX_PORT/<name>.html; pages:"
  for entry in "${PAGES[@]}" "${SIGNED[@]}"; do echo "  ${entry%%|*} $APP${entry#*|}"; done
  [ ${#SIGNED[@]} -gt 0 ] && echo "session cookie: $(login)"
  echo "holding; stop with: kill $$"
  while kill -0 "$APP_PID" 2>/dev/null; do sleep 5; done
  exit 0
fi

# wrk --latency prints "50%  1.23ms"; convert to ms
ms() { awk -v v="$1" 'BEGIN { n = v + 0; if (v ~ /us$/) n /= 1000; else if (v ~ /ms$/) n += 0; else if (v ~ /s$/) n *= 1000; printf "%.2f", n }'; }
run() { # url [cookie] -> "rps p50 p99 non2xx"
  local h=(); [ -n "${2:-}" ] && h=(-H "Cookie: $2")
  wrk -t"$THREADS" -c"$CONNECTIONS" -d"$WARMUP" --timeout 10s "${h[@]}" "$1" >/dev/null
  local out; out=$(wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" --timeout 10s --latency "${h[@]}" "$1")
  echo "$out" >>"$WORK/wrk.txt"
  local rps p50 p99 bad
  rps=$(awk '/^Requests\/sec:/ {print $2}' <<<"$out")
  p50=$(awk '$1 == "50%" {print $2}' <<<"$out")
  p99=$(awk '$1 == "99%" {print $2}' <<<"$out")
  bad=$(awk '/Non-2xx/ {print $NF}' <<<"$out")
  echo "$rps $(ms "$p50") $(ms "$p99") ${bad:-0}"
}

# Median time of SINGLE sequential requests (curl's time to the last byte, loopback), after 10 warm-up requests
single() { # url [cookie|bearer header]
  local h=(); [ -n "${2:-}" ] && h=(-H "$2")
  for _ in $(seq 1 10); do curl -fs -o /dev/null "${h[@]}" "$1"; done
  for _ in $(seq 1 "$SINGLE"); do curl -fs -o /dev/null -w '%{time_total}\n' "${h[@]}" "$1"; done |
    sort -n | awk '{ v[NR] = $1 } END { printf "%.2f", 1000 * v[int((NR + 1) / 2)] }'
}

measured() { # the entries the table will show
  local entry name
  for entry in "${PAGES[@]}" "${SIGNED[@]}"; do
    name=${entry%%|*}
    [ -n "${ONLY:-}" ] && ! grep -qE "$ONLY" <<<"${name%\*}" && continue
    echo "$entry"
  done
}

# A server is measured in its steady state, as it runs in production: a cold JVM spends the first 20-40 s of load
# compiling (measured: the first signed-in page cost 0.41 ms of app CPU per request in its first 10 s, 0.27 in the
# next 10 s, 0.09-0.10 after that). Without this, whichever page came first measured the JIT compiler, not the page.
if [ "$JVM_WARMUP" -gt 0 ]; then
  mapfile -t warm < <(measured)
  per=$(( (JVM_WARMUP + ${#warm[@]} - 1) / ${#warm[@]} ))
  echo "JVM warm-up: ${per}s of load on each of ${#warm[@]} pages before the first measurement" >&2
  for entry in "${warm[@]}"; do
    h=(); [[ ${entry%%|*} == *\* ]] && h=(-H "Cookie: $(login)")
    wrk -t"$THREADS" -c"$CONNECTIONS" -d"${per}s" --timeout 10s "${h[@]}" "$APP${entry#*|}" >/dev/null
  done
fi

echo >&2
echo "wrk: $THREADS threads, $CONNECTIONS connections, JVM warm-up ${JVM_WARMUP}s, then $WARMUP warm-up + $DURATION per page; $(nproc) CPUs shared by app, nginx and wrk" >&2
printf '%-12s | %10s %8s %8s | %10s %8s %8s | %7s | %9s | %s\n' page "app req/s" "p50 ms" "p99 ms" "nginx r/s" "p50 ms" "p99 ms" "ratio" "single ms" "targets"
printf -- '-%.0s' $(seq 1 112); echo
failed=0
for entry in "${PAGES[@]}" "${SIGNED[@]}"; do
  name=${entry%%|*} path=${entry#*|} cookie=
  [ -n "${ONLY:-}" ] && ! grep -qE "$ONLY" <<<"${name%\*}" && continue
  if [[ $name == *\* ]]; then
    name="${name%\*}-signed-in"
    cookie=$(login)
  fi
  read -r a_rps a_p50 a_p99 a_bad < <(run "$APP$path" "$cookie")
  read -r n_rps n_p50 n_p99 n_bad < <(run "http://127.0.0.1:$NGINX_PORT/$name.html")
  one=$(single "$APP$path" ${cookie:+"Cookie: $cookie"})
  ratio=$(awk -v a="$a_rps" -v n="$n_rps" 'BEGIN { printf "%.0f%%", 100 * a / n }')
  verdict=$(awk -v a="$a_rps" -v n="$n_rps" -v p99="$a_p99" -v p50="$a_p50" -v s="$name" -v bad="$a_bad" -v one="$one" 'BEGIN {
      m = "";
      if (a < 0.25 * n) m = m " throughput<25%";
      if (p99 > 25) m = m " p99>25ms";
      if (s ~ /^login/) { print "framework cost (form page, no content)"; exit }
      if (s == "search" && p50 > 10) m = m " p50>10ms";
      limit = (s ~ /^checklist/) ? 15 : (s ~ /^(item|host|fleet)/) ? 1e9 : 5;
      if (one > limit) m = m " single>" limit "ms";
      if (bad + 0 > 0) m = m " non-2xx=" bad;
      print (m == "" ? "met" : "MISSED:" m) }')
  [[ $verdict == met || $verdict == framework* ]] || failed=1
  printf '%-12s | %10.0f %8s %8s | %10.0f %8s %8s | %7s | %9s | %s\n' "$name" "$a_rps" "$a_p50" "$a_p99" "$n_rps" "$n_p50" "$n_p99" "$ratio" "$one" "$verdict"
done

if [ "$SIGNED_IN" = 1 ]; then
  # API: the same call with a personal access token and with HTTP Basic (bcrypt by design)
  pat=$(api -d "{\"name\": \"bench\", \"expiresAt\": \"$(date -u -d '+1 day' +%Y-%m-%dT%H:%M:%SZ)\"}" "$APP/api/v1/me/tokens" | jq -r .token)
  # server time of one call: the median latency of back-to-back calls on one kept-alive connection (wrk -c1), after a
  # warm-up; curl's time for a fresh process and connection is printed next to it (it adds several ms of its own)
  keepalive() { # url [header]
    local h=(); [ -n "${2:-}" ] && h=(-H "$2")
    wrk -t1 -c1 -d3s "${h[@]}" "$1" > /dev/null
    wrk -t1 -c1 -d5s --latency "${h[@]}" "$1" | awk '$1 == "50%" { v = $2; if (v ~ /us$/) { sub(/us$/, "", v); v /= 1000 }
      else if (v ~ /ms$/) { sub(/ms$/, "", v) } else if (v ~ /s$/) { sub(/s$/, "", v); v *= 1000 } printf "%.2f", v }'
  }
  t_pat=$(keepalive "$APP/api/v1/assessments/$assessment/items/$item" "Authorization: Bearer $pat")
  c_pat=$(single "$APP/api/v1/assessments/$assessment/items/$item" "Authorization: Bearer $pat")
  t_basic=$(SINGLE=5 single "$APP/api/v1/assessments/$assessment/items/$item" "Authorization: Basic $(printf 'admin:%s' "$ADMIN_PASSWORD" | base64 -w0)")
  t_anon=$(keepalive "$APP/api/v1/threats/threat:container-to-host-escape")
  c_anon=$(single "$APP/api/v1/threats/threat:container-to-host-escape")
  echo
  printf 'API GET item: personal access token %s ms (curl, new connection: %s), HTTP Basic %s ms (bcrypt, curl), anonymous KB read %s ms (curl: %s) (medians) -> %s\n' \
    "$t_pat" "$c_pat" "$t_basic" "$t_anon" "$c_anon" "$(awk -v t="$t_pat" 'BEGIN { print (t <= 2 ? "met" : "MISSED: token call > 2 ms") }')"
  awk -v t="$t_pat" 'BEGIN { exit !(t > 2) }' && failed=1
fi
echo "load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
echo
echo "page cache: ${CAKB_WEB_PAGE_CACHE:-true}; full wrk output was in $WORK/wrk.txt (removed on exit; set KEEP=1 to keep)" >&2
if [ "${KEEP:-0}" = 1 ]; then cp "$WORK/wrk.txt" "$ROOT/target/bench-web-wrk.txt"; fi
exit $failed
