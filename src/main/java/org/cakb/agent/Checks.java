package org.cakb.agent;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The agent's built-in, read-only check types. A probe definition names one of {@link #TYPES} and gives its
 * parameters; the definition is data only: nothing from it is executed, evaluated or passed to a shell. An unknown
 * type, or a parameter the type does not understand, yields an {@code error} result.
 */
public final class Checks {
    /** Every check type this agent version implements. */
    public static final List<String> TYPES = Collections.unmodifiableList(Arrays.asList(
            "proc-status", "capabilities", "privileged", "namespace", "userns-mapping", "lsm-label", "file-value",
            "sysctl", "cgroup-limit", "device-cgroup", "root-readonly", "runtime-sockets", "host-mounts",
            "path-readonly", "masked-paths", "binfmt-misc", "path-exists", "docker-daemon-config", "process-user"));

    private final Context cx;

    public Checks(Context cx) {
        this.cx = cx;
    }

    /** Everything a check may look at, read once per run. */
    public static final class Context {
        public final SystemFiles fs;
        public final ProcStatus status;
        public final MountInfo mounts;
        public final Cgroups cgroups;
        public final String kernel;
        public final Environment env;

        public Context(SystemFiles fs) {
            this(fs, "auto");
        }

        /** vantage "auto" detects; "host" or "container" overrides the detected vantage (evidence is kept). */
        public Context(SystemFiles fs, String vantage) {
            this.fs = fs;
            this.status = ProcStatus.parse(fs.read("/proc/self/status"));
            this.mounts = MountInfo.parse(fs.read("/proc/self/mountinfo"));
            this.cgroups = new Cgroups(fs, fs.read("/proc/self/cgroup"), mounts);
            String k = fs.readTrim("/proc/sys/kernel/osrelease");
            this.kernel = k == null ? "unknown" : k;
            Environment e = Environment.detect(fs, mounts, kernel);
            this.env = vantage == null || vantage.equals("auto") || vantage.equals(e.vantage) ? e
                    : new Environment(vantage, vantage.equals("host") ? "none" : e.runtime.equals("none") ? "unknown" : e.runtime, e.evidence);
        }
    }

    /** Thrown for a malformed definition; becomes an error result. */
    static final class DefinitionError extends RuntimeException {
        private static final long serialVersionUID = 1L;

        DefinitionError(String m) {
            super(m);
        }
    }

    public CheckResult run(ProbeDefinition p) {
        String type = p.checkType();
        if (type == null) {
            return new CheckResult(p, CheckResult.ERROR, null, null, "definition has no check.type");
        }
        if (!TYPES.contains(type)) {
            return new CheckResult(p, CheckResult.ERROR, null, null,
                    "unknown check type '" + type + "': this agent version does not implement it");
        }
        if (p.vantage.equals("container") && !cx.env.inContainer()) {
            return new CheckResult(p, CheckResult.NOT_APPLICABLE, "vantage host", "vantage container",
                    "applies inside a container; the agent runs on the host");
        }
        if (p.vantage.equals("host") && cx.env.inContainer()) {
            return new CheckResult(p, CheckResult.NOT_APPLICABLE, "vantage container", "vantage host",
                    "applies on the host; the agent runs inside a container");
        }
        try {
            switch (type) {
                case "proc-status": return procStatus(p);
                case "capabilities": return capabilities(p);
                case "privileged": return privileged(p);
                case "namespace": return namespace(p);
                case "userns-mapping": return usernsMapping(p);
                case "lsm-label": return lsmLabel(p);
                case "file-value": return fileValue(p, str(p, "path"));
                case "sysctl": return fileValue(p, "/proc/sys/" + str(p, "key").replace('.', '/'));
                case "cgroup-limit": return cgroupLimit(p);
                case "device-cgroup": return deviceCgroup(p);
                case "root-readonly": return rootReadonly(p);
                case "runtime-sockets": return runtimeSockets(p);
                case "host-mounts": return hostMounts(p);
                case "path-readonly": return pathReadonly(p);
                case "masked-paths": return maskedPaths(p);
                case "binfmt-misc": return binfmtMisc(p);
                case "path-exists": return pathExists(p);
                case "docker-daemon-config": return dockerDaemonConfig(p);
                case "process-user": return processUser(p);
                default:
                    return new CheckResult(p, CheckResult.ERROR, null, null, "unknown check type '" + type + "'");
            }
        } catch (DefinitionError e) {
            return new CheckResult(p, CheckResult.ERROR, null, null, "bad definition: " + e.getMessage());
        } catch (ReadRefused e) {
            return new CheckResult(p, CheckResult.ERROR, null, null, e.getMessage());
        } catch (RuntimeException e) {
            return new CheckResult(p, CheckResult.ERROR, null, null, "internal error: " + e);
        }
    }

    // ------------------------------------------------------------------ parameter helpers

    static String str(ProbeDefinition p, String key) {
        Object o = p.check.get(key);
        if (o == null) {
            throw new DefinitionError("check." + key + " is required");
        }
        if (o instanceof Map || o instanceof List) {
            throw new DefinitionError("check." + key + " must be a scalar");
        }
        return String.valueOf(o);
    }

    static String optStr(ProbeDefinition p, String key, String dflt) {
        Object o = p.check.get(key);
        return o == null ? dflt : String.valueOf(o);
    }

    static boolean optBool(ProbeDefinition p, String key, boolean dflt) {
        Object o = p.check.get(key);
        return o instanceof Boolean ? (Boolean) o : dflt;
    }

    @SuppressWarnings("unchecked")
    static List<String> list(ProbeDefinition p, String key, boolean required) {
        Object o = p.check.get(key);
        if (o == null) {
            if (required) {
                throw new DefinitionError("check." + key + " is required");
            }
            return Collections.emptyList();
        }
        if (!(o instanceof List)) {
            throw new DefinitionError("check." + key + " must be a list");
        }
        List<String> out = new ArrayList<>();
        for (Object x : (List<Object>) o) {
            out.add(String.valueOf(x));
        }
        return out;
    }

    /** Compares an observed value with the definition's op/value: eq, ne, ge, le, gt, lt, in, not-in, non-empty. */
    static boolean compare(ProbeDefinition p, String observed) {
        String op = optStr(p, "op", "eq");
        if (op.equals("non-empty")) {
            return observed != null && !observed.trim().isEmpty();
        }
        if (op.equals("in") || op.equals("not-in")) {
            boolean in = list(p, "values", true).contains(observed);
            return op.equals("in") == in;
        }
        String want = str(p, "value");
        switch (op) {
            case "eq": return numEq(observed, want);
            case "ne": return !numEq(observed, want);
            case "ge": case "le": case "gt": case "lt": {
                Long a = num(observed);
                Long b = num(want);
                if (b == null) {
                    throw new DefinitionError("check.value must be a number for op " + op);
                }
                if (a == null) {
                    return false;
                }
                int c = Long.compare(a, b);
                return op.equals("ge") ? c >= 0 : op.equals("le") ? c <= 0 : op.equals("gt") ? c > 0 : c < 0;
            }
            default:
                throw new DefinitionError("unknown op '" + op + "'");
        }
    }

    static String expectation(ProbeDefinition p) {
        String op = optStr(p, "op", "eq");
        switch (op) {
            case "non-empty": return "non-empty";
            case "in": return "one of " + list(p, "values", true);
            case "not-in": return "none of " + list(p, "values", true);
            case "eq": return "= " + str(p, "value");
            case "ne": return "!= " + str(p, "value");
            case "ge": return ">= " + str(p, "value");
            case "le": return "<= " + str(p, "value");
            case "gt": return "> " + str(p, "value");
            case "lt": return "< " + str(p, "value");
            default: throw new DefinitionError("unknown op '" + op + "'");
        }
    }

    private static boolean numEq(String a, String b) {
        Long x = num(a);
        Long y = num(b);
        if (x != null && y != null) {
            return x.longValue() == y.longValue();
        }
        return a != null && a.equals(b);
    }

    static Long num(String s) {
        if (s == null) {
            return null;
        }
        try {
            return Long.valueOf(s.trim());
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private CheckResult result(ProbeDefinition p, boolean ok, String observed, String expected, String why) {
        String explanation = optStr(p, ok ? "pass-text" : "fail-text", null);
        String text = explanation == null ? why : explanation + (why == null ? "" : " (" + why + ")");
        return new CheckResult(p, ok ? CheckResult.PASS : CheckResult.FAIL, observed, expected, text);
    }

    private static CheckResult na(ProbeDefinition p, String observed, String why) {
        return new CheckResult(p, CheckResult.NOT_APPLICABLE, observed, null, why);
    }

    // ------------------------------------------------------------------ check types

    private CheckResult procStatus(ProbeDefinition p) {
        String field = str(p, "field");
        if (cx.status.isEmpty()) {
            return new CheckResult(p, CheckResult.ERROR, null, null, "/proc/self/status is not readable");
        }
        Object col = p.check.get("column");
        String v = col == null ? cx.status.get(field) : cx.status.column(field, ((Number) col).intValue());
        if (v == null) {
            String absent = optStr(p, "absent", "not-applicable");
            if (absent.equals("fail")) {
                return result(p, false, "absent", expectation(p), "the kernel does not report " + field);
            }
            return na(p, "absent", "the kernel does not report " + field + " in /proc/self/status");
        }
        boolean ok = compare(p, v);
        return result(p, ok, field + ": " + v, field + " " + expectation(p), null);
    }

    private static final String[][] CAP_SETS = {
        {"effective", "CapEff"}, {"permitted", "CapPrm"}, {"bounding", "CapBnd"}, {"ambient", "CapAmb"},
        {"inheritable", "CapInh"}};

    private static String capField(String set) {
        for (String[] s : CAP_SETS) {
            if (s[0].equals(set)) {
                return s[1];
            }
        }
        throw new DefinitionError("unknown capability set '" + set + "'");
    }

    private CheckResult capabilities(ProbeDefinition p) {
        List<String> sets = list(p, "sets", true);
        List<String> forbidden = list(p, "forbidden", false);
        List<String> allowed = list(p, "allowed", false);
        boolean empty = optBool(p, "empty", false);
        int modes = (forbidden.isEmpty() ? 0 : 1) + (p.check.containsKey("allowed") ? 1 : 0) + (empty ? 1 : 0);
        if (modes != 1) {
            throw new DefinitionError("exactly one of forbidden, allowed, empty: true");
        }
        long forbiddenMask;
        long allowedMask;
        try {
            forbiddenMask = Capabilities.mask(forbidden);
            allowedMask = Capabilities.mask(allowed);
        } catch (IllegalArgumentException e) {
            throw new DefinitionError(e.getMessage());
        }
        StringBuilder obs = new StringBuilder();
        List<String> bad = new ArrayList<>();
        for (String set : sets) {
            String field = capField(set);
            String hex = cx.status.get(field);
            if (hex == null) {
                return new CheckResult(p, CheckResult.ERROR, null, null, field + " missing from /proc/self/status");
            }
            long m;
            try {
                m = Capabilities.parseMask(hex);
            } catch (NumberFormatException e) {
                return new CheckResult(p, CheckResult.ERROR, hex, null, field + " is not a hex mask");
            }
            long offending = empty ? m : forbidden.isEmpty() ? (m & ~allowedMask) : (m & forbiddenMask);
            if (obs.length() > 0) {
                obs.append("; ");
            }
            if (!forbidden.isEmpty()) {
                obs.append(field).append('=').append(hex).append(" has ")
                        .append(offending == 0 ? "none of them" : join(Capabilities.names(offending)));
            } else {
                obs.append(field).append('=').append(hex);
                if (offending != 0) {
                    obs.append(" beyond allowed: ").append(join(Capabilities.names(offending)));
                } else {
                    obs.append(" (").append(Long.bitCount(m)).append(" caps)");
                }
            }
            if (offending != 0) {
                bad.add(field);
            }
        }
        String expected = empty ? "empty " + sets : !forbidden.isEmpty()
                ? "none of " + join(forbidden) + " in " + sets : sets + " within " + join(allowed);
        String why = bad.isEmpty() ? null : "offending capabilities in " + join(bad);
        if (!bad.isEmpty() && cx.env != null) {
            Namespaces.Verdict u = Namespaces.check(cx.fs, "user", cx.kernel);
            if (Boolean.TRUE.equals(u.separate)) {
                why = why + "; note: held in a non-initial user namespace, so they act on that namespace's resources";
            }
        }
        return result(p, bad.isEmpty(), obs.toString(), expected, why);
    }

    private static String join(List<String> l) {
        return String.join(",", l);
    }

    private CheckResult privileged(ProbeDefinition p) {
        // Indicators of "privileged mode": near-complete capabilities, no seccomp, writable sysfs, unmasked /proc/kcore,
        // unrestricted device cgroup. Fails when the capability indicator and at least one other hold.
        List<String> hits = new ArrayList<>();
        String eff = cx.status.get("CapEff");
        boolean allCaps = false;
        if (eff != null) {
            long m = Capabilities.parseMask(eff);
            long core = Capabilities.mask(Arrays.asList("CAP_SYS_ADMIN", "CAP_SYS_MODULE", "CAP_SYS_RAWIO",
                    "CAP_SYS_PTRACE", "CAP_NET_ADMIN", "CAP_DAC_READ_SEARCH", "CAP_SYS_BOOT", "CAP_MAC_ADMIN"));
            allCaps = (m & core) == core;
            if (allCaps) {
                hits.add("CapEff has SYS_ADMIN, SYS_MODULE, SYS_RAWIO, SYS_PTRACE, NET_ADMIN, DAC_READ_SEARCH, SYS_BOOT, MAC_ADMIN");
            }
        }
        if ("0".equals(cx.status.get("Seccomp"))) {
            hits.add("no seccomp filter");
        }
        MountInfo.Mount sys = cx.mounts.covering("/sys");
        if (sys != null && sys.mountPoint.equals("/sys") && !sys.readOnly()) {
            hits.add("/sys mounted read-write");
        }
        if (cx.fs.exists("/proc/kcore") && cx.mounts.at("/proc/kcore").isEmpty()) {
            hits.add("/proc/kcore not masked");
        }
        String[] dev = cx.cgroups.v1DevicesList();
        if (dev != null && dev[1].contains("a *:* rwm")) {
            hits.add("device cgroup allows all devices");
        }
        boolean privileged = allCaps && hits.size() >= 3;
        return result(p, !privileged, hits.isEmpty() ? "no privileged-mode indicators" : join(hits),
                "not the combination of full capabilities with at least two of: no seccomp, rw /sys, unmasked /proc/kcore, all devices",
                privileged ? "looks like a privileged container" : null);
    }

    private CheckResult namespace(ProbeDefinition p) {
        String ns = str(p, "namespace");
        if (!Arrays.asList("user", "pid", "mnt", "net", "ipc", "uts", "cgroup", "time").contains(ns)) {
            throw new DefinitionError("unknown namespace '" + ns + "'");
        }
        Namespaces.Verdict v = Namespaces.check(cx.fs, ns, cx.kernel);
        if (v.separate == null) {
            return na(p, v.observed, v.reason);
        }
        return result(p, v.separate, v.observed, "a non-initial " + ns + " namespace", v.reason);
    }

    /** Parses uid_map/gid_map lines "inside outside count". */
    static List<long[]> idMap(String text) {
        List<long[]> out = new ArrayList<>();
        if (text == null) {
            return out;
        }
        for (String line : text.split("\n")) {
            String[] f = line.trim().split("\\s+");
            if (f.length == 3) {
                try {
                    out.add(new long[] {Long.parseLong(f[0]), Long.parseLong(f[1]), Long.parseLong(f[2])});
                } catch (NumberFormatException e) {
                    // skip malformed line
                }
            }
        }
        return out;
    }

    /** Outside id of an inside id, or -1 when unmapped. */
    static long mapId(List<long[]> map, long inside) {
        for (long[] r : map) {
            if (inside >= r[0] && inside < r[0] + r[2]) {
                return r[1] + (inside - r[0]);
            }
        }
        return -1;
    }

    private CheckResult usernsMapping(ProbeDefinition p) {
        String text = cx.fs.read("/proc/self/uid_map");
        if (text == null) {
            return na(p, "absent", "/proc/self/uid_map is not readable (kernel without user namespaces)");
        }
        List<long[]> map = idMap(text);
        String obs = "uid_map: " + text.trim().replaceAll("\\s+", " ");
        if (map.size() == 1 && map.get(0)[0] == 0 && map.get(0)[1] == 0 && map.get(0)[2] == 4294967295L) {
            return result(p, false, obs, "uid 0 mapped to an unprivileged host uid",
                    "identity map of the initial user namespace: root here is root on the host");
        }
        long root = mapId(map, 0);
        if (root == 0) {
            return result(p, false, obs, "uid 0 mapped to an unprivileged host uid",
                    "user namespace maps uid 0 to uid 0 of the parent namespace");
        }
        return result(p, true, obs, "uid 0 mapped to an unprivileged host uid",
                root < 0 ? "uid 0 is not mapped at all" : "uid 0 here is uid " + root + " outside");
    }

    private CheckResult lsmLabel(ProbeDefinition p) {
        String lsm = str(p, "lsm");
        String label;
        boolean active;
        if (lsm.equals("apparmor")) {
            active = "Y".equals(cx.fs.readTrim("/sys/module/apparmor/parameters/enabled"))
                    || cx.fs.exists("/proc/self/attr/apparmor/current");
            label = cx.fs.readTrim("/proc/self/attr/apparmor/current");
            if (label == null) {
                label = cx.fs.readTrim("/proc/self/attr/current");
            }
        } else if (lsm.equals("selinux")) {
            active = cx.fs.exists("/sys/fs/selinux/enforce") || cx.fs.exists("/proc/self/attr/selinux/current");
            label = cx.fs.readTrim("/proc/self/attr/selinux/current");
            if (label == null) {
                label = cx.fs.readTrim("/proc/self/attr/current");
            }
        } else {
            throw new DefinitionError("lsm must be apparmor or selinux");
        }
        if (label != null) {
            label = label.replace("\0", "").trim();
        }
        boolean looksApparmor = label != null && (label.endsWith(")") || label.equals("unconfined"));
        if (!active) {
            if (lsm.equals("selinux") && label != null && label.contains(":") && !looksApparmor) {
                active = true; // label like system_u:system_r:container_t:s0 visible even without selinuxfs mounted
            } else {
                return na(p, label == null ? "no label" : label, lsm + " is not enabled in this kernel");
            }
        }
        if (label == null || label.isEmpty()) {
            return result(p, false, "no label", "a confining " + lsm + " label", "no " + lsm + " label is readable");
        }
        boolean unconfined = label.equals("unconfined") || label.startsWith("unconfined ")
                || label.contains("unconfined_t") || label.contains(":spc_t:") || label.contains(":kernel_t:");
        if (lsm.equals("apparmor") && label.endsWith("(complain)")) {
            return result(p, false, label, "a profile in enforce mode", "profile only logs (complain mode)");
        }
        return result(p, !unconfined, label, "a confining " + lsm + " label", unconfined ? "process is unconfined" : null);
    }

    private CheckResult fileValue(ProbeDefinition p, String path) {
        String v = cx.fs.readTrim(path);
        if (v == null) {
            String absent = optStr(p, "absent", "not-applicable");
            String problem = cx.fs.readProblem(path);
            if (absent.equals("fail")) {
                return result(p, false, problem, expectation(p), path + " is " + problem);
            }
            if (absent.equals("pass")) {
                return result(p, true, problem, expectation(p), path + " is " + problem);
            }
            return na(p, problem, path + " is " + problem + " (feature not present in this kernel or not visible here)");
        }
        return result(p, compare(p, v), path + " = " + v, expectation(p), null);
    }

    private CheckResult cgroupLimit(ProbeDefinition p) {
        String resource = str(p, "resource");
        if (!Arrays.asList("memory", "pids", "cpu", "blkio").contains(resource)) {
            throw new DefinitionError("resource must be memory, pids, cpu or blkio");
        }
        Cgroups.Limit l = cx.cgroups.limit(resource);
        if (l == null) {
            return na(p, "no " + resource + " cgroup visible (cgroup mode " + cx.cgroups.mode() + ")",
                    "no cgroup hierarchy managing " + resource + " is mounted here");
        }
        return result(p, l.limited, l.toString(), "a " + resource + " limit on this cgroup or an ancestor",
                l.limited ? null : "no " + resource + " limit is set");
    }

    private CheckResult deviceCgroup(ProbeDefinition p) {
        String[] d = cx.cgroups.v1DevicesList();
        if (d == null) {
            return na(p, "cgroup " + cx.cgroups.mode(),
                    "no cgroup v1 devices controller visible; cgroup v2 enforces device rules with eBPF programs that cannot be read from here");
        }
        boolean all = false;
        for (String line : d[1].split("\n")) {
            if (line.trim().equals("a *:* rwm")) {
                all = true;
            }
        }
        int n = d[1].isEmpty() ? 0 : d[1].split("\n").length;
        return result(p, !all, d[0] + ": " + (all ? "a *:* rwm" : n + " allow rules"),
                "an allow-list, not 'a *:* rwm'", all ? "every device may be created, read and written" : null);
    }

    private CheckResult rootReadonly(ProbeDefinition p) {
        MountInfo.Mount root = cx.mounts.covering("/");
        if (root == null) {
            return new CheckResult(p, CheckResult.ERROR, null, null, "no / mount in /proc/self/mountinfo");
        }
        return result(p, root.readOnly(), "/ " + root.fsType + " " + (root.readOnly() ? "ro" : "rw"), "/ mounted ro", null);
    }

    private CheckResult runtimeSockets(ProbeDefinition p) {
        List<String> names = list(p, "names", true);
        List<String> paths = list(p, "paths", false);
        List<String> found = new ArrayList<>();
        for (MountInfo.Mount m : cx.mounts.all()) {
            for (String n : names) {
                if (m.mountPoint.endsWith("/" + n) || m.root.endsWith("/" + n)) {
                    found.add("mounted: " + m.mountPoint + " (from " + m.root + ")");
                }
            }
        }
        for (String path : paths) {
            if (cx.fs.isSpecial(path)) {
                found.add("socket present: " + path);
            }
        }
        return result(p, found.isEmpty(), found.isEmpty() ? "none" : join(found), "no runtime API socket", null);
    }

    private CheckResult hostMounts(ProbeDefinition p) {
        List<String> sensitive = list(p, "paths", true);
        List<String> ignore = list(p, "ignore", false);
        boolean writableOnly = optBool(p, "writable-only", false);
        List<String> virtual = Arrays.asList("proc", "sysfs", "tmpfs", "devpts", "mqueue", "cgroup", "cgroup2",
                "overlay", "devtmpfs", "securityfs", "debugfs", "tracefs", "bpf", "pstore", "hugetlbfs", "fusectl",
                "configfs", "nsfs", "binfmt_misc", "autofs", "rpc_pipefs", "efivarfs", "shm", "aufs");
        List<String> found = new ArrayList<>();
        for (MountInfo.Mount m : cx.mounts.all()) {
            if (virtual.contains(m.fsType) || m.mountPoint.equals("/")) {
                continue;
            }
            boolean skip = false;
            for (String ig : ignore) {
                if (m.root.startsWith(ig)) {
                    skip = true;
                }
            }
            if (skip || (writableOnly && m.readOnly())) {
                continue;
            }
            for (String s : sensitive) {
                if (m.root.equals(s) || (!s.equals("/") && m.root.startsWith(s + "/"))) {
                    found.add(m.mountPoint + " <- host " + m.root + (m.readOnly() ? " (ro)" : " (rw)"));
                    break;
                }
            }
        }
        return result(p, found.isEmpty(), found.isEmpty() ? "none" : join(found),
                (writableOnly ? "no writable" : "no") + " bind mount of " + join(sensitive), null);
    }

    private CheckResult pathReadonly(ProbeDefinition p) {
        String path = str(p, "path");
        String probe = optStr(p, "probe-file", path);
        if (!cx.fs.exists(path)) {
            return result(p, true, path + " absent", path + " read-only", "not present here");
        }
        MountInfo.Mount m = cx.mounts.covering(path);
        boolean mountRo = m != null && (m.readOnly() || m.superOptions.contains("ro"));
        boolean writable = cx.fs.isWritable(probe);
        String obs = path + " on " + (m == null ? "?" : m.mountPoint + " " + (mountRo ? "ro" : "rw"))
                + "; " + probe + (writable ? " writable" : " not writable") + " by this process";
        return result(p, mountRo || !writable, obs, path + " mounted ro or not writable",
                mountRo ? null : writable ? "writable" : "mount is rw but this process may not write");
    }

    private CheckResult maskedPaths(ProbeDefinition p) {
        List<String> paths = list(p, "paths", true);
        List<String> exposed = new ArrayList<>();
        List<String> masked = new ArrayList<>();
        for (String path : paths) {
            if (!cx.fs.exists(path)) {
                masked.add(path + " (absent)");
            } else if (!cx.mounts.at(path).isEmpty()) {
                masked.add(path + " (mounted over)");
            } else if (cx.fs.isSpecial(path) || (cx.fs.isDirectory(path) && cx.fs.list(path).isEmpty())) {
                masked.add(path + " (empty)");
            } else if (!cx.fs.isDirectory(path) && !cx.fs.canOpen(path)) {
                masked.add(path + " (unreadable)");
            } else {
                exposed.add(path);
            }
        }
        return result(p, exposed.isEmpty(), exposed.isEmpty() ? "masked: " + join(masked) : "exposed: " + join(exposed),
                "masked or absent: " + join(paths), null);
    }

    private CheckResult binfmtMisc(ProbeDefinition p) {
        List<String> flags = list(p, "forbidden-flags", true);
        String dir = "/proc/sys/fs/binfmt_misc";
        if (!cx.fs.exists(dir + "/status")) {
            return na(p, "binfmt_misc not mounted", dir + " is not mounted here, no handlers are visible");
        }
        List<String> bad = new ArrayList<>();
        List<String> seen = new ArrayList<>();
        for (String name : cx.fs.list(dir)) {
            if (name.equals("status") || name.equals("register")) {
                continue;
            }
            String t = cx.fs.read(dir + "/" + name);
            if (t == null) {
                continue;
            }
            String f = "";
            boolean enabled = false;
            for (String line : t.split("\n")) {
                if (line.startsWith("flags:")) {
                    f = line.substring(6).trim();
                }
                if (line.trim().equals("enabled")) {
                    enabled = true;
                }
            }
            seen.add(name + "[" + f + "]");
            for (String fl : flags) {
                if (enabled && f.contains(fl)) {
                    bad.add(name + " has flag " + fl);
                }
            }
        }
        return result(p, bad.isEmpty(), seen.isEmpty() ? "no handlers" : join(seen), "no enabled handler with " + join(flags),
                bad.isEmpty() ? null : join(bad));
    }

    private CheckResult pathExists(ProbeDefinition p) {
        String path = str(p, "path");
        String prefix = optStr(p, "entry-prefix", null);
        if (prefix != null) {
            List<String> hits = new ArrayList<>();
            for (String n : cx.fs.list(path)) {
                if (n.startsWith(prefix)) {
                    hits.add(n);
                }
            }
            return result(p, !hits.isEmpty(), hits.isEmpty() ? "no " + prefix + "* in " + path : path + ": " + join(hits),
                    prefix + "* in " + path, null);
        }
        boolean e = cx.fs.exists(path);
        return result(p, e, path + (e ? " present" : " absent"), path + " present", null);
    }

    private CheckResult dockerDaemonConfig(ProbeDefinition p) {
        String key = str(p, "key");
        String path = optStr(p, "path", "/etc/docker/daemon.json");
        boolean docker = cx.fs.exists("/usr/bin/dockerd") || cx.fs.exists("/usr/sbin/dockerd")
                || cx.fs.exists("/usr/local/bin/dockerd") || cx.fs.exists("/etc/docker");
        if (!docker) {
            return na(p, "no dockerd", "the Docker engine is not installed here");
        }
        String text = cx.fs.read(path);
        String v = null;
        if (text != null) {
            Object root;
            try {
                root = Json.parse(text);
            } catch (IllegalArgumentException e) {
                return new CheckResult(p, CheckResult.ERROR, null, null, path + " is not valid JSON: " + e.getMessage());
            }
            if (root instanceof Map) {
                Object o = ((Map<?, ?>) root).get(key);
                v = o == null ? null : o instanceof List ? String.valueOf(o) : String.valueOf(o);
            }
        }
        String dflt = optStr(p, "default", null);
        String effective = v != null ? v : dflt;
        String obs = text == null ? path + " absent; " + key + " at its default" + (dflt == null ? "" : " (" + dflt + ")")
                : key + " = " + (v == null ? "(unset" + (dflt == null ? ")" : ", default " + dflt + ")") : v);
        return result(p, compare(p, effective), obs, key + " " + expectation(p), null);
    }

    private CheckResult processUser(ProbeDefinition p) {
        List<String> names = list(p, "names", true);
        List<String> rootOwned = new ArrayList<>();
        List<String> seen = new ArrayList<>();
        for (String pid : cx.fs.list("/proc")) {
            if (pid.isEmpty() || pid.charAt(0) < '0' || pid.charAt(0) > '9') {
                continue;
            }
            // /proc/[pid]/comm is far cheaper for the kernel to produce than status; read status only for matches
            String comm = cx.fs.readTrim("/proc/" + pid + "/comm");
            if (comm == null || !names.contains(comm)) {
                continue;
            }
            ProcStatus st = ProcStatus.parse(cx.fs.read("/proc/" + pid + "/status"));
            String name = st.get("Name");
            if (name == null || !names.contains(name)) {
                continue;
            }
            String uid = st.column("Uid", 1);
            seen.add(name + "[" + pid + "] uid " + uid);
            if ("0".equals(uid)) {
                // rootless daemons run in their own user namespace under an unprivileged uid; uid 0 here is host root
                rootOwned.add(name + "[" + pid + "]");
            }
        }
        if (seen.isEmpty()) {
            return na(p, "no " + join(names) + " process visible", "none of " + join(names) + " runs here");
        }
        return result(p, rootOwned.isEmpty(), join(seen), join(names) + " running under a non-root uid",
                rootOwned.isEmpty() ? null : "runs as root: " + join(rootOwned));
    }

    static String lower(String s) {
        return s.toLowerCase(Locale.ROOT);
    }
}
