package org.cakb.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Container discovery and attribution against a fixture /proc: runtimes from cgroup paths and state dirs, init = first member. */
class ContainerDiscoveryTest {
    static final String HEX = "871cd4e4d68891f1377acc2ff022c7d64a6f0698f9c4eb087ba24c9cdd32fb34";
    static final String SECRET = "TOKEN=do-not-report-" + System.nanoTime();

    @TempDir
    Path root;

    void proc(int pid, int ppid, String cgroupPath, String pidNs, String userNs) throws Exception {
        Path d = Files.createDirectories(root.resolve("proc/" + pid + "/ns"));
        Files.writeString(d.getParent().resolve("cgroup"), "9:pids:" + cgroupPath + "\n4:memory:" + cgroupPath + "\n0::/\n");
        Files.writeString(d.getParent().resolve("stat"), pid + " (a b) c) S " + ppid + " 1 1 0 -1\n");
        Files.writeString(d.getParent().resolve("comm"), "sleep\n");
        Files.createSymbolicLink(d.resolve("pid"), Paths.get(pidNs));
        Files.createSymbolicLink(d.resolve("user"), Paths.get(userNs));
    }

    @Test
    void findsEachRuntimeAndItsInitButNotHostServicesOrMonitors() throws Exception {
        String hostPid = "pid:[4026531836]";
        String hostUser = "user:[4026531837]";
        Files.createDirectories(root.resolve("proc/self/ns"));
        Files.createSymbolicLink(root.resolve("proc/self/ns/pid"), Paths.get(hostPid));
        Files.createSymbolicLink(root.resolve("proc/self/ns/user"), Paths.get(hostUser));
        proc(100, 50, "/docker/" + HEX, "pid:[4026532200]", hostUser);
        proc(101, 100, "/docker/" + HEX, "pid:[4026532200]", hostUser);
        proc(200, 1, "/user.slice/myrunc", "pid:[4026532300]", hostUser);
        proc(300, 1, "/system.slice/foo.service", hostPid, hostUser); // PrivateTmp=: own mount namespace only
        proc(400, 399, "/user.slice", "pid:[4026532400]", hostUser);
        proc(401, 400, "/user.slice", "pid:[4026532400]", hostUser);
        proc(399, 1, "/user.slice", hostPid, hostUser);
        proc(500, 1, "/lxc.payload.web", "pid:[4026532500]", hostUser);
        proc(501, 1, "/lxc.monitor.web", hostPid, hostUser);
        proc(600, 1, "/k8s.io/" + HEX.replace('8', '9'), "pid:[4026532600]", "user:[4026532601]");
        Files.createDirectories(root.resolve("run/runc/myrunc"));
        Path task = Files.createDirectories(root.resolve("run/containerd/io.containerd.runtime.v2.task/k8s.io/" + HEX.replace('8', '9')));
        Files.writeString(task.resolve("config.json"), "{\"process\": {\"env\": [\"" + SECRET + "\"]}, \"annotations\": {"
                + "\"io.kubernetes.cri.sandbox-namespace\": \"shop\", \"io.kubernetes.cri.sandbox-name\": \"web-0\","
                + "\"io.kubernetes.cri.container-name\": \"nginx\", \"io.kubernetes.cri.image-name\": \"nginx:1.27\"}}");
        Path dc = Files.createDirectories(root.resolve("var/lib/docker/containers/" + HEX));
        Files.writeString(dc.resolve("config.v2.json"), "{\"Name\": \"/web\", \"Config\": {\"Image\": \"busybox:1\", \"Env\": [\""
                + SECRET + "\"]}}");

        List<DiscoveredContainer> found = new ContainerDiscovery(SystemFiles.at(root, Map.of())).scan();
        Map<String, DiscoveredContainer> byRuntime = found.stream().collect(Collectors.toMap(c -> c.runtime, c -> c));
        assertEquals(List.of("docker", "runc", "sandbox", "lxc", "containerd"),
                found.stream().map(c -> c.runtime).collect(Collectors.toList()), found.toString());
        DiscoveredContainer d = byRuntime.get("docker");
        assertEquals(HEX, d.id);
        assertEquals(100, d.pid, "init = the member whose parent is outside");
        assertEquals("web", d.name);
        assertEquals("busybox:1", d.image);
        assertEquals("/docker/" + HEX, d.cgroup, "v1 memory controller path");
        assertEquals(200, byRuntime.get("runc").pid);
        assertEquals("myrunc", byRuntime.get("runc").id);
        assertEquals(400, byRuntime.get("sandbox").pid);
        assertEquals("pidns-4026532400", byRuntime.get("sandbox").id);
        assertEquals("web", byRuntime.get("lxc").name);
        DiscoveredContainer k = byRuntime.get("containerd");
        assertEquals("shop/web-0/nginx", k.name);
        assertEquals("nginx:1.27", k.image);
        for (DiscoveredContainer c : found) {
            assertFalse(String.valueOf(c.evidence).contains(SECRET) || String.valueOf(c.name).contains(SECRET)
                    || String.valueOf(c.image).contains(SECRET), "environment never reported");
        }
    }

    @Test
    void cgroupPathsNameTheirRuntime() {
        assertEquals("docker", CgroupAttribution.of("/system.slice/docker-" + HEX + ".scope").runtime);
        assertEquals("docker", CgroupAttribution.of("/docker/" + HEX).runtime);
        assertEquals("containerd", CgroupAttribution.of("/kubepods.slice/kubepods-pod1.slice/cri-containerd-" + HEX + ".scope").runtime);
        assertEquals("cri-o", CgroupAttribution.of("/kubepods.slice/kubepods-besteffort.slice/crio-" + HEX + ".scope").runtime);
        assertEquals("podman", CgroupAttribution.of("/machine.slice/libpod-" + HEX + ".scope/container").runtime);
        assertNull(CgroupAttribution.of("/machine.slice/libpod-conmon-" + HEX + ".scope"));
        assertEquals("kubernetes?", CgroupAttribution.of("/kubepods/besteffort/pod1234/" + HEX).runtime);
        assertEquals("lxc", CgroupAttribution.of("/lxc/web").runtime);
        assertNull(CgroupAttribution.of("/lxc.monitor.web"));
        CgroupAttribution.Hit n = CgroupAttribution.of("/machine.slice/systemd-nspawn@deb\\x2dtest.service/payload");
        assertEquals("systemd-nspawn", n.runtime);
        assertEquals("deb-test", n.name);
        assertNull(CgroupAttribution.of("/system.slice/ssh.service"));
        assertNull(CgroupAttribution.of("/"));
    }

    @Test
    void uidsAreTranslatedIntoTheContainersUserNamespace() throws Exception {
        Path d = Files.createDirectories(root.resolve("proc/700"));
        Files.writeString(d.resolve("status"), "Name:\tsh\nUid:\t100000\t100000\t100000\t100000\nGid:\t101000\t101000\t101000\t101000\n");
        Files.writeString(d.resolve("uid_map"), "         0     100000      65536\n");
        Files.writeString(d.resolve("gid_map"), "         0     100000      65536\n");
        Files.writeString(d.resolve("mountinfo"), "");
        Files.writeString(d.resolve("cgroup"), "");
        Target t = Target.process(SystemFiles.at(root, Map.of()), 700, MountInfo.parse(""));
        assertEquals("0", t.status.column("Uid", 0));
        assertEquals("1000", t.status.column("Gid", 3));
    }
}
