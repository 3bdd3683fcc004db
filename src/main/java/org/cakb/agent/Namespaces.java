package org.cakb.agent;

/**
 * Decides whether the process is in a namespace other than the initial one (namespaces(7)).
 *
 * <p>The kernel gives the initial ipc, uts, user, pid, cgroup and time namespaces fixed inode numbers below
 * 0xF0000000 (include/linux/proc_ns.h); since Linux 6.18 the initial net and mnt namespaces have fixed numbers too
 * (0xEFFFFFF9, 0xEFFFFFF8). Namespaces created later get numbers from 0xF0000000 up. So a number below 0xF0000000
 * means "initial" without having to see PID 1 of the host. On older kernels, net and mnt are compared with
 * /proc/1/ns/* when that is readable and PID 1 is the host's init.
 */
public final class Namespaces {
    static final long DYNAMIC_FIRST = 0xF0000000L;

    /** The verdict about one namespace. */
    public static final class Verdict {
        /** TRUE separate, FALSE shared with the host, null undetermined. */
        public final Boolean separate;
        public final String observed;
        public final String reason;

        Verdict(Boolean separate, String observed, String reason) {
            this.separate = separate;
            this.observed = observed;
            this.reason = reason;
        }
    }

    private Namespaces() {
    }

    /** Inode number from a link target like "pid:[4026531836]", or -1. */
    public static long inode(String link) {
        if (link == null) {
            return -1;
        }
        int a = link.indexOf('[');
        int b = link.indexOf(']');
        if (a < 0 || b < a) {
            return -1;
        }
        try {
            return Long.parseLong(link.substring(a + 1, b));
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /** Major and minor kernel version from a release string such as "6.18.44-fc", or {0,0}. */
    public static int[] kernelVersion(String release) {
        int[] v = {0, 0};
        if (release == null) {
            return v;
        }
        String[] p = release.trim().split("[.-]");
        try {
            v[0] = Integer.parseInt(p[0]);
            v[1] = p.length > 1 ? Integer.parseInt(p[1]) : 0;
        } catch (NumberFormatException e) {
            return new int[] {0, 0};
        }
        return v;
    }

    public static Verdict check(SystemFiles fs, String ns, String kernelRelease) {
        return check(fs, "/proc/self", ns, kernelRelease);
    }

    /** The verdict for the process at {@code proc} ("/proc/self" or "/proc/<pid>"). */
    public static Verdict check(SystemFiles fs, String proc, String ns, String kernelRelease) {
        String self = fs.readLink(proc + "/ns/" + ns);
        long ino = inode(self);
        if (ino < 0) {
            return new Verdict(null, fs.exists(proc + "/ns/" + ns) ? "unreadable" : "absent",
                    proc + "/ns/" + ns + " cannot be read (kernel without this namespace type?)");
        }
        int[] kv = kernelVersion(kernelRelease);
        boolean fixedForAll = kv[0] > 6 || (kv[0] == 6 && kv[1] >= 18);
        boolean fixed = !(ns.equals("net") || ns.equals("mnt")) || fixedForAll;
        if (fixed) {
            if (ino < DYNAMIC_FIRST) {
                return new Verdict(false, self, "inode " + ino + " is the initial " + ns + " namespace's fixed number");
            }
            return new Verdict(true, self, "inode " + ino + " is a dynamically allocated (non-initial) " + ns + " namespace");
        }
        // Older kernel, net or mnt: another process is compared with the agent's own namespace when the agent runs in
        // the initial pid namespace; the agent itself with PID 1 if PID 1 is the host init.
        long agentPidNs = inode(fs.readLink("/proc/self/ns/pid"));
        if (!proc.equals("/proc/self") && agentPidNs > 0 && agentPidNs < DYNAMIC_FIRST) {
            String agent = fs.readLink("/proc/self/ns/" + ns);
            if (agent != null) {
                boolean same = agent.equals(self);
                return new Verdict(!same, self, (same ? "same as" : "differs from") + " the host's " + agent);
            }
        }
        String pid1 = fs.readLink("/proc/1/ns/" + ns);
        long pidNs = inode(fs.readLink(proc + "/ns/pid"));
        if (pid1 != null && !pid1.equals(self)) {
            return new Verdict(true, self, "differs from PID 1's " + pid1);
        }
        if (pid1 != null && pidNs > 0 && pidNs < DYNAMIC_FIRST) {
            return new Verdict(false, self, "same as the host init's (PID 1) " + ns + " namespace");
        }
        return new Verdict(null, self, "kernel " + kernelRelease + " gives " + ns
                + " namespaces no fixed initial number and the host's PID 1 is not visible");
    }
}
