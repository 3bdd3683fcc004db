package org.cakb.agent;

import static org.cakb.agent.CheckParams.join;
import static org.cakb.agent.CheckParams.list;
import static org.cakb.agent.CheckParams.na;
import static org.cakb.agent.CheckParams.optStr;
import static org.cakb.agent.CheckParams.result;
import static org.cakb.agent.CheckParams.str;
import static org.cakb.agent.CheckParams.compare;

import static org.cakb.agent.CheckParams.expectation;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Checks of kernel-wide and host settings: files and sysctls, binfmt_misc handlers, paths, Docker daemon configuration and daemon users. */
final class HostChecks {
    private final Checks.Context cx;

    HostChecks(Checks.Context cx) {
        this.cx = cx;
    }

    CheckResult fileValue(ProbeDefinition p, String path) {
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

    CheckResult binfmtMisc(ProbeDefinition p) {
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

    CheckResult pathExists(ProbeDefinition p) {
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

    CheckResult dockerDaemonConfig(ProbeDefinition p) {
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
        DockerDaemonFlags.Flag flag = DockerDaemonFlags.find(cx.fs, optStr(p, "flag", key));
        String effective = flag != null ? flag.value : v != null ? v : dflt;
        String obs = text == null ? path + " absent; " + key + " at its default" + (dflt == null ? "" : " (" + dflt + ")")
                : key + " = " + (v == null ? "(unset" + (dflt == null ? ")" : ", default " + dflt + ")") : v);
        if (flag != null) {
            obs = "dockerd[" + flag.pid + "] --" + optStr(p, "flag", key) + "=" + flag.value + "; " + obs;
        }
        return result(p, compare(p, effective), obs, key + " " + expectation(p), null);
    }

    CheckResult processUser(ProbeDefinition p) {
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

}
