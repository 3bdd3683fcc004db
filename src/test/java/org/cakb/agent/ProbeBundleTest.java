package org.cakb.agent;

import org.cakb.catalog.ProbeBundleConverter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The content/probes records, their conversion into the bundle, and the command line over it. */
class ProbeBundleTest {
    static final List<String> TECHNICAL_CMS = List.of("cm:namespace-user", "cm:namespace-pid", "cm:namespace-mount",
            "cm:namespace-network", "cm:namespace-ipc", "cm:namespace-uts", "cm:namespace-cgroup", "cm:namespace-time",
            "cm:cgroup-memory-limit", "cm:cgroup-pids-limit", "cm:cgroup-cpu-limit", "cm:cgroup-blkio-limit",
            "cm:device-cgroup", "cm:capabilities-minimal", "cm:no-cap-sys-admin", "cm:no-cap-sys-module",
            "cm:no-cap-sys-ptrace", "cm:no-cap-net-admin", "cm:no-cap-net-raw", "cm:no-cap-dac-read-search",
            "cm:no-cap-sys-rawio", "cm:no-privileged-containers", "cm:seccomp-filter", "cm:no-new-privs",
            "cm:mac-apparmor", "cm:mac-selinux", "cm:read-only-rootfs", "cm:masked-proc-sys-paths",
            "cm:read-only-proc-sys", "cm:no-runtime-socket-mount", "cm:no-sensitive-host-mounts", "cm:rootless-runtime",
            "cm:non-root-user", "cm:kernel-module-loading-disabled", "cm:sysctl-kernel-hardening",
            "cm:binfmt-misc-safe-flags", "cm:docker-daemon-hardening", "cm:inter-container-traffic-disabled",
            "cm:tpm-measured-boot");
    static final Path PROBES = Paths.get(System.getProperty("cakb.project.dir", "."), "content", "probes");

    @TempDir
    Path tmp;

    ProbeBundle convert() throws Exception {
        ObjectNode b = ProbeBundleConverter.convert(PROBES);
        return ProbeBundle.parse(ProbeBundleConverter.toJson(b), "test");
    }

    @Test
    void contentConvertsAndCoversTheCountermeasures() throws Exception {
        ProbeBundle b = convert();
        assertTrue(b.probes().size() >= 40, "at least 40 checks, got " + b.probes().size());
        Set<String> ids = new HashSet<>();
        Set<String> covered = new HashSet<>();
        for (ProbeDefinition p : b.probes()) {
            assertTrue(ids.add(p.id), "duplicate " + p.id);
            assertTrue(Checks.TYPES.contains(p.checkType()), p.id + " uses an unknown type");
            assertTrue(!p.verifies.isEmpty(), p.id + " verifies nothing");
            for (String v : p.verifies) {
                assertTrue(v.startsWith("cm:"), p.id + " verifies " + v);
            }
            covered.addAll(p.verifies);
            assertTrue(List.of("host", "container", "any").contains(p.vantage), p.id);
        }
        List<String> missing = new ArrayList<>(TECHNICAL_CMS);
        missing.removeAll(covered);
        assertTrue(missing.size() <= TECHNICAL_CMS.size() / 5, "more than 20% uncovered: " + missing);
        // every check in the bundle evaluates on the machine running the tests without an internal error
        Checks c = new Checks(new Checks.Context(SystemFiles.live()));
        for (ProbeDefinition p : b.probes()) {
            CheckResult r = c.run(p);
            assertTrue(!r.status.equals("error") || !r.explanation.startsWith("bad definition"), p.id + ": " + r.explanation);
        }
    }

    @Test
    void converterRejectsBrokenRecords() throws Exception {
        Files.writeString(tmp.resolve("a.yaml"), "id: probe:x/a\ntitle: A\ncheck:\n  type: shell-out\n");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ProbeBundleConverter.convert(tmp));
        assertTrue(e.getMessage().contains("not implemented"), e.getMessage());
        Files.writeString(tmp.resolve("a.yaml"), "id: probe:x/a\ntitle: A\ncheck:\n  type: root-readonly\n");
        Files.writeString(tmp.resolve("b.yaml"), "id: probe:x/a\ntitle: B\ncheck:\n  type: root-readonly\n");
        e = assertThrows(IllegalArgumentException.class, () -> ProbeBundleConverter.convert(tmp));
        assertTrue(e.getMessage().contains("duplicate"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> ProbeBundle.parse("{\"format\": 9, \"probes\": []}", "x"));
    }

    int cli(ByteArrayOutputStream out, ByteArrayOutputStream err, String... args) {
        return AgentMain.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), SystemFiles.live());
    }

    @Test
    void commandLine() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        assertEquals(2, cli(out, err));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("Usage:"));
        assertEquals(2, cli(out, err, "frobnicate"));
        assertEquals(2, cli(out, err, "run", "--format", "xml"));
        assertEquals(2, cli(out, err, "run", "--bogus"));
        assertEquals(0, cli(out, err, "version"));
        assertTrue(out.toString(StandardCharsets.UTF_8).startsWith("cakb-agent "));

        Path bundle = tmp.resolve("bundle.json");
        Files.writeString(bundle, ProbeBundleConverter.toJson(ProbeBundleConverter.convert(PROBES)));
        out.reset();
        assertEquals(0, cli(out, err, "list-checks", "--probes", bundle.toString()));
        assertTrue(out.toString(StandardCharsets.UTF_8).contains("probe:caps/no-cap-sys-admin"));

        // a bundle whose only check always passes: exit 0; with an unknown type: exit 1 and an error result
        Files.writeString(bundle, "{\"format\":1,\"probes\":[{\"id\":\"probe:t/a\",\"verifies\":[\"cm:x\"],\"vantage\":\"any\","
                + "\"check\":{\"type\":\"path-exists\",\"path\":\"/proc/self\"}}]}");
        Path report = tmp.resolve("report.json");
        assertEquals(0, cli(out, err, "run", "--probes", bundle.toString(), "--out", report.toString()));
        Object parsed = Json.parse(Files.readString(report));
        assertTrue(parsed.toString().contains("status=pass"), parsed.toString());
        Files.writeString(bundle, "{\"format\":1,\"probes\":[{\"id\":\"probe:t/a\",\"check\":{\"type\":\"exec\"}}]}");
        out.reset();
        assertEquals(1, cli(out, err, "run", "--probes", bundle.toString(), "--format", "table"));
        assertTrue(out.toString(StandardCharsets.UTF_8).contains("ERROR"));
        new ObjectMapper(); // Jackson on the test classpath, not in the agent
    }
}
