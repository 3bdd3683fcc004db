package org.cakb.agent;

import static org.cakb.agent.CheckParams.join;
import static org.cakb.agent.CheckParams.list;
import static org.cakb.agent.CheckParams.na;
import static org.cakb.agent.CheckParams.optBool;
import static org.cakb.agent.CheckParams.optStr;
import static org.cakb.agent.CheckParams.result;
import static org.cakb.agent.CheckParams.str;
import static org.cakb.agent.CheckParams.compare;

import org.cakb.agent.CheckParams.DefinitionError;
import static org.cakb.agent.CheckParams.expectation;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Checks of the process's own credentials and confinement: status fields, capabilities, privileged mode, namespaces, user-namespace mapping, LSM label. */
final class ProcessChecks {
    private final Checks.Context cx;

    ProcessChecks(Checks.Context cx) {
        this.cx = cx;
    }

    CheckResult procStatus(ProbeDefinition p) {
        String field = str(p, "field");
        if (cx.status.isEmpty()) {
            return new CheckResult(p, CheckResult.ERROR, null, null, cx.proc + "/status is not readable");
        }
        Object col = p.check.get("column");
        String v = col == null ? cx.status.get(field) : cx.status.column(field, ((Number) col).intValue());
        if (v == null) {
            String absent = optStr(p, "absent", "not-applicable");
            if (absent.equals("fail")) {
                return result(p, false, "absent", expectation(p), "the kernel does not report " + field);
            }
            return na(p, "absent", "the kernel does not report " + field + " in " + cx.proc + "/status");
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

    CheckResult capabilities(ProbeDefinition p) {
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
                return new CheckResult(p, CheckResult.ERROR, null, null, field + " missing from " + cx.proc + "/status");
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
            Namespaces.Verdict u = Namespaces.check(cx.fs, cx.proc, "user", cx.kernel);
            if (Boolean.TRUE.equals(u.separate)) {
                why = why + "; note: held in a non-initial user namespace, so they act on that namespace's resources";
            }
        }
        return result(p, bad.isEmpty(), obs.toString(), expected, why);
    }

    CheckResult privileged(ProbeDefinition p) {
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
        if (cx.target.exists("/proc/kcore") && cx.mounts.at("/proc/kcore").isEmpty()) {
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

    CheckResult namespace(ProbeDefinition p) {
        String ns = str(p, "namespace");
        if (!Arrays.asList("user", "pid", "mnt", "net", "ipc", "uts", "cgroup", "time").contains(ns)) {
            throw new DefinitionError("unknown namespace '" + ns + "'");
        }
        Namespaces.Verdict v = Namespaces.check(cx.fs, cx.proc, ns, cx.kernel);
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

    CheckResult usernsMapping(ProbeDefinition p) {
        String text = cx.fs.read(cx.proc + "/uid_map");
        if (text == null) {
            return na(p, "absent", cx.proc + "/uid_map is not readable (kernel without user namespaces)");
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

    CheckResult lsmLabel(ProbeDefinition p) {
        String lsm = str(p, "lsm");
        String label;
        boolean active;
        if (lsm.equals("apparmor")) {
            active = "Y".equals(cx.fs.readTrim("/sys/module/apparmor/parameters/enabled"))
                    || cx.fs.exists(cx.proc + "/attr/apparmor/current");
            label = cx.fs.readTrim(cx.proc + "/attr/apparmor/current");
            if (label == null) {
                label = cx.fs.readTrim(cx.proc + "/attr/current");
            }
        } else if (lsm.equals("selinux")) {
            active = cx.fs.exists("/sys/fs/selinux/enforce") || cx.fs.exists(cx.proc + "/attr/selinux/current");
            label = cx.fs.readTrim(cx.proc + "/attr/selinux/current");
            if (label == null) {
                label = cx.fs.readTrim(cx.proc + "/attr/current");
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
}
