package org.cakb.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One process of the PACKAGED server ({@code target/quarkus-app/quarkus-run.jar}, built by {@code mvn package} before
 * failsafe runs) on a database of the caller's, in a home of its own, listening on 127.0.0.1 and writing to one log.
 */
public final class PackagedApp {
    public static final Path PROJECT = Paths.get(System.getProperty("cakb.project.dir", ".")).toAbsolutePath();
    public static final Path JAR = PROJECT.resolve("target/quarkus-app/quarkus-run.jar");
    public static final String JAVA = Paths.get(System.getProperty("java.home"), "bin", "java").toString();
    /** Session and CSRF keys shared by every process started here, so a session made by one replica is good on another. */
    static final String SESSION_KEY = "it-session-encryption-key-0123456789abcdef";
    static final String CSRF_KEY = "it-csrf-signature-key-0123456789abcdef";
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    private final String label;
    private final Path home;
    private final Path log;
    private final List<String> jvmOptions;
    private final Map<String, String> environment = new LinkedHashMap<>();
    public final int port;
    private Process process;

    /**
     * {@code label} names the process in failure messages ("server", "replica 1"); {@code jvmOptions} go before
     * {@code -jar}; {@code environment} is added to the database, home, admin password, keys and port set here.
     */
    public PackagedApp(String label, ThrowawayPostgres db, Path home, Path log, String adminPassword, List<String> jvmOptions,
                       Map<String, String> environment) throws IOException {
        assertTrue(Files.isRegularFile(JAR), "server not packaged: " + JAR);
        this.label = label;
        this.home = home;
        this.log = log;
        this.jvmOptions = List.copyOf(jvmOptions);
        this.port = ChildProcesses.freePort();
        this.environment.put("DB_URL", db.dbUrl);
        this.environment.put("DB_USER", ThrowawayPostgres.USER);
        this.environment.put("DB_PASSWORD", ThrowawayPostgres.PASSWORD);
        this.environment.put("CAKB_HOME", home.toString());
        this.environment.put("CAKB_BOOTSTRAP_ADMIN_PASSWORD", adminPassword);
        this.environment.put("CAKB_SESSION_KEY", SESSION_KEY);
        this.environment.put("CAKB_CSRF_KEY", CSRF_KEY);
        this.environment.putAll(environment);
        this.environment.put("QUARKUS_HTTP_HOST", "127.0.0.1");
        this.environment.put("QUARKUS_HTTP_PORT", Integer.toString(port));
    }

    /** The app's home (and working directory) under {@code work}: its own copy of content/ and migrations/. */
    public static Path newHome(Path work) throws IOException {
        Path home = Files.createDirectory(work.resolve("home"));
        ChildProcesses.copyTree(PROJECT.resolve("content"), home.resolve("content"));
        ChildProcesses.copyTree(PROJECT.resolve("migrations"), home.resolve("migrations"));
        return home;
    }

    /** The command line of the packaged agent ({@code agentJar}) with {@code args}. */
    public static List<String> agentCommand(Path agentJar, String... args) {
        List<String> c = new ArrayList<>(List.of(JAVA, "-XX:TieredStopAtLevel=1", "-jar", agentJar.toString()));
        c.addAll(List.of(args));
        return c;
    }

    /** Starts the process without waiting for it; {@code extraEnvironment} applies to this start only. */
    public void start(Map<String, String> extraEnvironment) throws IOException {
        List<String> cmd = new ArrayList<>();
        cmd.add(JAVA);
        cmd.addAll(jvmOptions);
        cmd.addAll(List.of("-jar", JAR.toString()));
        // the working directory is the home: the Flyway location is fixed at build time to ./migrations
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(home.toFile()).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        pb.environment().putAll(environment);
        pb.environment().putAll(extraEnvironment);
        process = pb.start();
    }

    /** Waits until /q/health/ready answers 200 (at most 240 s); returns the seconds it took from {@code sinceMillis}. */
    public double awaitReady(long sinceMillis) throws Exception {
        while (System.currentTimeMillis() - sinceMillis < 240_000) {
            if (!process.isAlive()) {
                fail(label + " exited with " + process.exitValue() + ":\n" + Files.readString(log));
            }
            try {
                HttpRequest ready = HttpRequest.newBuilder(URI.create(url() + "/q/health/ready")).timeout(Duration.ofSeconds(15)).GET().build();
                if (HTTP.send(ready, HttpResponse.BodyHandlers.ofString()).statusCode() == 200) {
                    return (System.currentTimeMillis() - sinceMillis) / 1000.0;
                }
            } catch (IOException ex) {
                // not yet
            }
            Thread.sleep(100);
        }
        fail(label + " not ready in 240 s:\n" + Files.readString(log));
        return -1;
    }

    /** SIGKILL (Process.destroyForcibly on Linux), then waits until the process is gone. */
    public void kill() throws Exception {
        process.destroyForcibly();
        assertTrue(process.waitFor(60, TimeUnit.SECONDS), label + " did not die on SIGKILL");
        assertEquals(137, process.exitValue(), "killed by SIGKILL");
    }

    /** Ends the process, if it was started (for clean-up). */
    public void stop() throws InterruptedException {
        if (process != null) {
            process.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
        }
    }

    public String url() {
        return "http://127.0.0.1:" + port;
    }

    public Path log() {
        return log;
    }

    public Path home() {
        return home;
    }
}
