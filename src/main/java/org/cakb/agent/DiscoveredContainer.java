package org.cakb.agent;

import java.util.ArrayList;
import java.util.List;

/** A container found by a host run: who runs it, its identity, and the init process its checks are evaluated on. */
public final class DiscoveredContainer {
    /** Values of report format 2's {@code containers[].runtime}. */
    public static final List<String> RUNTIMES = List.of("docker", "containerd", "cri-o", "podman", "lxc", "runc",
            "systemd-nspawn", "sandbox", "unknown");

    public final String runtime;
    public final String id;
    public String name;
    public String image;
    public int pid;
    /** The init process's cgroup path (v1: memory or pids controller; v2: unified), null for a sandbox without one. */
    public final String cgroup;
    /** How the container was recognised (cgroup path pattern, runtime state entry, namespaces). */
    public final List<String> evidence = new ArrayList<>();

    DiscoveredContainer(String runtime, String id, String name, String cgroup) {
        this.runtime = runtime;
        this.id = id;
        this.name = name;
        this.cgroup = cgroup;
    }

    String key() {
        return runtime + ":" + id;
    }
}
