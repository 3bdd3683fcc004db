package org.cakb.assessment;

import org.cakb.fleet.PassRateQueries;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Geometry of the dashboard's server-rendered SVG charts. The template draws them and writes every number next to
 * its colour as text too, so they read without JavaScript and without telling colours apart.
 */
final class DashboardCharts {

    private DashboardCharts() {
    }

    /** One coloured part of a 100-unit-wide bar, with the words it stands for. */
    record Segment(String css, String label, int count, double x, double width) {
    }

    /** A stacked bar of checklist results (satisfied … not assessed) of one area or a whole assessment. */
    record ResultBar(String label, String areaId, int total, int percentAssessed, List<Segment> segments) {
    }

    record AssessmentCard(long id, String name, String status, String target, ResultBar overall, List<ResultBar> areas) {
    }

    static final String[][] RESULT_PARTS = {{"r-satisfied", "satisfied"}, {"r-partially-satisfied", "partially satisfied"},
            {"r-not-satisfied", "not satisfied"}, {"r-not-applicable", "not applicable"}, {"r-not-assessed", "not assessed"}};

    static ResultBar bar(String label, String areaId, AssessmentViews.Progress p) {
        int[] counts = {p.satisfied(), p.partiallySatisfied(), p.notSatisfied(), p.notApplicable(), p.notAssessed()};
        List<Segment> segments = new ArrayList<>();
        double x = 0;
        for (int i = 0; i < counts.length; i++) {
            double width = p.total() == 0 ? 0 : 100.0 * counts[i] / p.total();
            segments.add(new Segment(RESULT_PARTS[i][0], RESULT_PARTS[i][1], counts[i], round(x), round(width)));
            x += width;
        }
        return new ResultBar(label, areaId, p.total(), p.percent(), segments);
    }

    static AssessmentCard card(AssessmentViews.Detail a) {
        List<ResultBar> areas = a.areas().stream().map(ar -> bar(ar.areaTitle(), ar.areaId(), ar.progress())).toList();
        return new AssessmentCard(a.id(), a.name(), a.status(), a.target(), bar("All requirements", null, a.progress()), areas);
    }

    /** A pass-rate line over days: SVG polyline points in a WIDTH x HEIGHT box (gaps where nothing was decided). */
    record RateLine(String countermeasureId, String title, List<String> segments, int latestPercent, int latestPassed,
                    int latestFailed, int firstPercent, String firstDay, String lastDay, List<Dot> dots) {
        public String change() {
            if (latestPercent < 0 || firstPercent < 0 || latestPercent == firstPercent) {
                return "no change";
            }
            return (latestPercent > firstPercent ? "up " : "down ") + Math.abs(latestPercent - firstPercent) + " points";
        }
    }

    record Dot(double x, double y, String label) {
    }

    static final int WIDTH = 280;
    static final int HEIGHT = 60;

    static RateLine line(PassRateQueries.Trend t) {
        List<PassRateQueries.Day> days = t.days();
        double step = days.size() <= 1 ? 0 : (double) WIDTH / (days.size() - 1);
        List<String> segments = new ArrayList<>();
        List<Dot> dots = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        for (int i = 0; i < days.size(); i++) {
            PassRateQueries.Day d = days.get(i);
            if (d.percent() < 0) {
                if (current.length() > 0) {
                    segments.add(current.toString().strip());
                    current.setLength(0);
                }
                continue;
            }
            double x = round(i * step);
            double y = round(HEIGHT - 4 - (HEIGHT - 8) * d.percent() / 100.0);
            current.append(x).append(',').append(y).append(' ');
            dots.add(new Dot(x, y, d.day() + ": " + d.percent() + "% passing (" + d.passed() + " of " + d.decided() + ")"));
        }
        if (current.length() > 0) {
            segments.add(current.toString().strip());
        }
        PassRateQueries.Day first = days.get(0);
        PassRateQueries.Day last = t.latest();
        return new RateLine(t.countermeasureId(), t.title(), segments, last.percent(), last.passed(), last.failed(),
                first.percent(), String.valueOf(first.day()), String.valueOf(last.day()), dots);
    }

    /** One day's column of drift events (pass became fail). */
    record Column(String day, String shortDay, int count, double x, double y, double height) {
        public double middle() {
            return x + 14;
        }

        public double labelY() {
            return y - 3;
        }
    }

    static int width(List<Column> columns) {
        return columns.size() * 40 + 12;
    }

    static final int DRIFT_HEIGHT = 80;

    static List<Column> driftColumns(List<LocalDate> eventDays, LocalDate today, int days) {
        Map<LocalDate, Integer> counts = new TreeMap<>();
        for (int i = days - 1; i >= 0; i--) {
            counts.put(today.minusDays(i), 0);
        }
        eventDays.forEach(d -> counts.computeIfPresent(d, (k, v) -> v + 1));
        int max = Math.max(1, counts.values().stream().mapToInt(Integer::intValue).max().orElse(1));
        List<Column> columns = new ArrayList<>();
        int i = 0;
        for (Map.Entry<LocalDate, Integer> e : counts.entrySet()) {
            double height = round((DRIFT_HEIGHT - 20) * e.getValue() / (double) max);
            columns.add(new Column(e.getKey().toString(), e.getKey().getDayOfMonth() + "/" + e.getKey().getMonthValue(), e.getValue(),
                    i * 40 + 6, DRIFT_HEIGHT - height, height));
            i++;
        }
        return columns;
    }

    private static double round(double v) {
        return Math.round(v * 10) / 10.0;
    }
}
