package org.cakb.agent;

import java.util.List;

/**
 * The process whose view the container-vantage checks evaluate: the agent itself ({@code /proc/self}, when it runs
 * inside the container) or, on a host run, a container's init process ({@code /proc/<pid>}). For another process only
 * kernel-provided files under {@code /proc/<pid>} and the host's {@code /sys/fs/cgroup} are read; nothing inside the
 * container's filesystem. Questions about paths in the container's view (does /proc/kcore exist there, could the
 * process write /proc/sys) are answered from its mount table, its credentials and the shared kernel's files.
 */
public final class Target {
    /** "/proc/self" or "/proc/<pid>". */
    public final String proc;
    /** Init process id seen from the agent; 0 for the agent itself. */
    public final int pid;
    public final ProcStatus status;
    public final MountInfo mounts;
    public final Cgroups cgroups;
    private final SystemFiles fs;

    private Target(SystemFiles fs, String proc, int pid, ProcStatus status, MountInfo mounts, Cgroups cgroups) {
        this.fs = fs;
        this.proc = proc;
        this.pid = pid;
        this.status = status;
        this.mounts = mounts;
        this.cgroups = cgroups;
    }

    /** The agent's own process. */
    public static Target self(SystemFiles fs) {
        MountInfo mounts = MountInfo.parse(fs.read("/proc/self/mountinfo"));
        return new Target(fs, "/proc/self", 0, ProcStatus.parse(fs.read("/proc/self/status")), mounts,
                new Cgroups(fs, fs.read("/proc/self/cgroup"), mounts));
    }

    /**
     * Another process, seen from the agent on the host. Its cgroup paths are resolved on the agent's own cgroup mounts
     * ({@code hostMounts}); Uid and Gid are translated back into the process's own user namespace, so the verdicts
     * match what the process would report about itself.
     */
    public static Target process(SystemFiles fs, int pid, MountInfo hostMounts) {
        String proc = "/proc/" + pid;
        ProcStatus st = ProcStatus.parse(fs.read(proc + "/status"));
        st = inside(st, "Uid", fs.read(proc + "/uid_map"));
        st = inside(st, "Gid", fs.read(proc + "/gid_map"));
        return new Target(fs, proc, pid, st, MountInfo.parse(fs.read(proc + "/mountinfo")),
                new Cgroups(fs, fs.read(proc + "/cgroup"), hostMounts));
    }

    public boolean isSelf() {
        return pid == 0;
    }

    private static ProcStatus inside(ProcStatus st, String field, String mapText) {
        String v = st.get(field);
        if (v == null || mapText == null) {
            return st;
        }
        List<long[]> map = ProcessChecks.idMap(mapText);
        StringBuilder b = new StringBuilder();
        for (String col : v.trim().split("\\s+")) {
            long outside;
            try {
                outside = Long.parseLong(col);
            } catch (NumberFormatException e) {
                return st;
            }
            long in = 65534; // the overflow id, what the kernel shows for an unmapped id
            for (long[] r : map) {
                if (outside >= r[1] && outside < r[1] + r[2]) {
                    in = r[0] + (outside - r[1]);
                }
            }
            b.append(b.length() == 0 ? "" : "\t").append(in);
        }
        return st.with(field, b.toString());
    }

    // ------------------------------------------------------------------ the process's view of paths

    /** Whether the path exists in the process's view. Another process: only kernel filesystems (proc, sysfs) count. */
    public boolean exists(String path) {
        if (isSelf()) {
            return fs.exists(path);
        }
        if (!mounts.at(path).isEmpty()) {
            return true;
        }
        MountInfo.Mount m = mounts.covering(path);
        return m != null && kernelFs(m) && fs.exists(path);
    }

    /** Device node, socket or fifo: for another process, answered for kernel filesystems only. */
    public boolean isSpecial(String path) {
        return isSelf() ? fs.isSpecial(path) : kernelFs(mounts.covering(path)) && fs.isSpecial(path);
    }

    public boolean isEmptyDirectory(String path) {
        if (isSelf() || kernelFs(mounts.covering(path))) {
            return fs.isDirectory(path) && fs.list(path).isEmpty();
        }
        return false;
    }

    /** Whether the process could open the file for reading. */
    public boolean canRead(String path) {
        if (isSelf()) {
            return fs.isDirectory(path) || fs.canOpen(path);
        }
        if (!kernelFs(mounts.covering(path)) || !fs.exists(path)) {
            return false;
        }
        if (path.equals("/proc/kcore") && !hasCap("CAP_SYS_RAWIO")) {
            return false; // open(2) of /proc/kcore needs CAP_SYS_RAWIO
        }
        return fs.isDirectory(path) || fs.canOpen(path);
    }

    /**
     * access(2) W_OK as the process: the mount is writable and the process is root of the initial user namespace or
     * holds CAP_DAC_OVERRIDE there (kernel files are owned by the host's root).
     */
    public boolean isWritable(String path) {
        if (isSelf()) {
            return fs.isWritable(path);
        }
        MountInfo.Mount m = mounts.covering(path);
        if (m == null || m.readOnly() || m.superOptions.contains("ro")) {
            return false;
        }
        Namespaces.Verdict user = Namespaces.check(fs, proc, "user", null);
        boolean initialUserNs = Boolean.FALSE.equals(user.separate);
        return initialUserNs && ("0".equals(status.column("Uid", 3)) || hasCap("CAP_DAC_OVERRIDE"));
    }

    boolean hasCap(String name) {
        String eff = status.get("CapEff");
        if (eff == null) {
            return false;
        }
        try {
            long mask = Capabilities.parseMask(eff);
            return (mask & Capabilities.mask(java.util.Collections.singletonList(name))) != 0;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private static boolean kernelFs(MountInfo.Mount m) {
        return m != null && (m.fsType.equals("proc") || m.fsType.equals("sysfs"));
    }
}
