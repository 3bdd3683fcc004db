package org.cakb.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * CI assertion of issue 7: runs {@code bin/measure-defaults} for every runtime on this machine and checks that the
 * MEASURED Docker defaults are what Docker documents: the 14 default capabilities in the bounding set, seccomp in
 * filter mode, no user namespace (uid_map {@code 0 0 4294967295}), no_new_privs off. A runtime that is missing is
 * skipped with the reason printed, unless CAKB_REQUIRE_RUNTIMES=1, then the test fails.
 */
class MeasuredDefaultsIT {
    /** Docker's default capability set (moby oci/caps/defaults.go; docs "Runtime privilege and Linux capabilities"). */
    static final List<String> DOCKER_DEFAULT_CAPS = List.of("CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_FSETID", "CAP_FOWNER",
            "CAP_MKNOD", "CAP_NET_RAW", "CAP_SETGID", "CAP_SETUID", "CAP_SETFCAP", "CAP_SETPCAP", "CAP_NET_BIND_SERVICE",
            "CAP_SYS_CHROOT", "CAP_KILL", "CAP_AUDIT_WRITE");

    static Path out;
    static AgentRuntimesIT.Proc script;

    @BeforeAll
    static void measure() throws Exception {
        Assumptions.assumeTrue(System.getProperty("cakb.agent.jar") != null,
                "integration test: runs in failsafe (mvn verify) against the packaged jar");
        Path project = Paths.get(System.getProperty("cakb.project.dir", ".")).toAbsolutePath();
        out = project.resolve("target/measured-defaults");
        script = AgentRuntimesIT.run(List.of(project.resolve("bin/measure-defaults").toString(), "--out", out.toString(),
                "--jar", System.getProperty("cakb.agent.jar")), 900);
        System.out.println("[MeasuredDefaultsIT] bin/measure-defaults exit " + script.code + "\n" + script.err);
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> record(String runtime) throws Exception {
        Path f = out.resolve(runtime + ".json");
        assertTrue(Files.isRegularFile(f), "no measurement written for " + runtime + ": " + script.err);
        return (Map<String, Object>) Json.parse(Files.readString(f));
    }

    static void requireMeasured(Map<String, Object> m) {
        String status = (String) m.get("status");
        assertNotEquals("error", status, m.get("runtime") + ": measurement failed: " + m.get("reason"));
        AgentRuntimesIT.requireRuntime("measured".equals(status), m.get("runtime") + " not measured: " + m.get("reason"));
    }

    @Test
    void everyRuntimeIsMeasuredOrSkippedWithAReason() throws Exception {
        for (String rt : List.of("docker", "runc", "lxc", "bwrap", "unshare")) {
            Map<String, Object> m = record(rt);
            assertEquals(rt, m.get("runtime"));
            assertNotEquals("error", m.get("status"), rt + ": " + m.get("reason"));
            if ("skipped".equals(m.get("status"))) {
                assertTrue(String.valueOf(m.get("reason")).length() > 5);
                System.out.println("[MeasuredDefaultsIT] " + rt + " SKIPPED: " + m.get("reason"));
                if ("1".equals(System.getenv("CAKB_REQUIRE_RUNTIMES"))) {
                    fail(rt + " required by CAKB_REQUIRE_RUNTIMES=1 but skipped: " + m.get("reason"));
                }
            } else {
                assertTrue(String.valueOf(m.get("runtimeVersion")).length() > 3, rt + " version");
                assertTrue(m.get("kernel") != null && m.get("measuredAt") != null && m.get("sourceReport") != null);
                assertTrue(((List<?>) m.get("countermeasures")).size() >= 20, rt + " countermeasures");
            }
        }
        assertEquals(0, script.code, "bin/measure-defaults: " + script.err);
    }

    @Test
    @SuppressWarnings("unchecked")
    void measuredDockerDefaultsMatchDockersDocumentation() throws Exception {
        Map<String, Object> m = record("docker");
        requireMeasured(m);
        assertTrue(String.valueOf(m.get("runtimeVersion")).startsWith("Docker version "), String.valueOf(m.get("runtimeVersion")));
        assertEquals("platform:docker", m.get("platform"));
        Map<String, Object> raw = (Map<String, Object>) m.get("raw");
        System.out.println("[MeasuredDefaultsIT] docker raw: " + raw);
        assertEquals(14L, raw.get("capBndCount"), "CapBnd = Docker's 14 default capabilities: " + raw);
        assertEquals(new TreeSet<>(DOCKER_DEFAULT_CAPS), new TreeSet<>((List<String>) raw.get("capBndNames")));
        assertEquals("00000000a80425fb", raw.get("CapBnd"));
        assertEquals("2", raw.get("Seccomp"), "seccomp filter mode");
        assertEquals("0 0 4294967295", raw.get("uid_map"), "no user namespace");
        assertEquals("0", raw.get("NoNewPrivs"), "no_new_privs off by default");
        Map<String, String> state = new java.util.HashMap<>();
        for (Object o : (List<Object>) m.get("countermeasures")) {
            Map<String, Object> c = (Map<String, Object>) o;
            state.put((String) c.get("id"), (String) c.get("state"));
        }
        assertEquals("enabled", state.get("cm:seccomp-filter"));
        assertEquals("disabled", state.get("cm:namespace-user"));
        assertEquals("disabled", state.get("cm:no-new-privs"));
        assertEquals("enabled", state.get("cm:no-cap-sys-admin"));
        assertEquals("disabled", state.get("cm:no-cap-net-raw"), "NET_RAW is among Docker's defaults");
    }

    @Test
    @SuppressWarnings("unchecked")
    void measuredRuncSpecDefaults() throws Exception {
        Map<String, Object> m = record("runc");
        requireMeasured(m);
        Map<String, Object> raw = (Map<String, Object>) m.get("raw");
        System.out.println("[MeasuredDefaultsIT] runc raw: " + raw);
        // runc spec: CAP_AUDIT_WRITE, CAP_KILL, CAP_NET_BIND_SERVICE; noNewPrivileges true; no seccomp section
        assertEquals(3L, raw.get("capBndCount"));
        assertEquals("1", raw.get("NoNewPrivs"));
        assertEquals("0", raw.get("Seccomp"));
    }
}
