package org.cakb.agent;

import static org.cakb.agent.CheckParams.join;
import static org.cakb.agent.CheckParams.list;
import static org.cakb.agent.CheckParams.optBool;
import static org.cakb.agent.CheckParams.optStr;
import static org.cakb.agent.CheckParams.result;
import static org.cakb.agent.CheckParams.str;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Checks of the process's mount table: read-only root, runtime sockets, host bind mounts, read-only and masked kernel paths. */
final class MountChecks {
    private final Checks.Context cx;

    MountChecks(Checks.Context cx) {
        this.cx = cx;
    }

    CheckResult rootReadonly(ProbeDefinition p) {
        MountInfo.Mount root = cx.mounts.covering("/");
        if (root == null) {
            return new CheckResult(p, CheckResult.ERROR, null, null, "no / mount in " + cx.proc + "/mountinfo");
        }
        return result(p, root.readOnly(), "/ " + root.fsType + " " + (root.readOnly() ? "ro" : "rw"), "/ mounted ro", null);
    }

    CheckResult runtimeSockets(ProbeDefinition p) {
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
            if (cx.target.isSpecial(path)) {
                found.add("socket present: " + path);
            }
        }
        return result(p, found.isEmpty(), found.isEmpty() ? "none" : join(found), "no runtime API socket", null);
    }

    CheckResult hostMounts(ProbeDefinition p) {
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

    CheckResult pathReadonly(ProbeDefinition p) {
        String path = str(p, "path");
        String probe = optStr(p, "probe-file", path);
        if (!cx.target.exists(path)) {
            return result(p, true, path + " absent", path + " read-only", "not present here");
        }
        MountInfo.Mount m = cx.mounts.covering(path);
        boolean mountRo = m != null && (m.readOnly() || m.superOptions.contains("ro"));
        boolean writable = cx.target.isWritable(probe);
        String obs = path + " on " + (m == null ? "?" : m.mountPoint + " " + (mountRo ? "ro" : "rw"))
                + "; " + probe + (writable ? " writable" : " not writable") + " by this process";
        return result(p, mountRo || !writable, obs, path + " mounted ro or not writable",
                mountRo ? null : writable ? "writable" : "mount is rw but this process may not write");
    }

    CheckResult maskedPaths(ProbeDefinition p) {
        List<String> paths = list(p, "paths", true);
        List<String> exposed = new ArrayList<>();
        List<String> masked = new ArrayList<>();
        for (String path : paths) {
            if (!cx.target.exists(path)) {
                masked.add(path + " (absent)");
            } else if (!cx.mounts.at(path).isEmpty()) {
                masked.add(path + " (mounted over)");
            } else if (cx.target.isSpecial(path) || cx.target.isEmptyDirectory(path)) {
                masked.add(path + " (empty)");
            } else if (!cx.target.canRead(path)) {
                masked.add(path + " (unreadable)");
            } else {
                exposed.add(path);
            }
        }
        return result(p, exposed.isEmpty(), exposed.isEmpty() ? "masked: " + join(masked) : "exposed: " + join(exposed),
                "masked or absent: " + join(paths), null);
    }
}
