#!/usr/bin/env bash
# Resilience benchmark (a script, not a timed test): the PACKAGED app against its own throwaway PostgreSQL cluster
# (initdb into a temp dir, port PGPORT; the machine's main cluster is never touched), then
#   load   - BROWSERS concurrent browsing connections (home, a threat, the matrix, a search, an assessment page as a
#            signed-in assessor; wrk, BROWSERS/5 connections each) plus AGENTS simulated agents posting reports, for
#            DURATION seconds: req/s, p50/p99, errors per page, reports sent vs stored, PostgreSQL connections, app RSS
#   faults - PostgreSQL stopped mid-run (503 + message, readiness DOWN, agents spool; restarted: recovery time, spooled
#            reports stored exactly once); SIGKILL during a content reload and during checklist saves (old or new
#            state, never a mix); the agent losing the server's answer mid-upload (resent once, stored once);
#            SIGKILL of one of two replicas behind nginx under browsing, saves and agents (errors, reports stored vs
#            acknowledged, saves committed or refused with a message, the killed replica's rejoin time).
#   FAULTS="1 2 3 4 5" selects the faults (e.g. FAULTS=5 for the replica kill only).
#
#   flood  - FLOOD (200) concurrent wrong-password requests while a signed-in user loads a page: its p99 alone and under
#            the flood (target: under 1 s)
#
#   DURATION=60 BROWSERS=200 AGENTS=50 PORT=18095 PGPORT=55432 bench/resilience.sh   (ONLY_LOAD=1: stop before the faults)
# Needs: root (initdb/pg_ctl run as user postgres), PostgreSQL 15 binaries, wrk, curl, psql, python3, java 17, nginx, and
# target/quarkus-app + target/cakb-agent.jar (./mvnw -B -ntp package -DskipTests).
set -uo pipefail
cd "$(dirname "$0")/.."
DURATION=${DURATION:-60} BROWSERS=${BROWSERS:-200} AGENTS=${AGENTS:-50} PORT=${PORT:-18095} PGPORT=${PGPORT:-55432}
PGBIN=${PGBIN:-/usr/lib/postgresql/15/bin} FAULTS=${FAULTS:-1 2 3 4 5}
want() { [[ " $FAULTS " == *" $1 "* ]]; }
APP=${APP:-$PWD/target/quarkus-app/quarkus-run.jar} JAR=${JAR:-$PWD/target/cakb-agent.jar}
URL=http://127.0.0.1:$PORT ADMIN_PW=bench-admin-password
[ -f "$APP" ] && [ -f "$JAR" ] || { echo "build first: ./mvnw -B -ntp package -DskipTests" >&2; exit 2; }
for t in wrk curl psql python3 java; do command -v $t >/dev/null || { echo "$t is required" >&2; exit 2; }; done
[ -x "$PGBIN/initdb" ] || { echo "PostgreSQL binaries not found in $PGBIN" >&2; exit 2; }

work=$(mktemp -d /tmp/cakb-resilience.XXXXXX); chmod 755 "$work"; chown postgres "$work"   # pg_ctl (as postgres) writes its log and socket here
app_pid="" sampler_pid="" proxy_pid="" app2_pid="" nginx_pid=""
pg() { su postgres -c "$PGBIN/pg_ctl -D $work/pg -l $work/pg.log -w -t 60 $*" >/dev/null; }
cleanup() {
  for p in $sampler_pid $proxy_pid $app_pid $app2_pid $nginx_pid; do kill -9 "$p" 2>/dev/null; done
  pg stop -m immediate 2>/dev/null
  [ -n "${KEEP:-}" ] || rm -rf "$work"
}
trap cleanup EXIT
sql() { psql -h 127.0.0.1 -p "$PGPORT" -U cakb -d cakb -X -qAt -c "$1"; }
ms() { date +%s%3N; }

echo "== throwaway PostgreSQL cluster in $work/pg on port $PGPORT"
install -d -o postgres -m 700 "$work/pg"
su postgres -c "$PGBIN/initdb -D $work/pg -A trust -U postgres" >/dev/null || exit 1
echo "port = $PGPORT
listen_addresses = '127.0.0.1'
unix_socket_directories = '$work'
max_connections = 100" >> "$work/pg/postgresql.conf"
pg start || { cat "$work/pg.log"; exit 1; }
psql -h 127.0.0.1 -p "$PGPORT" -U postgres -X -q -c "CREATE ROLE cakb LOGIN PASSWORD 'cakb'" -c "CREATE DATABASE cakb OWNER cakb"

# the app's home: its own copy of content/ and migrations/, so the reload fault can edit content
mkdir -p "$work/home" && cp -r content migrations "$work/home/"

start_app() {
  local port=${1:-$PORT}
  DB_URL=jdbc:postgresql://127.0.0.1:$PGPORT/cakb DB_USER=cakb DB_PASSWORD=cakb CAKB_HOME=$work/home \
    CAKB_BOOTSTRAP_ADMIN_PASSWORD=$ADMIN_PW CAKB_SESSION_KEY=bench-session-encryption-key-0123456789abcdef \
    CAKB_CSRF_KEY=bench-csrf-signature-key-0123456789abcdef CAKB_PUBLIC_BROWSING=true \
    QUARKUS_HTTP_HOST=127.0.0.1 QUARKUS_HTTP_PORT=$port QUARKUS_LOG_CATEGORY__ORG_CAKB__LEVEL=WARN \
    java ${BENCH_APP_JAVA_OPTS:-} -jar "$APP" >> "$work/app-$port.log" 2>&1 &
  local pid=$!
  [ "$port" = "$PORT" ] && app_pid=$pid || app2_pid=$pid
  local t0; t0=$(ms)
  for _ in $(seq 1 600); do
    curl -sf "http://127.0.0.1:$port/q/health/ready" >/dev/null 2>&1 && { echo "   app up (pid $pid, port $port) in $(( $(ms) - t0 )) ms"; READY_MS=$(( $(ms) - t0 )); return 0; }
    kill -0 $pid 2>/dev/null || { tail -50 "$work/app-$port.log"; exit 1; }
    sleep 0.3
  done
  echo "app did not become ready" >&2; exit 1
}
kill_app() { kill -9 "$app_pid" 2>/dev/null; wait "$app_pid" 2>/dev/null; app_pid=""; }
# signs in through the login form as a browser does (its CSRF token and cookie first); prints the Cookie header value
sign_in() {
  local jar=$work/jar-$1 token
  token=$(curl -s -c "$jar" "$URL/login" | sed -nE 's/.*name="csrf-token" value="([^"]+)".*/\1/p' | head -1)
  curl -s -o /dev/null -b "$jar" -c "$jar" --data-urlencode "j_username=$1" --data-urlencode "j_password=$2" \
    --data-urlencode "csrf-token=$token" "$URL/j_security_check"
  awk '$6 == "quarkus-credential" || $6 == "cakb-session" {printf "%s%s=%s", (n++ ? "; " : ""), $6, $7}' "$jar"
}

echo "== starting the packaged app on $URL"
start_app
A=(-s -u "admin:$ADMIN_PW" -H 'Content-Type: application/json')
curl "${A[@]}" -o /dev/null -d '{"username": "bench-assessor", "password": "bench-assessor-password", "roles": ["assessor"]}' "$URL/api/v1/users"
reqs=$(sql "SELECT string_agg('\"' || id || '\"', ',') FROM (SELECT id FROM kb_record WHERE kind = 'requirement' AND status = 'active' ORDER BY id LIMIT 8) r")
AID=$(curl "${A[@]}" -d "{\"name\": \"bench\", \"target\": \"bench cluster\", \"scope\": {\"requirements\": [$reqs]}, \"assessors\": [\"bench-assessor\"]}" \
  "$URL/api/v1/assessments" | sed -E 's/^\{"id":([0-9]+).*/\1/')
cookie=$(sign_in bench-assessor bench-assessor-password)
[ -n "$AID" ] && [ -n "$cookie" ] || { echo "setup failed (assessment '$AID', cookie '${cookie:0:20}')" >&2; exit 1; }
[ "$(curl -s -o /dev/null -w '%{http_code}' -H "Cookie: $cookie" "$URL/assessments/$AID")" = 200 ] || { echo "assessor page not reachable" >&2; exit 1; }

# ---------------------------------------------------------------------------------------------------------------- load
echo "== enrolling $AGENTS agents through the API"
java "$PWD/bench/ResilienceAgents.java" enroll "$URL" "$ADMIN_PW" "$AGENTS" "bench-agent-" "$work/credentials" || exit 1
echo "== load: $BROWSERS browsing connections + $AGENTS agents for $DURATION s"
( max_c=0 max_r=0
  while true; do
    c=$(sql "SELECT count(*) FROM pg_stat_activity WHERE datname = 'cakb' AND pid <> pg_backend_pid()" 2>/dev/null || echo 0)
    r=$(awk '/VmRSS/ {print $2}' /proc/"$app_pid"/status 2>/dev/null || echo 0)
    [ "${c:-0}" -gt "$max_c" ] && max_c=$c; [ "${r:-0}" -gt "$max_r" ] && max_r=$r
    echo "$max_c $max_r" > "$work/samples"; sleep 1
  done ) & sampler_pid=$!
per=$(( BROWSERS / 5 )) wrk_pids=()
declare -A PAGES=([home]="/" [detail]="/threats/threat:container-to-host-escape" [matrix]="/matrix" [search]="/search?q=seccomp"
                  [assessment]="/assessments/$AID")
for p in home detail matrix search assessment; do
  hdr=(); [ $p = assessment ] && hdr=(-H "Cookie: $cookie")
  wrk -t1 -c"$per" -d"${DURATION}s" --timeout 10s --latency "${hdr[@]}" "$URL${PAGES[$p]}" > "$work/wrk-$p.txt" 2>&1 &
  wrk_pids+=($!)
done
java "$PWD/bench/ResilienceAgents.java" post "$URL" "$work/credentials" "$DURATION" > "$work/agents.txt" 2>&1
wait "${wrk_pids[@]}"
kill "$sampler_pid" 2>/dev/null; sampler_pid=""
read -r max_conn max_rss < "$work/samples"
stored=$(sql "SELECT count(*) FROM fleet_report r JOIN fleet_host h ON h.id = r.host_id WHERE h.name LIKE 'bench-agent-%'")
lat() { awk -v k="$2" '$1 == k {print $2}' "$work/wrk-$1.txt"; }
printf '\n%-12s %10s %10s %10s %8s\n' page req/s p50 p99 errors
for p in home detail matrix search assessment; do
  f=$work/wrk-$p.txt
  rps=$(awk '/Requests\/sec/ {print $2}' "$f")
  non2xx=$(awk '/Non-2xx/ {print $NF}' "$f"); sock=$(awk '/Socket errors/ {gsub(",",""); print $4+$6+$8+$10}' "$f")
  errs=$(( ${non2xx:-0} + ${sock:-0} ))
  printf '%-12s %10s %10s %10s %8s\n' "$p" "${rps:-?}" "$(lat $p 50%)" "$(lat $p 99%)" "$errs"
done
read -r _ _ sent _ acked _ failed _ arps _ ap50 _ ap99 < <(grep '^AGENTS' "$work/agents.txt")
printf '%-12s %10s %10s %10s %8s\n' "agent post" "${arps:-?}" "${ap50:-?}ms" "${ap99:-?}ms" "${failed:-?}"
echo "reports: sent ${sent:-?}, acknowledged ${acked:-?}, stored $stored $([ "${acked:-x}" = "$stored" ] && echo '(= acknowledged)' || echo '(MISMATCH)')"
echo "PostgreSQL connections used (max): $max_conn of pool max 20; app RSS (max): $(( max_rss / 1024 )) MiB"
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) cores"


# ------------------------------------------------------------------------------------------- wrong-password flood
# FLOOD concurrent wrong-password requests (HTTP Basic, a new username and a new client address each, sent through
# the trusted local proxy address as a botnet behind a load balancer would be: no throttle row applies, so every one
# asks for a bcrypt check) while the signed-in assessor keeps loading its page; p99 of that page alone and under the
# flood, in the same run.
FLOOD=${FLOOD:-200} FLOOD_SECONDS=${FLOOD_SECONDS:-20}
cat > "$work/flood.lua" <<'LUA'
local b = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/'
local function b64(data)
  return ((data:gsub('.', function(x)
    local r, byte = '', x:byte()
    for i = 8, 1, -1 do r = r .. (byte % 2 ^ i - byte % 2 ^ (i - 1) > 0 and '1' or '0') end
    return r
  end) .. '0000'):gsub('%d%d%d?%d?%d?%d?', function(x)
    if #x < 6 then return '' end
    local c = 0
    for i = 1, 6 do c = c + (x:sub(i, i) == '1' and 2 ^ (6 - i) or 0) end
    return b:sub(c + 1, c + 1)
  end) .. ({ '', '==', '=' })[#data % 3 + 1])
end
math.randomseed(os.time())
request = function()
  local user = 'flood' .. math.random(1, 100000000)
  local ip = math.random(1, 223) .. '.' .. math.random(0, 255) .. '.' .. math.random(0, 255) .. '.' .. math.random(1, 254)
  return wrk.format('GET', '/api/v1/assessments', { ['Authorization'] = 'Basic ' .. b64(user .. ':wrong-password'),
    ['X-Forwarded-For'] = ip, ['Accept'] = 'application/json' })
end
LUA
echo; echo "== wrong-password flood: $FLOOD concurrent requests for $FLOOD_SECONDS s, signed-in page alongside"
wrk -t1 -c4 -d"${FLOOD_SECONDS}s" --timeout 10s --latency -H "Cookie: $cookie" "$URL/assessments/$AID" > "$work/wrk-alone.txt" 2>&1
wrk -t2 -c"$FLOOD" -d"${FLOOD_SECONDS}s" --timeout 10s --latency -s "$work/flood.lua" "$URL" > "$work/wrk-flood.txt" 2>&1 &
flood_pid=$!
sleep 1
wrk -t1 -c4 -d"$(( FLOOD_SECONDS - 2 ))s" --timeout 10s --latency -H "Cookie: $cookie" "$URL/assessments/$AID" > "$work/wrk-under-flood.txt" 2>&1
wait $flood_pid
p99() { awk '$1 == "99%" {print $2}' "$1"; }
to_ms() { awk -v v="$1" 'BEGIN { if (v ~ /ms$/) { sub(/ms/, "", v); print v } else if (v ~ /us$/) { sub(/us/, "", v); print v / 1000 } else { sub(/s/, "", v); print v * 1000 } }'; }
alone=$(to_ms "$(p99 "$work/wrk-alone.txt")") under=$(to_ms "$(p99 "$work/wrk-under-flood.txt")")
frps=$(awk '/Requests\/sec/ {print $2}' "$work/wrk-flood.txt")
fok=$(awk '/Non-2xx/ {print $NF}' "$work/wrk-flood.txt")
printf 'signed-in page p99: alone %s ms, under the flood %s ms (x%s; target < 1000 ms)\n' "$alone" "$under" \
  "$(awk -v a="$alone" -v u="$under" 'BEGIN { printf "%.1f", (a > 0 ? u / a : 0) }')"
printf 'flood: %s wrong-password req/s answered (%s refused; none may succeed), page errors under the flood: %s\n' "${frps:-?}" "${fok:-0}" \
  "$(awk '/Non-2xx/ {print $NF}' "$work/wrk-under-flood.txt" | grep . || echo 0)"
[ -n "${ONLY_LOAD:-}" ] && exit 0

# -------------------------------------------------------------------------------------------------------------- faults
if want 1; then
echo; echo "== fault 1: PostgreSQL stopped mid-run"
cred=$work/agent/credential; mkdir -p "$work/agent"; chmod 700 "$work/agent"
hid=$(curl "${A[@]}" -d '{"name": "bench-spool-host"}' "$URL/api/v1/hosts" | sed -E 's/.*"host":\{"id":([0-9]+).*/\1/')
tok=$(curl "${A[@]}" -d '{"lifetimeHours": 1}' "$URL/api/v1/hosts/$hid/enrollment-tokens" | sed -E 's/.*"token":"([^"]+)".*/\1/')
java -jar "$JAR" enroll --server "$URL" --token "$tok" --credential-file "$cred" >/dev/null 2>&1
pg stop -m fast
probe() { curl -s -m 15 -o "$work/body" -w '%{http_code} %{time_total}s' "$@"; echo " $(head -c 110 "$work/body" | tr '\n' ' ')"; }
echo "   API (admin)        : $(probe -u "admin:$ADMIN_PW" "$URL/api/v1/hosts")"
echo "   API (KB, anonymous): $(probe "$URL/api/v1/threats?status=withdrawn")"
echo "   page (assessor)    : $(probe -H "Cookie: $cookie" "$URL/assessments/$AID")"
echo "   agent report       : $(probe -H "Authorization: Bearer $(sed -n 's/^credential=//p' "$cred" 2>/dev/null)" -H 'Content-Type: application/json' -d '{}' "$URL/api/v1/agent/reports")"
echo "   /q/health/ready    : $(probe "$URL/q/health/ready")"
for i in 1 2 3; do java -jar "$JAR" run --server "$URL" --credential-file "$cred" --retries 0 >/dev/null 2>&1; echo -n "   agent run $i exit $? "; done
spooled=$(ls "$work/agent/spool"/*.json 2>/dev/null | wc -l); echo "-> $spooled reports spooled"
pg start; t0=$(ms); rec=""
while [ $(( $(ms) - t0 )) -lt 30000 ]; do
  if [ "$(curl -s -o /dev/null -w '%{http_code}' "$URL/q/health/ready")" = 200 ] \
     && [ "$(curl -s -o /dev/null -w '%{http_code}' -u "admin:$ADMIN_PW" "$URL/api/v1/hosts")" = 200 ]; then rec=$(( $(ms) - t0 )); break; fi
  sleep 0.1
done
echo "   PostgreSQL started: ready and answering after ${rec:-NOT within 30000} ms"
java -jar "$JAR" flush --credential-file "$cred" >/dev/null 2>&1; fx=$?
n=$(sql "SELECT count(*) FROM fleet_report WHERE host_id = $hid"); d=$(sql "SELECT count(DISTINCT id) FROM fleet_report WHERE host_id = $hid")
echo "   flush exit $fx; spooled $spooled -> stored $n (distinct $d), spool left $(ls "$work/agent/spool"/*.json 2>/dev/null | wc -l)"

fi
if want 2; then
echo; echo "== fault 2: SIGKILL during a content reload"
for round in 1 2; do
  prev=$([ $round = 1 ] && echo '' || echo " rev$((round - 1))")
  for f in $(grep -l '^title: [A-Za-z0-9]' "$work"/home/content/*/*.yaml); do sed -i -E "s/^(title: .*[^ ])( rev[0-9]+)?\$/\1 rev$round/" "$f"; done
  # round 1: kill as soon as the loader's write transaction is seen in PostgreSQL; round 2: a fixed 1.2 s in
  t0=$(ms); curl -s -o /dev/null -u "admin:$ADMIN_PW" -X POST "$URL/api/v1/admin/content/reload" &
  if [ $round = 1 ]; then
    for _ in $(seq 1 600); do
      [ "$(sql "SELECT count(*) FROM pg_stat_activity WHERE datname = 'cakb' AND backend_xid IS NOT NULL AND pid <> pg_backend_pid()")" != 0 ] && break
      sleep 0.02
    done
  else sleep 1.2; fi
  kill_app; when=$(( $(ms) - t0 ))
  new=$(sql "SELECT count(*) FROM kb_record WHERE title LIKE '% rev$round'")
  start_app
  total=$(sql "SELECT count(*) FROM kb_record WHERE title LIKE '% rev$round'")
  echo "   round $round: killed ${when} ms into the reload: $new records new; after restart (the start-up load applies the files): $total new -> killed state was $([ "$new" = 0 ] && echo 'OLD' || ([ "$new" = "$total" ] && echo 'NEW' || echo 'MIXED'))"
done
cookie=$(sign_in bench-assessor bench-assessor-password)

fi
if want 3; then
echo; echo "== fault 3: SIGKILL during checklist saves"
java "$PWD/bench/ResilienceAgents.java" saves "$URL" bench-assessor bench-assessor-password "$AID" 20 > "$work/saves.txt" 2>&1 &
saver=$!
hist() { sql "SELECT count(*) FROM assessment_history h JOIN checklist_item i ON i.id = h.item_id WHERE i.assessment_id = $AID AND h.field = 'justification'"; }
for _ in $(seq 1 600); do [ "$(hist)" -gt 5 ] && break; sleep 0.1; done
sleep 0.5; kill_app; wait $saver 2>/dev/null
mixed=$(sql "SELECT count(*) FROM checklist_item i WHERE i.assessment_id = $AID AND (i.justification <> i.evidence_text
  OR i.justification <> coalesce((SELECT h.new_value FROM assessment_history h WHERE h.item_id = i.id AND h.field = 'justification' ORDER BY h.id DESC LIMIT 1), ''))")
saves=$(sql "SELECT count(*) FROM assessment_history h JOIN checklist_item i ON i.id = h.item_id WHERE i.assessment_id = $AID AND h.field = 'justification'")
echo "   killed while saves were committing: $saves saves committed; items whose fields or history disagree: $mixed"
start_app

fi
if want 4; then
echo; echo "== fault 4: the agent loses the server's answer mid-upload"
cat > "$work/proxy.py" <<'PY'
import socket, sys, threading
listen, target, drops = int(sys.argv[1]), int(sys.argv[2]), [int(sys.argv[3])]
def pipe(c):
    s = socket.create_connection(("127.0.0.1", target)); c.settimeout(5); data = b""
    while True:
        try: chunk = c.recv(65536)
        except socket.timeout: break
        if not chunk: break
        data += chunk; s.sendall(chunk)
        head, _, body = data.partition(b"\r\n\r\n")
        length = [int(l.split(b":")[1]) for l in head.split(b"\r\n") if l.lower().startswith(b"content-length:")]
        if _ and len(body) >= (length[0] if length else 0): break
    reply = b""; s.settimeout(30)
    while True:
        chunk = s.recv(65536)
        if not chunk: break
        reply += chunk
        if b"\r\n\r\n" in reply: break
    if b"/api/v1/agent/reports" in data.split(b"\r\n")[0] and drops[0] > 0:
        drops[0] -= 1; print("dropped the answer to a report upload", flush=True); c.close(); s.close(); return
    c.sendall(reply)
    try:
        s.settimeout(1)
        while True:
            chunk = s.recv(65536)
            if not chunk: break
            c.sendall(chunk)
    except Exception: pass
    c.close(); s.close()
srv = socket.socket(); srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1); srv.bind(("127.0.0.1", listen)); srv.listen(16)
while True:
    conn, _ = srv.accept(); threading.Thread(target=pipe, args=(conn,), daemon=True).start()
PY
PPORT=$((PORT + 1))
python3 "$work/proxy.py" "$PPORT" "$PORT" 1 > "$work/proxy.log" 2>&1 & proxy_pid=$!; sleep 0.5
before=$(sql "SELECT count(*) FROM fleet_report WHERE host_id = $hid")
java -jar "$JAR" run --server "http://127.0.0.1:$PPORT" --credential-file "$cred" > /dev/null 2> "$work/agent-run.err"; rx=$?
after=$(sql "SELECT count(*) FROM fleet_report WHERE host_id = $hid")
kill "$proxy_pid" 2>/dev/null; proxy_pid=""
echo "   proxy: $(grep -c dropped "$work/proxy.log") answer(s) dropped; agent exit $rx; reports stored $before -> $after (expected +1); spool left $(ls "$work/agent/spool"/*.json 2>/dev/null | wc -l)"
echo "   server log: $(grep -c 'duplicate' "$work/app-$PORT.log" 2>/dev/null || true) duplicate notes; agent said: $(grep -i -m2 'retry\|resen\|already\|duplicate' "$work/agent-run.err" | tr '\n' ' ' | head -c 200)"
fi
if want 5; then
echo; echo "== fault 5: SIGKILL of one of two replicas behind nginx (browsing, checklist saves, agents)"
PORT2=$((PORT + 2)) LB=$((PORT + 3))
start_app "$PORT2"
mkdir -p "$work/nginx-temp"; chmod 1777 "$work/nginx-temp"
cat > "$work/nginx.conf" <<NGINX
daemon off; user root; worker_processes 1; pid $work/nginx.pid; error_log $work/nginx-error.log warn;
events { worker_connections 4096; }
http {
  access_log off; client_body_temp_path $work/nginx-temp/body; proxy_temp_path $work/nginx-temp/proxy;
  fastcgi_temp_path $work/nginx-temp/fcgi; uwsgi_temp_path $work/nginx-temp/uwsgi; scgi_temp_path $work/nginx-temp/scgi;
  upstream cakb { server 127.0.0.1:$PORT max_fails=1 fail_timeout=3s; server 127.0.0.1:$PORT2 max_fails=1 fail_timeout=3s; keepalive 32; }
  server {
    listen 127.0.0.1:$LB; client_max_body_size 10m;
    location / {
      proxy_pass http://cakb; proxy_http_version 1.1; proxy_set_header Connection ""; proxy_set_header Host \$host;
      proxy_set_header X-Forwarded-For \$remote_addr; proxy_connect_timeout 2s; proxy_read_timeout 60s;
      proxy_next_upstream error timeout http_502 http_503; proxy_next_upstream_tries 2;
      error_page 502 504 = @replica_gone;
    }
    location @replica_gone {
      default_type application/json;
      return 503 '{"status":503,"error":"Service Unavailable","message":"The replica handling this request went away before answering; it may or may not have been applied: check, then retry"}';
    }
  }
}
NGINX
nginx -c "$work/nginx.conf" -p "$work" > "$work/nginx.out" 2>&1 & nginx_pid=$!
sleep 1
LBURL=http://127.0.0.1:$LB F5=${F5_SECONDS:-30}
java "$PWD/bench/ResilienceAgents.java" enroll "$LBURL" "$ADMIN_PW" "$AGENTS" "bench-r-agent-" "$work/r-credentials" >/dev/null || exit 1
wrk_pids=()
for p in home detail; do
  wrk -t1 -c"$per" -d"${F5}s" --timeout 10s --latency "$LBURL${PAGES[$p]}" > "$work/wrk-r-$p.txt" 2>&1 & wrk_pids+=($!)
done
java "$PWD/bench/ResilienceAgents.java" post "$LBURL" "$work/r-credentials" "$F5" > "$work/r-agents.txt" 2>&1 & agents_pid=$!
java "$PWD/bench/ResilienceAgents.java" saves "$LBURL" bench-assessor bench-assessor-password "$AID" "$F5" keep-going > "$work/r-saves.txt" 2>&1 & saves_pid=$!
sleep $((F5 / 3)); kill_app; killed=$(ms); echo "   replica A (port $PORT) SIGKILLed under load"
sleep $((F5 / 3)); start_app "$PORT"; rejoin=$READY_MS
wait "${wrk_pids[@]}" "$agents_pid"; wait "$saves_pid" 2>/dev/null
for p in home detail; do
  f=$work/wrk-r-$p.txt
  non2xx=$(awk '/Non-2xx/ {print $NF}' "$f"); sock=$(awk '/Socket errors/ {gsub(",",""); print $4+$6+$8+$10}' "$f")
  echo "   browsing $p through nginx: $(awk '/requests in/ {print $1}' "$f") requests, errors $(( ${non2xx:-0} + ${sock:-0} )), p99 $(awk '$1 == "99%" {print $2}' "$f")"
done
read -r _ _ rsent _ racked _ rfailed _ _ _ _ _ _ _ rretried < <(grep '^AGENTS' "$work/r-agents.txt")
rstored=$(sql "SELECT count(*) FROM fleet_report r JOIN fleet_host h ON h.id = r.host_id WHERE h.name LIKE 'bench-r-agent-%'")
rdistinct=$(sql "SELECT count(DISTINCT r.id) FROM fleet_report r JOIN fleet_host h ON h.id = r.host_id WHERE h.name LIKE 'bench-r-agent-%'")
echo "   agents through nginx: sent $rsent, acknowledged $racked (after $rretried retries), gave up $rfailed; stored $rstored (distinct $rdistinct) $([ "$racked" = "$rstored" ] && echo '(= acknowledged)' || echo '(MISMATCH)')"
echo "   checklist saves: $(grep '^SAVES' "$work/r-saves.txt" || tail -2 "$work/r-saves.txt")"
mixed=$(sql "SELECT count(*) FROM checklist_item i WHERE i.assessment_id = $AID AND (i.justification <> i.evidence_text
  OR i.justification <> coalesce((SELECT h.new_value FROM assessment_history h WHERE h.item_id = i.id AND h.field = 'justification' ORDER BY h.id DESC LIMIT 1), ''))")
echo "   items whose fields or history disagree: $mixed"
echo "   replica A restarted $(( (rejoin + 0) ))ms to ready; $(( ($(ms) - killed) / 1000 )) s since the kill"
fi
echo; echo "done (app logs: $work/app-*.log$([ -n "${KEEP:-}" ] || echo ', removed; KEEP=1 keeps it'))"
