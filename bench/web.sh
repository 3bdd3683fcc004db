#!/usr/bin/env bash
# Web page benchmark: the packaged app against nginx serving saved copies of the same pages.
#   bench/web.sh                     build, run, print the table
#   SKIP_BUILD=1 bench/web.sh        reuse target/quarkus-app
#   DURATION=15s CONNECTIONS=64 WARMUP=5s THREADS=2 bench/web.sh
#   CAKB_WEB_PAGE_CACHE=false bench/web.sh   measure with the rendered-page cache switched off
# Needs: wrk, nginx (Debian packages), a local PostgreSQL (bin/postgres-local creates the bench database).
# Targets: app >= 25 % of nginx req/s and p99 <= 25 ms on every page; search p50 <= 10 ms.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
DURATION=${DURATION:-15s}
WARMUP=${WARMUP:-5s}
CONNECTIONS=${CONNECTIONS:-64}
THREADS=${THREADS:-2}
APP_PORT=${APP_PORT:-18431}
NGINX_PORT=${NGINX_PORT:-18432}
DB=cakb_bench ROLE=cakb_bench PASSWORD=${BENCH_DB_PASSWORD:-cakb_bench}

for tool in wrk nginx curl; do
  command -v "$tool" >/dev/null || { echo "$tool is missing: apt-get install -y wrk nginx curl" >&2; exit 1; }
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

echo "starting the app on 127.0.0.1:$APP_PORT ..." >&2
CAKB_SESSION_KEY=bench-session-encryption-key-0123456789abcdef CAKB_CSRF_KEY=bench-csrf-signature-key-0123456789abcdef CAKB_HOME=$ROOT DB_URL=jdbc:postgresql://127.0.0.1:5432/$DB DB_USER=$ROLE DB_PASSWORD=$PASSWORD \
  java -Dquarkus.http.port=$APP_PORT -Dquarkus.http.host=127.0.0.1 \
       -Dcakb.web.page-cache=${CAKB_WEB_PAGE_CACHE:-true} -Dcakb.public-browsing=true \
       -jar target/quarkus-app/quarkus-run.jar >"$WORK/app.log" 2>&1 &
APP_PID=$!
for _ in $(seq 1 120); do
  curl -fs "http://127.0.0.1:$APP_PORT/q/health/ready" >/dev/null 2>&1 && break
  kill -0 "$APP_PID" 2>/dev/null || { cat "$WORK/app.log" >&2; echo "the app exited" >&2; exit 1; }
  sleep 1
done
curl -fs "http://127.0.0.1:$APP_PORT/q/health/ready" >/dev/null || { tail -50 "$WORK/app.log" >&2; exit 1; }

# Saved copies of the very same pages, for nginx.
mkdir -p "$WORK/www" "$WORK/nginx"
for entry in "${PAGES[@]}"; do
  name=${entry%%|*} path=${entry#*|}
  curl -fs "http://127.0.0.1:$APP_PORT$path" -o "$WORK/www/$name.html"
  echo "  $name: $path ($(wc -c <"$WORK/www/$name.html") bytes)" >&2
done
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

# wrk --latency prints "50%  1.23ms"; convert to ms
ms() { awk -v v="$1" 'BEGIN { n = v + 0; if (v ~ /us$/) n /= 1000; else if (v ~ /ms$/) n += 0; else if (v ~ /s$/) n *= 1000; printf "%.2f", n }'; }
run() { # url -> "rps p50 p99 non2xx"
  wrk -t"$THREADS" -c"$CONNECTIONS" -d"$WARMUP" "$1" >/dev/null
  local out; out=$(wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" --latency "$1")
  echo "$out" >>"$WORK/wrk.txt"
  local rps p50 p99 bad
  rps=$(awk '/^Requests\/sec:/ {print $2}' <<<"$out")
  p50=$(awk '$1 == "50%" {print $2}' <<<"$out")
  p99=$(awk '$1 == "99%" {print $2}' <<<"$out")
  bad=$(awk '/Non-2xx/ {print $NF}' <<<"$out")
  echo "$rps $(ms "$p50") $(ms "$p99") ${bad:-0}"
}

echo >&2
echo "wrk: $THREADS threads, $CONNECTIONS connections, $WARMUP warm-up + $DURATION per page; $(nproc) CPUs shared by app, nginx and wrk" >&2
printf '%-12s | %10s %8s %8s | %10s %8s %8s | %7s | %s\n' page "app req/s" "p50 ms" "p99 ms" "nginx r/s" "p50 ms" "p99 ms" "ratio" "targets"
printf -- '-%.0s' $(seq 1 100); echo
failed=0
for entry in "${PAGES[@]}"; do
  name=${entry%%|*} path=${entry#*|}
  read -r a_rps a_p50 a_p99 a_bad < <(run "http://127.0.0.1:$APP_PORT$path")
  read -r n_rps n_p50 n_p99 n_bad < <(run "http://127.0.0.1:$NGINX_PORT/$name.html")
  ratio=$(awk -v a="$a_rps" -v n="$n_rps" 'BEGIN { printf "%.0f%%", 100 * a / n }')
  verdict=$(awk -v a="$a_rps" -v n="$n_rps" -v p99="$a_p99" -v p50="$a_p50" -v s="$name" -v bad="$a_bad" 'BEGIN {
      m = "";
      if (a < 0.25 * n) m = m " throughput<25%";
      if (p99 > 25) m = m " p99>25ms";
      if (s == "search" && p50 > 10) m = m " p50>10ms";
      if (bad + 0 > 0) m = m " non-2xx=" bad;
      print (m == "" ? "met" : "MISSED:" m) }')
  [[ $verdict == met ]] || failed=1
  printf '%-12s | %10.0f %8s %8s | %10.0f %8s %8s | %7s | %s\n' "$name" "$a_rps" "$a_p50" "$a_p99" "$n_rps" "$n_p50" "$n_p99" "$ratio" "$verdict"
done
echo
echo "page cache: ${CAKB_WEB_PAGE_CACHE:-true}; full wrk output was in $WORK/wrk.txt (removed on exit; set KEEP=1 to keep)" >&2
if [ "${KEEP:-0}" = 1 ]; then cp "$WORK/wrk.txt" "$ROOT/target/bench-web-wrk.txt"; fi
exit $failed
