package org.cakb.agent;

import static org.cakb.agent.Fixtures.check;
import static org.cakb.agent.Fixtures.probe;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Check types evaluated against a fixture tree of a Docker container on a cgroup v1 host. */
class ChecksTest {
    @TempDir
    Path tmp;
    Checks checks;

    @BeforeEach
    void setUp() throws Exception {
        checks = new Checks(new Checks.Context(Fixtures.dockerV1(tmp, "status-docker-default.txt")));
    }

    String status(String vantage, Object... kv) {
        return checks.run(probe("t", vantage, check(kv))).status;
    }

    @Test
    void unknownOrMissingTypeIsAnErrorNeverAGuess() {
        CheckResult r = checks.run(probe("t", "any", check("type", "run-shell", "cmd", "id")));
        assertEquals("error", r.status);
        assertTrue(r.explanation.contains("unknown check type"));
        assertEquals("error", checks.run(probe("t", "any", check("x", 1))).status);
        assertEquals("error", status("any", "type", "proc-status"), "missing field parameter");
        assertEquals("error", status("any", "type", "capabilities", "sets", List.of("effective"), "forbidden", List.of("CAP_BOGUS")));
        assertEquals("error", status("any", "type", "sysctl", "key", "kernel.kptr_restrict", "op", "matches", "value", 1));
    }

    @Test
    void capabilities() {
        assertEquals("pass", status("container", "type", "capabilities", "sets", List.of("effective", "bounding"),
                "forbidden", List.of("CAP_SYS_ADMIN")));
        assertEquals("fail", status("container", "type", "capabilities", "sets", List.of("bounding"),
                "forbidden", List.of("CAP_NET_RAW")));
        assertEquals("pass", status("container", "type", "capabilities", "sets", List.of("bounding"), "allowed",
                List.of("CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_FSETID", "CAP_FOWNER", "CAP_MKNOD", "CAP_NET_RAW",
                        "CAP_SETGID", "CAP_SETUID", "CAP_SETFCAP", "CAP_SETPCAP", "CAP_NET_BIND_SERVICE",
                        "CAP_SYS_CHROOT", "CAP_KILL", "CAP_AUDIT_WRITE")));
        CheckResult three = checks.run(probe("t", "container", check("type", "capabilities", "sets", List.of("effective"),
                "allowed", List.of("CAP_KILL", "CAP_NET_BIND_SERVICE", "CAP_AUDIT_WRITE"))));
        assertEquals("fail", three.status);
        assertTrue(three.observed.contains("CAP_CHOWN") && !three.observed.contains("CAP_KILL"), three.observed);
        assertEquals("pass", status("container", "type", "capabilities", "sets", List.of("ambient"), "empty", true));
        assertEquals("pass", status("container", "type", "privileged"));
    }

    @Test
    void procStatusFields() {
        assertEquals("pass", status("container", "type", "proc-status", "field", "Seccomp", "op", "eq", "value", 2L));
        assertEquals("fail", status("container", "type", "proc-status", "field", "NoNewPrivs", "op", "eq", "value", 1L));
        assertEquals("fail", status("container", "type", "proc-status", "field", "Uid", "column", 1L, "op", "ne", "value", 0L));
        assertEquals("not-applicable", status("container", "type", "proc-status", "field", "Nope", "op", "eq", "value", 1L));
    }

    @Test
    void vantageGating() {
        assertEquals("not-applicable", status("host", "type", "proc-status", "field", "Seccomp", "op", "eq", "value", 2L));
    }

    @Test
    void mountsAndMasking() {
        assertEquals("fail", status("container", "type", "root-readonly"));
        assertEquals("pass", status("container", "type", "path-readonly", "path", "/proc/sys", "probe-file", "/proc/sys/x"));
        assertEquals("pass", status("container", "type", "masked-paths", "paths", List.of("/proc/kcore", "/proc/timer_list")));
        CheckResult keys = checks.run(probe("t", "container", check("type", "masked-paths", "paths", List.of("/proc/keys"))));
        assertEquals("fail", keys.status);
        assertEquals("fail", status("container", "type", "runtime-sockets", "names", List.of("docker.sock")));
        assertEquals("pass", status("container", "type", "runtime-sockets", "names", List.of("crio.sock")));
        CheckResult host = checks.run(probe("t", "container", check("type", "host-mounts", "paths", List.of("/usr", "/home"),
                "ignore", List.of("/var/lib/docker/containers/"))));
        assertEquals("fail", host.status);
        assertTrue(host.observed.contains("/usr <- host /usr (ro)") && host.observed.contains("/data <- host /home/alice/My Files (rw)"), host.observed);
        CheckResult rw = checks.run(probe("t", "container", check("type", "host-mounts", "paths", List.of("/usr"),
                "writable-only", true)));
        assertEquals("pass", rw.status, rw.observed);
    }

    @Test
    void cgroupsNamespacesSysctls() {
        assertEquals("pass", status("container", "type", "cgroup-limit", "resource", "memory"));
        assertEquals("pass", status("container", "type", "cgroup-limit", "resource", "pids"));
        assertEquals("fail", status("container", "type", "cgroup-limit", "resource", "cpu"));
        assertEquals("not-applicable", status("container", "type", "cgroup-limit", "resource", "blkio"));
        assertEquals("pass", status("container", "type", "device-cgroup"));
        assertEquals("pass", status("container", "type", "namespace", "namespace", "pid"));
        assertEquals("fail", status("container", "type", "namespace", "namespace", "user"));
        assertEquals("fail", status("container", "type", "userns-mapping"));
        assertEquals("pass", status("any", "type", "sysctl", "key", "kernel.kptr_restrict", "op", "ge", "value", 1L));
        assertEquals("fail", status("any", "type", "sysctl", "key", "kernel.kptr_restrict", "op", "ge", "value", 2L));
        assertEquals("not-applicable", status("any", "type", "sysctl", "key", "kernel.modules_disabled", "op", "eq", "value", 1L));
        assertEquals("not-applicable", status("any", "type", "binfmt-misc", "forbidden-flags", List.of("C")));
    }

    @Test
    void binfmtMiscFlags() throws Exception {
        Fixtures.put(tmp, "/proc/sys/fs/binfmt_misc/status", "enabled\n");
        Fixtures.put(tmp, "/proc/sys/fs/binfmt_misc/register", "");
        Fixtures.put(tmp, "/proc/sys/fs/binfmt_misc/qemu-aarch64", "enabled\ninterpreter /usr/bin/qemu-aarch64-static\nflags: F\noffset 0\n");
        Checks c = new Checks(new Checks.Context(SystemFiles.at(tmp, java.util.Map.of())));
        assertEquals("pass", c.run(probe("t", "any", check("type", "binfmt-misc", "forbidden-flags", List.of("C")))).status);
        Fixtures.put(tmp, "/proc/sys/fs/binfmt_misc/qemu-arm", "enabled\ninterpreter /usr/bin/qemu-arm\nflags: OCF\n");
        c = new Checks(new Checks.Context(SystemFiles.at(tmp, java.util.Map.of())));
        CheckResult r = c.run(probe("t", "any", check("type", "binfmt-misc", "forbidden-flags", List.of("C"))));
        assertEquals("fail", r.status);
        assertTrue(r.explanation.contains("qemu-arm has flag C"));
    }

    @Test
    void dockerDaemonConfigOnHost() throws Exception {
        Path h = tmp.resolve("host");
        Fixtures.put(h, "/usr/bin/dockerd", "");
        Fixtures.put(h, "/etc/docker/daemon.json", "{\"icc\": false, \"userns-remap\": \"default\"}");
        Checks c = new Checks(new Checks.Context(SystemFiles.at(h, java.util.Map.of())));
        assertEquals("pass", c.run(probe("t", "host", check("type", "docker-daemon-config", "key", "icc", "op", "eq",
                "value", "false", "default", "true"))).status);
        assertEquals("pass", c.run(probe("t", "host", check("type", "docker-daemon-config", "key", "userns-remap",
                "op", "non-empty"))).status);
        assertEquals("fail", c.run(probe("t", "host", check("type", "docker-daemon-config", "key", "no-new-privileges",
                "op", "eq", "value", "true", "default", "false"))).status);
        Fixtures.put(h, "/etc/docker/daemon.json", "{ broken");
        c = new Checks(new Checks.Context(SystemFiles.at(h, java.util.Map.of())));
        assertEquals("error", c.run(probe("t", "host", check("type", "docker-daemon-config", "key", "icc", "op", "eq",
                "value", "false"))).status);
    }

    @Test
    void dockerDaemonFlagsOnTheCommandLineCountAsMuchAsDaemonJson() throws Exception {
        Path h = tmp.resolve("flags");
        Fixtures.put(h, "/usr/bin/dockerd", "");
        Fixtures.put(h, "/proc/812/comm", "dockerd\n");
        Fixtures.put(h, "/proc/812/cmdline", String.join("\u0000", "/usr/bin/dockerd", "-H", "fd://", "--icc=false",
                "--userns-remap", "default", "--no-new-privileges", "") );
        Fixtures.put(h, "/proc/900/comm", "sshd\n");
        Fixtures.put(h, "/proc/900/cmdline", String.join("\u0000", "sshd", "--icc=true", ""));
        Checks c = new Checks(new Checks.Context(SystemFiles.at(h, java.util.Map.of())));
        CheckResult icc = c.run(probe("t", "host", check("type", "docker-daemon-config", "key", "icc", "op", "eq",
                "value", "false", "default", "true")));
        assertEquals("pass", icc.status, "no daemon.json, --icc=false on the command line: " + icc.observed);
        assertTrue(icc.observed.contains("dockerd[812] --icc=false"), icc.observed);
        assertEquals("pass", c.run(probe("t", "host", check("type", "docker-daemon-config", "key", "userns-remap",
                "op", "eq", "value", "default"))).status);
        assertEquals("pass", c.run(probe("t", "host", check("type", "docker-daemon-config", "key", "no-new-privileges",
                "op", "eq", "value", "true", "default", "false"))).status);
        assertEquals("fail", c.run(probe("t", "host", check("type", "docker-daemon-config", "key", "live-restore",
                "op", "eq", "value", "true", "default", "false"))).status, "a flag that is not on the command line keeps the default");
    }

    @Test
    void misspelledOrMisvaluedParametersAreErrorsWithTheField() {
        CheckResult r = checks.run(probe("t", "any", check("type", "namespace", "namepsace", "pid")));
        assertEquals("error", r.status);
        assertTrue(r.explanation.contains("check.namepsace: is not a parameter of check type 'namespace'"), r.explanation);
        assertTrue(r.explanation.contains("check.namespace: is required"), r.explanation);
        r = checks.run(probe("t", "any", check("type", "cgroup-limit", "resource", "memroy")));
        assertTrue(r.explanation.contains("check.resource: 'memroy' is not one of memory, pids, cpu, blkio"), r.explanation);
        r = checks.run(probe("t", "any", check("type", "sysctl", "key", "kernel.kptr_restrict", "op", "in", "value", 1)));
        assertTrue(r.explanation.contains("check.values: a list is required for op in"), r.explanation);
        assertEquals(List.of(), CheckTypes.problems(check("type", "sysctl", "key", "kernel.kptr_restrict", "op", "ge", "value", 1)));
        assertEquals(List.of(), CheckTypes.problems(check("type", "privileged", "fail-text", "privileged")));
    }

    @Test
    void commandLineFlagParsing() {
        assertEquals("false", DockerDaemonFlags.value(List.of("dockerd", "--icc=false"), "icc"));
        assertEquals("default", DockerDaemonFlags.value(List.of("dockerd", "--userns-remap", "default", "--debug"), "userns-remap"));
        assertEquals("true", DockerDaemonFlags.value(List.of("dockerd", "--no-new-privileges", "--debug"), "no-new-privileges"));
        assertEquals("true", DockerDaemonFlags.value(List.of("dockerd", "--icc=false", "--icc=true"), "icc"), "the last one wins");
        assertEquals(null, DockerDaemonFlags.value(List.of("dockerd", "--iccx=false", "--icc-extra"), "icc"));
        assertEquals(null, DockerDaemonFlags.value(List.of("--icc=false"), "icc"), "argv[0] is the program");
    }
}
