package org.cakb.agent;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Which runtime and container a process belongs to, from its cgroup path alone (cgroup v1 and v2, cgroupfs and
 * systemd drivers). Paths that name no runtime, such as containerd's {@code /<namespace>/<id>} or runc's {@code /<id>},
 * are left to {@link RuntimeMetadata}, which checks the runtimes' state directories.
 */
final class CgroupAttribution {
    private static final String HEX = "([0-9a-f]{64})";
    private static final Pattern DOCKER = Pattern.compile("(?:^|/)docker[-/]" + HEX + "(?:\\.scope)?(?:/|$)");
    private static final Pattern CRI_CONTAINERD = Pattern.compile("(?:^|/)cri-containerd[-:]" + HEX + "(?:\\.scope)?(?:/|$)");
    private static final Pattern CRIO = Pattern.compile("(?:^|/)crio-" + HEX + "(?:\\.scope)?(?:/|$)");
    private static final Pattern PODMAN = Pattern.compile("(?:^|/)libpod-" + HEX + "(?:\\.scope)?(?:/|$)");
    private static final Pattern KUBEPODS = Pattern.compile("kubepods.*/" + HEX + "$");
    private static final Pattern LXC = Pattern.compile("(?:^|/)lxc(?:\\.payload\\.|\\.payload/|/)([A-Za-z0-9_.-]+)");
    private static final Pattern NSPAWN = Pattern.compile("(?:^|/)(?:systemd-nspawn@([A-Za-z0-9_.\\\\-]+)\\.service|machine-([A-Za-z0-9_.\\\\-]+)\\.scope)(?:/|$)");

    /** A runtime and id (and a name where the path carries one); runtime "containerd?" means "ask the state dirs". */
    static final class Hit {
        final String runtime;
        final String id;
        final String name;

        Hit(String runtime, String id, String name) {
            this.runtime = runtime;
            this.id = id;
            this.name = name;
        }
    }

    private CgroupAttribution() {
    }

    /** The path used to attribute and report: v1 memory, else v1 pids, else the v2 unified path; null if none. */
    static String mainPath(List<Cgroups.Membership> memberships) {
        String pids = null;
        String unified = null;
        for (Cgroups.Membership m : memberships) {
            if (m.controllers.contains("memory")) {
                return m.path;
            }
            if (m.controllers.contains("pids")) {
                pids = m.path;
            } else if (m.isUnified()) {
                unified = m.path;
            }
        }
        return pids != null ? pids : unified;
    }

    /** The runtime named by a cgroup path, or null (the path alone does not tell). */
    static Hit of(String path) {
        if (path == null || path.equals("/")) {
            return null;
        }
        Matcher m;
        if ((m = CRI_CONTAINERD.matcher(path)).find()) {
            return new Hit("containerd", m.group(1), null);
        }
        if ((m = CRIO.matcher(path)).find()) {
            return new Hit("cri-o", m.group(1), null);
        }
        if (path.contains("libpod-conmon-")) {
            return null; // podman's monitor process, not the container
        }
        if ((m = PODMAN.matcher(path)).find()) {
            return new Hit("podman", m.group(1), null);
        }
        if ((m = DOCKER.matcher(path)).find()) {
            return new Hit("docker", m.group(1), null);
        }
        if ((m = KUBEPODS.matcher(path)).find()) {
            return new Hit("kubernetes?", m.group(1), null); // cgroupfs driver: the engine is decided by the state dirs
        }
        if (path.contains("lxc.monitor")) {
            return null;
        }
        if ((m = LXC.matcher(path)).find()) {
            return new Hit("lxc", m.group(1), m.group(1));
        }
        if ((m = NSPAWN.matcher(path)).find()) {
            String name = m.group(1) != null ? m.group(1) : m.group(2);
            name = name.replace("\\x2d", "-");
            return new Hit("systemd-nspawn", name, name);
        }
        return null;
    }
}
