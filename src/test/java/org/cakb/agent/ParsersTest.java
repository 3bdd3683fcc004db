package org.cakb.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ParsersTest {
    @TempDir
    Path tmp;

    @Test
    void decodesDockerDefaultCapabilityMask() {
        List<String> names = Capabilities.names(Capabilities.parseMask("00000000a80425fb"));
        assertEquals(List.of("CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_FOWNER", "CAP_FSETID", "CAP_KILL", "CAP_SETGID",
                "CAP_SETUID", "CAP_SETPCAP", "CAP_NET_BIND_SERVICE", "CAP_NET_RAW", "CAP_SYS_CHROOT", "CAP_MKNOD",
                "CAP_AUDIT_WRITE", "CAP_SETFCAP"), names);
        assertEquals(41, Capabilities.names(Capabilities.parseMask("000001ffffffffff")).size());
        assertEquals(List.of("CAP_NET_BIND_SERVICE", "CAP_AUDIT_WRITE"), Capabilities.names(0x20000400L));
        assertEquals(21, Capabilities.bit("sys_admin"));
        assertEquals(21, Capabilities.bit("CAP_SYS_ADMIN"));
        assertEquals(-1, Capabilities.bit("CAP_NOPE"));
        assertEquals("CAP_63", Capabilities.names(Capabilities.parseMask("8000000000000000")).get(0));
        assertThrows(NumberFormatException.class, () -> Capabilities.parseMask("xyz"));
        assertThrows(NumberFormatException.class, () -> Capabilities.parseMask("00000000000000000"));
    }

    @Test
    void parsesProcStatus() throws Exception {
        ProcStatus st = ProcStatus.parse(Fixtures.text("status-hardened.txt"));
        assertEquals("1", st.get("NoNewPrivs"));
        assertEquals("2", st.get("Seccomp"));
        assertEquals("1000", st.column("Uid", 1));
        assertNull(st.get("Nope"));
        assertNull(st.column("Uid", 9));
        assertTrue(ProcStatus.parse(null).isEmpty());
    }

    @Test
    void parsesMountinfoOfDockerOnCgroupV1() throws Exception {
        MountInfo mi = MountInfo.parse(Fixtures.text("mountinfo-docker-cgroup-v1.txt"));
        assertEquals(16, mi.all().size());
        MountInfo.Mount root = mi.covering("/");
        assertEquals("overlay", root.fsType);
        assertFalse(root.readOnly());
        MountInfo.Mount procSys = mi.covering("/proc/sys/kernel/core_pattern");
        assertEquals("/proc/sys", procSys.mountPoint);
        assertTrue(procSys.readOnly());
        assertEquals("/proc", mi.covering("/proc/self/status").mountPoint);
        assertEquals("/home/alice/My Files", mi.at("/data").get(0).root, "octal escape \\040 decoded");
        assertTrue(mi.all().get(6).superOptions.contains("memory"));
        assertTrue(mi.at("/proc/kcore").size() == 1);
        assertNull(MountInfo.parseLine("garbage line"));
    }

    @Test
    void findsCgroupV1LimitsInDockerContainer() throws Exception {
        SystemFiles fs = Fixtures.dockerV1(tmp, "status-docker-default.txt");
        MountInfo mi = MountInfo.parse(fs.read("/proc/self/mountinfo"));
        Cgroups cg = new Cgroups(fs, fs.read("/proc/self/cgroup"), mi);
        assertEquals("v1", cg.mode());
        assertEquals("/sys/fs/cgroup/memory", cg.v1Dir("memory"), "mount root equals our cgroup path");
        Cgroups.Limit mem = cg.limit("memory");
        assertTrue(mem.limited);
        assertEquals("268435456", mem.raw);
        assertTrue(cg.limit("pids").limited);
        assertFalse(cg.limit("cpu").limited);
        assertNull(cg.limit("blkio"), "no blkio controller mounted");
        assertFalse(Cgroups.limitedBytes("9223372036854771712"));
        assertTrue(Cgroups.limitedBytes("268435456"));
    }

    @Test
    void findsCgroupV2LimitsOnHost() throws Exception {
        Fixtures.put(tmp, "/proc/self/mountinfo", Fixtures.text("mountinfo-host-cgroup-v2.txt"));
        Fixtures.put(tmp, "/proc/self/cgroup", Fixtures.text("cgroup-docker-v2.txt"));
        String dir = "/sys/fs/cgroup/system.slice/docker-4f2a.scope";
        Fixtures.put(tmp, dir + "/cgroup.controllers", "cpuset cpu io memory pids\n");
        Fixtures.put(tmp, dir + "/memory.max", "536870912\n");
        Fixtures.put(tmp, dir + "/pids.max", "max\n");
        Fixtures.put(tmp, dir + "/cpu.max", "50000 100000\n");
        Fixtures.put(tmp, dir + "/io.max", "8:0 rbps=max wbps=1048576 riops=max wiops=max\n");
        Fixtures.put(tmp, "/sys/fs/cgroup/system.slice/pids.max", "500\n");
        SystemFiles fs = SystemFiles.at(tmp, Map.of());
        MountInfo mi = MountInfo.parse(fs.read("/proc/self/mountinfo"));
        Cgroups cg = new Cgroups(fs, fs.read("/proc/self/cgroup"), mi);
        assertEquals("v2", cg.mode());
        assertEquals(dir, cg.v2Dir());
        assertEquals("536870912", cg.limit("memory").raw);
        Cgroups.Limit pids = cg.limit("pids");
        assertTrue(pids.limited, "ancestor's pids.max counts");
        assertEquals("500", pids.raw);
        assertTrue(cg.limit("cpu").limited);
        assertTrue(cg.limit("blkio").limited);
        assertNull(cg.v1DevicesList());
    }

    @Test
    void namespaceInodesAndKernelVersions() throws Exception {
        assertEquals(4026531836L, Namespaces.inode("pid:[4026531836]"));
        assertEquals(-1, Namespaces.inode("garbage"));
        assertEquals(6, Namespaces.kernelVersion("6.18.44-fc-v595")[0]);
        assertEquals(18, Namespaces.kernelVersion("6.18.44-fc-v595")[1]);
        SystemFiles fs = Fixtures.dockerV1(tmp, "status-docker-default.txt");
        assertEquals(Boolean.TRUE, Namespaces.check(fs, "pid", "6.18.1").separate);
        assertEquals(Boolean.FALSE, Namespaces.check(fs, "user", "6.18.1").separate);
        assertEquals(Boolean.FALSE, Namespaces.check(fs, "time", "6.18.1").separate);
        assertEquals(Boolean.TRUE, Namespaces.check(fs, "net", "6.18.1").separate);
        // before 6.18 net has no fixed initial number: without the host's PID 1 it is undetermined, not guessed
        assertNull(Namespaces.check(fs, "net", "5.10.0").separate);
        assertNull(Namespaces.check(fs, "ipc", "6.18.1").separate, "no ipc link in the fixture");
    }

    @Test
    void detectsContainerRuntimesFromCgroupPaths() {
        assertEquals("docker", Environment.cgroupRuntime("4:memory:/docker/90c7bd9b0fb2\n"));
        assertEquals("docker", Environment.cgroupRuntime("0::/system.slice/docker-4f2a.scope\n"));
        assertEquals("kubernetes", Environment.cgroupRuntime("0::/kubepods.slice/kubepods-burstable.slice/cri-containerd-1.scope\n"));
        assertEquals("lxc", Environment.cgroupRuntime("0::/lxc.payload.c1\n"));
        assertEquals("podman", Environment.cgroupRuntime("0::/machine.slice/libpod-5e1.scope\n"));
        assertNull(Environment.cgroupRuntime("0::/\n9:name=systemd:/\n"));
        assertNull(Environment.cgroupRuntime("0::/user.slice/user-1000.slice/session-2.scope\n"));
    }

    @Test
    void detectsDockerVantage() throws Exception {
        SystemFiles fs = Fixtures.dockerV1(tmp, "status-docker-default.txt");
        Environment env = Environment.detect(fs, MountInfo.parse(fs.read("/proc/self/mountinfo")), "6.18.1");
        assertEquals("container", env.vantage);
        assertEquals("docker", env.runtime);
        assertTrue(env.evidence.contains("root filesystem is overlay"));
    }

    @Test
    void staleMarkerOnHostIsIgnored() throws Exception {
        Fixtures.put(tmp, "/.dockerenv", "");
        Fixtures.put(tmp, "/proc/self/mountinfo", Fixtures.text("mountinfo-host-cgroup-v2.txt"));
        Fixtures.link(tmp, "/proc/self/ns/pid", "pid:[4026531836]");
        Fixtures.link(tmp, "/proc/self/ns/user", "user:[4026531837]");
        Fixtures.link(tmp, "/proc/self/ns/mnt", "mnt:[4026531832]");
        SystemFiles fs = SystemFiles.at(tmp, Map.of());
        Environment env = Environment.detect(fs, MountInfo.parse(fs.read("/proc/self/mountinfo")), "6.18.1");
        assertEquals("host", env.vantage);
        Environment lxc = Environment.detect(SystemFiles.at(tmp.resolve("nothing"), Map.of("container", "lxc")),
                MountInfo.parse(""), "5.10.0");
        assertEquals("container", lxc.vantage);
        assertEquals("lxc", lxc.runtime);
    }

    @Test
    void jsonRoundTrip() {
        Object v = Json.parse("{\"a\": [1, -2.5, true, null, \"x\\n\\u00e9\\\"\"], \"b\": {}}");
        assertNotNull(v);
        Map<?, ?> m = (Map<?, ?>) v;
        assertEquals(java.util.Arrays.asList(1L, -2.5, true, null, "x\né\""), m.get("a"));
        assertEquals(v, Json.parse(Json.write(v, true)));
        assertEquals(v, Json.parse(Json.write(v, false)));
        assertThrows(IllegalArgumentException.class, () -> Json.parse("{\"a\": }"));
        assertThrows(IllegalArgumentException.class, () -> Json.parse("[1, 2"));
        assertThrows(IllegalArgumentException.class, () -> Json.parse("{} x"));
        assertEquals("\"\\u0001\"", Json.write("\u0001", false));
    }

    @Test
    void idMapLookup() {
        List<long[]> map = ProcessChecks.idMap("         0     100000      65536\n");
        assertEquals(100000, ProcessChecks.mapId(map, 0));
        assertEquals(100005, ProcessChecks.mapId(map, 5));
        assertEquals(-1, ProcessChecks.mapId(map, 70000));
    }

    @Test
    void isoTimestamps() {
        assertEquals(java.time.Instant.ofEpochMilli(0).toString().replace("Z", ".000Z"), Report.isoUtc(0));
        long t = 1_795_000_123_456L;
        assertEquals(java.time.Instant.ofEpochMilli(t).toString(), Report.isoUtc(t));
        assertEquals("2024-02-29T23:59:59.999Z", Report.isoUtc(java.time.Instant.parse("2024-02-29T23:59:59.999Z").toEpochMilli()));
    }
}
