package org.cakb.agent;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Settings given to a running Docker daemon on its command line. dockerd accepts most daemon.json keys as flags of
 * the same name (--icc=false, --userns-remap=default, --no-new-privileges) and refuses to start when a setting is in
 * both places, so a check that reads only daemon.json reports a false fail for flag-configured hosts.
 *
 * <p>Reads only {@code /proc/[pid]/comm} of every process and {@code /proc/[pid]/cmdline} of processes named
 * {@code dockerd}; never a process environment.
 */
final class DockerDaemonFlags {

    /** A flag's value and the process it came from. */
    static final class Flag {
        final String value;
        final String pid;

        Flag(String value, String pid) {
            this.value = value;
            this.pid = pid;
        }
    }

    private DockerDaemonFlags() {
    }

    /** The value of {@code --name} on the first visible dockerd command line, or null when absent or not running. */
    static Flag find(SystemFiles fs, String name) {
        for (Map.Entry<String, List<String>> daemon : daemons(fs).entrySet()) {
            String value = value(daemon.getValue(), name);
            if (value != null) {
                return new Flag(value, daemon.getKey());
            }
        }
        return null;
    }

    /** pid -> command line of every visible dockerd, looked for once per run (a /proc walk is a read per process). */
    private static Map<String, List<String>> daemons(SystemFiles fs) {
        return fs.remember("dockerd command lines", () -> {
            Map<String, List<String>> found = new LinkedHashMap<>();
            for (String pid : fs.list("/proc")) {
                if (pid.isEmpty() || pid.charAt(0) < '0' || pid.charAt(0) > '9' || !"dockerd".equals(fs.readTrim("/proc/" + pid + "/comm"))) {
                    continue;
                }
                String cmdline = fs.read("/proc/" + pid + "/cmdline");
                if (cmdline != null) {
                    found.put(pid, Arrays.asList(cmdline.split("\u0000")));
                }
            }
            return found;
        });
    }

    /**
     * {@code --name=value}, {@code --name value}, or a bare boolean {@code --name} (true). dockerd takes no positional
     * arguments, so a token after a flag that does not start with '-' is that flag's value.
     */
    static String value(List<String> args, String name) {
        String flag = "--" + name;
        List<String> found = new ArrayList<>();
        for (int i = 1; i < args.size(); i++) {
            String a = args.get(i);
            if (a.startsWith(flag + "=")) {
                found.add(a.substring(flag.length() + 1));
            } else if (a.equals(flag)) {
                boolean hasValue = i + 1 < args.size() && !args.get(i + 1).isEmpty() && !args.get(i + 1).startsWith("-");
                found.add(hasValue ? args.get(++i) : "true");
            }
        }
        return found.isEmpty() ? null : found.get(found.size() - 1);
    }
}
