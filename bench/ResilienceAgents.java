import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Load generator for bench/resilience.sh (run with `java ResilienceAgents.java`):
 *   enroll BASE ADMIN_PASSWORD AGENTS PREFIX FILE      - enrolls AGENTS simulated agents through the API (hosts PREFIXn),
 *                                                      writes their credentials to FILE
 *   post BASE FILE SECONDS                            - each agent posts reports back to back for SECONDS; prints
 *                                                      sent/acknowledged/failed, reports/s, p50/p99
 *   saves BASE USER PASSWORD ASSESSMENT SECONDS [keep-going] - saves checklist items as fast as it can (the kill -9
 *                                                      target); keep-going: go on through failures, counting them
 */
public class ResilienceAgents {

    static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();

    public static void main(String[] a) throws Exception {
        if (a[0].equals("enroll")) {
            enroll(a[1], a[2], Integer.parseInt(a[3]), a[4], a[5]);
        } else if (a[0].equals("post")) {
            post(a[1], java.nio.file.Files.readAllLines(java.nio.file.Path.of(a[2])), Integer.parseInt(a[3]));
        } else {
            saves(a[1], a[2], a[3], a[4], Integer.parseInt(a[5]), a.length > 6 && a[6].equals("keep-going"));
        }
    }

    static void enroll(String base, String adminPassword, int agents, String prefix, String file) throws Exception {
        String admin = basic("admin", adminPassword);
        List<String> credentials = java.util.Collections.synchronizedList(new ArrayList<>());
        ExecutorService enrollers = Executors.newFixedThreadPool(8);
        List<Future<?>> done = new ArrayList<>();
        for (int i = 0; i < agents; i++) {
            final int n = i;
            done.add(enrollers.submit(() -> {
                String host = send("POST", base + "/api/v1/hosts", admin, "{\"name\": \"" + prefix + n + "\"}").body();
                String id = host.replaceAll("(?s).*?\"id\":(\\d+).*", "$1");
                String token = send("POST", base + "/api/v1/hosts/" + id + "/enrollment-tokens", admin, "{\"lifetimeHours\": 1}").body()
                        .replaceAll("(?s).*\"token\":\"([^\"]+)\".*", "$1");
                credentials.add(send("POST", base + "/api/v1/agent/enroll", null, "{\"token\": \"" + token + "\"}").body()
                        .replaceAll("(?s).*\"credential\":\"([^\"]+)\".*", "$1"));
                return null;
            }));
        }
        for (Future<?> f : done) {
            f.get();
        }
        enrollers.shutdown();
        java.nio.file.Files.write(java.nio.file.Path.of(file), credentials);
    }

    /** Attempts per report: connection failures and 5xx are retried (same report id), as the agent's spool does. */
    static final int RETRIES = 20;

    static void post(String base, List<String> credentials, int seconds) throws Exception {
        int agents = credentials.size();
        AtomicLong sent = new AtomicLong(), acked = new AtomicLong(), failed = new AtomicLong(), retried = new AtomicLong();
        ConcurrentLinkedQueue<long[]> latencies = new ConcurrentLinkedQueue<>();
        long end = System.nanoTime() + seconds * 1_000_000_000L;
        ExecutorService pool = Executors.newFixedThreadPool(agents);
        List<Future<?>> all = new ArrayList<>();
        for (String credential : credentials) {
            all.add(pool.submit(() -> {
                long[] mine = new long[1 << 16];
                int n = 0;
                while (System.nanoTime() < end) {
                    String now = Instant.now().toString();
                    String body = REPORT.replace("__ID__", UUID.randomUUID().toString()).replace("__TS__", now);
                    long started = System.nanoTime();
                    sent.incrementAndGet();
                    int code = 0;
                    // as the real agent does: the same report (same UUID) again after a failure, with a pause
                    for (int attempt = 0; attempt < RETRIES && System.nanoTime() < end + 30_000_000_000L; attempt++) {
                        if (attempt > 0) {
                            retried.incrementAndGet();
                            try {
                                Thread.sleep(200);
                            } catch (InterruptedException e) {
                                break;
                            }
                        }
                        try {
                            code = send("POST", base + "/api/v1/agent/reports", "Bearer " + credential, body).statusCode();
                        } catch (Exception e) {
                            code = 0;
                        }
                        if (code == 201 || code == 200 || (code >= 400 && code < 500)) {
                            break;
                        }
                    }
                    if (code == 201 || code == 200) {
                        acked.incrementAndGet();
                        if (n < mine.length) {
                            mine[n++] = System.nanoTime() - started;
                        }
                    } else {
                        failed.incrementAndGet();
                    }
                }
                latencies.add(Arrays.copyOf(mine, n));
                return null;
            }));
        }
        for (Future<?> f : all) {
            f.get();
        }
        pool.shutdown();
        long[] l = latencies.stream().flatMapToLong(Arrays::stream).sorted().toArray();
        System.out.printf("AGENTS sent %d acked %d failed %d rps %.1f p50 %.1f p99 %.1f retried %d%n", sent.get(), acked.get(), failed.get(),
                acked.get() / (double) seconds, l.length == 0 ? 0 : l[l.length / 2] / 1e6, l.length == 0 ? 0 : l[(int) (l.length * 0.99)] / 1e6,
                retried.get());
    }

    static void saves(String base, String user, String password, String assessment, int seconds, boolean keepGoing) throws Exception {
        AtomicLong refusedWithMessage = new AtomicLong(), refusedWithout = new AtomicLong(), noAnswer = new AtomicLong();
        String auth = basic(user, password);
        String items = send("GET", base + "/api/v1/assessments/" + assessment + "/items", auth, null).body();
        List<String> ids = new ArrayList<>();
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("\\{\"id\":(\\d+),\"assessmentId\"").matcher(items);
        while (m.find()) {
            ids.add(m.group(1));
        }
        long end = System.nanoTime() + seconds * 1_000_000_000L;
        AtomicLong saved = new AtomicLong();
        ExecutorService pool = Executors.newFixedThreadPool(ids.size());
        for (String id : ids) {
            pool.submit(() -> {
                int n = 0;
                while (System.nanoTime() < end) {
                    try {
                        String item = send("GET", base + "/api/v1/assessments/" + assessment + "/items/" + id, auth, null).body();
                        String version = item.replaceAll("(?s).*?\"version\":(\\d+).*", "$1");
                        String mark = "save-" + id + "-" + (++n);
                        HttpResponse<String> answer = send("PUT", base + "/api/v1/assessments/" + assessment + "/items/" + id, auth,
                                "{\"version\": " + version + ", \"result\": \"" + (n % 2 == 0 ? "satisfied" : "not-satisfied")
                                        + "\", \"justification\": \"" + mark + "\", \"evidenceText\": \"" + mark + "\"}");
                        int code = answer.statusCode();
                        if (code == 200) {
                            saved.incrementAndGet();
                        } else if (answer.body().contains("\"message\"")) {
                            refusedWithMessage.incrementAndGet();
                        } else {
                            refusedWithout.incrementAndGet();
                        }
                    } catch (Exception e) {
                        if (!keepGoing) {
                            return; // the app was killed: stop
                        }
                        noAnswer.incrementAndGet();
                    }
                }
            });
        }
        pool.shutdown();
        pool.awaitTermination(seconds + 30, java.util.concurrent.TimeUnit.SECONDS);
        System.out.println("SAVES " + saved.get() + " committed, refused with a message " + refusedWithMessage.get()
                + ", refused without a message " + refusedWithout.get() + ", no answer " + noAnswer.get());
    }

    static String basic(String user, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes());
    }

    static HttpResponse<String> send(String method, String url, String auth, String body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30)).header("Content-Type", "application/json")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (auth != null) {
            b.header("Authorization", auth);
        }
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    static final String REPORT = """
            {"reportId": "__ID__", "agent": "cakb-agent", "agentVersion": "0.1.0-bench", "startedAt": "__TS__", "finishedAt": "__TS__",
             "bundle": "bench", "system": {"hostname": "bench", "kernel": "6.1.0", "osRelease": "Debian GNU/Linux 12"},
             "environment": {"vantage": "container", "runtime": "docker"},
             "results": [
               {"id": "probe:caps/no-cap-sys-admin", "verifies": ["cm:no-cap-sys-admin"], "status": "pass",
                "observed": "CapEff without CAP_SYS_ADMIN", "expected": "no CAP_SYS_ADMIN", "explanation": "bench"},
               {"id": "probe:seccomp/filter-mode", "verifies": ["cm:seccomp-filter"], "status": "fail",
                "observed": "Seccomp: 0", "expected": "2", "explanation": "bench"}
             ]}""";
}
