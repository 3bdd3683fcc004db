#!/usr/bin/env bash
# Ingestion benchmark (a script, not a timed test): starts the PACKAGED app against a bench database on this machine,
# enrolls N simulated agents on loopback through the real API (host, token, enroll), then posts realistic reports
# (50 results each, real probe ids and texts from a real agent run) with wrk for DURATION seconds over CONCURRENCY
# connections, and prints reports/s, p50/p99/max latency, and whether reports stored (rows in fleet_report) = reports
# acknowledged (201).
#
#   bench/ingest.sh [-n AGENTS(50)] [-d SECONDS(60)] [-c CONCURRENCY(16)] [-p PORT(18091)]
# Needs: target/quarkus-app and target/cakb-agent.jar (./mvnw -q package -DskipTests), jq, psql, wrk, bc, a local PostgreSQL
# (bin/postgres-local creates the bench database cakb_bench, role cakb_bench). The bench database's fleet tables are
# emptied first. Target on the 2-core CI machine: >= 1,000 reports/s.
set -euo pipefail
cd "$(dirname "$0")/.."
AGENTS=50 DURATION=60 CONC=16 PORT=18091
while getopts n:d:c:p: o; do
  case $o in n) AGENTS=$OPTARG ;; d) DURATION=$OPTARG ;; c) CONC=$OPTARG ;; p) PORT=$OPTARG ;; *) exit 2 ;; esac
done
DB=cakb_bench ROLE=cakb_bench PW=cakb_bench
. bench/lib.sh
bench_require_build
bench_require_tools jq psql java wrk bc
bench_work_dir

bench_database

echo "== starting the packaged app on 127.0.0.1:$PORT (log $work/app.log)"
bench_start_app 180
# the admin account may exist from an earlier bench run with this password; make sure it is this one
curl -sf -u admin:bench-admin-password "http://127.0.0.1:$PORT/api/v1/hosts" >/dev/null \
  || { echo "admin login failed (bench database has another admin password? drop database $DB)" >&2; exit 1; }

echo "== a real agent report, cut to 50 results, as the template"
java -jar "$JAR" run > "$work/real.json" || true
jq '.results |= .[:50] | .reportId = "__ID__" | .startedAt = "__TS__" | .finishedAt = "__TS__"
    | .summary = (reduce .results[] as $r ({"pass":0,"fail":0,"not-applicable":0,"error":0}; .[$r.status] += 1))' \
  "$work/real.json" > "$work/template.json"
echo "   $(jq '.results | length' "$work/template.json") results, $(wc -c < "$work/template.json") bytes per report"

echo "== enrolling $AGENTS agents through the real API (host, one-time token, enroll)"
run=bench-$(date +%s)-
admin=(-u admin:bench-admin-password)
for i in $(seq 1 "$AGENTS"); do
  id=$(curl -sf "${admin[@]}" -H 'Content-Type: application/json' -d "{\"name\": \"$run$i\"}" "http://127.0.0.1:$PORT/api/v1/hosts" | jq -r .host.id)
  tok=$(curl -sf "${admin[@]}" -H 'Content-Type: application/json' -d '{"lifetimeHours": 1}' \
    "http://127.0.0.1:$PORT/api/v1/hosts/$id/enrollment-tokens" | jq -r .token)
  curl -sf -H 'Content-Type: application/json' -d "{\"token\": \"$tok\"}" "http://127.0.0.1:$PORT/api/v1/agent/enroll" | jq -r .credential
done > "$work/credentials.txt"
[ "$(grep -c '^cakb_agent_' "$work/credentials.txt")" = "$AGENTS" ] || { echo "enrollment failed" >&2; exit 1; }

# wrk posts the reports: each request takes the next agent's credential and a fresh report id and timestamp. wrk costs
# a small fraction of the CPU a JVM client would, which matters when client, app and PostgreSQL share two cores.
cat > "$work/reports.lua" <<'LUA'
local threads = {}
function setup(thread)
  thread:set("n", #threads)
  table.insert(threads, thread)
end
function init(args)
  creds = {}
  for line in io.lines(args[1]) do creds[#creds + 1] = line end
  local f = io.open(args[2]); template = f:read("*a"); f:close()
  math.randomseed(os.time() * 1000 + n)
  prefix = string.format("%08x-%04x-4%03x-8%03x-", math.random(0, 0x7fffffff), n, math.random(0, 0xfff), math.random(0, 0xfff))
  seq, created, other = 0, 0, 0
end
function request()
  seq = seq + 1
  local ts = os.date("!%Y-%m-%dT%H:%M:%SZ")
  local body = template:gsub("__ID__", prefix .. string.format("%012x", seq)):gsub("__TS__", ts)
  return wrk.format("POST", "/api/v1/agent/reports",
    {["Authorization"] = "Bearer " .. creds[(seq + n) % #creds + 1], ["Content-Type"] = "application/json"}, body)
end
function response(status, headers, body)
  if status == 201 then created = created + 1 else other = other + 1 end
end
function done(summary, latency, requests)
  local c, o = 0, 0
  for _, t in ipairs(threads) do c = c + t:get("created"); o = o + t:get("other") end
  io.write(string.format("CREATED %d\nOTHER %d\nSOCKET_ERRORS %d\n", c, o,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout))
  io.write(string.format("RESULT reports/s %.0f   p50 %.1f ms   p99 %.1f ms   max %.1f ms\n", c / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(99) / 1000, latency.max / 1000))
end
LUA

cpu_ms() { # CPU ms (user+system) of one process, or of all postgres processes
  if [ "$1" = postgres ]; then
    awk '{s += $14 + $15} END {print s * 10}' $(grep -l '^postgres' /proc/[0-9]*/comm 2>/dev/null | sed 's/comm$/stat/') 2>/dev/null
  else awk '{print ($14 + $15) * 10}' /proc/$1/stat; fi
}
echo "== warm-up: 5 s (stored, not measured)"
wrk -t1 -c "$CONC" -d 5s -s "$work/reports.lua" "http://127.0.0.1:$PORT" -- "$work/credentials.txt" "$work/template.json" > "$work/warm.out"
echo "== load: $AGENTS agents, $CONC connections, $DURATION s"
app0=$(cpu_ms $app_pid); pg0=$(cpu_ms postgres)
wrk -t1 -c "$CONC" -d "${DURATION}s" --latency -s "$work/reports.lua" "http://127.0.0.1:$PORT" -- "$work/credentials.txt" "$work/template.json" > "$work/load.out"
app1=$(cpu_ms $app_pid); pg1=$(cpu_ms postgres)
grep -E '^(RESULT|OTHER|SOCKET_ERRORS)' "$work/load.out"
measured=$(awk '/^CREATED/ {print $2}' "$work/load.out")
echo "   CPU per report: app $(echo "scale=2; ($app1 - $app0) / $measured" | bc) ms, PostgreSQL $(echo "scale=2; ($pg1 - $pg0) / $measured" | bc) ms ($(nproc) cores; load average $(cut -d' ' -f1-3 /proc/loadavg))"
echo "ACKED $(( $(awk '/^CREATED/ {print $2}' "$work/warm.out") + measured ))" >> "$work/load.out"
echo "RUN $run" >> "$work/load.out"
acked=$(awk '/^ACKED/ {print $2}' "$work/load.out")
prefix=$(awk '/^RUN/ {print $2}' "$work/load.out")
stored=$(psql_b "SELECT count(*) FROM fleet_report r JOIN fleet_host h ON h.id = r.host_id WHERE h.name LIKE '$prefix%'")
# storage by change (V20): every report repeats the template, so only each host's first report stores result rows
results=$(psql_b "SELECT count(*) FROM fleet_current_result WHERE host LIKE '$prefix%'")
hosts=$(psql_b "SELECT count(DISTINCT host_id) FROM fleet_current_result WHERE host LIKE '$prefix%'")
echo "== stored: $stored reports ($results current result rows on $hosts hosts); acknowledged: $acked"
# wrk stops at the deadline without reading the answers to requests still in flight (at most one per connection per
# run): those reports are stored but not counted as acknowledged. Lost = acknowledged but not stored: must be none.
inflight=$((2 * CONC))
if [ "$stored" -ge "$acked" ] && [ "$stored" -le "$((acked + inflight))" ] && [ "$results" = "$((hosts * 50))" ]; then
  echo "OK every acknowledged report stored, once ($((stored - acked)) more stored whose answers wrk did not read at its deadline; at most $inflight in flight)"
else
  echo "MISMATCH stored $stored vs acknowledged $acked (+ at most $inflight in flight); current result rows $results vs 50 x $hosts"; exit 1
fi
