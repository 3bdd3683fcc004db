#!/usr/bin/env bash
# Fleet-at-scale ingestion benchmark (issue #15; a script, not a timed test). Starts the PACKAGED app against the bench
# database, enrolls N agents through the real API, sends each one full format-2 report (20 containers x 40 results,
# real probe ids from a real agent run), then posts DELTA reports (baseReportId = the agent's last acknowledged report,
# only what changed) with wrk for DURATION seconds per phase:
#   phase "unchanged": nothing changed since the previous report (an empty delta)
#   phase "1%":        8 of the 800 results (1 %) changed status since that host's previous report
# and prints reports/s, latency, database growth per report (sum of pg_total_relation_size over every fleet_ relation,
# before and after each phase) next to today's design (every result row stored: 22.8 KB per 50-result report in
# bench/ingest.sh before V20, i.e. 456 bytes per result, x 800 results), and stored/acknowledged.
#
#   bench/fleet.sh [-n AGENTS(200)] [-d SECONDS(60)] [-w WARMUP_SECONDS(0)] [-C INGEST_CONNECTIONS(AGENTS)] [-c CONNECTIONS(16)]
#                  [-p PORT(18092)] [-P | -I]
# -C: connections of the ingestion phases; by default one per agent, as deployed: each agent sends its next report when
#     the previous one is answered (its base), so N agents keep up to N reports in flight. Fewer connections than the
#     server can use measure the load generator: at 16 (the default before 2026-12-03) the 2 cores sat 10-15 % idle.
# -c: connections of the page timings (16, as the issue sets them).
# -w: first a warm-up phase of 1 %-changed deltas (acknowledged and counted in stored/acknowledged, its figures are not
#     results): the JIT compiles the delta path while it runs, instead of during the measured phases (in a 20 s phase
#     right after the full reports, C2 compiler threads used more CPU than the request threads).
# -P: the page timings only (no enrollment, no ingestion phases). -I: the ingestion phases only (no page timings).
# BENCH_DB (and BENCH_ROLE, BENCH_DB_PASSWORD) name another bench database; BENCH_APP another packaged app (A/B runs:
# Flyway's migration location is fixed when the app is built, relative to the working directory, so run a copy of
# bench/ and bin/ from a directory holding the other build's migrations/ and content/, with its own database).
# Needs: target/quarkus-app and target/cakb-agent.jar (./mvnw -q package -DskipTests), jq, psql, wrk, bc, curl.
set -euo pipefail
cd "$(dirname "$0")/.."
AGENTS=200 DURATION=60 WARMUP=0 INGEST_CONC= CONC=16 PORT=18092 PAGES_ONLY=false INGEST_ONLY=false
while getopts n:d:w:C:c:p:PI o; do
  case $o in n) AGENTS=$OPTARG ;; C) INGEST_CONC=$OPTARG ;; d) DURATION=$OPTARG ;; w) WARMUP=$OPTARG ;; c) CONC=$OPTARG ;; p) PORT=$OPTARG ;; P) PAGES_ONLY=true ;; I) INGEST_ONLY=true ;; *) exit 2 ;; esac
done
INGEST_CONC=${INGEST_CONC:-$AGENTS}
[ "$INGEST_CONC" -ge 1 ] && [ "$INGEST_CONC" -le "$AGENTS" ] || { echo "-C must be 1 to $AGENTS (each connection sends the reports of its own agents)" >&2; exit 2; }
DB=${BENCH_DB:-cakb_bench_fleet} ROLE=${BENCH_ROLE:-cakb_bench_fleet} PW=${BENCH_DB_PASSWORD:-cakb_bench_fleet}
. bench/lib.sh
bench_require_build
bench_require_tools jq psql java wrk bc curl
bench_work_dir

bench_database
echo "== PostgreSQL: $(psql_b "SELECT string_agg(name || ' ' || current_setting(name), ', ' ORDER BY name) FROM pg_settings
  WHERE name IN ('shared_buffers', 'max_wal_size', 'checkpoint_timeout', 'wal_compression', 'synchronous_commit')") (README: PostgreSQL for a fleet)"

echo "== starting the packaged app on 127.0.0.1:$PORT"
bench_start_app 300
admin=(-u admin:bench-admin-password)
curl -sf "${admin[@]}" "http://127.0.0.1:$PORT/api/v1/hosts" >/dev/null || { echo "admin login failed (drop database $DB)" >&2; exit 1; }

echo "== a real agent run, 40 of its results, as every container's results"
java -jar "$JAR" run > "$work/real.json" || true
jq -c '[.results[:40][] | {id, verifies, status, observed, expected, explanation}]' "$work/real.json" > "$work/results.json"
[ "$(jq length "$work/results.json")" = 40 ] || { echo "the agent reported fewer than 40 results" >&2; exit 1; }
jq -r '.[] | [.id, .status] | @tsv' "$work/results.json" > "$work/checks.tsv"

# CPU time (ms) used so far by the app, by the PostgreSQL backends of the bench database (no pg_stat_statements here),
# and by the whole machine (/proc/stat: wrk, the kernel, PostgreSQL's WAL writer and every other process included)
cpu_ms() {
  local tck app pg=0 p
  tck=$(getconf CLK_TCK)
  app=$(awk '{print $14 + $15}' /proc/$app_pid/stat)
  for p in $(pgrep -f "postgres: .*$ROLE $DB "); do pg=$((pg + $(awk '{print $14 + $15}' /proc/$p/stat 2>/dev/null || echo 0))); done
  echo "$((app * 1000 / tck)) $((pg * 1000 / tck)) $(awk '/^cpu / {print int(($2 + $3 + $4 + $7 + $8) * 1000 / '"$tck"')}' /proc/stat)"
}
if ! $PAGES_ONLY; then
echo "== enrolling $AGENTS agents and sending each one full report (20 containers x 40 results)"
run=fleet-$(date +%s)-
now=$(date -u +%Y-%m-%dT%H:%M:%SZ)
full_bytes=0
for i in $(seq 1 "$AGENTS"); do
  id=$(curl -sf "${admin[@]}" -H 'Content-Type: application/json' -d "{\"name\": \"$run$i\", \"labels\": {\"group\": \"g$((i % 4))\"}}" \
    "http://127.0.0.1:$PORT/api/v1/hosts" | jq -r .host.id)
  tok=$(curl -sf "${admin[@]}" -H 'Content-Type: application/json' -d '{"lifetimeHours": 1}' \
    "http://127.0.0.1:$PORT/api/v1/hosts/$id/enrollment-tokens" | jq -r .token)
  cred=$(curl -sf -H 'Content-Type: application/json' -d "{\"token\": \"$tok\"}" "http://127.0.0.1:$PORT/api/v1/agent/enroll" | jq -r .credential)
  rid=$(cat /proc/sys/kernel/random/uuid)
  jq -c --arg rid "$rid" --arg now "$now" --argjson i "$i" --slurpfile res "$work/results.json" '
    {format: 2, reportId: $rid, agent: "cakb-agent", agentVersion: .agentVersion, startedAt: $now, finishedAt: $now,
     bundle: .bundle, system: .system, environment: {vantage: "host", runtime: null}, results: [],
     containers: [range(0; 20) as $c | {id: "\($i)-\($c)-bench",
       name: ("app-\($c)"), runtime: "docker", image: "registry.example/app:\($c)", pid: (1000 + $c), cgroup: "/docker/x\($c)",
       results: $res[0]}]}' "$work/real.json" > "$work/full.json"
  full_bytes=$(wc -c < "$work/full.json")
  code=$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $cred" -H 'Content-Type: application/json' \
    --data-binary @"$work/full.json" "http://127.0.0.1:$PORT/api/v1/agent/reports")
  [ "$code" = 201 ] || { echo "full report of agent $i: HTTP $code" >&2; exit 1; }
  echo "$cred $rid $i"
done > "$work/agents.txt"
echo "   full report: $full_bytes bytes"

cat > "$work/delta.lua" <<'LUA'
local threads = {}
function setup(thread)
  thread:set("n", #threads)
  table.insert(threads, thread)
end
function init(args)
  local conc, pct = tonumber(args[3]), tonumber(args[4])
  agents, checks = {}, {}
  local k = 0
  for line in io.lines(args[1]) do
    local cred, base, i = line:match("(%S+) (%S+) (%S+)")
    if k % conc == n then agents[#agents + 1] = {cred = cred, base = base, i = i, state = {}} end
    k = k + 1
  end
  for line in io.lines(args[2]) do
    local id, status = line:match("(%S+)\t(%S+)")
    checks[#checks + 1] = {id = id, status = status}
  end
  changes = math.floor(800 * pct / 100 + 0.5)
  math.randomseed(os.time() * 1000 + n)
  prefix = string.format("%08x-%04x-4%03x-8%03x-", math.random(0, 0x7fffffff), n, math.random(0, 0xfff), math.random(0, 0xfff))
  seq, next_agent, created, full_required, other = 0, 0, 0, 0, 0
end
function request()
  seq = seq + 1
  next_agent = next_agent % #agents + 1
  local a = agents[next_agent]
  pending = {agent = a, id = prefix .. string.format("%012x", seq)}
  local ts = os.date("!%Y-%m-%dT%H:%M:%SZ")
  local byContainer, picked = {}, {}
  for _ = 1, changes do
    local c, r
    repeat c, r = math.random(0, 19), math.random(1, #checks) until not picked[c * 100 + r]
    picked[c * 100 + r] = true
    local key = c * 100 + r
    local current = a.state[key] or checks[r].status
    local new = current == "fail" and "pass" or "fail"
    a.state[key] = new
    byContainer[c] = byContainer[c] or {}
    table.insert(byContainer[c], string.format(
      '{"id":"%s","verifies":[],"status":"%s","observed":"bench %s","expected":"bench","explanation":"bench"}', checks[r].id, new, new))
  end
  local containers = {}
  for c, results in pairs(byContainer) do
    table.insert(containers, string.format('{"id":"%s-%d-bench","name":"app-%d","runtime":"docker","image":"registry.example/app:%d",'
      .. '"pid":%d,"cgroup":"/docker/x%d","results":[%s]}', a.i, c, c, c, 1000 + c, c, table.concat(results, ",")))
  end
  local body = string.format('{"format":2,"reportId":"%s","baseReportId":"%s","agent":"cakb-agent","agentVersion":"bench",'
    .. '"startedAt":"%s","finishedAt":"%s","system":{"hostname":"h%s","kernel":"6.1","osRelease":"Debian"},'
    .. '"environment":{"vantage":"host","runtime":null},"results":[],"containers":[%s]}',
    pending.id, a.base, ts, ts, a.i, table.concat(containers, ","))
  return wrk.format("POST", "/api/v1/agent/reports", {["Authorization"] = "Bearer " .. a.cred, ["Content-Type"] = "application/json"}, body)
end
function response(status, headers, body)
  if status == 201 then
    created = created + 1
    pending.agent.base = pending.id
  elseif status == 409 then full_required = full_required + 1
  else other = other + 1 end
end
function done(summary, latency, requests)
  local c, f, o = 0, 0, 0
  for _, t in ipairs(threads) do c = c + t:get("created"); f = f + t:get("full_required"); o = o + t:get("other") end
  io.write(string.format("CREATED %d\nFULL_REQUIRED %d\nOTHER %d\n", c, f, o))
  io.write(string.format("RESULT reports/s %.0f   p50 %.1f ms   p99 %.1f ms   max %.1f ms\n", c / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(99) / 1000, latency.max / 1000))
end
LUA
# The bases stay in each wrk thread's memory: one connection per thread, so every answer belongs to the last request.

fleet_bytes() {
  psql_b "SELECT sum(pg_total_relation_size(c.oid)) FROM pg_class c WHERE c.relname LIKE 'fleet\_%' AND c.relkind IN ('r', 'm')"
}
receipts() { psql_b "SELECT count(*) FROM fleet_report r JOIN fleet_host h ON h.id = r.host_id WHERE h.name LIKE '$run%'"; }
BASELINE=$((456 * 800)) # bytes a report of 800 results cost in today's design (22.8 KB per 50-result report)
total_acked=$AGENTS
phases="unchanged 1"
[ "$WARMUP" -gt 0 ] && phases="warm-up $phases"
for phase in $phases; do
  pct=$([ $phase = unchanged ] && echo 0 || echo 1)
  seconds=$([ $phase = warm-up ] && echo "$WARMUP" || echo "$DURATION")
  psql_b "CHECKPOINT" >/dev/null 2>&1 || true
  # each wrk run starts from the reports the server acknowledged last (the bases of the next deltas)
  while read -r cred _ i; do
    echo "$cred $(psql_b "SELECT state_report_id FROM fleet_host WHERE name = '$run$i'") $i"
  done < "$work/agents.txt" > "$work/agents.next" && mv "$work/agents.next" "$work/agents.txt"
  before=$(fleet_bytes); r0=$(receipts); read -r app0 pg0 all0 <<< "$(cpu_ms)"
  echo "== phase $phase: $AGENTS agents, $INGEST_CONC connections, $seconds s, $pct % of 800 results changed per report (load average $(cut -d' ' -f1-3 /proc/loadavg))"
  wrk -t "$INGEST_CONC" -c "$INGEST_CONC" -d "${seconds}s" --latency -s "$work/delta.lua" "http://127.0.0.1:$PORT" -- \
    "$work/agents.txt" "$work/checks.tsv" "$INGEST_CONC" "$pct" > "$work/$phase.out"
  grep -E '^(RESULT|FULL_REQUIRED|OTHER)' "$work/$phase.out"
  acked=$(awk '/^CREATED/ {print $2}' "$work/$phase.out")
  read -r app1 pg1 all1 <<< "$(cpu_ms)"
  [ "$acked" -gt 0 ] && echo "   CPU per acknowledged report: app $(echo "scale=2; ($app1 - $app0) / $acked" | bc) ms," \
    "PostgreSQL backends $(echo "scale=2; ($pg1 - $pg0) / $acked" | bc) ms, everything else (wrk, kernel, other processes)" \
    "$(echo "scale=2; ($all1 - $all0 - ($app1 - $app0) - ($pg1 - $pg0)) / $acked" | bc) ms; machine busy" \
    "$(echo "scale=2; ($all1 - $all0) / ($seconds * 1000)" | bc) of $(nproc) cores (load average $(cut -d' ' -f1-3 /proc/loadavg))"
  sleep 2
  after=$(fleet_bytes); r1=$(receipts)
  total_acked=$((total_acked + acked))
  [ "$r1" -gt "$r0" ] || { echo "no report stored in phase $phase" >&2; exit 1; }
  per=$(( (after - before) / (r1 - r0) ))
  echo "   database growth: $(( (after - before) / 1024 )) KiB for $((r1 - r0)) reports = $per bytes per report;" \
       "today's design: $BASELINE bytes per 800-result report; ratio $(echo "scale=4; $per / $BASELINE" | bc)"
done
stored=$(receipts)
in_flight=$(( $(wc -w <<< "$phases") * INGEST_CONC )) # per phase, one unanswered request per connection at most
echo "== stored/acknowledged: $stored/$total_acked (wrk does not read answers in flight at its deadline: at most $in_flight more stored)"
if [ "$stored" -lt "$total_acked" ] || [ "$stored" -gt $((total_acked + in_flight)) ]; then echo "MISMATCH"; exit 1; fi
echo "OK every acknowledged report stored, once"
fi
$INGEST_ONLY && exit 0

# ---- pages: the host page (the seed fills the fleet page's counts as ingestion would, migration V83) and the fleet page of a probe with 2,000 hosts x 20 containers (x 40 checks), seeded in SQL
echo "== seeding 2,000 hosts x 20 containers x 40 checks (1.6 M current check states) for the page timings"
probe=$(head -1 "$work/checks.tsv" | cut -f1)
psql_b "
INSERT INTO fleet_host (name, created_by, labels, state_report_id, state_finished_at, state_received_at, last_seen_at, agent_version, vantage)
SELECT 'pages-' || g, 'bench', jsonb_build_object('group', 'g' || (g % 4)), gen_random_uuid(), now(), now(), now(), 'bench', 'host'
FROM generate_series(1, 2000) g;
INSERT INTO fleet_subject (host_id, kind, runtime, container_id, name, image, pid, passed, failed)
SELECT h.id, 'container', 'docker', h.id || '-' || c, 'app-' || c, 'registry.example/app:' || c, 1000 + c, 36, 4
FROM fleet_host h, generate_series(0, 19) c WHERE h.name LIKE 'pages-%';
INSERT INTO fleet_check_state (subject_id, check_id, status, observed, expected, explanation, since, since_report_id)
SELECT s.id, p.id, CASE WHEN (s.id + p.n) % 10 = 0 THEN 'fail' ELSE 'pass' END, 'bench observed', 'bench expected', 'bench', now(), gen_random_uuid()
FROM fleet_subject s JOIN fleet_host h ON h.id = s.host_id AND h.name LIKE 'pages-%',
     (SELECT id, row_number() OVER (ORDER BY id) AS n FROM kb_record WHERE kind = 'probe' ORDER BY id LIMIT 40) p;
INSERT INTO fleet_check_host_tally
SELECT c.check_id, s.host_id, s.runtime, count(*) FILTER (WHERE c.status = 'pass'), count(*) FILTER (WHERE c.status = 'fail'),
       count(*) FILTER (WHERE c.status = 'not-applicable'), count(*) FILTER (WHERE c.status = 'error'),
       count(*) FILTER (WHERE c.status = 'pass' AND s.kind = 'container'), count(*) FILTER (WHERE c.status = 'fail' AND s.kind = 'container'),
       count(*) FILTER (WHERE c.status = 'not-applicable' AND s.kind = 'container'),
       count(*) FILTER (WHERE c.status = 'error' AND s.kind = 'container')
FROM fleet_check_state c JOIN fleet_subject s ON s.id = c.subject_id AND s.gone_at IS NULL
JOIN fleet_host h ON h.id = s.host_id AND h.name LIKE 'pages-%'
GROUP BY 1, 2, 3;
ANALYZE fleet_host; ANALYZE fleet_subject; ANALYZE fleet_check_state; ANALYZE fleet_check_host_tally;"
host=$(psql_b "SELECT id FROM fleet_host WHERE name = 'pages-1000'")
# the login form's CSRF token first (checked before the password), then every cookie the sign-in set (login + session)
token=$(curl -fs -c "$work/cookies" "http://127.0.0.1:$PORT/login" | sed -n 's/.*name="csrf-token" value="\([^"]*\)".*/\1/p' | head -1)
curl -s -b "$work/cookies" -c "$work/cookies" -o /dev/null --data-urlencode "csrf-token=$token" \
  -d 'j_username=admin&j_password=bench-admin-password' "http://127.0.0.1:$PORT/j_security_check"
grep -q quarkus-credential "$work/cookies" || { echo "page login failed" >&2; exit 1; }
cookie=$(awk '!/^#/ || /^#HttpOnly_/ { if (NF >= 7) printf "%s%s=%s", (n++ ? "; " : ""), $6, $7 }' "$work/cookies")
[ -n "$cookie" ] || { echo "page login failed" >&2; exit 1; }
enc=$(jq -rn --arg p "$probe" '$p | @uri')
fails=$(psql_b "SELECT count(*) FROM fleet_current_result WHERE check_id = '$probe' AND status = 'fail'")
for page in "/hosts/$host" "/fleet/failing?probe=$enc"; do
  code=$(curl -s -o /dev/null -w '%{http_code}' -H "Cookie: $cookie" "http://127.0.0.1:$PORT$page")
  [ "$code" = 200 ] || { echo "$page: HTTP $code" >&2; exit 1; }
  read -r app0 pg0 _ <<< "$(cpu_ms)"
  wrk -t 4 -c 16 -d 15s --latency -H "Cookie: $cookie" "http://127.0.0.1:$PORT$page" > "$work/page.out"
  read -r app1 pg1 _ <<< "$(cpu_ms)"
  n=$(awk '/requests in/ {print $1}' "$work/page.out")
  echo "   CPU per request: app $(echo "scale=2; ($app1 - $app0) / $n" | bc) ms, PostgreSQL backends $(echo "scale=2; ($pg1 - $pg0) / $n" | bc) ms"
  echo "   $page ($fails failing results of that probe fleet-wide for the fleet page): $(awk '/Requests\/sec/ {print $2}' "$work/page.out") req/s," \
       "p50 $(awk '$1 == "50%" {print $2}' "$work/page.out"), p99 $(awk '$1 == "99%" {print $2}' "$work/page.out") at 16 connections" \
       "(load average $(cut -d' ' -f1-3 /proc/loadavg))"
done
