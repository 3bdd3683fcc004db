package org.cakb.agent;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Finds the process's own cgroup directories for cgroup v1 controllers and the cgroup v2 unified hierarchy
 * (cgroups(7)), from /proc/self/cgroup and /proc/self/mountinfo, and reads resource limits there.
 */
public final class Cgroups {
    /** One line of /proc/[pid]/cgroup: "hierarchy-ID:controller-list:cgroup-path". */
    public static final class Membership {
        public final String hierarchy;
        public final List<String> controllers;
        public final String path;

        Membership(String hierarchy, List<String> controllers, String path) {
            this.hierarchy = hierarchy;
            this.controllers = controllers;
            this.path = path;
        }

        public boolean isUnified() {
            return hierarchy.equals("0") && controllers.isEmpty();
        }
    }

    /** A limit as found: its file, raw value, and whether it limits anything. */
    public static final class Limit {
        public final String version;
        public final String file;
        public final String raw;
        public final boolean limited;

        Limit(String version, String file, String raw, boolean limited) {
            this.version = version;
            this.file = file;
            this.raw = raw;
            this.limited = limited;
        }

        @Override
        public String toString() {
            return file + "=" + raw.replace('\n', ';') + " (cgroup " + version + ")";
        }
    }

    private final SystemFiles fs;
    private final List<Membership> memberships;
    private final MountInfo mounts;

    public Cgroups(SystemFiles fs, String procSelfCgroup, MountInfo mounts) {
        this.fs = fs;
        this.memberships = parse(procSelfCgroup);
        this.mounts = mounts;
    }

    public static List<Membership> parse(String text) {
        List<Membership> out = new ArrayList<>();
        if (text == null) {
            return out;
        }
        for (String line : text.split("\n")) {
            String l = line.trim();
            int a = l.indexOf(':');
            int b = a < 0 ? -1 : l.indexOf(':', a + 1);
            if (a < 0 || b < 0) {
                continue;
            }
            String ctl = l.substring(a + 1, b);
            out.add(new Membership(l.substring(0, a),
                    ctl.isEmpty() ? new ArrayList<String>() : Arrays.asList(ctl.split(",")), l.substring(b + 1)));
        }
        return out;
    }

    public List<Membership> memberships() {
        return memberships;
    }

    /** "v1", "v2", "hybrid" (v1 controllers plus a v2 hierarchy) or "none", from the mounted hierarchies. */
    public String mode() {
        boolean v1 = false;
        boolean v2 = false;
        for (MountInfo.Mount m : mounts.all()) {
            if (m.fsType.equals("cgroup")) {
                v1 = true;
            } else if (m.fsType.equals("cgroup2")) {
                v2 = true;
            }
        }
        return v1 && v2 ? "hybrid" : v1 ? "v1" : v2 ? "v2" : "none";
    }

    /** Own directory of a cgroup v1 controller, or null when that controller is not mounted. */
    public String v1Dir(String controller) {
        MountInfo.Mount mount = null;
        for (MountInfo.Mount m : mounts.all()) {
            if (m.fsType.equals("cgroup") && m.superOptions.contains(controller)) {
                mount = m;
            }
        }
        if (mount == null) {
            return null;
        }
        String path = null;
        for (Membership ms : memberships) {
            if (ms.controllers.contains(controller)) {
                path = ms.path;
            }
        }
        return resolve(mount, path);
    }

    /** Own directory in the cgroup v2 hierarchy, or null when no cgroup2 filesystem is mounted. */
    public String v2Dir() {
        MountInfo.Mount mount = null;
        for (MountInfo.Mount m : mounts.all()) {
            if (m.fsType.equals("cgroup2")) {
                mount = m;
            }
        }
        if (mount == null) {
            return null;
        }
        String path = null;
        for (Membership ms : memberships) {
            if (ms.isUnified()) {
                path = ms.path;
            }
        }
        return resolve(mount, path);
    }

    /** Mount point plus the part of our cgroup path below the mount's root; falls back to the mount point. */
    private String resolve(MountInfo.Mount mount, String path) {
        String mp = mount.mountPoint;
        if (path == null) {
            return mp;
        }
        String root = mount.root;
        String rel;
        if (path.equals(root)) {
            rel = "";
        } else if (root.equals("/")) {
            rel = path;
        } else if (path.startsWith(root + "/")) {
            rel = path.substring(root.length());
        } else {
            rel = path; // cgroup namespace root differs from the mount's root
        }
        if (rel.equals("/")) {
            rel = "";
        }
        String dir = mp + rel;
        if (!rel.isEmpty() && !fs.isDirectory(dir)) {
            return mp; // e.g. a cgroup namespace shows "/" but the mount shows our own cgroup at its root
        }
        return dir;
    }

    /** The mount point a directory belongs to, to stop walking upwards there. */
    private String mountPointOf(String dir) {
        MountInfo.Mount m = mounts.covering(dir);
        return m == null ? dir : m.mountPoint;
    }

    /**
     * The tightest limit for a resource ("memory", "pids", "cpu", "blkio") found in our cgroup or an ancestor visible
     * below the mount point, preferring a cgroup v1 controller when it is mounted, else cgroup v2.
     * Null when no hierarchy that manages the resource is visible.
     */
    public Limit limit(String resource) {
        String v1ctl = resource.equals("blkio") ? "blkio" : resource;
        String dir = v1Dir(v1ctl);
        if (dir != null) {
            return walk("v1", resource, dir);
        }
        dir = v2Dir();
        if (dir != null) {
            String controller = resource.equals("blkio") ? "io" : resource;
            String ctls = fs.read(dir + "/cgroup.controllers");
            if (ctls == null) {
                String parent = parentDir(dir, mountPointOf(dir));
                ctls = parent == null ? null : fs.read(parent + "/cgroup.subtree_control");
            }
            if (ctls != null && !Arrays.asList(ctls.trim().split("\\s+")).contains(controller)) {
                return new Limit("v2", dir + "/cgroup.controllers", ctls.trim(), false);
            }
            return walk("v2", resource, dir);
        }
        return null;
    }

    private static String parentDir(String dir, String stop) {
        if (dir.equals(stop)) {
            return null;
        }
        int s = dir.lastIndexOf('/');
        return s <= 0 ? null : dir.substring(0, s);
    }

    private Limit walk(String version, String resource, String start) {
        String stop = mountPointOf(start);
        Limit best = null;
        Limit firstSeen = null;
        for (String d = start; d != null; d = parentDir(d, stop)) {
            Limit l = read(version, resource, d);
            if (l == null) {
                continue;
            }
            if (firstSeen == null) {
                firstSeen = l;
            }
            if (l.limited && best == null) {
                best = l;
            }
        }
        if (best != null) {
            return best;
        }
        if (firstSeen != null) {
            return firstSeen;
        }
        return new Limit(version, start, "(no limit file)", false);
    }

    private Limit read(String version, String resource, String d) {
        if (version.equals("v1")) {
            switch (resource) {
                case "memory": {
                    String f = d + "/memory.limit_in_bytes";
                    String v = fs.readTrim(f);
                    if (v == null) {
                        return null;
                    }
                    return new Limit(version, f, v, limitedBytes(v));
                }
                case "pids": {
                    String f = d + "/pids.max";
                    String v = fs.readTrim(f);
                    return v == null ? null : new Limit(version, f, v, !v.equals("max"));
                }
                case "cpu": {
                    String f = d + "/cpu.cfs_quota_us";
                    String v = fs.readTrim(f);
                    return v == null ? null : new Limit(version, f, v, !v.startsWith("-"));
                }
                case "blkio": {
                    String[] files = {"blkio.throttle.read_bps_device", "blkio.throttle.write_bps_device",
                        "blkio.throttle.read_iops_device", "blkio.throttle.write_iops_device"};
                    StringBuilder seen = new StringBuilder();
                    boolean any = false;
                    boolean found = false;
                    for (String n : files) {
                        String v = fs.read(d + "/" + n);
                        if (v == null) {
                            continue;
                        }
                        found = true;
                        if (!v.trim().isEmpty()) {
                            any = true;
                            seen.append(n).append(": ").append(v.trim()).append(' ');
                        }
                    }
                    if (!found) {
                        return null;
                    }
                    return new Limit(version, d + "/blkio.throttle.*", any ? seen.toString().trim() : "(empty)", any);
                }
                default:
                    return null;
            }
        }
        String file;
        switch (resource) {
            case "memory": file = "memory.max"; break;
            case "pids": file = "pids.max"; break;
            case "cpu": file = "cpu.max"; break;
            case "blkio": file = "io.max"; break;
            default: return null;
        }
        String f = d + "/" + file;
        String v = fs.read(f);
        if (v == null) {
            return null;
        }
        v = v.trim();
        boolean limited;
        if (resource.equals("cpu")) {
            limited = !v.startsWith("max");
        } else if (resource.equals("blkio")) {
            limited = false;
            for (String line : v.split("\n")) {
                for (String kv : line.trim().split(" ")) {
                    int eq = kv.indexOf('=');
                    if (eq > 0 && !kv.substring(eq + 1).equals("max")) {
                        limited = true;
                    }
                }
            }
        } else {
            limited = !v.equals("max");
        }
        return new Limit(version, f, v.isEmpty() ? "(empty)" : v, limited);
    }

    /** cgroup v1 reports "no limit" as a huge page-aligned number (e.g. 9223372036854771712). */
    static boolean limitedBytes(String v) {
        try {
            long n = Long.parseLong(v);
            return n >= 0 && n < (1L << 60);
        } catch (NumberFormatException e) {
            return false;
        }
    }

    /** cgroup v1 devices.list of our devices cgroup, or null (absent, or cgroup v2 where device control is eBPF). */
    public String[] v1DevicesList() {
        String dir = v1Dir("devices");
        if (dir == null) {
            return null;
        }
        String v = fs.read(dir + "/devices.list");
        if (v == null) {
            return null;
        }
        return new String[] {dir + "/devices.list", v.trim()};
    }
}
