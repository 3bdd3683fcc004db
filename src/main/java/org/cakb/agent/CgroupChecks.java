package org.cakb.agent;

import static org.cakb.agent.CheckParams.list;
import static org.cakb.agent.CheckParams.na;
import static org.cakb.agent.CheckParams.result;
import static org.cakb.agent.CheckParams.str;

import org.cakb.agent.CheckParams.DefinitionError;

import java.util.Arrays;

/** Checks of the process's cgroups: resource limits and the cgroup v1 device allow-list. */
final class CgroupChecks {
    private final Checks.Context cx;

    CgroupChecks(Checks.Context cx) {
        this.cx = cx;
    }

    CheckResult cgroupLimit(ProbeDefinition p) {
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

    CheckResult deviceCgroup(ProbeDefinition p) {
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
}
