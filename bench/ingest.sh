#!/usr/bin/env bash
# Ingestion benchmark (a script, not a timed test): starts the PACKAGED app against a bench database on this machine,
# enrolls N simulated agents on loopback through the real API (host, token, enroll), then posts realistic reports
# (50 results each, real probe ids and texts from a real agent run) for DURATION seconds from CONCURRENCY client
# threads, and prints reports/s, p50/p99/max latency, and whether reports stored (rows in fleet_report) = reports
# acknowledged (201).
#
#   bench/ingest.sh [-n AGENTS(50)] [-d SECONDS(60)] [-c CONCURRENCY(16)] [-p PORT(18091)]
# Needs: target/quarkus-app and target/cakb-agent.jar (./mvnw -q package -DskipTests), jq, psql, a local PostgreSQL
# (bin/postgres-local creates the bench database cakb_bench, role cakb_bench). The bench database's fleet tables are
# emptied first. Target on the 2-core CI machine: >= 1,000 reports/s.
set -euo pipefail
cd "$(dirname "$0")/.."
AGENTS=50 DURATION=60 CONC=16 PORT=18091
while getopts n:d:c:p: o; do
  case $o in n) AGENTS=$OPTARG ;; d) DURATION=$OPTARG ;; c) CONC=$OPTARG ;; p) PORT=$OPTARG ;; *) exit 2 ;; esac
done
DB=cakb_bench ROLE=cakb_bench PW=cakb_bench
APP=target/quarkus-app/quarkus-run.jar JAR=target/cakb-agent.jar
[ -f "$APP" ] && [ -f "$JAR" ] || { echo "build first: ./mvnw -q package -DskipTests" >&2; exit 2; }
for t in jq psql java; do command -v $t >/dev/null || { echo "$t is required" >&2; exit 2; }; done
work=$(mktemp -d)
app_pid=""
cleanup() { [ -n "$app_pid" ] && kill "$app_pid" 2>/dev/null && wait "$app_pid" 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT

bin/postgres-local $DB $ROLE $PW
export PGPASSWORD=$PW
psql_b() { psql -h 127.0.0.1 -U $ROLE -d $DB -X -qAt -v ON_ERROR_STOP=1 -c "$1"; }
if [ "$(psql_b "SELECT to_regclass('fleet_report') IS NOT NULL")" = t ]; then
  psql_b "TRUNCATE fleet_result, fleet_report, fleet_credential, fleet_enrollment_token, fleet_host CASCADE"
fi

echo "== starting the packaged app on 127.0.0.1:$PORT (log $work/app.log)"
DB_URL=jdbc:postgresql://127.0.0.1:5432/$DB DB_USER=$ROLE DB_PASSWORD=$PW CAKB_HOME=$PWD \
  CAKB_BOOTSTRAP_ADMIN_PASSWORD=bench-admin-password QUARKUS_HTTP_HOST=127.0.0.1 QUARKUS_HTTP_PORT=$PORT \
  QUARKUS_LOG_CATEGORY__ORG_CAKB__LEVEL=WARN java ${BENCH_APP_JAVA_OPTS:-} -jar "$APP" > "$work/app.log" 2>&1 &
app_pid=$!
for _ in $(seq 1 180); do
  curl -sf "http://127.0.0.1:$PORT/q/health/ready" >/dev/null 2>&1 && break
  kill -0 $app_pid 2>/dev/null || { cat "$work/app.log"; exit 1; }
  sleep 1
done
# the admin account may exist from an earlier bench run with this password; make sure it is this one
curl -sf -u admin:bench-admin-password "http://127.0.0.1:$PORT/api/v1/hosts" >/dev/null \
  || { echo "admin login failed (bench database has another admin password? drop database $DB)" >&2; exit 1; }

echo "== a real agent report, cut to 50 results, as the template"
java -jar "$JAR" run > "$work/real.json" || true
jq '.results |= .[:50] | .reportId = "__ID__" | .startedAt = "__TS__" | .finishedAt = "__TS__"
    | .summary = (reduce .results[] as $r ({"pass":0,"fail":0,"not-applicable":0,"error":0}; .[$r.status] += 1))' \
  "$work/real.json" > "$work/template.json"
echo "   $(jq '.results | length' "$work/template.json") results, $(wc -c < "$work/template.json") bytes per report"

cat > "$work/IngestLoad.java" <<'JAVA'
import java.net.URI;
import java.net.http.*;
import java.nio.file.*;
import java.util.*;
import java.util.concurrent.*;
import java.util.concurrent.atomic.*;

public class IngestLoad {
    public static void main(String[] a) throws Exception {
        String base = a[0];
        int agents = Integer.parseInt(a[1]), seconds = Integer.parseInt(a[2]), conc = Integer.parseInt(a[3]);
        String template = Files.readString(Path.of(a[4]));
        String admin = "Basic " + Base64.getEncoder().encodeToString("admin:bench-admin-password".getBytes());
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        String run = Long.toString(System.currentTimeMillis(), 36);
        // enrollment through the real API (admin requests use Basic auth, i.e. one bcrypt check each: slow, not measured)
        List<String> creds = Collections.synchronizedList(new ArrayList<>());
        ExecutorService enrollers = Executors.newFixedThreadPool(4);
        List<Future<?>> es = new ArrayList<>();
        for (int i = 0; i < agents; i++) {
            final int n = i;
            es.add(enrollers.submit(() -> {
                String host = post(http, base + "/api/v1/hosts", admin, "{\"name\": \"bench-" + run + "-" + n + "\"}", 201);
                String id = host.replaceAll("(?s).*?\"id\":(\\d+).*", "$1");
                String tok = post(http, base + "/api/v1/hosts/" + id + "/enrollment-tokens", admin, "{\"lifetimeHours\": 1}", 201)
                        .replaceAll("(?s).*\"token\":\"([^\"]+)\".*", "$1");
                creds.add(post(http, base + "/api/v1/agent/enroll", null, "{\"token\": \"" + tok + "\"}", 201)
                        .replaceAll("(?s).*\"credential\":\"([^\"]+)\".*", "$1"));
                return null;
            }));
        }
        for (Future<?> f : es) f.get();
        enrollers.shutdown();
        System.out.println("   enrolled " + agents + " agents through the API");
        // warm-up: 5 s, not counted
        AtomicLong acked = new AtomicLong(), failed = new AtomicLong(), warm = new AtomicLong();
        ConcurrentLinkedQueue<long[]> lat = new ConcurrentLinkedQueue<>();
        long warmEnd = System.nanoTime() + 5_000_000_000L, end = warmEnd + seconds * 1_000_000_000L;
        ExecutorService pool = Executors.newFixedThreadPool(conc);
        List<Future<?>> fs = new ArrayList<>();
        for (int t = 0; t < conc; t++) {
            final int worker = t;
            fs.add(pool.submit(() -> {
                long[] mine = new long[1 << 20];
                int n = 0, k = worker;
                while (true) {
                    long now = System.nanoTime();
                    if (now >= end) break;
                    String cred = creds.get(k++ % creds.size());
                    String ts = java.time.Instant.now().toString();
                    String body = template.replace("__ID__", UUID.randomUUID().toString()).replace("__TS__", ts);
                    HttpRequest r = HttpRequest.newBuilder(URI.create(base + "/api/v1/agent/reports"))
                            .header("Authorization", "Bearer " + cred).header("Content-Type", "application/json")
                            .POST(HttpRequest.BodyPublishers.ofString(body)).build();
                    long s = System.nanoTime();
                    int code;
                    try {
                        code = http.send(r, HttpResponse.BodyHandlers.discarding()).statusCode();
                    } catch (Exception e) {
                        code = 0;
                    }
                    long e = System.nanoTime();
                    if (code == 201) {
                        if (s >= warmEnd) { acked.incrementAndGet(); if (n < mine.length) mine[n++] = e - s; }
                        else warm.incrementAndGet();
                    } else {
                        failed.incrementAndGet();
                        if (failed.get() < 5) System.out.println("   HTTP " + code);
                    }
                }
                lat.add(Arrays.copyOf(mine, n));
                return null;
            }));
        }
        while (System.nanoTime() < warmEnd) Thread.sleep(10);
        long[] cpu0 = cpu(a[5], a[6]);
        for (Future<?> f : fs) f.get();
        long[] cpu1 = cpu(a[5], a[6]);
        pool.shutdown();
        long[] all = lat.stream().flatMapToLong(Arrays::stream).sorted().toArray();
        double rps = acked.get() / (double) seconds;
        System.out.printf("   measured %d s with %d client threads: %d reports acknowledged (201), %d failed, %d in warm-up%n",
                seconds, conc, acked.get(), failed.get(), warm.get());
        System.out.printf("RESULT reports/s %.0f   p50 %.1f ms   p99 %.1f ms   max %.1f ms%n", rps,
                all[all.length / 2] / 1e6, all[(int) (all.length * 0.99)] / 1e6, all[all.length - 1] / 1e6);
        double n = Math.max(1, acked.get());
        System.out.printf("   CPU per report in the measured phase: app %.2f ms, PostgreSQL %.2f ms, load generator %.2f ms"
                + " (%d cores; load average %s)%n", (cpu1[0] - cpu0[0]) / n, (cpu1[1] - cpu0[1]) / n, (cpu1[2] - cpu0[2]) / n,
                Runtime.getRuntime().availableProcessors(), Files.readString(Path.of("/proc/loadavg")).substring(0, 14));
        System.out.println("ACKED " + (acked.get() + warm.get()));
        System.out.println("RUN bench-" + run + "-");
    }

    /** CPU ms (user+system) of the app, of the PostgreSQL processes, and of this process. */
    static long[] cpu(String appPid, String pgUser) throws Exception {
        long tick = 10; // CLK_TCK 100
        long app = ticks(appPid) * tick, pg = 0;
        try (var ps = Files.list(Path.of("/proc"))) {
            for (Path p : (Iterable<Path>) ps::iterator) {
                String n = p.getFileName().toString();
                if (!n.chars().allMatch(Character::isDigit)) continue;
                try {
                    if (Files.readString(p.resolve("comm")).startsWith("postgres")) pg += ticks(n) * tick;
                } catch (Exception e) { }
            }
        }
        long self = java.lang.management.ManagementFactory.getPlatformMXBean(com.sun.management.OperatingSystemMXBean.class)
                .getProcessCpuTime() / 1_000_000;
        return new long[] {app, pg, self};
    }

    static long ticks(String pid) {
        try {
            String st = Files.readString(Path.of("/proc", pid, "stat"));
            String[] f = st.substring(st.lastIndexOf(')') + 2).split(" ");
            return Long.parseLong(f[11]) + Long.parseLong(f[12]);
        } catch (Exception e) {
            return 0;
        }
    }

    static String post(HttpClient http, String url, String auth, String body, int expect) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (auth != null) b.header("Authorization", auth);
        HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != expect) throw new IllegalStateException(url + ": HTTP " + r.statusCode() + " " + r.body());
        return r.body();
    }
}
JAVA

echo "== load: $AGENTS agents, $CONC concurrent clients, 5 s warm-up + $DURATION s measured"
java -cp "$work" "$work/IngestLoad.java" "http://127.0.0.1:$PORT" "$AGENTS" "$DURATION" "$CONC" "$work/template.json" "$app_pid" postgres | tee "$work/load.out"
acked=$(awk '/^ACKED/ {print $2}' "$work/load.out")
prefix=$(awk '/^RUN/ {print $2}' "$work/load.out")
stored=$(psql_b "SELECT count(*) FROM fleet_report r JOIN fleet_host h ON h.id = r.host_id WHERE h.name LIKE '$prefix%'")
results=$(psql_b "SELECT count(*) FROM fleet_result x JOIN fleet_report r ON r.id = x.report_id JOIN fleet_host h ON h.id = r.host_id WHERE h.name LIKE '$prefix%'")
echo "== stored: $stored reports ($results result rows); acknowledged: $acked"
if [ "$stored" = "$acked" ] && [ "$results" = "$((acked * 50))" ]; then
  echo "OK stored = acknowledged"
else
  echo "MISMATCH stored $stored != acknowledged $acked (or result rows $results != 50 x $acked)"; exit 1
fi
