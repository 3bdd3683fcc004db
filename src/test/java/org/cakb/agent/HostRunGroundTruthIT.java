package org.cakb.agent;

import static org.cakb.agent.AgentRuntimesIT.requireRuntime;
import static org.cakb.agent.AgentRuntimesIT.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.cakb.agent.AgentRuntimesIT.Proc;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Ground truth for the host run (issue #14): at least 16 Docker containers with different settings, runc with its
 * default and a hardened spec, containerd through ctr, LXC, bwrap and unshare run at the same time; ONE host run of
 * the built jar must attribute each to its runtime and id and give it the verdicts its settings imply. For a subset the
 * agent also runs inside the very same container (docker exec, runc exec, ctr task exec, lxc-attach, with the host's
 * JRE bound read-only), and every container-vantage verdict must be the same from both vantages; the agreement table
 * is printed.
 */
class HostRunGroundTruthIT {
    static final String P = "cakbgt-" + ProcessHandle.current().pid() + "-";
    static final String CTR_NS = "cakbgt";
    static final String CTR_SOCK = "/var/run/docker/containerd/containerd.sock";
    static Path jar;
    static String java;
    /** Label -> how to find it in the host report: runtime and id (or, for sandboxes, the parent pid). */
    static final Map<String, String[]> started = new LinkedHashMap<>();
    /** Label -> command prefix that runs a command inside that container. */
    static final Map<String, List<String>> execIn = new LinkedHashMap<>();
    static final List<Process> sandboxes = new ArrayList<>();
    static final List<String> cleanup = new ArrayList<>();
    static Path runcDefault;
    static Path runcHardened;

    /** Docker settings: label -> options (besides name, JRE binds and the sleeping busybox). */
    static final Map<String, List<String>> DOCKER = new LinkedHashMap<>();

    static {
        DOCKER.put("default", List.of());
        DOCKER.put("cap-add-sys-admin", List.of("--cap-add", "SYS_ADMIN"));
        DOCKER.put("cap-add-net-admin", List.of("--cap-add", "NET_ADMIN"));
        DOCKER.put("cap-drop-all", List.of("--cap-drop", "ALL"));
        DOCKER.put("seccomp-unconfined", List.of("--security-opt", "seccomp=unconfined"));
        DOCKER.put("no-new-privileges", List.of("--security-opt", "no-new-privileges"));
        DOCKER.put("pid-host", List.of("--pid", "host"));
        DOCKER.put("net-host", List.of("--network", "host"));
        DOCKER.put("ipc-host", List.of("--ipc", "host"));
        DOCKER.put("uts-host", List.of("--uts", "host"));
        DOCKER.put("read-only", List.of("--read-only"));
        DOCKER.put("docker-sock", List.of("-v", "/var/run/docker.sock:/var/run/docker.sock"));
        DOCKER.put("host-root", List.of("-v", "/:/host"));
        DOCKER.put("mem-pids-limits", List.of("--memory", "64m", "--pids-limit", "64"));
        DOCKER.put("user-1000", List.of("--user", "1000:1000"));
        DOCKER.put("cgroupns-private", List.of("--cgroupns", "private"));
        DOCKER.put("cgroupns-host", List.of("--cgroupns", "host"));
    }

    /** Containers whose in-container run is compared with the host run. */
    static final List<String> COMPARED = List.of("docker default", "docker cap-add-sys-admin", "docker cap-drop-all",
            "docker seccomp-unconfined", "docker no-new-privileges", "docker pid-host", "docker read-only",
            "docker docker-sock", "docker mem-pids-limits", "docker user-1000", "docker cgroupns-private",
            "runc default", "runc hardened", "containerd ctr", "lxc busybox");

    @BeforeAll
    static void startEverything() throws Exception {
        Assumptions.assumeTrue(System.getProperty("cakb.agent.jar") != null,
                "integration test: runs in failsafe (mvn verify) against the packaged jar");
        jar = Paths.get(System.getProperty("cakb.agent.jar")).toAbsolutePath();
        java = Paths.get(System.getProperty("java.home"), "bin", "java").toString();
        AgentRuntimesIT.jar = jar;
        AgentRuntimesIT.java = java;
        boolean root = "0".equals(run(List.of("id", "-u"), 10).out.trim());
        requireRuntime(root, "the host run needs root");
        requireRuntime(run(List.of("docker", "info"), 30).code == 0, "docker daemon not reachable");
        requireRuntime(run(List.of("docker", "image", "inspect", AgentRuntimesIT.IMAGE), 30).code == 0,
                "image " + AgentRuntimesIT.IMAGE + " missing (.ci/setup-runtimes.sh builds it)");
        for (Map.Entry<String, List<String>> e : DOCKER.entrySet()) {
            String name = P + e.getKey();
            List<String> cmd = new ArrayList<>(List.of("docker", "run", "-d", "--name", name, "--label", "cakb.gt=1"));
            cmd.addAll(jreBinds());
            cmd.addAll(e.getValue());
            cmd.addAll(List.of(AgentRuntimesIT.IMAGE, "/bin/busybox", "sleep", "3600"));
            Proc p = run(cmd, 120);
            cleanup.add("docker:" + name);
            assertEquals(0, p.code, "docker run " + e.getKey() + ": " + p.err);
            String id = p.out.trim();
            started.put("docker " + e.getKey(), new String[] {"docker", id});
            execIn.put("docker " + e.getKey(), List.of("docker", "exec", name));
        }
        startRunc("default", false);
        startRunc("hardened", true);
        startCtr();
        startLxc();
        startSandbox("bwrap", List.of("bwrap", "--ro-bind", "/", "/", "--proc", "/proc", "--dev", "/dev",
                "--unshare-pid", "--unshare-ipc", "--unshare-uts", "--unshare-net", "/bin/busybox", "sleep", "3600"));
        startSandbox("unshare", List.of("unshare", "--mount", "--uts", "--ipc", "--net", "--pid", "--fork",
                "--mount-proc", "/bin/busybox", "sleep", "3600"));
        Thread.sleep(500); // the sandboxes' inner processes
    }

    static List<String> jreBinds() throws Exception {
        List<String> b = new ArrayList<>();
        for (String d : new String[] {"/usr", "/lib", "/lib64", "/etc/alternatives"}) {
            if (Files.exists(Paths.get(d))) {
                b.addAll(List.of("-v", d + ":" + d + ":ro"));
            }
        }
        b.addAll(List.of("-v", jar + ":/agent/cakb-agent.jar:ro"));
        return b;
    }

    static void startRunc(String label, boolean hardened) throws Exception {
        if (!AgentRuntimesIT.onPath("runc")) {
            requireRuntime(false, "runc not installed");
        }
        Path b = AgentRuntimesIT.runcBundle("gt-" + label, hardened);
        Files.copy(Paths.get("/bin/busybox"), b.resolve("rootfs/bin/busybox"));
        @SuppressWarnings("unchecked")
        Map<String, Object> cfg = (Map<String, Object>) Json.parse(Files.readString(b.resolve("config.json")));
        @SuppressWarnings("unchecked")
        Map<String, Object> process = (Map<String, Object>) cfg.get("process");
        process.put("args", List.of("/bin/busybox", "sleep", "3600"));
        Files.writeString(b.resolve("config.json"), Json.write(cfg, true));
        String id = P + "runc-" + label;
        cleanup.add("runc:" + id);
        Proc p = run(List.of("runc", "run", "--detach", "--bundle", b.toString(), id), 120);
        assertEquals(0, p.code, "runc run " + label + ": " + p.err);
        started.put("runc " + label, new String[] {"runc", id});
        execIn.put("runc " + label, List.of("runc", "exec", id));
    }

    static void startCtr() throws Exception {
        requireRuntime(AgentRuntimesIT.onPath("ctr") && Files.exists(Paths.get(CTR_SOCK)),
                "ctr or Docker's containerd socket missing");
        Path tar = Files.createTempFile("cakbgt-image", ".tar");
        try {
            Proc save = run(List.of("docker", "save", "-o", tar.toString(), AgentRuntimesIT.IMAGE), 120);
            assertEquals(0, save.code, "docker save: " + save.err);
            Proc imp = run(ctr("image", "import", tar.toString()), 120);
            assertEquals(0, imp.code, "ctr image import: " + imp.err);
        } finally {
            Files.deleteIfExists(tar);
        }
        String id = P + "ctr";
        List<String> cmd = ctr("run", "-d");
        for (String d : new String[] {"/usr", "/lib", "/lib64", "/etc/alternatives"}) {
            cmd.addAll(List.of("--mount", "type=bind,src=" + d + ",dst=" + d + ",options=rbind:ro"));
        }
        cmd.addAll(List.of("--mount", "type=bind,src=" + jar + ",dst=/agent/cakb-agent.jar,options=rbind:ro",
                "docker.io/library/" + AgentRuntimesIT.IMAGE, id, "/bin/busybox", "sleep", "3600"));
        cleanup.add("ctr:" + id);
        Proc p = run(cmd, 120);
        assertEquals(0, p.code, "ctr run: " + p.err + p.out);
        started.put("containerd ctr", new String[] {"containerd", id});
        execIn.put("containerd ctr", ctr("task", "exec", "--exec-id", "agent" + ProcessHandle.current().pid(), id));
    }

    static List<String> ctr(String... args) {
        List<String> c = new ArrayList<>(List.of("ctr", "--address", CTR_SOCK, "-n", CTR_NS));
        c.addAll(List.of(args));
        return c;
    }

    static void startLxc() throws Exception {
        requireRuntime(AgentRuntimesIT.onPath("lxc-create") && Files.exists(Paths.get("/bin/busybox")), "lxc missing");
        String name = P + "lxc";
        cleanup.add("lxc:" + name);
        Proc c = run(List.of("lxc-create", "-n", name, "-t", "busybox"), 300);
        requireRuntime(c.code == 0, "lxc-create -t busybox failed: " + c.err);
        Path conf = Paths.get("/var/lib/lxc", name, "config");
        StringBuilder extra = new StringBuilder("\nlxc.net.0.type = empty\n");
        for (String d : new String[] {"usr", "lib", "lib64"}) {
            extra.append("lxc.mount.entry = ").append(Paths.get("/" + d).toRealPath()).append(' ').append(d)
                    .append(" none bind,ro,create=dir 0 0\n");
        }
        extra.append("lxc.mount.entry = /etc/alternatives etc/alternatives none bind,ro,create=dir 0 0\n");
        extra.append("lxc.mount.entry = ").append(jar).append(" agent/cakb-agent.jar none bind,ro,create=file 0 0\n");
        Files.writeString(conf, Files.readString(conf).replaceAll("(?m)^lxc\\.net\\.0\\..*$", "") + extra);
        Proc s = run(List.of("lxc-start", "-n", name), 120);
        requireRuntime(s.code == 0, "lxc-start failed: " + s.err);
        run(List.of("lxc-wait", "-n", name, "-s", "RUNNING", "-t", "30"), 60);
        started.put("lxc busybox", new String[] {"lxc", name});
        execIn.put("lxc busybox", List.of("lxc-attach", "-n", name, "--clear-env", "--"));
    }

    static void startSandbox(String label, List<String> cmd) throws Exception {
        requireRuntime(AgentRuntimesIT.onPath(cmd.get(0)), cmd.get(0) + " missing");
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        sandboxes.add(p);
        started.put(label, new String[] {"sandbox", "parent:" + p.pid()});
    }

    @AfterAll
    static void removeEverything() throws Exception {
        for (Process p : sandboxes) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
        }
        for (String c : cleanup) {
            String kind = c.substring(0, c.indexOf(':'));
            String id = c.substring(c.indexOf(':') + 1);
            switch (kind) {
                case "docker": run(List.of("docker", "rm", "-f", id), 60); break;
                case "runc": run(List.of("runc", "delete", "--force", id), 60); break;
                case "ctr":
                    run(ctr("task", "kill", "-s", "SIGKILL", id), 30);
                    Thread.sleep(300);
                    run(ctr("task", "delete", id), 30);
                    run(ctr("container", "delete", id), 30);
                    break;
                case "lxc":
                    run(List.of("lxc-stop", "-n", id, "-k"), 60);
                    run(List.of("lxc-destroy", "-n", id), 120);
                    break;
                default: break;
            }
        }
    }

    // ------------------------------------------------------------------ the host run

    @SuppressWarnings("unchecked")
    static Map<String, Map<String, Object>> hostRun() throws Exception {
        long t0 = System.nanoTime();
        Proc p = run(List.of(java, "-XX:-UsePerfData", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-jar",
                jar.toString(), "run"), 180);
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertTrue(p.code == 0 || p.code == 1, "host run exit " + p.code + ": " + p.err);
        Map<String, Object> report = (Map<String, Object>) Json.parse(p.out);
        assertEquals(2L, ((Number) report.get("format")).longValue());
        List<Map<String, Object>> containers = (List<Map<String, Object>>) report.get("containers");
        System.out.println("[HostRunGroundTruthIT] one host run: " + ms + " ms wall, " + containers.size()
                + " containers found");
        Map<String, Map<String, Object>> byLabel = new LinkedHashMap<>();
        for (Map.Entry<String, String[]> e : started.entrySet()) {
            String runtime = e.getValue()[0];
            String id = e.getValue()[1];
            Map<String, Object> hit = null;
            for (Map<String, Object> c : containers) {
                if (!runtime.equals(c.get("runtime"))) {
                    continue;
                }
                if (id.startsWith("parent:") ? parentOf(((Number) c.get("pid")).intValue()) == Long.parseLong(id.substring(7))
                        : id.equals(c.get("id"))) {
                    hit = c;
                }
            }
            assertNotNull(hit, e.getKey() + ": not found as " + runtime + " " + id + " among "
                    + containers.stream().map(c -> c.get("runtime") + " " + c.get("id") + " pid " + c.get("pid")).toList());
            byLabel.put(e.getKey(), hit);
            System.out.println("[HostRunGroundTruthIT] " + e.getKey() + " -> " + hit.get("runtime") + " id " + hit.get("id")
                    + " name " + hit.get("name") + " image " + hit.get("image") + " pid " + hit.get("pid")
                    + " cgroup " + hit.get("cgroup") + " " + hit.get("summary"));
        }
        return byLabel;
    }

    static long parentOf(int pid) {
        try {
            String stat = Files.readString(Paths.get("/proc/" + pid + "/stat"));
            return Long.parseLong(stat.substring(stat.lastIndexOf(')') + 2).split(" ")[1]);
        } catch (Exception e) {
            return -1;
        }
    }

    @SuppressWarnings("unchecked")
    static Map<String, String> statuses(List<Object> results) {
        Map<String, String> m = new LinkedHashMap<>();
        for (Object o : results) {
            Map<String, Object> r = (Map<String, Object>) o;
            m.put(((String) r.get("id")).substring("probe:".length()), (String) r.get("status"));
        }
        return m;
    }

    static void expect(Map<String, Map<String, Object>> all, String label, String status, String... checks) {
        @SuppressWarnings("unchecked")
        Map<String, String> s = statuses((List<Object>) all.get(label).get("results"));
        for (String c : checks) {
            assertEquals(status, s.get(c), label + ": " + c + " in " + all.get(label).get("results"));
        }
    }

    @Test
    void oneHostRunGivesEveryContainerItsVerdictsAndAgreesWithInContainerRuns() throws Exception {
        Map<String, Map<String, Object>> h = hostRun();
        assertTrue(h.keySet().stream().filter(k -> k.startsWith("docker ")).count() >= 16, "at least 16 Docker containers");
        for (Map.Entry<String, Map<String, Object>> e : h.entrySet()) {
            @SuppressWarnings("unchecked")
            Map<String, String> s = statuses((List<Object>) e.getValue().get("results"));
            assertTrue(s.size() >= 40, e.getKey() + ": container-vantage checks evaluated");
            assertTrue(!s.containsValue("error"), e.getKey() + ": no errors: " + e.getValue().get("results"));
        }
        // attribution: names and images from Docker's metadata, LXC's name from its cgroup
        assertEquals(P + "default", h.get("docker default").get("name"));
        assertEquals(AgentRuntimesIT.IMAGE, h.get("docker default").get("image"));
        assertEquals(P + "lxc", h.get("lxc busybox").get("name"));

        String[] dockerDefaultPass = {"caps/no-cap-sys-admin", "caps/no-cap-net-admin", "caps/no-cap-sys-module",
            "caps/bounding-within-runtime-default", "seccomp/filter-mode", "ns/pid-separate", "ns/mnt-separate",
            "ns/net-separate", "ns/ipc-separate", "ns/uts-separate", "privileged/not-privileged", "masked/proc-kcore",
            "masked/sys-firmware", "mounts/proc-sys-read-only", "mounts/sysfs-read-only", "mounts/no-runtime-socket",
            "mounts/no-writable-host-mounts", "cgroup/device-allowlist"};
        String[] dockerDefaultFail = {"caps/no-cap-net-raw", "nnp/no-new-privs", "mounts/read-only-root",
            "cgroup/memory-limit", "cgroup/pids-limit", "user/non-root-uid", "ns/user-separate",
            "userns/root-mapped-unprivileged", "ns/cgroup-separate"};
        expect(h, "docker default", "pass", dockerDefaultPass);
        expect(h, "docker default", "fail", dockerDefaultFail);
        expect(h, "docker cgroupns-host", "fail", "ns/cgroup-separate");
        expect(h, "docker cap-add-sys-admin", "fail", "caps/no-cap-sys-admin");
        expect(h, "docker cap-add-sys-admin", "pass", "caps/no-cap-net-admin", "seccomp/filter-mode");
        expect(h, "docker cap-add-net-admin", "fail", "caps/no-cap-net-admin");
        expect(h, "docker cap-add-net-admin", "pass", "caps/no-cap-sys-admin");
        expect(h, "docker cap-drop-all", "pass", "caps/no-cap-net-raw", "caps/runc-default-three",
                "caps/no-ambient-capabilities", "caps/no-cap-sys-admin");
        expect(h, "docker seccomp-unconfined", "fail", "seccomp/filter-mode");
        expect(h, "docker no-new-privileges", "pass", "nnp/no-new-privs", "seccomp/filter-mode");
        expect(h, "docker pid-host", "fail", "ns/pid-separate");
        expect(h, "docker pid-host", "pass", "ns/net-separate", "ns/mnt-separate");
        expect(h, "docker net-host", "fail", "ns/net-separate");
        expect(h, "docker net-host", "pass", "ns/pid-separate");
        expect(h, "docker ipc-host", "fail", "ns/ipc-separate");
        expect(h, "docker ipc-host", "pass", "ns/uts-separate");
        expect(h, "docker uts-host", "fail", "ns/uts-separate");
        expect(h, "docker uts-host", "pass", "ns/ipc-separate");
        expect(h, "docker read-only", "pass", "mounts/read-only-root");
        expect(h, "docker docker-sock", "fail", "mounts/no-runtime-socket");
        expect(h, "docker host-root", "fail", "mounts/no-sensitive-host-mounts", "mounts/no-writable-host-mounts");
        expect(h, "docker mem-pids-limits", "pass", "cgroup/memory-limit", "cgroup/pids-limit");
        expect(h, "docker user-1000", "pass", "user/non-root-uid");
        expect(h, "docker cgroupns-private", "pass", "ns/cgroup-separate");
        for (String k : DOCKER.keySet()) {
            if (!k.equals("default")) {
                expect(h, "docker " + k, "pass", "privileged/not-privileged");
            }
        }

        expect(h, "runc default", "pass", "caps/runc-default-three", "nnp/no-new-privs", "ns/pid-separate",
                "ns/mnt-separate", "ns/net-separate", "masked/proc-kcore", "mounts/proc-sys-read-only");
        expect(h, "runc default", "fail", "seccomp/filter-mode", "ns/user-separate", "userns/root-mapped-unprivileged",
                "cgroup/memory-limit");
        expect(h, "runc hardened", "pass", "seccomp/filter-mode", "nnp/no-new-privs", "mounts/read-only-root",
                "ns/user-separate", "userns/root-mapped-unprivileged", "cgroup/memory-limit", "cgroup/pids-limit");
        expect(h, "runc hardened", "fail", "user/non-root-uid"); // root inside the user namespace
        expect(h, "containerd ctr", "pass", "ns/pid-separate", "ns/mnt-separate", "caps/no-cap-sys-admin",
                "caps/bounding-within-runtime-default");
        expect(h, "containerd ctr", "fail", "ns/user-separate", "seccomp/filter-mode", "mounts/read-only-root");
        expect(h, "lxc busybox", "pass", "ns/pid-separate", "ns/mnt-separate", "ns/net-separate", "ns/uts-separate",
                "caps/no-cap-sys-module");
        expect(h, "lxc busybox", "fail", "ns/user-separate", "caps/no-cap-sys-admin");
        expect(h, "bwrap", "pass", "ns/pid-separate", "ns/ipc-separate", "ns/uts-separate", "ns/net-separate",
                "ns/mnt-separate");
        expect(h, "bwrap", "fail", "seccomp/filter-mode", "ns/user-separate");
        expect(h, "unshare", "pass", "ns/pid-separate", "ns/mnt-separate", "ns/net-separate", "ns/ipc-separate",
                "ns/uts-separate");
        expect(h, "unshare", "fail", "ns/user-separate", "seccomp/filter-mode", "caps/no-cap-sys-admin");

        agreement(h);
    }

    @SuppressWarnings("unchecked")
    static void agreement(Map<String, Map<String, Object>> h) throws Exception {
        Map<String, Map<String, String>> host = new LinkedHashMap<>();
        Map<String, Map<String, String>> inside = new LinkedHashMap<>();
        for (String label : COMPARED) {
            List<String> cmd = new ArrayList<>(execIn.get(label));
            cmd.addAll(List.of(java, "-XX:-UsePerfData",
                    "-XX:TieredStopAtLevel=1", "-jar", "/agent/cakb-agent.jar", "run"));
            Proc p = run(cmd, 180);
            assertTrue(p.code == 0 || p.code == 1, label + ": in-container run exit " + p.code + ": " + p.err + p.out);
            Map<String, Object> rep = (Map<String, Object>) Json.parse(p.out.substring(p.out.indexOf('{')));
            assertEquals("container", ((Map<String, Object>) rep.get("environment")).get("vantage"), label);
            assertTrue(((List<Object>) rep.get("containers")).isEmpty(), label + ": no scan inside a container");
            Map<String, String> in = statuses((List<Object>) rep.get("results"));
            Map<String, String> out = statuses((List<Object>) h.get(label).get("results"));
            in.keySet().retainAll(out.keySet()); // the container-vantage checks
            host.put(label, out);
            inside.put(label, in);
        }
        TreeSet<String> checks = new TreeSet<>(host.values().iterator().next().keySet());
        StringBuilder t = new StringBuilder("\n[HostRunGroundTruthIT] agreement: host run / in-container run "
                + "(P pass, F fail, N not-applicable, E error; * disagreement, ~ explained below)\n");
        t.append(String.format("%-42s", "check"));
        for (int i = 0; i < COMPARED.size(); i++) {
            t.append(String.format(" %-5s", "c" + (i + 1)));
        }
        t.append('\n');
        List<String> disagreements = new ArrayList<>();
        List<String> explained = new ArrayList<>();
        for (String c : checks) {
            t.append(String.format("%-42s", c));
            for (String label : COMPARED) {
                String a = host.get(label).get(c);
                String b = inside.get(label).get(c);
                boolean same = a != null && a.equals(b);
                boolean hiddenInside = !same && c.startsWith("cgroup/") && "not-applicable".equals(b)
                        && ("pass".equals(a) || "fail".equals(a));
                if (hiddenInside) {
                    explained.add(label + ": " + c);
                } else if (!same) {
                    disagreements.add(label + ": " + c + " host " + a + " / inside " + b);
                }
                t.append(String.format(" %-5s", letter(a) + "/" + letter(b) + (same ? "" : hiddenInside ? "~" : "*")));
            }
            t.append('\n');
        }
        for (int i = 0; i < COMPARED.size(); i++) {
            t.append("  c").append(i + 1).append(" = ").append(COMPARED.get(i)).append('\n');
        }
        int cells = checks.size() * COMPARED.size();
        t.append("  ").append(cells - disagreements.size() - explained.size()).append(" of ").append(cells)
                .append(" verdicts agree; ").append(explained.size()).append(" differ for a stated reason (~), ")
                .append(disagreements.size()).append(" disagree (*)\n");
        if (!explained.isEmpty()) {
            t.append("  ~ the container has no cgroup filesystem mounted (ctr's default spec, the LXC busybox template on\n"
                    + "    cgroup v1), so from inside no limit is visible (not-applicable); the host reads the same cgroup's\n"
                    + "    limit files: ").append(String.join(", ", explained)).append('\n');
        }
        System.out.println(t);
        assertTrue(disagreements.isEmpty(), "host and in-container verdicts differ: " + disagreements);
    }

    static String letter(String s) {
        return s == null ? "-" : s.equals("pass") ? "P" : s.equals("fail") ? "F" : s.equals("error") ? "E" : "N";
    }
}
