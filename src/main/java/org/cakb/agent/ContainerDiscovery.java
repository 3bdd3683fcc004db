package org.cakb.agent;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Finds every running container from the host's {@code /proc}: each process's cgroup path names its runtime and
 * container ({@link CgroupAttribution}, {@link RuntimeMetadata}); processes in no container cgroup but in a pid or
 * user namespace other than the host's are sandboxes (bwrap, unshare). A process that only has its own mount
 * namespace (systemd {@code PrivateTmp=} and the like) is a host service, not a container. The init process of each
 * is the member whose parent is outside it. Reads per process: {@code cgroup}, and for processes outside container
 * cgroups the {@code ns/pid} and {@code ns/user} links; {@code stat} (for the parent) only for container members.
 */
public final class ContainerDiscovery {
    private final SystemFiles fs;
    private final RuntimeMetadata meta;

    public ContainerDiscovery(SystemFiles fs) {
        this.fs = fs;
        this.meta = new RuntimeMetadata(fs);
    }

    /** Every container and sandbox, in discovery order (by init pid). */
    public List<DiscoveredContainer> scan() {
        String selfPid = fs.isLive() ? Long.toString(ProcessHandle.current().pid()) : null;
        String hostPidNs = fs.readLink("/proc/self/ns/pid");
        String hostUserNs = fs.readLink("/proc/self/ns/user");
        Map<String, DiscoveredContainer> found = new LinkedHashMap<>();
        Map<String, List<Integer>> members = new LinkedHashMap<>();
        for (String name : fs.list("/proc")) {
            if (name.isEmpty() || name.charAt(0) < '0' || name.charAt(0) > '9' || name.equals(selfPid)) {
                continue;
            }
            int pid;
            try {
                pid = Integer.parseInt(name);
            } catch (NumberFormatException e) {
                continue;
            }
            DiscoveredContainer c;
            try {
                c = attribute(pid, hostPidNs, hostUserNs);
            } catch (ReadRefused e) {
                continue; // the read gate refused a path of this process (e.g. it resolves elsewhere): not judged
            }
            if (c == null) {
                continue;
            }
            DiscoveredContainer known = found.putIfAbsent(c.key(), c);
            members.computeIfAbsent(c.key(), k -> new ArrayList<>()).add(pid);
            if (known == null) {
                c.pid = pid;
            }
        }
        List<DiscoveredContainer> out = new ArrayList<>();
        for (DiscoveredContainer c : found.values()) {
            c.pid = initOf(members.get(c.key()));
            if (c.pid <= 0) {
                continue; // every member exited during the scan
            }
            try {
                meta.describe(c);
            } catch (ReadRefused e) {
                c.evidence.add("metadata not read: " + e.getMessage());
            }
            if (c.runtime.equals("sandbox") && c.name == null) {
                c.name = fs.readTrim("/proc/" + c.pid + "/comm");
            }
            out.add(c);
        }
        out.sort((a, b) -> Integer.compare(a.pid, b.pid));
        return out;
    }

    private DiscoveredContainer attribute(int pid, String hostPidNs, String hostUserNs) {
        String proc = "/proc/" + pid;
        String text = fs.read(proc + "/cgroup");
        if (text == null) {
            return null;
        }
        String path = CgroupAttribution.mainPath(Cgroups.parse(text));
        CgroupAttribution.Hit hit = CgroupAttribution.of(path);
        if (hit != null && hit.runtime.equals("kubernetes?")) {
            hit = engineOf(hit.id, path);
        } else if (hit == null && path != null && !path.equals("/")) {
            hit = fromStateDirs(path);
        }
        if (hit != null) {
            DiscoveredContainer c = new DiscoveredContainer(hit.runtime, hit.id, hit.name, path);
            c.evidence.add("cgroup " + path);
            return c;
        }
        String pidNs = fs.readLink(proc + "/ns/pid");
        if (pidNs != null && hostPidNs != null && !pidNs.equals(hostPidNs)) {
            return sandbox("pidns-" + Namespaces.inode(pidNs), path, "own pid namespace " + pidNs);
        }
        String userNs = fs.readLink(proc + "/ns/user");
        if (userNs != null && hostUserNs != null && !userNs.equals(hostUserNs)) {
            return sandbox("userns-" + Namespaces.inode(userNs), path, "own user namespace " + userNs);
        }
        return null;
    }

    private static DiscoveredContainer sandbox(String id, String cgroup, String why) {
        DiscoveredContainer c = new DiscoveredContainer("sandbox", id, null, cgroup);
        c.evidence.add(why + " and no container runtime's cgroup");
        return c;
    }

    /** Kubernetes with the cgroupfs driver: the pod path does not name the engine; its state directory does. */
    private CgroupAttribution.Hit engineOf(String id, String path) {
        if (meta.containerdTask(id) != null) {
            return new CgroupAttribution.Hit("containerd", id, null);
        }
        if (fs.exists(RuntimeMetadata.DOCKER_CONTAINERS + "/" + id)) {
            return new CgroupAttribution.Hit("docker", id, null);
        }
        if (fs.exists(RuntimeMetadata.CRIO_CONTAINERS + "/" + id)) {
            return new CgroupAttribution.Hit("cri-o", id, null);
        }
        return new CgroupAttribution.Hit("unknown", id, null);
    }

    /** containerd ({@code /<namespace>/<id>}) and runc ({@code /<id>}) paths: the last element must be a known id. */
    private CgroupAttribution.Hit fromStateDirs(String path) {
        String id = path.substring(path.lastIndexOf('/') + 1);
        if (id.isEmpty() || !id.matches("[A-Za-z0-9_.:@-]{1,256}")) {
            return null;
        }
        if (meta.containerdTask(id) != null) {
            return new CgroupAttribution.Hit("containerd", id, null);
        }
        if (meta.runcKnows(id)) {
            return new CgroupAttribution.Hit("runc", id, null);
        }
        return null;
    }

    /** The member whose parent is not a member (the container's first process); the lowest such pid. */
    private int initOf(List<Integer> pids) {
        Set<Integer> set = new HashSet<>(pids);
        int best = -1;
        for (int pid : pids) {
            int ppid = parentOf(pid);
            if (ppid < 0) {
                continue;
            }
            if (!set.contains(ppid) && (best < 0 || pid < best)) {
                best = pid;
            }
        }
        return best;
    }

    /** PPid from /proc/<pid>/stat: the field after the parenthesised command name and the state. */
    private int parentOf(int pid) {
        String stat = fs.readTrim("/proc/" + pid + "/stat");
        if (stat == null) {
            return -1;
        }
        int close = stat.lastIndexOf(')');
        if (close < 0) {
            return -1;
        }
        String[] f = stat.substring(close + 1).trim().split(" ");
        try {
            return f.length > 1 ? Integer.parseInt(f[1]) : -1;
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}
