package org.cakb.agent;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Where the agent runs: on a host or inside a container, and which runtime, from marker files, its own environment,
 * cgroup paths (v1 and v2), the root mount and the pid/user namespace numbers. Each finding is kept as evidence.
 */
public final class Environment {
    public final String vantage;
    public final String runtime;
    public final List<String> evidence;

    Environment(String vantage, String runtime, List<String> evidence) {
        this.vantage = vantage;
        this.runtime = runtime;
        this.evidence = evidence;
    }

    public boolean inContainer() {
        return vantage.equals("container");
    }

    public static Environment detect(SystemFiles fs, MountInfo mounts, String kernelRelease) {
        List<String> ev = new ArrayList<>();
        String runtime = null;
        boolean container = false;

        if (fs.exists("/.dockerenv")) {
            ev.add("/.dockerenv exists");
            runtime = "docker";
            container = true;
        }
        if (fs.exists("/run/.containerenv")) {
            ev.add("/run/.containerenv exists");
            runtime = runtime == null ? "podman" : runtime;
            container = true;
        }
        // never /proc/1/environ: the agent reads no process environment but its own
        String containerVar = null;
        if (fs.env("container") != null) {
            containerVar = fs.env("container");
            ev.add("environment has container=" + containerVar);
        }
        if (containerVar != null && !containerVar.isEmpty()) {
            container = true;
            if (runtime == null) {
                runtime = containerVar.toLowerCase(Locale.ROOT);
            }
        }
        String sysdContainer = fs.readTrim("/run/systemd/container");
        if (sysdContainer != null && !sysdContainer.isEmpty()) {
            ev.add("/run/systemd/container says " + sysdContainer);
            container = true;
            if (runtime == null) {
                runtime = sysdContainer;
            }
        }
        if (fs.env("KUBERNETES_SERVICE_HOST") != null || fs.exists("/var/run/secrets/kubernetes.io")) {
            ev.add("Kubernetes service environment or service-account mount present");
            container = true;
            runtime = runtime == null || runtime.equals("docker") ? "kubernetes" : runtime;
        }
        // cgroup paths, v1 and v2, of PID 1 and of ourselves
        String[] cgFiles = {"/proc/1/cgroup", "/proc/self/cgroup"};
        for (String f : cgFiles) {
            String cg = fs.read(f);
            if (cg == null) {
                continue;
            }
            String hit = cgroupRuntime(cg);
            if (hit != null) {
                ev.add(f + " path names " + hit);
                container = true;
                if (runtime == null || (hit.equals("kubernetes") && runtime.equals("docker"))) {
                    runtime = hit;
                }
                break;
            }
        }
        MountInfo.Mount root = mounts.covering("/");
        if (root != null && (root.fsType.equals("overlay") || root.fsType.equals("aufs") || root.fsType.equals("fuse.fuse-overlayfs"))) {
            ev.add("root filesystem is " + root.fsType);
            container = true;
        }
        Namespaces.Verdict pid = Namespaces.check(fs, "pid", kernelRelease);
        if (Boolean.TRUE.equals(pid.separate)) {
            ev.add("non-initial pid namespace " + pid.observed);
            container = true;
        }
        Namespaces.Verdict user = Namespaces.check(fs, "user", kernelRelease);
        if (Boolean.TRUE.equals(user.separate)) {
            ev.add("non-initial user namespace " + user.observed);
            container = true;
        }
        Namespaces.Verdict mnt = Namespaces.check(fs, "mnt", kernelRelease);
        if (Boolean.TRUE.equals(mnt.separate) && !container) {
            ev.add("non-initial mount namespace " + mnt.observed + " (mount namespace alone does not make a container)");
        }
        if (container && Boolean.FALSE.equals(mnt.separate) && Boolean.FALSE.equals(pid.separate)
                && Boolean.FALSE.equals(user.separate)) {
            // Marker files or variables alone, while the mount, pid and user namespaces are the initial ones: a host
            // (for example a VM image built from a container image that kept /.dockerenv). Namespaces win.
            ev.add("markers ignored: mount, pid and user namespaces are the initial ones");
            container = false;
        }
        if (ev.isEmpty()) {
            ev.add("no container markers, initial pid and user namespaces");
        }
        return new Environment(container ? "container" : "host",
                container ? (runtime == null ? "unknown" : runtime) : "none", ev);
    }

    /** Runtime named by a cgroup path, or null. Matches v1 ("4:memory:/docker/ID") and v2 ("0::/system.slice/docker-ID.scope"). */
    static String cgroupRuntime(String cgroupText) {
        for (String line : cgroupText.split("\n")) {
            int b = line.indexOf(':', line.indexOf(':') + 1);
            if (b < 0) {
                continue;
            }
            String p = line.substring(b + 1);
            if (p.contains("kubepods")) {
                return "kubernetes";
            }
            if (p.contains("/docker/") || p.contains("/docker-") || p.startsWith("/docker")) {
                return "docker";
            }
            if (p.contains("libpod")) {
                return "podman";
            }
            if (p.contains("/lxc/") || p.contains("/lxc.payload") || p.startsWith("/lxc")) {
                return "lxc";
            }
            if (p.contains("/machine.slice/") || p.contains("systemd-nspawn")) {
                return "systemd-nspawn";
            }
            if (p.contains("containerd") || p.contains("cri-containerd")) {
                return "containerd";
            }
            if (p.contains("crio-")) {
                return "cri-o";
            }
        }
        return null;
    }
}
