package org.cakb.agent;

import java.util.Arrays;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * The compiled-in list of what the agent may look at, and how. Every access to the system goes through
 * {@link SystemFiles}, which asks {@link #permits} for the requested path and for the path it really resolves to;
 * a probe definition can choose among check types and their parameters but can never add to this list.
 * docs/agent.md ("Allow-list") states the same rules; AllowListDocTest keeps the two in sync.
 *
 * <p>Patterns: {@code <pid>} is a process id or {@code self}; {@code *} is one path segment; {@code **} is any
 * number of segments (at least one).
 */
public final class AllowList {

    /** How a path may be used. READ gives content, LIST the names in a directory, LINK a symlink's target, STAT (implied by every rule) only existence, type and access(2). */
    public enum Access {
        READ, LIST, LINK, STAT,
        /** Only the named string fields of a JSON file, through {@link SystemFiles#readFields}; never the content as such. */
        FIELDS
    }

    /** One rule: a path pattern and what it permits. */
    public static final class Rule {
        public final String pattern;
        public final Set<Access> access;
        public final String why;
        /** For FIELDS rules: the JSON field paths ('/' between object keys) that may be read. */
        public final List<String> fields;
        private final String[] segments;

        Rule(String pattern, Set<Access> access, String why, String... fields) {
            this.pattern = pattern;
            this.access = Collections.unmodifiableSet(access);
            this.why = why;
            this.fields = Collections.unmodifiableList(Arrays.asList(fields));
            this.segments = pattern.equals("/") ? new String[0] : pattern.substring(1).split("/");
        }

        boolean matches(String path) {
            return matches(segments(path));
        }

        boolean matches(String[] pathSegments) {
            return match(segments, 0, pathSegments, 0);
        }

        /** Whether the rule permits {@code a}; every rule permits STAT of the paths it names. */
        boolean allows(Access a) {
            return a == Access.STAT || access.contains(a);
        }

        public String accessText() {
            StringBuilder b = new StringBuilder();
            for (Access a : access) {
                b.append(b.length() == 0 ? "" : ",").append(a.name().toLowerCase(java.util.Locale.ROOT));
            }
            if (!fields.isEmpty()) {
                b.append(':').append(String.join(",", fields));
            }
            return b.toString();
        }

        @Override
        public String toString() {
            return pattern + " (" + accessText() + ")";
        }

        private static boolean match(String[] pat, int i, String[] path, int j) {
            if (i == pat.length) {
                return j == path.length;
            }
            if (pat[i].equals("**")) {
                for (int k = j + 1; k <= path.length; k++) {
                    if (match(pat, i + 1, path, k)) {
                        return true;
                    }
                }
                return false;
            }
            if (j == path.length || !segment(pat[i], path[j])) {
                return false;
            }
            return match(pat, i + 1, path, j + 1);
        }

        private static boolean segment(String pat, String s) {
            if (s.isEmpty() || s.equals(".") || s.equals("..")) {
                return false;
            }
            if (pat.equals("*")) {
                return true;
            }
            if (pat.equals("<pid>")) {
                return s.equals("self") || digits(s);
            }
            return pat.equals(s);
        }

        private static boolean digits(String s) {
            for (int k = 0; k < s.length(); k++) {
                char c = s.charAt(k);
                if (c < '0' || c > '9') {
                    return false;
                }
            }
            return true;
        }
    }

    /** Names of the container-engine daemons whose command lines the agent may read (from /proc/[pid]/comm). */
    public static final List<String> ENGINE_DAEMONS = Collections.unmodifiableList(Arrays.asList(
            "dockerd", "containerd", "containerd-shim", "containerd-shim-runc-v2", "crio", "podman", "conmon", "lxc-start"));

    /** The rule for /proc/[pid]/cmdline, which applies only when /proc/[pid]/comm names one of {@link #ENGINE_DAEMONS}. */
    public static final String CMDLINE_PATTERN = "/proc/<pid>/cmdline";

    private static final Set<Access> READ = EnumSet.of(Access.READ);
    private static final Set<Access> READ_LIST = EnumSet.of(Access.READ, Access.LIST);
    private static final Set<Access> LIST = EnumSet.of(Access.LIST);
    private static final Set<Access> LINK = EnumSet.of(Access.LINK);
    private static final Set<Access> STAT = EnumSet.of(Access.STAT);
    private static final Set<Access> FIELDS = EnumSet.of(Access.FIELDS);

    private static final String[] CRI_FIELDS = {"annotations/io.kubernetes.cri.sandbox-namespace",
        "annotations/io.kubernetes.cri.sandbox-name", "annotations/io.kubernetes.cri.container-name",
        "annotations/io.kubernetes.cri.image-name"};
    private static final String[] CRIO_FIELDS = {"annotations/io.kubernetes.pod.namespace", "annotations/io.kubernetes.pod.name",
        "annotations/io.kubernetes.container.name", "annotations/io.kubernetes.cri-o.ImageName"};

    /** Every rule, in the order docs/agent.md lists them. */
    public static final List<Rule> RULES = Collections.unmodifiableList(Arrays.asList(
            new Rule("/proc", LIST, "process ids, to find engine daemons"),
            new Rule("/proc/*", STAT, "existence and type of /proc entries (masked paths such as /proc/kcore)"),
            new Rule("/proc/acpi", LIST, "masked path: whether the directory is empty"),
            new Rule("/proc/scsi", LIST, "masked path: whether the directory is empty"),
            new Rule("/proc/<pid>/status", READ, "capabilities, seccomp, no_new_privs, uid"),
            new Rule("/proc/<pid>/mountinfo", READ, "mounts"),
            new Rule("/proc/<pid>/cgroup", READ, "cgroup membership"),
            new Rule("/proc/<pid>/uid_map", READ, "user namespace mapping"),
            new Rule("/proc/<pid>/gid_map", READ, "user namespace mapping"),
            new Rule("/proc/<pid>/comm", READ, "process name"),
            new Rule("/proc/<pid>/stat", READ, "parent process id (container init = the member whose parent is outside)"),
            new Rule("/proc/<pid>/attr/current", READ, "LSM label"),
            new Rule("/proc/<pid>/attr/*/current", READ, "LSM label (apparmor, selinux)"),
            new Rule("/proc/<pid>/ns", LIST, "namespaces"),
            new Rule("/proc/<pid>/ns/*", LINK, "namespace identity (the link target, e.g. pid:[4026531836])"),
            new Rule(CMDLINE_PATTERN, READ, "engine daemons' command lines only (comm is one of " + String.join(", ", ENGINE_DAEMONS) + ")"),
            new Rule("/proc/sys/**", READ_LIST, "sysctls, binfmt_misc handlers"),
            new Rule("/sys", STAT, "sysfs present"),
            new Rule("/sys/*", STAT, "existence of sysfs entries (masked /sys/firmware)"),
            new Rule("/sys/firmware", LIST, "masked path: whether the directory is empty"),
            new Rule("/sys/kernel/uevent_helper", STAT, "sysfs writable: access(2) W_OK of this file, nothing written"),
            new Rule("/sys/fs/cgroup/**", READ_LIST, "cgroup limits and device rules"),
            new Rule("/sys/kernel/security/**", READ_LIST, "securityfs: LSM and TPM event log presence"),
            new Rule("/sys/module/*", STAT, "kernel module present"),
            new Rule("/sys/module/*/parameters/*", READ, "module parameters (apparmor enabled)"),
            new Rule("/sys/fs/selinux", STAT, "selinuxfs present"),
            new Rule("/sys/fs/selinux/enforce", READ, "SELinux mode"),
            new Rule("/sys/class/tpm", LIST, "TPM devices"),
            new Rule("/sys/class/tpm/*", STAT, "TPM device present"),
            new Rule("/etc/docker", STAT, "Docker installed"),
            new Rule("/etc/docker/daemon.json", READ, "Docker daemon settings"),
            new Rule("/etc/os-release", READ, "PRETTY_NAME only"),
            new Rule("/usr/lib/os-release", READ, "PRETTY_NAME only"),
            new Rule("/usr/bin/dockerd", STAT, "Docker installed"),
            new Rule("/usr/sbin/dockerd", STAT, "Docker installed"),
            new Rule("/usr/local/bin/dockerd", STAT, "Docker installed"),
            new Rule("/.dockerenv", STAT, "vantage detection"),
            new Rule("/run/.containerenv", STAT, "vantage detection"),
            new Rule("/run/systemd/container", READ, "vantage detection (runtime name)"),
            new Rule("/var/lib/docker/containers/*", STAT, "Docker container known (Kubernetes pods on cgroupfs)"),
            new Rule("/var/lib/docker/containers/*/config.v2.json", FIELDS, "Docker container name and image only", "Name", "Config/Image"),
            new Rule("/run/containerd/io.containerd.runtime.v2.task", LIST, "containerd namespaces"),
            new Rule("/run/containerd/io.containerd.runtime.v2.task/**", LIST, "containerd namespaces and task ids"),
            new Rule("/run/containerd/io.containerd.runtime.v2.task/*/*/config.json", FIELDS, "Kubernetes names and image only (CRI annotations)",
                    CRI_FIELDS),
            new Rule("/run/docker/containerd/daemon/io.containerd.runtime.v2.task", LIST, "containerd (Docker's) namespaces"),
            new Rule("/run/docker/containerd/daemon/io.containerd.runtime.v2.task/**", LIST, "containerd (Docker's) namespaces and task ids"),
            new Rule("/run/docker/containerd/daemon/io.containerd.runtime.v2.task/*/*/config.json", FIELDS, "Kubernetes names and image only (CRI annotations)",
                    CRI_FIELDS),
            new Rule("/run/runc", LIST, "runc container ids"),
            new Rule("/var/lib/containers/storage/overlay-containers/*", STAT, "CRI-O/Podman container known"),
            new Rule("/var/lib/containers/storage/overlay-containers/*/userdata/config.json", FIELDS, "CRI-O Kubernetes names and image only (annotations)",
                    CRIO_FIELDS),
            new Rule("/run/secrets/kubernetes.io", STAT, "vantage detection"),
            new Rule("/var/run/secrets/kubernetes.io", STAT, "vantage detection"),
            new Rule("/run/docker.sock", STAT, "runtime socket present"),
            new Rule("/var/run/docker.sock", STAT, "runtime socket present"),
            new Rule("/run/containerd/containerd.sock", STAT, "runtime socket present"),
            new Rule("/var/run/containerd/containerd.sock", STAT, "runtime socket present"),
            new Rule("/run/crio/crio.sock", STAT, "runtime socket present"),
            new Rule("/var/run/crio/crio.sock", STAT, "runtime socket present"),
            new Rule("/run/podman/podman.sock", STAT, "runtime socket present"),
            new Rule("/var/run/podman/podman.sock", STAT, "runtime socket present")));

    private AllowList() {
    }

    /** The first rule that matches {@code path} and permits {@code a}, or null. {@code path} must be absolute and normal. */
    public static Rule permits(String path, Access a) {
        if (!normal(path)) {
            return null;
        }
        String[] segs = segments(path); // split once, not once per rule
        for (Rule r : RULES) {
            if (r.allows(a) && r.matches(segs)) {
                return r;
            }
        }
        return null;
    }

    static String[] segments(String path) {
        return path.equals("/") ? new String[0] : path.substring(1).split("/", -1);
    }

    /** Absolute, no empty, "." or ".." segments, no NUL. */
    static boolean normal(String path) {
        if (path == null || !path.startsWith("/") || path.indexOf('\0') >= 0) {
            return false;
        }
        if (path.equals("/")) {
            return true;
        }
        // scanned, not split: the gate runs this for every read of a host run
        int start = 1;
        for (int k = 1; k <= path.length(); k++) {
            if (k == path.length() || path.charAt(k) == '/') {
                int len = k - start;
                if (len == 0 || (len == 1 && path.charAt(start) == '.')
                        || (len == 2 && path.charAt(start) == '.' && path.charAt(start + 1) == '.')) {
                    return false;
                }
                start = k + 1;
            }
        }
        return true;
    }
}
