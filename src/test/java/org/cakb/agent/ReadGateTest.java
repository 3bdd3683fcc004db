package org.cakb.agent;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The read gate: allow-list matching, symlinks out of allowed roots, special files, size cap, environments. */
class ReadGateTest {
    @TempDir
    Path tmp;

    static ProbeDefinition probe(Map<String, Object> check) {
        return new ProbeDefinition("probe:hostile/t", "t", List.of(), "any", "high", check);
    }

    @Test
    void patternsMatchSegmentsOnly() {
        assertNotNull(AllowList.permits("/proc/self/status", AllowList.Access.READ));
        assertNotNull(AllowList.permits("/proc/4711/mountinfo", AllowList.Access.READ));
        assertNotNull(AllowList.permits("/proc/sys/kernel/kptr_restrict", AllowList.Access.READ));
        assertNotNull(AllowList.permits("/proc/self/attr/apparmor/current", AllowList.Access.READ));
        assertNotNull(AllowList.permits("/proc/self/ns/pid", AllowList.Access.LINK));
        assertNotNull(AllowList.permits("/proc/kcore", AllowList.Access.STAT));
        assertNull(AllowList.permits("/proc/kcore", AllowList.Access.READ), "masked paths are looked at, never read");
        assertNull(AllowList.permits("/proc/self/environ", AllowList.Access.READ));
        assertNull(AllowList.permits("/proc/1/environ", AllowList.Access.READ));
        assertNull(AllowList.permits("/proc/self/root/etc/shadow", AllowList.Access.READ));
        assertNull(AllowList.permits("/proc/abc/status", AllowList.Access.READ), "<pid> is digits or self");
        assertNull(AllowList.permits("/proc/sys", AllowList.Access.READ), "** needs at least one segment");
        assertNull(AllowList.permits("/proc/sys/../../etc/shadow", AllowList.Access.READ));
        assertNull(AllowList.permits("/proc/sys/./kernel/x", AllowList.Access.READ));
        assertNull(AllowList.permits("/proc/sys//x", AllowList.Access.READ));
        assertNull(AllowList.permits("proc/sys/x", AllowList.Access.READ));
        assertNull(AllowList.permits("/etc/shadow", AllowList.Access.STAT));
        assertNull(AllowList.permits("/root/.ssh", AllowList.Access.LIST));
        assertNull(AllowList.permits("/etc/docker/config.json", AllowList.Access.READ));
        assertNull(AllowList.permits("/var/lib/docker/containers/x/config.v2.json", AllowList.Access.READ));
        assertNull(AllowList.permits("/dev/zero", AllowList.Access.READ));
    }

    @Test
    void symlinkOutOfAnAllowedRootIsRefusedAndNothingIsRead() throws Exception {
        String secret = "SECRET-" + UUID.randomUUID();
        Path root = tmp.resolve("root");
        Path outside = tmp.resolve("shadow");
        Files.writeString(outside, secret + "\n");
        Fixtures.put(root, "/proc/sys/kernel/osrelease", "6.18.0\n");
        Fixtures.put(root, "/etc/shadow", secret + "\n");
        Fixtures.link(root, "/proc/sys/kernel/leak", outside.toString());
        Fixtures.link(root, "/etc/docker/daemon.json", root.resolve("etc/shadow").toString());
        Fixtures.link(root, "/proc/sys/kernel/inside", root.resolve("proc/sys/kernel/osrelease").toString());
        SystemFiles fs = SystemFiles.at(root, Map.of());

        assertEquals("6.18.0", fs.readTrim("/proc/sys/kernel/inside"), "a link that stays in the allowed roots is followed");
        ReadRefused a = assertThrows(ReadRefused.class, () -> fs.read("/proc/sys/kernel/leak"));
        assertTrue(a.getMessage().contains("resolves outside"), a.getMessage());
        ReadRefused b = assertThrows(ReadRefused.class, () -> fs.read("/etc/docker/daemon.json"));
        assertTrue(b.getMessage().contains("resolves to /etc/shadow") && b.getMessage().contains("/etc/docker/daemon.json"), b.getMessage());
        assertFalse(b.getMessage().contains(secret));
        assertThrows(ReadRefused.class, () -> fs.read("/etc/shadow"));

        Checks checks = new Checks(new Checks.Context(fs, "host"));
        CheckResult r = checks.run(probe(Map.of("type", "file-value", "path", "/etc/shadow", "op", "non-empty")));
        assertEquals(CheckResult.ERROR, r.status);
        assertTrue(r.explanation.contains("outside the agent's allow-list"), r.explanation);
        CheckResult s = checks.run(probe(Map.of("type", "sysctl", "key", "kernel.leak", "op", "non-empty")));
        assertEquals(CheckResult.ERROR, s.status);
        assertTrue(s.explanation.startsWith("refused: "), s.explanation);
        CheckResult d = checks.run(new ProbeDefinition("probe:hostile/d", "d", List.of(), "host", "high",
                Map.of("type", "docker-daemon-config", "key", "x", "op", "non-empty", "path", "/etc/shadow")));
        assertEquals(CheckResult.ERROR, d.status);
        for (CheckResult x : List.of(r, s, d)) {
            assertFalse(String.valueOf(x.observed).contains(secret) || x.explanation.contains(secret));
        }
    }

    @Test
    void fifoInAnAllowedRootIsRefusedWithoutBlocking() throws Exception {
        Path root = tmp.resolve("root");
        Fixtures.put(root, "/proc/sys/kernel/osrelease", "6.18.0\n");
        Path fifo = root.resolve("proc/sys/kernel/fifo");
        Process mk = new ProcessBuilder("mkfifo", fifo.toString()).inheritIO().start();
        assertTrue(mk.waitFor(10, TimeUnit.SECONDS) && mk.exitValue() == 0, "mkfifo");
        SystemFiles fs = SystemFiles.at(root, Map.of());
        assertTimeoutPreemptively(java.time.Duration.ofSeconds(5), () -> {
            ReadRefused e = assertThrows(ReadRefused.class, () -> fs.read("/proc/sys/kernel/fifo"));
            assertTrue(e.getMessage().contains("not a regular file"), e.getMessage());
            assertFalse(fs.canOpen("/proc/sys/kernel/fifo"));
            assertTrue(fs.isSpecial("/proc/sys/kernel/fifo"));
        });
    }

    @Test
    void largeFilesAreRefusedAtTheCap() throws Exception {
        Path root = tmp.resolve("root");
        Fixtures.put(root, "/proc/sys/kernel/big", "x".repeat(SystemFiles.MAX_READ + 1));
        SystemFiles fs = SystemFiles.at(root, Map.of());
        ReadRefused e = assertThrows(ReadRefused.class, () -> fs.read("/proc/sys/kernel/big"));
        assertTrue(e.getMessage().contains("larger than"), e.getMessage());
    }

    @Test
    void liveSystemRefusesEnvironmentsDevicesAndOtherCommandLines() throws Exception {
        SystemFiles fs = SystemFiles.live();
        assertNotNull(fs.read("/proc/self/status"));
        String secret = "SECRET-" + UUID.randomUUID();
        ProcessBuilder pb = new ProcessBuilder("sleep", "30");
        pb.environment().put("CAKB_PLANTED", secret);
        Process child = pb.start();
        try {
            String pid = Long.toString(child.pid());
            ReadRefused env = assertThrows(ReadRefused.class, () -> fs.read("/proc/" + pid + "/environ"));
            assertTrue(env.getMessage().contains("allow-list"), env.getMessage());
            assertThrows(ReadRefused.class, () -> fs.read("/proc/self/environ"));
            ReadRefused cmd = assertThrows(ReadRefused.class, () -> fs.read("/proc/" + pid + "/cmdline"));
            assertTrue(cmd.getMessage().contains("engine daemons only"), cmd.getMessage());
            assertNotNull(fs.read("/proc/" + pid + "/status"), "status of another process is allowed (no environment in it)");
        } finally {
            child.destroyForcibly();
        }
        assertTimeoutPreemptively(java.time.Duration.ofSeconds(5), () -> {
            assertThrows(ReadRefused.class, () -> fs.read("/dev/zero"));
            assertThrows(ReadRefused.class, () -> fs.read("/proc/self/root/dev/zero"));
            assertThrows(ReadRefused.class, () -> fs.list("/root/.ssh"));
            assertThrows(ReadRefused.class, () -> fs.exists("/root/.docker/config.json"));
        });
    }

    @Test
    void runtimeMetadataGivesOnlyItsFixedFields() throws Exception {
        String secret = "SECRET-" + UUID.randomUUID();
        Path root = tmp.resolve("root");
        String cfg = "/var/lib/docker/containers/abc123/config.v2.json";
        Fixtures.put(root, cfg, "{\"Name\":\"/web\",\"Config\":{\"Image\":\"nginx:1\",\"Env\":[\"TOKEN=" + secret + "\"]}}");
        SystemFiles fs = SystemFiles.at(root, Map.of());
        assertEquals(Map.of("Name", "/web", "Config/Image", "nginx:1"), fs.readFields(cfg, List.of("Name", "Config/Image")));
        ReadRefused whole = assertThrows(ReadRefused.class, () -> fs.read(cfg));
        assertTrue(whole.getMessage().contains("outside the agent's allow-list"), whole.getMessage());
        ReadRefused env = assertThrows(ReadRefused.class, () -> fs.readFields(cfg, List.of("Config/Env")));
        assertFalse(env.getMessage().contains(secret));
        assertThrows(ReadRefused.class, () -> fs.readFields("/etc/docker/daemon.json", List.of("icc")));
        Checks checks = new Checks(new Checks.Context(fs, "host"));
        CheckResult r = checks.run(probe(Map.of("type", "file-value", "path", cfg, "op", "non-empty")));
        assertEquals(CheckResult.ERROR, r.status);
        assertFalse(String.valueOf(r.observed).contains(secret) || r.explanation.contains(secret));
    }

    @Test
    void reportTextsAreBoundedSingleLines() {
        String s = CheckResult.bounded("a\nb\u001b[31m" + "x".repeat(5000));
        assertFalse(s.contains("\n") || s.contains("\u001b"));
        assertTrue(s.length() <= CheckResult.MAX_TEXT + 3);
    }
}
