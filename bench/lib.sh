# Shared start-up of the benchmarks that run the PACKAGED app against a bench database on this machine (sourced by
# bench/ingest.sh and bench/fleet.sh, from the repository root). Each script keeps its own options and output; this
# file holds what they did alike: the build and tool checks, the work dir and clean-up trap, the bench database, the
# app's start with the bench keys, and the wait for readiness.
# shellcheck shell=bash

APP=${BENCH_APP:-target/quarkus-app/quarkus-run.jar} JAR=target/cakb-agent.jar
BENCH_ADMIN_PASSWORD=bench-admin-password

# Exits 2 unless the server and the agent are packaged.
bench_require_build() {
  [ -f "$APP" ] && [ -f "$JAR" ] || { echo "build first: ./mvnw -q package -DskipTests" >&2; exit 2; }
}

# Exits 2 naming the first of the given commands that is missing.
bench_require_tools() {
  for t in "$@"; do command -v "$t" >/dev/null || { echo "$t is required" >&2; exit 2; }; done
}

# Makes the work dir ($work) and the EXIT trap that stops the app (if started) and removes the work dir.
bench_work_dir() {
  work=$(mktemp -d)
  app_pid=""
  trap bench_cleanup EXIT
}

# Keeps the script's own exit status: the app's answer to the kill (143) is not the benchmark's result, and under
# set -e a failing wait would end the trap before the work dir is removed.
bench_cleanup() {
  local status=$?
  if [ -n "$app_pid" ]; then kill "$app_pid" 2>/dev/null && { wait "$app_pid" 2>/dev/null || true; }; fi
  rm -rf "$work"
  exit "$status"
}

# Makes sure the bench database $DB (role $ROLE, password $PW) exists and empties its fleet tables (when migrated).
bench_database() {
  bin/postgres-local "$DB" "$ROLE" "$PW"
  export PGPASSWORD=$PW
  if [ "$(psql_b "SELECT to_regclass('fleet_subject') IS NOT NULL")" = t ]; then
    psql_b "TRUNCATE fleet_transition, fleet_check_state, fleet_subject, fleet_report, fleet_credential, fleet_enrollment_token, fleet_host CASCADE"
  fi
}

# One SQL statement on the bench database, unaligned output.
psql_b() { psql -h 127.0.0.1 -U "$ROLE" -d "$DB" -X -qAt -v ON_ERROR_STOP=1 -c "$1"; }

# Starts the packaged app on 127.0.0.1:$PORT against the bench database (log $work/app.log), sets $app_pid, and waits
# up to $1 seconds for /q/health/ready; exits with the app's log when it dies first.
bench_start_app() {
  local wait_seconds=$1
  DB_URL=jdbc:postgresql://127.0.0.1:5432/$DB DB_USER=$ROLE DB_PASSWORD=$PW CAKB_SESSION_KEY=bench-session-encryption-key-0123456789abcdef CAKB_CSRF_KEY=bench-csrf-signature-key-0123456789abcdef CAKB_HOME=$PWD \
    CAKB_BOOTSTRAP_ADMIN_PASSWORD=$BENCH_ADMIN_PASSWORD QUARKUS_HTTP_HOST=127.0.0.1 QUARKUS_HTTP_PORT=$PORT \
    QUARKUS_LOG_CATEGORY__ORG_CAKB__LEVEL=WARN java ${BENCH_APP_JAVA_OPTS:-} -jar "$APP" > "$work/app.log" 2>&1 &
  app_pid=$!
  for _ in $(seq 1 "$wait_seconds"); do
    curl -sf "http://127.0.0.1:$PORT/q/health/ready" >/dev/null 2>&1 && break
    kill -0 "$app_pid" 2>/dev/null || { cat "$work/app.log"; exit 1; }
    sleep 1
  done
}
