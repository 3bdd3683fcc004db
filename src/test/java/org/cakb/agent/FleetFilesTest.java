package org.cakb.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The agent's on-disk state (credential, spool), retry policy, measurement records and CLI checks, without a server. */
class FleetFilesTest {

    @TempDir
    Path tmp;

    @Test
    void credentialIsWrittenPrivatelyAndAtomically() throws IOException {
        Path file = tmp.resolve("cfg/cakb-agent/credential");
        AgentFiles.writeCredential(file, new AgentFiles.Credential("https://kb.example.org", "7", "web-1", "cakb_agent_secret", null));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file.getParent())));
        try (var s = Files.list(file.getParent())) {
            assertEquals(1, s.count(), "no temp file left behind");
        }
        AgentFiles.Credential c = AgentFiles.readCredential(file);
        assertEquals("cakb_agent_secret", c.secret);
        assertEquals("https://kb.example.org", c.server);
        assertEquals("web-1", c.hostName);

        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r-----"));
        IOException e = assertThrows(IOException.class, () -> AgentFiles.readCredential(file));
        assertTrue(e.getMessage().contains("chmod 600"));
        assertTrue(assertThrows(IOException.class, () -> AgentFiles.readCredential(tmp.resolve("none")))
                .getMessage().contains("enroll first"));
    }

    @Test
    void defaultCredentialLocation() {
        assertEquals(Paths.get("/etc/cakb-agent/credential"), AgentFiles.defaultCredentialFile(Map.of(), true));
        assertEquals(Paths.get("/home/u/.cfg/cakb-agent/credential"),
                AgentFiles.defaultCredentialFile(Map.of("XDG_CONFIG_HOME", "/home/u/.cfg"), false));
        assertEquals(Paths.get(System.getProperty("user.home"), ".config/cakb-agent/credential"),
                AgentFiles.defaultCredentialFile(Map.of(), false));
        assertEquals(Paths.get("/etc/cakb-agent/spool"), AgentFiles.spoolDir(Paths.get("/etc/cakb-agent/credential")));
    }

    @Test
    void spoolKeepsOrderDeduplicatesAndRejectsAside() throws Exception {
        Path spool = tmp.resolve("spool");
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            String id = "00000000-0000-4000-8000-00000000000" + (9 - i); // ids sort the other way round
            ids.add(id);
            AgentFiles.spool(spool, id, ("{\"reportId\": \"" + id + "\"}").getBytes(StandardCharsets.UTF_8));
            Thread.sleep(2);
        }
        AgentFiles.spool(spool, ids.get(1), "{}".getBytes(StandardCharsets.UTF_8)); // already queued: kept once
        List<Path> queued = AgentFiles.spooled(spool);
        assertEquals(5, queued.size());
        for (int i = 0; i < 5; i++) {
            assertTrue(queued.get(i).getFileName().toString().endsWith(ids.get(i) + ".json"), "oldest first");
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(queued.get(i))));
        }
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(spool)));
        Path moved = AgentFiles.reject(queued.get(0), 422, "results[3].id: unknown check id 'probe:x'");
        assertEquals(4, AgentFiles.spooled(spool).size());
        assertTrue(Files.exists(moved));
        assertTrue(Files.readString(spool.resolve("rejected").resolve(moved.getFileName().toString().replace(".json", ".reason.txt")))
                .contains("HTTP 422\nresults[3].id: unknown check id"));
    }

    @Test
    void backoffIsExponentialBoundedAndJittered() {
        for (int attempt = 0; attempt < 30; attempt++) {
            long exp = Math.min(Uploader.MAX_DELAY_MS, Uploader.BASE_DELAY_MS << Math.min(attempt, 20));
            for (int k = 0; k < 20; k++) {
                long d = Uploader.backoff(attempt, -1);
                assertTrue(d >= exp / 2 && d <= exp, attempt + ": " + d);
            }
        }
        assertEquals(Uploader.MAX_DELAY_MS, Math.max(Uploader.backoff(0, 3_600_000), Uploader.MAX_DELAY_MS), "Retry-After capped");
        assertTrue(Uploader.backoff(0, 3_000) >= 3_000);
        assertTrue(Uploader.retryable(0) && Uploader.retryable(408) && Uploader.retryable(429) && Uploader.retryable(503));
        assertFalse(Uploader.retryable(401) || Uploader.retryable(409) || Uploader.retryable(422) || Uploader.retryable(201));
    }

    @Test
    void serverUrlsAreChecked() {
        assertEquals("https://kb.example.org/base", FleetClient.baseUri("https://kb.example.org/base/").toString());
        for (String bad : new String[] {"kb.example.org", "ftp://kb", "https://u:p@kb", "https://kb/?x=1", "http:///x"}) {
            assertThrows(IllegalArgumentException.class, () -> FleetClient.baseUri(bad), bad);
        }
        assertTrue(FleetClient.isLoopback(FleetClient.baseUri("http://127.0.0.1:8080")));
        assertFalse(FleetClient.isLoopback(FleetClient.baseUri("http://10.0.0.1:8080")));
    }

    @Test
    void caFileMustHoldACertificate() throws IOException {
        Path pem = tmp.resolve("ca.pem");
        Files.writeString(pem, "-----BEGIN CERTIFICATE-----\nnot base64\n-----END CERTIFICATE-----\n");
        assertThrows(java.security.GeneralSecurityException.class, () -> FleetClient.sslContext(pem));
    }

    static Map<String, Object> result(String id, String status, String observed, String... verifies) {
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("id", id);
        r.put("status", status);
        r.put("observed", observed);
        r.put("verifies", new ArrayList<Object>(List.of((Object[]) verifies)));
        return r;
    }

    @Test
    void measurementDerivesStatesAndRawValues() {
        Map<String, Object> report = new LinkedHashMap<>();
        report.put("reportId", "0af97f77-2bcc-4f60-966b-163fbc7212ab");
        report.put("finishedAt", "2026-11-23T20:42:54.586Z");
        report.put("system", Map.of("kernel", "6.1.0"));
        report.put("environment", Map.of("vantage", "container", "runtime", "docker"));
        report.put("results", new ArrayList<Object>(List.of(
                result("probe:seccomp/filter-mode", "pass", "Seccomp: 2", "cm:seccomp-filter"),
                result("probe:nnp/no-new-privs", "fail", "NoNewPrivs: 0", "cm:no-new-privs"),
                result("probe:userns/root-mapped-unprivileged", "fail", "uid_map: 0 0 4294967295", "cm:namespace-user"),
                result("probe:caps/bounding-within-runtime-default", "pass", "CapBnd=00000000a80425fb within the allowed set",
                        "cm:capabilities-minimal"),
                result("probe:caps/runc-default-three", "fail", "CapEff=00000000a80425fb", "cm:capabilities-minimal"),
                result("probe:caps/no-cap-mac-admin", "pass", "none", "cm:capabilities-minimal", "cm:mac-apparmor"),
                result("probe:lsm/apparmor-confined", "not-applicable", "no label", "cm:mac-apparmor"),
                result("probe:sysctl/kptr-restrict", "pass", "1", "cm:sysctl-kernel-hardening"))));
        Map<String, String> vantage = Map.of("probe:sysctl/kptr-restrict", "any");
        Map<String, Object> m = Measurement.from(report, "docker", "Docker version 28.2.2", vantage);
        assertEquals("platform:docker", m.get("platform"));
        assertEquals("0af97f77-2bcc-4f60-966b-163fbc7212ab", m.get("measurementId"));
        @SuppressWarnings("unchecked")
        Map<String, Object> raw = (Map<String, Object>) m.get("raw");
        assertEquals(14L, raw.get("capBndCount"));
        assertEquals("2", raw.get("Seccomp"));
        assertEquals("0", raw.get("NoNewPrivs"));
        assertEquals("0 0 4294967295", raw.get("uid_map"));
        Map<String, String> state = new LinkedHashMap<>();
        Map<String, String> basis = new LinkedHashMap<>();
        for (Object o : (List<?>) m.get("countermeasures")) {
            Map<?, ?> c = (Map<?, ?>) o;
            state.put((String) c.get("id"), (String) c.get("state"));
            basis.put((String) c.get("id"), (String) c.get("basis"));
        }
        assertEquals("enabled", state.get("cm:seccomp-filter"));
        assertEquals("disabled", state.get("cm:no-new-privs"));
        assertEquals("partial", state.get("cm:capabilities-minimal"));
        assertEquals("unknown", state.get("cm:mac-apparmor"), "a supporting check never decides");
        assertEquals("enabled", state.get("cm:sysctl-kernel-hardening"));
        assertEquals("host", basis.get("cm:sysctl-kernel-hardening"));
        assertEquals("container", basis.get("cm:seccomp-filter"));
    }

    static int cli(String... args) {
        return AgentMain.run(args, new PrintStream(new ByteArrayOutputStream()), new PrintStream(new ByteArrayOutputStream()),
                SystemFiles.live());
    }

    @Test
    void usageErrorsExitWith2() {
        assertEquals(2, cli("enroll"));
        assertEquals(2, cli("enroll", "--server", "https://kb", "--token"));
        assertEquals(2, cli("upload"));
        assertEquals(2, cli("upload", "a", "b"));
        assertEquals(2, cli("run", "--retries", "many"));
        assertEquals(2, cli("run", "--bogus"));
        assertEquals(2, cli("flush", "--credential-file", tmp.resolve("missing").toString()));
        assertEquals(2, cli("measurement", "--report", tmp.resolve("missing.json").toString(), "--runtime", "x",
                "--runtime-version", "1"));
    }
}
