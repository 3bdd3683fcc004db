package org.cakb.fleet;

import java.time.Instant;
import java.util.List;

/**
 * A validated agent report, format 1 or 2, as the state store applies it. {@code subjects} holds the host-vantage
 * results (kind host; for an agent inside a container, that container's results as in format 1) and one entry per
 * container. A delta report ({@code baseReportId} set) lists only what changed since that report.
 */
record IncomingReport(String reportId, int format, String baseReportId, Instant startedAt, Instant finishedAt,
                      String agentVersion, String vantage, String runtime, String hostname, String kernel, String osRelease,
                      List<Subject> subjects) {

    boolean delta() {
        return baseReportId != null;
    }

    int containers() {
        return (int) subjects.stream().filter(s -> !s.host()).count();
    }

    /** The host itself (runtime and containerId empty) or one container. */
    record Subject(String kind, String runtime, String containerId, String name, String image, Integer pid, String cgroup,
                   List<Result> results) {
        boolean host() {
            return "host".equals(kind);
        }

        String key() {
            return kind + '\u001f' + runtime + '\u001f' + containerId;
        }
    }

    record Result(String checkId, String status, String observed, String expected, String explanation) {
    }
}
