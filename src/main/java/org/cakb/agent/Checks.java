package org.cakb.agent;

import java.util.ArrayList;
import java.util.List;

/**
 * The agent's built-in, read-only check types. A probe definition names one of {@link #TYPES} and gives its
 * parameters; the definition is data only: nothing from it is executed, evaluated or passed to a shell. An unknown
 * type, or a parameter the type does not understand, yields an {@code error} result.
 */
public final class Checks {
    /** Every check type this agent version implements (parameters: {@link CheckTypes}). */
    public static final List<String> TYPES = CheckTypes.NAMES;

    private final Context cx;

    private final ProcessChecks proc;
    private final CgroupChecks cgroup;
    private final MountChecks mounts;
    private final HostChecks host;

    public Checks(Context cx) {
        this.cx = cx;
        this.proc = new ProcessChecks(cx);
        this.cgroup = new CgroupChecks(cx);
        this.mounts = new MountChecks(cx);
        this.host = new HostChecks(cx);
    }

    /** Everything a check may look at, read once per run: the evaluated process ({@link Target}) and where it is. */
    public static final class Context {
        public final SystemFiles fs;
        public final Target target;
        /** The target's files under /proc: "/proc/self" or "/proc/<pid>". */
        public final String proc;
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
            this(fs, Target.self(fs), kernelOf(fs), null, vantage);
        }

        private Context(SystemFiles fs, Target target, String kernel, Environment given, String vantage) {
            this.fs = fs;
            this.target = target;
            this.proc = target.proc;
            this.status = target.status;
            this.mounts = target.mounts;
            this.cgroups = target.cgroups;
            this.kernel = kernel;
            if (given != null) {
                this.env = given;
                return;
            }
            Environment e = Environment.detect(fs, mounts, kernel);
            this.env = vantage == null || vantage.equals("auto") || vantage.equals(e.vantage) ? e
                    : new Environment(vantage, vantage.equals("host") ? "none" : e.runtime.equals("none") ? "unknown" : e.runtime, e.evidence);
        }

        /** The host run's view of one container: its init process, evaluated with container vantage. */
        public Context forContainer(DiscoveredContainer c) {
            Target t = Target.process(fs, c.pid, mounts);
            List<String> evidence = new ArrayList<>(c.evidence);
            return new Context(fs, t, kernel, new Environment("container", c.runtime, evidence), null);
        }

        private static String kernelOf(SystemFiles fs) {
            String k = fs.readTrim("/proc/sys/kernel/osrelease");
            return k == null ? "unknown" : k;
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
        List<String> definitionProblems = p.definitionProblems();
        if (!definitionProblems.isEmpty()) {
            return new CheckResult(p, CheckResult.ERROR, null, null, "bad definition: " + String.join("; ", definitionProblems));
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
                case "proc-status": return proc.procStatus(p);
                case "capabilities": return proc.capabilities(p);
                case "privileged": return proc.privileged(p);
                case "namespace": return proc.namespace(p);
                case "userns-mapping": return proc.usernsMapping(p);
                case "lsm-label": return proc.lsmLabel(p);
                case "file-value": return host.fileValue(p, CheckParams.str(p, "path"));
                case "sysctl": return host.fileValue(p, "/proc/sys/" + CheckParams.str(p, "key").replace('.', '/'));
                case "cgroup-limit": return cgroup.cgroupLimit(p);
                case "device-cgroup": return cgroup.deviceCgroup(p);
                case "root-readonly": return mounts.rootReadonly(p);
                case "runtime-sockets": return mounts.runtimeSockets(p);
                case "host-mounts": return mounts.hostMounts(p);
                case "path-readonly": return mounts.pathReadonly(p);
                case "masked-paths": return mounts.maskedPaths(p);
                case "binfmt-misc": return host.binfmtMisc(p);
                case "path-exists": return host.pathExists(p);
                case "docker-daemon-config": return host.dockerDaemonConfig(p);
                case "process-user": return host.processUser(p);
                default:
                    return new CheckResult(p, CheckResult.ERROR, null, null, "unknown check type '" + type + "'");
            }
        } catch (CheckParams.DefinitionError e) {
            return new CheckResult(p, CheckResult.ERROR, null, null, "bad definition: " + e.getMessage());
        } catch (ReadRefused e) {
            return new CheckResult(p, CheckResult.ERROR, null, null, e.getMessage());
        } catch (RuntimeException e) {
            return new CheckResult(p, CheckResult.ERROR, null, null, "internal error: " + e);
        }
    }

}
