package org.cakb.web;

import org.cakb.fleet.FleetHistory;

import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** View models of the fleet pages. Every string is plain text; templates escape it. */
public final class HostViews {

    private static final DateTimeFormatter WHEN = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'");

    private HostViews() {
    }

    static String when(OffsetDateTime time) {
        return time == null ? null : WHEN.format(time.withOffsetSameInstant(ZoneOffset.UTC));
    }

    static String iso(OffsetDateTime time) {
        return time == null ? null : time.toInstant().truncatedTo(java.time.temporal.ChronoUnit.SECONDS).toString();
    }

    static List<String> labels(Map<String, String> labels) {
        return labels == null ? List.of() : labels.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).sorted().toList();
    }

    /** A status with its badge class; the text is always shown, colour only repeats it. */
    public record Status(String code, String label, String css) {
        static Status of(String code) {
            return switch (code == null ? "" : code) {
                case "pass" -> new Status("pass", "pass", "state-enabled");
                case "fail" -> new Status("fail", "fail", "state-disabled");
                case "error" -> new Status("error", "error", "state-partial");
                case "not-applicable" -> new Status("not-applicable", "not applicable", "state-not-supported");
                default -> new Status(code, code, "state-unknown");
            };
        }
    }

    /** Counts of the latest report; {@code reported} is false before the first report. */
    public record Counts(boolean reported, int passed, int failed, int errors, int notApplicable) {
        static Counts of(Integer passed, Integer failed, Integer errors, Integer notApplicable) {
            return passed == null ? new Counts(false, 0, 0, 0, 0)
                    : new Counts(true, passed, failed, errors, notApplicable);
        }
    }

    /** A tiny stacked-bar chart, one bar per report, oldest left; rendered as inline SVG from numbers only. */
    public record Sparkline(int width, int height, String label, List<Rect> rects) {
        public boolean empty() {
            return rects.isEmpty();
        }
    }

    public record Rect(int x, int y, int w, int h, String fill, String title) {
    }

    static final int BAR = 5;
    static final int GAP = 2;
    static final int HEIGHT = 24;

    static Sparkline sparkline(List<FleetHistory.TrendPoint> points) {
        List<Rect> rects = new ArrayList<>();
        int x = 0;
        for (FleetHistory.TrendPoint p : points) {
            String title = when(p.finishedAt()) + ": " + p.passed() + " pass, " + p.failed() + " fail, " + p.errors() + " error, "
                    + p.notApplicable() + " not applicable";
            int total = p.total();
            if (total == 0) {
                rects.add(new Rect(x, HEIGHT - 1, BAR, 1, "#9aa3ad", title));
            } else {
                // stacked from the bottom: pass, not applicable, error, fail on top
                int y = HEIGHT;
                int[] counts = {p.passed(), p.notApplicable(), p.errors(), p.failed()};
                String[] fills = {"#1e7b3a", "#9aa3ad", "#c99a00", "#b42318"};
                int used = 0;
                for (int i = 0; i < counts.length; i++) {
                    if (counts[i] == 0) {
                        continue;
                    }
                    used += counts[i];
                    int top = HEIGHT - (int) Math.round((double) HEIGHT * used / total);
                    int h = Math.max(1, y - top);
                    rects.add(new Rect(x, y - h, BAR, h, fills[i], title));
                    y -= h;
                }
            }
            x += BAR + GAP;
        }
        String label;
        if (points.isEmpty()) {
            label = "No reports yet";
        } else {
            FleetHistory.TrendPoint last = points.get(points.size() - 1);
            label = "Last " + points.size() + (points.size() == 1 ? " report" : " reports") + "; latest: " + last.passed()
                    + " pass, " + last.failed() + " fail, " + last.errors() + " error";
        }
        return new Sparkline(Math.max(BAR, x - GAP), HEIGHT, label, rects);
    }

    /** A row of the hosts table. */
    public record HostRow(long id, String name, String href, String description, List<String> labels, String lastSeen,
                          String lastSeenIso, String agentVersion, String vantage, String runtime, Counts counts,
                          boolean enrolled, Sparkline trend) {
    }

    /** The facts of one host. */
    public record HostFacts(long id, String name, String description, List<String> labels, String createdAt, String createdBy,
                            String lastSeen, String lastSeenIso, String agentVersion, String vantage, String runtime,
                            String hostname, String kernel, String osRelease, boolean enrolled, String latestReport,
                            Counts counts) {
    }

    public record Link(String id, String title, String href) {
        static Link of(String kind, String id, String title) {
            return new Link(id, title == null ? id : title, title == null ? null : Paths.record(kind, id));
        }
    }

    public record ResultRow(Link check, Status status, String observed, String expected, String explanation, List<Link> via) {
    }

    public record Group(Link record, boolean known, Status status, List<ResultRow> results) {
        /** The results worth reading first: failures, errors, passes (not-applicable ones are collapsed). */
        public List<ResultRow> shown() {
            return results.stream().filter(r -> !"not-applicable".equals(r.status().code()))
                    .sorted(java.util.Comparator.comparingInt(r -> statusOrder(r.status().code()))).toList();
        }

        public List<ResultRow> notApplicable() {
            return results.stream().filter(r -> "not-applicable".equals(r.status().code())).toList();
        }

        /** Every result is not applicable. */
        public boolean quiet() {
            return shown().isEmpty();
        }
    }

    /** fail, error, pass, not applicable: the order a host page lists statuses in. */
    static int statusOrder(String code) {
        return switch (code == null ? "" : code) {
            case "fail" -> 0;
            case "error" -> 1;
            case "pass" -> 2;
            case "not-applicable" -> 4;
            default -> 3;
        };
    }

    /** Groups with failures first, then errors, passes, and last those where nothing applies. */
    static List<Group> failuresFirst(List<Group> groups) {
        return groups.stream().sorted(java.util.Comparator.comparingInt((Group g) -> g.quiet() ? 4 : statusOrder(g.status().code())))
                .toList();
    }

    /** The host's own failing checks, once each (a check verifying several countermeasures is in several groups). */
    static List<ResultRow> failing(List<Group> groups) {
        java.util.Map<String, ResultRow> byCheck = new java.util.LinkedHashMap<>();
        groups.forEach(g -> g.results().stream().filter(r -> "fail".equals(r.status().code()))
                .forEach(r -> byCheck.putIfAbsent(r.check().id(), r)));
        return List.copyOf(byCheck.values());
    }

    public record DriftRow(Link check, Status from, Status to, String when, String whenIso, String since, String observed,
                           String previousObserved, boolean regression) {
    }

    static Group group(FleetHistory.ResultGroup g, String kind) {
        List<ResultRow> rows = g.results().stream().map(r -> new ResultRow(Link.of("probe", r.checkId(), r.checkTitle()),
                Status.of(r.status()), r.observed(), r.expected(), r.explanation(),
                r.via().stream().map(id -> new Link(id, id, Paths.record("countermeasure", id))).toList())).toList();
        return new Group(Link.of(kind, g.id(), g.title()), g.title() != null, Status.of(g.status()), rows);
    }

    static DriftRow drift(FleetHistory.Transition t) {
        return new DriftRow(Link.of("probe", t.checkId(), t.checkTitle()), Status.of(t.from()), Status.of(t.to()),
                when(t.at()), iso(t.at()), when(t.previousAt()), t.observed(), t.previousObserved(),
                "pass".equals(t.from()) && !"pass".equals(t.to()));
    }

    /** A container on its host's page. {@code quiet}: every result not applicable (listed collapsed). */
    public record ContainerRow(long id, String href, String label, String shortId, String runtime, String image, Counts counts,
                               boolean quiet, String changed) {
    }

    static ContainerRow container(org.cakb.fleet.ContainerQueries.ContainerSummary c) {
        Counts counts = new Counts(true, c.passed(), c.failed(), c.errors(), c.notApplicable());
        return new ContainerRow(c.id(), "/hosts/" + c.hostId() + "/containers/" + c.id(), c.label(),
                c.containerId().substring(0, Math.min(12, c.containerId().length())), c.runtime(), c.image(), counts,
                c.passed() + c.failed() + c.errors() == 0, when(c.changedAt()));
    }

    /** A check of a container: its state and since when. */
    public record CheckRow(Link check, Status status, String observed, String expected, String explanation, String since,
                           String sinceIso, List<Link> countermeasures) {
    }

    static CheckRow check(org.cakb.fleet.ContainerQueries.CheckState c) {
        return new CheckRow(Link.of("probe", c.checkId(), c.title()), Status.of(c.status()), c.observed(), c.expected(),
                c.explanation(), when(c.since()), iso(c.since()),
                c.countermeasures().stream().map(id -> new Link(id, id, Paths.record("countermeasure", id))).toList());
    }

    /** One status change of a container's check. */
    public record HistoryRow(Link check, Status from, Status to, String when, String whenIso, String observed, String reportId) {
    }

    static HistoryRow history(org.cakb.fleet.ContainerQueries.HistoryEntry h, Map<String, String> titles) {
        return new HistoryRow(Link.of("probe", h.checkId(), titles.get(h.checkId())), h.from() == null ? null : Status.of(h.from()),
                Status.of(h.to()), when(h.observedAt()), iso(h.observedAt()), h.observed(), h.reportId());
    }
}
