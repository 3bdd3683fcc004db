package org.cakb.agent;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Builds fake root trees from the fixture files in src/test/resources/org/cakb/agent/fixtures. */
final class Fixtures {
    private Fixtures() {
    }

    static String text(String name) throws IOException {
        try (InputStream in = Fixtures.class.getResourceAsStream("/org/cakb/agent/fixtures/" + name)) {
            if (in == null) {
                throw new IOException("fixture missing: " + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    static void put(Path root, String abs, String content) throws IOException {
        Path p = root.resolve(abs.substring(1));
        Files.createDirectories(p.getParent());
        Files.writeString(p, content);
    }

    static void link(Path root, String abs, String target) throws IOException {
        Path p = root.resolve(abs.substring(1));
        Files.createDirectories(p.getParent());
        Files.createSymbolicLink(p, Path.of(target));
    }

    /** A Docker container on a cgroup v1 host: default caps, seccomp, 256 MiB memory and 100 pids limits. */
    static SystemFiles dockerV1(Path root, String statusFixture) throws IOException {
        put(root, "/proc/self/status", text(statusFixture));
        put(root, "/proc/self/mountinfo", text("mountinfo-docker-cgroup-v1.txt"));
        put(root, "/proc/self/cgroup", text("cgroup-docker-v1.txt"));
        put(root, "/proc/1/cgroup", text("cgroup-docker-v1.txt"));
        put(root, "/proc/sys/kernel/osrelease", "6.18.44\n");
        put(root, "/proc/sys/kernel/kptr_restrict", "1\n");
        put(root, "/proc/self/uid_map", "         0          0 4294967295\n");
        put(root, "/.dockerenv", "");
        put(root, "/sys/fs/cgroup/memory/memory.limit_in_bytes", "268435456\n");
        put(root, "/sys/fs/cgroup/pids/pids.max", "100\n");
        put(root, "/sys/fs/cgroup/cpu/cpu.cfs_quota_us", "-1\n");
        put(root, "/sys/fs/cgroup/devices/devices.list", "c 1:5 rwm\nc 1:3 rwm\nc 1:9 rwm\nc 1:8 rwm\nc 5:0 rwm\nc 5:1 rwm\nc *:* m\nb *:* m\n");
        put(root, "/proc/kcore", "");
        put(root, "/proc/keys", "1 key\n");
        Files.createDirectories(root.resolve("sys/firmware"));
        link(root, "/proc/self/ns/pid", "pid:[4026532183]");
        link(root, "/proc/self/ns/user", "user:[4026531837]");
        link(root, "/proc/self/ns/mnt", "mnt:[4026532180]");
        link(root, "/proc/self/ns/net", "net:[4026532184]");
        link(root, "/proc/self/ns/time", "time:[4026531834]");
        return SystemFiles.at(root, Map.of());
    }

    static Map<String, Object> check(Object... kv) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put((String) kv[i], kv[i + 1]);
        }
        return m;
    }

    static ProbeDefinition probe(String id, String vantage, Map<String, Object> check) {
        return new ProbeDefinition("probe:" + id, id, List.of("cm:test"), vantage, "medium", check);
    }
}
