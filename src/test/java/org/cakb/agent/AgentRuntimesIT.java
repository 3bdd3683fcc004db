package org.cakb.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Runs the BUILT target/cakb-agent.jar under real isolation configurations (host, unshare, setpriv, bubblewrap, runc,
 * Docker, LXC) and asserts the verdicts each configuration determines. The tests may start processes; the agent may
 * not. A runtime that is not available skips its test with the reason, unless CAKB_REQUIRE_RUNTIMES=1, then it fails.
 * .ci/setup-runtimes.sh installs and starts everything needed.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class AgentRuntimesIT {
    static final String IMAGE = "cakb-probe-test:latest";
    static Path jar;
    static String java;
    static boolean root;

    @BeforeAll
    static void setUp() throws Exception {
        // -Dtest=org.cakb.agent.** also selects this class in surefire, before the jar is packaged: only failsafe runs it
        Assumptions.assumeTrue(System.getProperty("cakb.agent.jar") != null,
                "integration test: runs in failsafe (mvn verify) against the packaged jar");
        jar = Paths.get(System.getProperty("cakb.agent.jar", "target/cakb-agent.jar")).toAbsolutePath();
        assertTrue(Files.isRegularFile(jar), "agent jar not built: " + jar);
        assertTrue(Files.size(jar) < 2 * 1024 * 1024, "agent jar must stay under 2 MB");
        java = Paths.get(System.getProperty("java.home"), "bin", "java").toString();
        root = "0".equals(run(List.of("id", "-u"), 10).out.trim());
    }

    // ------------------------------------------------------------------ helpers

    static final class Proc {
        final int code;
        final String out;
        final String err;

        Proc(int code, String out, String err) {
            this.code = code;
            this.out = out;
            this.err = err;
        }
    }

    static Proc run(List<String> cmd, int timeoutSeconds) throws IOException, InterruptedException {
        File o = File.createTempFile("cakb-it", ".out");
        File e = File.createTempFile("cakb-it", ".err");
        try {
            Process p = new ProcessBuilder(cmd).redirectOutput(o).redirectError(e).start();
            if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                fail("timed out: " + cmd);
            }
            return new Proc(p.exitValue(), Files.readString(o.toPath()), Files.readString(e.toPath()));
        } finally {
            o.delete();
            e.delete();
        }
    }

    static boolean onPath(String tool) {
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(":")) {
            if (Files.isExecutable(Paths.get(dir, tool))) {
                return true;
            }
        }
        return false;
    }

    /** Skips (or fails under CAKB_REQUIRE_RUNTIMES=1) when a runtime is not usable. */
    static void requireRuntime(boolean available, String reason) {
        if (available) {
            return;
        }
        if ("1".equals(System.getenv("CAKB_REQUIRE_RUNTIMES"))) {
            fail("runtime required by CAKB_REQUIRE_RUNTIMES=1 but unavailable: " + reason);
        }
        System.out.println("[AgentRuntimesIT] SKIPPED: " + reason);
        Assumptions.assumeTrue(false, reason);
    }

    /** A parsed report with per-check statuses. */
    static final class Rep {
        final Map<String, Object> root;
        final Map<String, String> status = new LinkedHashMap<>();
        final Map<String, String> observed = new LinkedHashMap<>();
        final String label;
        final int exit;

        @SuppressWarnings("unchecked")
        Rep(String label, Proc p) {
            this.label = label;
            this.exit = p.code;
            assertTrue(p.code == 0 || p.code == 1, label + ": agent exit " + p.code + "\nstdout:\n" + p.out + "\nstderr:\n" + p.err);
            int brace = p.out.indexOf('{');
            assertTrue(brace >= 0, label + ": no JSON on stdout:\n" + p.out + "\nstderr:\n" + p.err);
            root = (Map<String, Object>) Json.parse(p.out.substring(brace));
            for (Object o : (List<Object>) root.get("results")) {
                Map<String, Object> r = (Map<String, Object>) o;
                status.put((String) r.get("id"), (String) r.get("status"));
                observed.put((String) r.get("id"), String.valueOf(r.get("observed")) + " / " + r.get("explanation"));
            }
            System.out.println("[AgentRuntimesIT] " + label + ": " + root.get("environment") + " " + root.get("summary"));
        }

        @SuppressWarnings("unchecked")
        String env(String k) {
            return String.valueOf(((Map<String, Object>) root.get("environment")).get(k));
        }

        void expect(String st, String... ids) {
            for (String id : ids) {
                String full = "probe:" + id;
                assertTrue(status.containsKey(full), label + ": no result for " + full);
                assertEquals(st, status.get(full), label + ": " + full + " observed " + observed.get(full));
            }
        }

        void noErrors() {
            for (Map.Entry<String, String> e : status.entrySet()) {
                assertFalse(e.getValue().equals("error"), label + ": " + e.getKey() + " errored: " + observed.get(e.getKey()));
            }
        }
    }

    List<String> agent(String... extra) {
        List<String> c = new ArrayList<>(List.of(java, "-XX:-UsePerfData", "-XX:TieredStopAtLevel=1", "-Xshare:auto",
                "-jar", jar.toString(), "run"));
        c.addAll(Arrays.asList(extra));
        return c;
    }

    static List<String> concat(List<String> a, List<String> b) {
        List<String> c = new ArrayList<>(a);
        c.addAll(b);
        return c;
    }

    static final String[] DANGEROUS_CAPS = {"caps/no-cap-sys-admin", "caps/no-cap-sys-module", "caps/no-cap-sys-ptrace",
        "caps/no-cap-net-admin", "caps/no-cap-dac-read-search", "caps/no-cap-sys-rawio", "caps/no-cap-bpf-perfmon",
        "caps/no-cap-mac-admin"};
    static final String[] CONTAINER_ONLY = {"ns/pid-separate", "ns/user-separate", "caps/no-cap-sys-admin",
        "seccomp/filter-mode", "nnp/no-new-privs", "mounts/read-only-root", "cgroup/memory-limit"};

    // ------------------------------------------------------------------ 1 host

    @Test
    @Order(1)
    void host() throws Exception {
        Rep r = new Rep("host", run(agent(), 120));
        r.noErrors();
        assertEquals("host", r.env("vantage"));
        assertEquals("none", r.env("runtime"));
        r.expect("not-applicable", CONTAINER_ONLY);
        assertTrue(r.status.size() >= 40, "at least 40 checks");
        assertNotNull(r.root.get("reportId"));
        assertTrue(String.valueOf(r.root.get("reportId")).matches("[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}"));
        Map<?, ?> sys = (Map<?, ?>) r.root.get("system");
        assertNotNull(sys.get("kernel"));
        assertNotNull(sys.get("hostname"));
        assertNotNull(r.root.get("startedAt"));
        assertNotNull(r.root.get("finishedAt"));
        assertEquals(r.status.containsValue("fail") ? 1 : 0, r.exit, "exit code follows the verdicts");
        if (run(List.of("docker", "info"), 30).code == 0) {
            r.expect("fail", "docker/daemon-not-root"); // dockerd started by the setup script runs as root
        }
        // forcing the container vantage on the host: the host is not isolated
        Rep f = new Rep("host --vantage container", run(agent("--vantage", "container"), 120));
        if (root) {
            f.expect("fail", "ns/pid-separate", "ns/mnt-separate", "ns/net-separate", "ns/user-separate",
                    "userns/root-mapped-unprivileged", "caps/no-cap-sys-admin", "seccomp/filter-mode");
        }
    }

    // ------------------------------------------------------------------ 2 unshare

    @Test
    @Order(2)
    void unshareUserPidMountNet() throws Exception {
        requireRuntime(root && onPath("unshare") && onPath("newuidmap"), "unshare needs root, util-linux and uidmap (newuidmap)");
        Proc p = run(concat(List.of("unshare", "--user", "--pid", "--fork", "--mount", "--net", "--mount-proc",
                "--map-users=100000,0,65536", "--map-groups=100000,0,65536", "--setuid", "0", "--setgid", "0"), agent()), 120);
        Rep r = new Rep("unshare -U -p -m -n (root -> 100000)", p);
        r.noErrors();
        assertEquals("container", r.env("vantage"));
        r.expect("pass", "ns/user-separate", "ns/pid-separate", "ns/mnt-separate", "ns/net-separate",
                "userns/root-mapped-unprivileged");
        r.expect("fail", "ns/ipc-separate", "ns/uts-separate", "seccomp/filter-mode", "nnp/no-new-privs",
                "user/non-root-uid", "mounts/read-only-root", "cgroup/memory-limit", "cgroup/pids-limit");
        // full capability sets, but of the new user namespace
        r.expect("fail", "caps/no-cap-sys-admin");
        assertTrue(r.observed.get("probe:caps/no-cap-sys-admin").contains("non-initial user namespace"));

        Rep m = new Rep("unshare --map-root-user", run(concat(List.of("unshare", "--user", "--pid", "--fork", "--mount",
                "--net", "--mount-proc", "--map-root-user"), agent()), 120));
        m.expect("pass", "ns/user-separate");
        m.expect("fail", "userns/root-mapped-unprivileged"); // root of the namespace is uid 0 outside
    }

    // ------------------------------------------------------------------ 3 setpriv

    @Test
    @Order(3)
    void setprivNoCapsNoNewPrivs() throws Exception {
        requireRuntime(root && onPath("setpriv"), "setpriv (util-linux) as root");
        List<String> sp = List.of("setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", "--inh-caps=-all",
                "--bounding-set=-all", "--no-new-privs");
        Rep d = new Rep("setpriv (detected)", run(concat(sp, agent()), 120));
        assertEquals("host", d.env("vantage"), "setpriv creates no namespace: still the host");
        Rep r = new Rep("setpriv --vantage container", run(concat(sp, agent("--vantage", "container")), 120));
        r.noErrors();
        r.expect("pass", DANGEROUS_CAPS);
        r.expect("pass", "caps/no-cap-net-raw", "caps/bounding-within-runtime-default", "caps/runc-default-three",
                "caps/no-ambient-capabilities", "nnp/no-new-privs", "user/non-root-uid", "privileged/not-privileged");
        r.expect("fail", "seccomp/filter-mode", "ns/pid-separate", "ns/mnt-separate", "ns/net-separate",
                "ns/user-separate", "mounts/read-only-root");
    }

    // ------------------------------------------------------------------ 4 bubblewrap

    @Test
    @Order(4)
    void bubblewrap() throws Exception {
        requireRuntime(onPath("bwrap"), "bwrap (bubblewrap) not installed");
        Rep r = new Rep("bwrap --unshare-all --cap-drop ALL", run(concat(List.of("bwrap", "--unshare-all", "--cap-drop",
                "ALL", "--ro-bind", "/", "/", "--proc", "/proc", "--dev", "/dev"), agent()), 120));
        r.noErrors();
        assertEquals("container", r.env("vantage"));
        r.expect("pass", "ns/user-separate", "ns/pid-separate", "ns/mnt-separate", "ns/net-separate", "ns/ipc-separate",
                "ns/uts-separate", "ns/cgroup-separate");
        r.expect("pass", DANGEROUS_CAPS);
        r.expect("pass", "caps/bounding-within-runtime-default", "nnp/no-new-privs", "mounts/read-only-root",
                "privileged/not-privileged");
        r.expect("fail", "seccomp/filter-mode", "ns/time-separate");
        if (root) {
            r.expect("fail", "userns/root-mapped-unprivileged", "user/non-root-uid"); // bwrap maps uid 0 to itself
        }
    }

    // ------------------------------------------------------------------ 5 runc

    static Path runcBundle(String name, boolean hardened) throws Exception {
        Path dir = Files.createTempDirectory("cakb-runc-" + name);
        dir.toFile().setReadable(true, false);
        dir.toFile().setExecutable(true, false);
        Path rootfs = dir.resolve("rootfs");
        for (String d : new String[] {"usr", "lib", "lib64", "etc", "tmp", "agent", "proc", "sys", "dev", "bin"}) {
            Files.createDirectories(rootfs.resolve(d));
        }
        rootfs.resolve("tmp").toFile().setWritable(true, false);
        Proc spec = run(List.of("runc", "spec", "--bundle", dir.toString()), 30);
        assertEquals(0, spec.code, "runc spec: " + spec.err);
        @SuppressWarnings("unchecked")
        Map<String, Object> cfg = (Map<String, Object>) Json.parse(Files.readString(dir.resolve("config.json")));
        @SuppressWarnings("unchecked")
        Map<String, Object> process = (Map<String, Object>) cfg.get("process");
        process.put("terminal", false);
        process.put("args", List.of(java, "-XX:-UsePerfData", "-XX:TieredStopAtLevel=1", "-jar", "/agent/cakb-agent.jar", "run"));
        @SuppressWarnings("unchecked")
        List<Object> mounts = (List<Object>) cfg.get("mounts");
        for (String[] m : new String[][] {{"/usr", "/usr"}, {"/lib", "/lib"}, {"/lib64", "/lib64"},
            {"/etc/alternatives", "/etc/alternatives"}, {jar.toString(), "/agent/cakb-agent.jar"}}) {
            if (!Files.exists(Paths.get(m[0]))) {
                continue;
            }
            Map<String, Object> b = new LinkedHashMap<>();
            b.put("destination", m[1]);
            b.put("type", "bind");
            b.put("source", Paths.get(m[0]).toRealPath().toString());
            b.put("options", List.of("rbind", "ro"));
            if (m[1].endsWith(".jar")) {
                Files.createFile(rootfs.resolve("agent/cakb-agent.jar"));
            }
            if (m[1].equals("/etc/alternatives")) {
                Files.createDirectories(rootfs.resolve("etc/alternatives"));
            }
            mounts.add(b);
        }
        if (hardened) {
            @SuppressWarnings("unchecked")
            Map<String, Object> linux = (Map<String, Object>) cfg.get("linux");
            @SuppressWarnings("unchecked")
            List<Object> ns = (List<Object>) linux.get("namespaces");
            ns.add(Map.of("type", "user"));
            linux.put("uidMappings", List.of(Map.of("containerID", 0L, "hostID", 100000L, "size", 65536L)));
            linux.put("gidMappings", List.of(Map.of("containerID", 0L, "hostID", 100000L, "size", 65536L)));
            Map<String, Object> res = new LinkedHashMap<>();
            res.put("memory", Map.of("limit", 268435456L));
            res.put("pids", Map.of("limit", 100L));
            linux.put("resources", res);
            linux.put("seccomp", ociSeccomp());
            ((Map<String, Object>) cfg.get("root")).put("readonly", true);
            // the user namespace's root must be able to reach the bundle
            for (Path p = dir; p != null && p.startsWith(dir.getParent()); p = p.getParent()) {
                p.toFile().setExecutable(true, false);
            }
        }
        Files.writeString(dir.resolve("config.json"), Json.write(cfg, true), StandardCharsets.UTF_8);
        return dir;
    }

    /** Docker's default seccomp profile (moby format) converted to an OCI linux.seccomp section for x86_64. */
    @SuppressWarnings("unchecked")
    static Map<String, Object> ociSeccomp() throws IOException {
        String text = new String(AgentRuntimesIT.class.getResourceAsStream("/org/cakb/agent/moby-seccomp-default.json")
                .readAllBytes(), StandardCharsets.UTF_8);
        Map<String, Object> moby = (Map<String, Object>) Json.parse(text);
        List<String> granted = List.of("CAP_AUDIT_WRITE", "CAP_KILL", "CAP_NET_BIND_SERVICE");
        List<Object> rules = new ArrayList<>();
        for (Object o : (List<Object>) moby.get("syscalls")) {
            Map<String, Object> s = (Map<String, Object>) o;
            Map<String, Object> inc = (Map<String, Object>) s.getOrDefault("includes", Map.of());
            Map<String, Object> exc = (Map<String, Object>) s.getOrDefault("excludes", Map.of());
            List<Object> incCaps = (List<Object>) inc.getOrDefault("caps", List.of());
            List<Object> incArch = (List<Object>) inc.getOrDefault("arches", List.of());
            List<Object> excCaps = (List<Object>) exc.getOrDefault("caps", List.of());
            List<Object> excArch = (List<Object>) exc.getOrDefault("arches", List.of());
            if (!incCaps.isEmpty() && !granted.containsAll(incCaps)) {
                continue;
            }
            if (!incArch.isEmpty() && !incArch.contains("amd64") && !incArch.contains("x86_64")) {
                continue;
            }
            boolean excluded = excArch.contains("amd64") || excArch.contains("x86_64");
            for (Object c : excCaps) {
                excluded |= granted.contains(c);
            }
            if (excluded) {
                continue;
            }
            Map<String, Object> r = new LinkedHashMap<>();
            r.put("names", s.get("names"));
            r.put("action", s.get("action"));
            if (s.get("args") != null) {
                r.put("args", s.get("args"));
            }
            if (s.get("errnoRet") != null) {
                r.put("errnoRet", s.get("errnoRet"));
            }
            rules.add(r);
        }
        Map<String, Object> sec = new LinkedHashMap<>();
        sec.put("defaultAction", moby.get("defaultAction"));
        if (moby.get("defaultErrnoRet") != null) {
            sec.put("defaultErrnoRet", moby.get("defaultErrnoRet"));
        }
        sec.put("architectures", List.of("SCMP_ARCH_X86_64", "SCMP_ARCH_X86", "SCMP_ARCH_X32"));
        sec.put("syscalls", rules);
        return sec;
    }

    Rep runc(String name, boolean hardened) throws Exception {
        Path b = runcBundle(name, hardened);
        String id = "cakb-it-" + name + "-" + ProcessHandle.current().pid();
        try {
            return new Rep("runc " + name, run(List.of("runc", "run", "--bundle", b.toString(), id), 180));
        } finally {
            run(List.of("runc", "delete", "--force", id), 30);
        }
    }

    @Test
    @Order(5)
    void runcDefaultSpec() throws Exception {
        requireRuntime(root && onPath("runc"), "runc as root");
        Rep r = runc("default", false);
        r.noErrors();
        assertEquals("container", r.env("vantage"));
        r.expect("pass", DANGEROUS_CAPS);
        r.expect("pass", "caps/no-cap-net-raw", "caps/runc-default-three", "caps/bounding-within-runtime-default",
                "nnp/no-new-privs", "mounts/read-only-root", "ns/pid-separate", "ns/mnt-separate", "ns/net-separate",
                "ns/ipc-separate", "ns/uts-separate", "masked/proc-kcore", "masked/sys-firmware",
                "mounts/proc-sys-read-only", "mounts/sysfs-read-only", "mounts/no-runtime-socket",
                "mounts/no-writable-host-mounts", "privileged/not-privileged", "cgroup/device-allowlist");
        r.expect("fail", "seccomp/filter-mode", "ns/user-separate", "userns/root-mapped-unprivileged",
                "user/non-root-uid", "cgroup/memory-limit", "cgroup/pids-limit");
    }

    @Test
    @Order(6)
    void runcHardenedSpec() throws Exception {
        requireRuntime(root && onPath("runc"), "runc as root");
        Rep r = runc("hardened", true);
        r.noErrors();
        r.expect("pass", DANGEROUS_CAPS);
        r.expect("pass", "seccomp/filter-mode", "nnp/no-new-privs", "mounts/read-only-root", "ns/user-separate",
                "userns/root-mapped-unprivileged", "cgroup/memory-limit", "cgroup/pids-limit", "ns/pid-separate",
                "ns/mnt-separate", "ns/net-separate", "mounts/proc-sys-read-only", "privileged/not-privileged");
        assertTrue(r.observed.get("probe:cgroup/memory-limit").contains("268435456"), r.observed.get("probe:cgroup/memory-limit"));
        assertTrue(r.observed.get("probe:cgroup/pids-limit").contains("=100"), r.observed.get("probe:cgroup/pids-limit"));
    }

    // ------------------------------------------------------------------ 6 Docker

    static String dockerUnavailable() throws Exception {
        if (!onPath("docker")) {
            return "docker CLI not installed";
        }
        if (run(List.of("docker", "info"), 60).code != 0) {
            return "docker daemon not running (run .ci/setup-runtimes.sh)";
        }
        if (run(List.of("docker", "image", "inspect", IMAGE), 30).code != 0) {
            return "test image " + IMAGE + " missing (run .ci/setup-runtimes.sh)";
        }
        return null;
    }

    Rep docker(String label, String... opts) throws Exception {
        return new Rep("docker " + label, dockerRun(opts));
    }

    Proc dockerRun(String... opts) throws Exception {
        List<String> c = new ArrayList<>(List.of("docker", "run", "--rm", "-v", "/usr:/usr:ro", "-v", "/lib:/lib:ro",
                "-v", "/lib64:/lib64:ro", "-v", "/etc/alternatives:/etc/alternatives:ro", "-v",
                jar + ":/agent/cakb-agent.jar:ro"));
        c.addAll(Arrays.asList(opts));
        c.addAll(List.of(IMAGE, java, "-XX:-UsePerfData", "-XX:TieredStopAtLevel=1", "-jar", "/agent/cakb-agent.jar", "run"));
        return run(c, 180);
    }

    static Rep checked(Rep r, String label) {
        r.noErrors();
        assertEquals("container", r.env("vantage"), label);
        assertEquals("docker", r.env("runtime"), label);
        return r;
    }

    Rep dockerChecked(String label, String... opts) throws Exception {
        return checked(docker(label, opts), label);
    }

    @Test
    @Order(7)
    void dockerConfigurations() throws Exception {
        String why = dockerUnavailable();
        requireRuntime(why == null, why);

        Rep d = dockerChecked("default");
        d.expect("pass", DANGEROUS_CAPS);
        d.expect("pass", "caps/bounding-within-runtime-default", "seccomp/filter-mode", "privileged/not-privileged",
                "ns/pid-separate", "ns/mnt-separate", "ns/net-separate", "ns/ipc-separate", "ns/uts-separate",
                "masked/proc-kcore", "masked/proc-info-leaks", "masked/sys-firmware", "mounts/proc-sys-read-only",
                "mounts/sysfs-read-only", "mounts/no-runtime-socket", "mounts/no-writable-host-mounts",
                "cgroup/device-allowlist");
        d.expect("fail", "caps/no-cap-net-raw", "caps/runc-default-three", "nnp/no-new-privs", "mounts/read-only-root",
                "ns/user-separate", "userns/root-mapped-unprivileged", "user/non-root-uid", "cgroup/memory-limit",
                "cgroup/pids-limit", "mounts/no-sensitive-host-mounts"); // the test's own read-only /usr bind

        Rep p;
        Proc priv = dockerRun("--privileged");
        if (priv.code == 125 && priv.err.contains("unable to apply caps")) {
            // The machine's own bounding set lacks a capability (this CI VM has no CAP_SYS_RESOURCE), so runc cannot
            // grant "all" capabilities and --privileged cannot start. Use the closest equivalent and say so.
            System.out.println("[AgentRuntimesIT] NOTE: --privileged cannot start here (" + priv.err.trim()
                    + "); using --cap-add ALL --cap-drop SYS_RESOURCE, seccomp=unconfined, systempaths=unconfined, all devices");
            p = checked(docker("privileged-equivalent", "--cap-add", "ALL", "--cap-drop", "SYS_RESOURCE", "--security-opt",
                    "seccomp=unconfined", "--security-opt", "systempaths=unconfined", "--device-cgroup-rule", "a *:* rwm"),
                    "privileged-equivalent");
        } else {
            p = checked(new Rep("docker --privileged", priv), "--privileged");
        }
        p.expect("fail", "privileged/not-privileged", "caps/no-cap-sys-admin", "caps/no-cap-sys-module",
                "seccomp/filter-mode", "cgroup/device-allowlist", "caps/bounding-within-runtime-default");

        Rep a = dockerChecked("--cap-add SYS_ADMIN", "--cap-add", "SYS_ADMIN");
        a.expect("fail", "caps/no-cap-sys-admin", "caps/bounding-within-runtime-default");
        a.expect("pass", "caps/no-cap-sys-module", "caps/no-cap-sys-ptrace", "privileged/not-privileged",
                "seccomp/filter-mode");

        Rep n = dockerChecked("--security-opt no-new-privileges --read-only", "--security-opt", "no-new-privileges", "--read-only");
        n.expect("pass", "nnp/no-new-privs", "mounts/read-only-root", "seccomp/filter-mode");

        Rep s = dockerChecked("-v docker.sock", "-v", "/var/run/docker.sock:/var/run/docker.sock");
        s.expect("fail", "mounts/no-runtime-socket");

        Rep l = dockerChecked("--memory 256m --pids-limit 100", "--memory", "256m", "--pids-limit", "100");
        l.expect("pass", "cgroup/memory-limit", "cgroup/pids-limit");
        l.expect("fail", "cgroup/cpu-limit");
        assertTrue(l.observed.get("probe:cgroup/memory-limit").contains("268435456"));
    }

    // ------------------------------------------------------------------ 7 LXC

    @Test
    @Order(8)
    void lxcBusybox() throws Exception {
        requireRuntime(root && onPath("lxc-create") && Files.exists(Paths.get("/bin/busybox")),
                "lxc and busybox-static as root");
        String name = "cakb-it-" + ProcessHandle.current().pid();
        try {
            Proc c = run(List.of("lxc-create", "-n", name, "-t", "busybox"), 300);
            requireRuntime(c.code == 0, "lxc-create -t busybox failed: " + c.err);
            Path conf = Paths.get("/var/lib/lxc", name, "config");
            String cfg = Files.readString(conf);
            StringBuilder extra = new StringBuilder("\n# cakb IT\n");
            cfg = cfg.replaceAll("(?m)^lxc\\.net\\.0\\..*$", "");
            extra.append("lxc.net.0.type = empty\n");
            for (String d : new String[] {"usr", "lib", "lib64"}) {
                Path real = Paths.get("/" + d).toRealPath();
                extra.append("lxc.mount.entry = ").append(real).append(' ').append(d)
                        .append(" none bind,ro,create=dir 0 0\n");
            }
            extra.append("lxc.mount.entry = /etc/alternatives etc/alternatives none bind,ro,create=dir 0 0\n");
            extra.append("lxc.mount.entry = ").append(jar).append(" agent/cakb-agent.jar none bind,ro,create=file 0 0\n");
            Files.writeString(conf, cfg + extra);
            Proc s = run(List.of("lxc-start", "-n", name, "-l", "DEBUG", "-o", "/tmp/" + name + ".log"), 120);
            requireRuntime(s.code == 0, "lxc-start failed: " + s.err + " (log /tmp/" + name + ".log)");
            run(List.of("lxc-wait", "-n", name, "-s", "RUNNING", "-t", "30"), 60);
            Rep r = new Rep("lxc busybox", run(List.of("lxc-attach", "-n", name, "--clear-env", "--", java,
                    "-XX:-UsePerfData", "-XX:TieredStopAtLevel=1", "-jar", "/agent/cakb-agent.jar", "run"), 180));
            r.noErrors();
            assertEquals("container", r.env("vantage"));
            assertEquals("lxc", r.env("runtime"));
            r.expect("pass", "ns/pid-separate", "ns/mnt-separate", "ns/net-separate", "ns/ipc-separate", "ns/uts-separate",
                    "caps/no-cap-sys-module", "caps/no-cap-mac-admin");
            // lxc-create as root without lxc.idmap: a privileged container
            r.expect("fail", "ns/user-separate", "userns/root-mapped-unprivileged", "caps/no-cap-sys-admin");
        } finally {
            run(List.of("lxc-stop", "-n", name, "-k"), 60);
            run(List.of("lxc-destroy", "-n", name), 120);
        }
    }
}
