#!/usr/bin/env bash
# Export benchmark (a script, not a timed test): the packaged app against its own bench database, with one assessment
# linked to HOSTS hosts whose latest reports hold RESULTS probe results each (HOSTS x RESULTS probe observations,
# inserted in bulk with SQL). Times, with curl, the OSCAL assessment-results export, the checklist CSV and the host
# results CSV, and in the same run psql's COPY (the same rows) TO STDOUT; prints the speed ratio and the app's heap
# growth during each export (jstat samples every 50 ms; baseline taken right after a full GC).
#
#   bench/export.sh                          build, then run with 2,000 hosts x 50 results
#   SKIP_BUILD=1 bench/export.sh             reuse target/quarkus-app
#   HOSTS=500 RESULTS=50 RUNS=3 bench/export.sh
# Needs: java (with jstat, jcmd), curl, jq, psql, a local PostgreSQL (bin/postgres-local creates the database).
# Uses the database cakb_bench_export (not cakb_bench: this branch's migrations and the bulk data stay out of the
# other benchmarks' way); its export-bench hosts are replaced on each run, assessments accumulate.
# Targets: each export >= 50 % of COPY's speed; heap growth <= 64 MiB, judged on what outlived the young collections
# during the export (survivors + old generation); the peak of used heap, which includes young garbage not yet
# collected, is printed next to it. BENCH_APP_JAVA_OPTS=-Xmx128m shows a document larger than the heap streaming.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
HOSTS=${HOSTS:-2000} RESULTS=${RESULTS:-50} RUNS=${RUNS:-3} PORT=${PORT:-18451}
DB=${BENCH_DB:-cakb_bench_export} ROLE=${BENCH_ROLE:-cakb_bench_export} PW=${BENCH_DB_PASSWORD:-cakb_bench_export}
ADMIN_PW=bench-admin-password
for t in java jstat jcmd curl jq psql; do command -v $t >/dev/null || { echo "$t is required" >&2; exit 2; }; done

WORK=$(mktemp -d /tmp/cakb-bench-export.XXXXXX)
APP_PID= SAMPLER_PID=
cleanup() {
  [ -n "$SAMPLER_PID" ] && kill "$SAMPLER_PID" 2>/dev/null || true
  [ -n "$APP_PID" ] && kill "$APP_PID" 2>/dev/null && wait "$APP_PID" 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT

if [ "${SKIP_BUILD:-0}" != 1 ]; then
  echo "building (./mvnw -q package -DskipTests) ..." >&2
  ./mvnw -q -B package -DskipTests
fi
bin/postgres-local "$DB" "$ROLE" "$PW" >&2
export PGPASSWORD=$PW
psql_b() { psql -h 127.0.0.1 -U "$ROLE" -d "$DB" -X -qAt -v ON_ERROR_STOP=1 "$@"; }

echo "starting the packaged app on 127.0.0.1:$PORT (heap options: ${BENCH_APP_JAVA_OPTS:-JVM defaults}) ..." >&2
CAKB_SESSION_KEY=bench-session-encryption-key-0123456789abcdef CAKB_CSRF_KEY=bench-csrf-signature-key-0123456789abcdef CAKB_HOME=$ROOT DB_URL=jdbc:postgresql://127.0.0.1:5432/$DB DB_USER=$ROLE DB_PASSWORD=$PW \
  CAKB_BOOTSTRAP_ADMIN_PASSWORD=$ADMIN_PW QUARKUS_LOG_CATEGORY__ORG_CAKB__LEVEL=WARN \
  java ${BENCH_APP_JAVA_OPTS:-} -Dquarkus.http.port=$PORT -Dquarkus.http.host=127.0.0.1 \
       -jar target/quarkus-app/quarkus-run.jar >"$WORK/app.log" 2>&1 &
APP_PID=$!
for _ in $(seq 1 180); do
  curl -fs "http://127.0.0.1:$PORT/q/health/ready" >/dev/null 2>&1 && break
  kill -0 "$APP_PID" 2>/dev/null || { cat "$WORK/app.log" >&2; echo "the app exited" >&2; exit 1; }
  sleep 1
done
curl -fs -u admin:$ADMIN_PW "http://127.0.0.1:$PORT/api/v1/hosts" >/dev/null \
  || { echo "admin login failed (the bench database has another admin password? drop database $DB)" >&2; exit 1; }

echo "== bulk data: $HOSTS hosts x $RESULTS results (SQL)" >&2
t0=$(date +%s.%N)
psql_b <<SQL
BEGIN;
DELETE FROM assessment_host WHERE host_id IN (SELECT id FROM fleet_host WHERE name LIKE 'xbench-%');
DELETE FROM fleet_host WHERE name LIKE 'xbench-%';
CREATE TEMP TABLE bench_probe ON COMMIT DROP AS
  SELECT p.id, p.title, row_number() OVER (ORDER BY p.id) AS n,
         array(SELECT l.to_id FROM kb_link l WHERE l.from_id = p.id AND l.relation = 'verifies' ORDER BY 1) AS cms
  FROM kb_record p WHERE p.kind = 'probe' AND p.status = 'active' ORDER BY p.id LIMIT $RESULTS;
INSERT INTO fleet_host (name, description, labels, created_by, last_seen_at, agent_version, vantage, runtime, hostname, kernel, os_release)
  SELECT 'xbench-' || lpad(g::text, 6, '0'), 'export bench host ' || g, '{"env": "bench"}', 'bench', now(), '0.1.0-bench',
         'container', 'docker', 'node-' || g, '6.1.0', 'Debian GNU/Linux 12'
  FROM generate_series(1, $HOSTS) g;
INSERT INTO fleet_credential (host_id, credential_hash)
  SELECT id, 'xbench-' || id || '-' || md5(random()::text) FROM fleet_host WHERE name LIKE 'xbench-%';
CREATE TEMP TABLE bench_report ON COMMIT DROP AS
  SELECT h.id AS host_id, gen_random_uuid() AS id, c.id AS credential_id, now() - (random() * interval '1 hour') AS finished_at
  FROM fleet_host h JOIN fleet_credential c ON c.host_id = h.id WHERE h.name LIKE 'xbench-%';
CREATE TEMP TABLE bench_result ON COMMIT DROP AS
  SELECT r.id AS report_id, p.id AS check_id, p.cms,
         CASE WHEN (r.host_id + p.n) % 7 = 0 THEN 'fail' WHEN (r.host_id + p.n) % 11 = 0 THEN 'not-applicable' ELSE 'pass' END AS status,
         'observed ' || p.n || ' on node-' || r.host_id AS observed, 'expected value for ' || p.id AS expected, p.title AS explanation
  FROM bench_report r CROSS JOIN bench_probe p;
INSERT INTO fleet_report (id, host_id, credential_id, started_at, finished_at, agent_version, vantage, runtime, hostname, kernel,
                          os_release, passed, failed, not_applicable, errors, payload_sha256, payload)
  SELECT r.id, r.host_id, r.credential_id, r.finished_at - interval '2 seconds', r.finished_at, '0.1.0-bench', 'container', 'docker',
         'node-' || r.host_id, '6.1.0', 'Debian GNU/Linux 12',
         count(*) FILTER (WHERE x.status = 'pass'), count(*) FILTER (WHERE x.status = 'fail'),
         count(*) FILTER (WHERE x.status = 'not-applicable'), 0, '',
         jsonb_build_object('reportId', r.id, 'agent', 'cakb-agent', 'agentVersion', '0.1.0-bench', 'startedAt', r.finished_at - interval '2 seconds',
                            'finishedAt', r.finished_at, 'bundle', 'bench',
                            'system', jsonb_build_object('hostname', 'node-' || r.host_id, 'kernel', '6.1.0', 'osRelease', 'Debian GNU/Linux 12'),
                            'environment', jsonb_build_object('vantage', 'container', 'runtime', 'docker'),
                            'results', jsonb_agg(jsonb_build_object('id', x.check_id, 'verifies', to_jsonb(x.cms), 'status', x.status,
                                                 'observed', x.observed, 'expected', x.expected, 'explanation', x.explanation) ORDER BY x.check_id))
  FROM bench_report r JOIN bench_result x ON x.report_id = r.id GROUP BY r.id, r.host_id, r.credential_id, r.finished_at;
UPDATE fleet_report SET payload_sha256 = encode(sha256(convert_to(payload::text, 'UTF8')), 'hex') WHERE id IN (SELECT id FROM bench_report);
INSERT INTO fleet_result (report_id, check_id, countermeasures, status, observed, expected, explanation)
  SELECT report_id, check_id, cms, status, observed, expected, explanation FROM bench_result;
-- the requirements the probes' countermeasures satisfy: the assessment's scope
CREATE TABLE IF NOT EXISTS bench_scope (requirement_id text);
TRUNCATE bench_scope;
INSERT INTO bench_scope SELECT DISTINCT l.to_id FROM kb_link l
  JOIN kb_record r ON r.id = l.to_id AND r.kind = 'requirement' AND r.status = 'active'
  WHERE l.relation = 'satisfies' AND l.from_id IN (SELECT unnest(cms) FROM bench_probe);
COMMIT;
ANALYZE fleet_host; ANALYZE fleet_report; ANALYZE fleet_result;
SQL
scope=$(psql_b -c "SELECT json_agg(requirement_id ORDER BY requirement_id) FROM bench_scope")
# exports are read with an API token, as a GRC tool would (and without a bcrypt check per request)
TOKEN=$(curl -fs -u admin:$ADMIN_PW -H 'Content-Type: application/json' -d "{\"name\": \"export bench $(date +%s)\"}" \
  "http://127.0.0.1:$PORT/api/v1/admin/api-tokens" | jq -r .token)
AUTH="Authorization: Bearer $TOKEN"
ID=$(curl -fs -u admin:$ADMIN_PW -H 'Content-Type: application/json' \
  -d "{\"name\": \"export bench $(date +%H%M%S)\", \"target\": \"$HOSTS bench hosts\", \"scope\": {\"requirements\": $scope}}" \
  "http://127.0.0.1:$PORT/api/v1/assessments" | jq -r .id)
psql_b <<SQL
INSERT INTO assessment_host (assessment_id, host_id, linked_by) SELECT $ID, id, 'bench' FROM fleet_host WHERE name LIKE 'xbench-%';
UPDATE checklist_item SET result = CASE WHEN position % 3 = 0 THEN 'not-satisfied' ELSE 'satisfied' END,
       justification = 'bench justification for item ' || position, evidence_text = 'reviewed the configuration of ' || requirement_title,
       updated_by = 'admin', updated_at = now(), version = version + 1
  WHERE assessment_id = $ID;
SQL
printf '   assessment %s: %s items, %s linked hosts, %s probe results in their latest reports (%.1f s)\n' "$ID" \
  "$(psql_b -c "SELECT count(*) FROM checklist_item WHERE assessment_id = $ID")" \
  "$(psql_b -c "SELECT count(*) FROM assessment_host WHERE assessment_id = $ID")" \
  "$(psql_b -c "SELECT count(*) FROM fleet_result x JOIN fleet_report r ON r.id = x.report_id JOIN assessment_host a ON a.host_id = r.host_id AND a.assessment_id = $ID")" \
  "$(echo "$(date +%s.%N) - $t0" | bc)" >&2

# The rows each export reads (kept in step with AssessmentResultsSql, ChecklistCsv and HostResultsCsv), with the
# work_mem the AR export sets for its transaction.
LATEST="latest AS (SELECT h.id AS host_id, h.name AS host, r.id AS report_id, r.finished_at, r.agent_version
  FROM assessment_host ah JOIN fleet_host h ON h.id = ah.host_id
  JOIN LATERAL (SELECT id, finished_at, agent_version FROM fleet_report WHERE host_id = h.id
                ORDER BY finished_at DESC, received_at DESC LIMIT 1) r ON TRUE WHERE ah.assessment_id = $ID)"
ITEM_CM="item_cm AS (SELECT DISTINCT i.id AS item_id, i.position, l.from_id AS cm FROM checklist_item i
  JOIN kb_link l ON l.to_id = i.requirement_id AND l.relation = 'satisfies'
  JOIN kb_record c ON c.id = l.from_id AND c.kind = 'countermeasure' AND c.status = 'active' WHERE i.assessment_id = $ID)"
COPY_AR="SET work_mem = '64MB'; COPY (WITH $LATEST, $ITEM_CM SELECT l.host_id, l.host, l.report_id, l.finished_at, l.agent_version, x.check_id, x.status,
  x.observed, x.expected, array_to_string(x.countermeasures, ' ') FROM latest l JOIN fleet_result x ON x.report_id = l.report_id
  WHERE x.countermeasures && (SELECT array_agg(DISTINCT cm) FROM item_cm) ORDER BY l.host, x.check_id) TO STDOUT;
COPY (WITH $LATEST, $ITEM_CM SELECT ic.position, ic.item_id, l.host, l.report_id, x.check_id FROM latest l
  JOIN fleet_result x ON x.report_id = l.report_id JOIN item_cm ic ON ic.cm = ANY (x.countermeasures)
  ORDER BY ic.position, l.host, x.check_id) TO STDOUT;"
COPY_CHECKLIST="COPY (SELECT i.requirement_id, i.requirement_title, i.area_title, i.result, i.justification, i.evidence_method,
  i.evidence_text, jsonb_array_length(i.evidence_links), (SELECT count(*) FROM item_attachment t WHERE t.item_id = i.id),
  i.waiver_reason, i.waiver_approver, i.waiver_expires, i.updated_by, i.updated_at
  FROM checklist_item i WHERE i.assessment_id = $ID ORDER BY i.position) TO STDOUT WITH (FORMAT csv, HEADER, FORCE_QUOTE *)"
COPY_HOSTS="COPY (SELECT h.name, h.labels::text, r.id::text, r.finished_at, r.agent_version, r.vantage, r.runtime,
  x.check_id, array_to_string(x.countermeasures, ' '), x.status, x.observed, x.expected, x.explanation
  FROM fleet_host h JOIN LATERAL (SELECT * FROM fleet_report r WHERE r.host_id = h.id ORDER BY r.finished_at DESC, r.received_at DESC LIMIT 1) r ON TRUE
  JOIN fleet_result x ON x.report_id = r.id ORDER BY h.name, x.check_id) TO STDOUT WITH (FORMAT csv, HEADER, FORCE_QUOTE *)"

# from one jstat -gc line, in KiB: used heap (S0U + S1U + EU + OU), what survived collections (S0U + S1U + OU), YGC
heap_used() { awk 'NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; next }
                   { printf "%.0f %.0f %d\n", $c["S0U"] + $c["S1U"] + $c["EU"] + $c["OU"], $c["S0U"] + $c["S1U"] + $c["OU"], $c["YGC"] }'; }
best() { sort -n | head -1; }

measure() { # name path copy-sql -> one table row
  local name=$1 path=$2 sql=$3 app_s=() copy_s=() bytes=0 copy_bytes=0
  curl -fs -H "$AUTH" -o /dev/null "http://127.0.0.1:$PORT$path"          # warm-up
  psql_b -c "$sql" >/dev/null
  for _ in $(seq 1 "$RUNS"); do
    jcmd "$APP_PID" GC.run >/dev/null
    local base; base=$(jstat -gc "$APP_PID" | heap_used)
    jstat -gc "$APP_PID" 50 > "$WORK/jstat.txt" &
    SAMPLER_PID=$!
    read -r t bytes < <(curl -fs -H "$AUTH" -o /dev/null -w '%{time_total} %{size_download}\n' "http://127.0.0.1:$PORT$path")
    sleep 0.1
    kill "$SAMPLER_PID"; wait "$SAMPLER_PID" 2>/dev/null || true; SAMPLER_PID=
    app_s+=("$t")
    # base: used retained ygc; then peak used, peak retained, young collections at the end
    echo "$base $(heap_used < "$WORK/jstat.txt" | sort -n | tail -1 | cut -d' ' -f1) $(heap_used < "$WORK/jstat.txt" | sort -k2 -n | tail -1 | cut -d' ' -f2) $(heap_used < "$WORK/jstat.txt" | tail -1 | cut -d' ' -f3)" \
      >> "$WORK/heap-$name.txt"
    local c0 c1; c0=$(date +%s.%N)
    copy_bytes=$(psql_b -c "$sql" | wc -c)
    c1=$(date +%s.%N)
    copy_s+=("$(echo "$c1 - $c0" | bc)")
  done
  local a c; a=$(printf '%s\n' "${app_s[@]}" | best); c=$(printf '%s\n' "${copy_s[@]}" | best)
  # growth: peak used - used after a full GC (includes young garbage not yet collected);
  # retained: peak of survivors + old generation - the same after the full GC (what outlived young collections)
  read -r growth old gcs < <(awk '{ g = $4 - $1; o = $5 - $2; n = $6 - $3; if (g > mg) mg = g; if (o > mo) mo = o; if (n > mn) mn = n }
                                  END { printf "%.1f %.1f %d\n", mg / 1024, mo / 1024, mn }' "$WORK/heap-$name.txt")
  # The heap target is judged on what outlived the young collections during the export (an export that held its
  # rows would show them there); if no young collection ran, only the peak of used heap says anything, so that is used.
  local verdict; verdict=$(awk -v a="$a" -v c="$c" -v g="$growth" -v o="$old" -v n="$gcs" 'BEGIN { m = "";
      if (c / a < 0.5) m = m " speed<50%"; if ((n > 0 ? o : g) > 64) m = m " heap>64MiB"; print (m == "" ? "met" : "MISSED:" m) }')
  printf '%-17s | %7.3f s %7.1f MB | %7.3f s %7.1f MB | %5.0f%% | %7s MiB %7s MiB %4s | %s\n' "$name" "$a" "$(echo "$bytes / 1000000" | bc -l)" \
    "$c" "$(echo "$copy_bytes / 1000000" | bc -l)" "$(echo "100 * $c / $a" | bc -l)" "$growth" "$old" "$gcs" "$verdict"
  [[ $verdict == met ]]
}

echo
echo "best of $RUNS runs; $(nproc) CPUs shared by the app, PostgreSQL, curl and psql; speed = COPY time / export time"
printf '%-17s | %18s | %18s | %6s | %-28s | %s\n' export "app (curl)" "COPY (psql)" speed "heap growth retained  YGCs" targets
printf -- '-%.0s' $(seq 1 120); echo
failed=0
measure oscal-ar "/api/v1/assessments/$ID/oscal/assessment-results" "$COPY_AR" || failed=1
measure checklist-csv "/api/v1/assessments/$ID/checklist.csv" "$COPY_CHECKLIST" || failed=1
measure host-results-csv "/api/v1/hosts.csv" "$COPY_HOSTS" || failed=1
echo
echo "observations in the AR document: $(curl -fs -H "$AUTH" "http://127.0.0.1:$PORT/api/v1/assessments/$ID/oscal/assessment-results" \
  | jq '.["assessment-results"].results[0].observations | length')"
echo "heap after the exports (jcmd GC.heap_info, after a full GC):"
jcmd "$APP_PID" GC.run >/dev/null; jcmd "$APP_PID" GC.heap_info | sed -n '2,3p'
exit $failed
