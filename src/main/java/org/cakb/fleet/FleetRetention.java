package org.cakb.fleet;

import io.agroal.api.AgroalDataSource;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Retention of fleet data by dropping whole partitions: report receipts and payloads (daily partitions of fleet_report)
 * after {@code cakb.fleet.report-retention-days}, the check history (monthly partitions of fleet_transition) after
 * {@code cakb.fleet.history-retention-days}. Current state is never dropped. The small exactly-once keys of reports
 * (fleet_report_key) are deleted by row after {@link #KEY_DAYS} days. Also creates the partitions of the coming
 * days. Runs hourly; with several replicas only the one holding a PostgreSQL advisory lock works, the others record
 * "skipped". Every run is recorded in fleet_retention_run and shown on /q/health ({@link FleetRetentionHealth}).
 */
@ApplicationScoped
public class FleetRetention {

    private static final Logger LOG = Logger.getLogger(FleetRetention.class);
    /** pg_try_advisory_xact_lock key: "cakbretn" as a number. */
    static final long LOCK_KEY = 0x63616b627265746eL;
    static final int DAYS_AHEAD = 7;
    /** Receipt keys are kept one day longer than the oldest report ingestion accepts ({@link ReportIngestion#MAX_AGE}). */
    static final int KEY_DAYS = (int) ReportIngestion.MAX_AGE.toDays() + 1;
    private static final DateTimeFormatter DAY = DateTimeFormatter.ofPattern("yyyyMMdd");
    private static final DateTimeFormatter MONTH = DateTimeFormatter.ofPattern("yyyyMM");

    @Inject
    AgroalDataSource dataSource;
    @ConfigProperty(name = "cakb.fleet.report-retention-days", defaultValue = "30")
    int reportDays;
    @ConfigProperty(name = "cakb.fleet.history-retention-days", defaultValue = "400")
    int historyDays;
    @ConfigProperty(name = "cakb.fleet.retention-interval-minutes", defaultValue = "60")
    int intervalMinutes;
    /** Off in tests, which run it directly. */
    @ConfigProperty(name = "cakb.fleet.retention-scheduled", defaultValue = "true")
    boolean scheduled;

    private ScheduledExecutorService scheduler;

    public record Run(String outcome, int created, List<String> dropped, String message) {
    }

    void start(@Observes StartupEvent event) {
        if (!scheduled) {
            return;
        }
        scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "fleet-retention");
            t.setDaemon(true);
            return t;
        });
        scheduler.scheduleWithFixedDelay(this::runQuietly, 30, Math.max(1, intervalMinutes) * 60L, TimeUnit.SECONDS);
    }

    void stop(@Observes ShutdownEvent event) {
        if (scheduler != null) {
            scheduler.shutdownNow();
        }
    }

    private void runQuietly() {
        try {
            run(LocalDate.now(ZoneOffset.UTC));
        } catch (RuntimeException e) {
            LOG.warn("fleet retention run failed", e);
        }
    }

    /**
     * One run as of {@code today} (UTC). Reports: the daily partition of day D is dropped once D + 1 day is at least
     * {@code reportDays} before today, so every report the server still accepts (startedAt at most 30 days old) keeps its
     * receipt and a resend is still recognised. History: a month is dropped once its end is {@code historyDays} before today.
     */
    public Run run(LocalDate today) {
        if (reportDays < 1 || historyDays < reportDays) {
            throw new IllegalStateException("cakb.fleet.report-retention-days must be >= 1 and history-retention-days >= it");
        }
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            Run run;
            try {
                run = runLocked(c, today);
                c.commit();
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                c.setAutoCommit(true);
                record(c, new Run("failed", 0, List.of(), String.valueOf(e.getMessage())));
                throw new IllegalStateException("fleet retention failed", e);
            }
            c.setAutoCommit(true);
            record(c, run);
            return run;
        } catch (SQLException e) {
            throw new IllegalStateException("fleet retention could not reach the database", e);
        }
    }

    private Run runLocked(Connection c, LocalDate today) throws SQLException {
        try (PreparedStatement lock = c.prepareStatement("SELECT pg_try_advisory_xact_lock(?)")) {
            lock.setLong(1, LOCK_KEY);
            try (ResultSet r = lock.executeQuery()) {
                r.next();
                if (!r.getBoolean(1)) {
                    return new Run("skipped", 0, List.of(), "another replica holds the retention lock");
                }
            }
        }
        int created;
        try (PreparedStatement ensure = c.prepareStatement("SELECT fleet_ensure_partitions(?, ?)")) {
            ensure.setObject(1, today.minusDays(1));
            ensure.setObject(2, today.plusDays(DAYS_AHEAD));
            try (ResultSet r = ensure.executeQuery()) {
                r.next();
                created = r.getInt(1);
            }
        }
        List<String> dropped = new ArrayList<>();
        String reportCutoff = today.minusDays(reportDays).format(DAY);          // drop days whose end <= cutoff day start
        String historyCutoff = today.minusDays(historyDays).format(MONTH);     // drop months before the cutoff's month
        for (String partition : partitions(c, "fleet_report")) {
            String day = partition.substring("fleet_report_p".length());
            if (day.matches("\\d{8}") && LocalDate.parse(day, DAY).plusDays(1).format(DAY).compareTo(reportCutoff) <= 0) {
                drop(c, partition, dropped);
            }
        }
        for (String partition : partitions(c, "fleet_transition")) {
            String month = partition.substring("fleet_transition_p".length());
            if (month.matches("\\d{6}") && month.compareTo(historyCutoff) < 0) {
                drop(c, partition, dropped);
            }
        }
        int keys = deleteOldReceiptKeys(c, today);
        return new Run("succeeded", created, dropped, "reports kept " + reportDays + " days, history " + historyDays + " days; "
                + keys + " receipt keys older than " + KEY_DAYS + " days deleted");
    }

    /**
     * The exactly-once keys (migration V92) of reports received more than {@link #KEY_DAYS} days ago: no resend of those
     * is accepted any more (startedAt at most 30 days old, 5 minutes of clock skew), whatever report-retention-days says.
     */
    private static int deleteOldReceiptKeys(Connection c, LocalDate today) throws SQLException {
        try (PreparedStatement delete = c.prepareStatement(
                "DELETE FROM fleet_report_key WHERE received_at < (?::date)::timestamp AT TIME ZONE 'UTC'")) {
            delete.setString(1, today.minusDays(KEY_DAYS).toString());
            return delete.executeUpdate();
        }
    }

    private static List<String> partitions(Connection c, String parent) throws SQLException {
        List<String> names = new ArrayList<>();
        try (PreparedStatement select = c.prepareStatement("""
                SELECT child.relname FROM pg_inherits i JOIN pg_class child ON child.oid = i.inhrelid
                JOIN pg_class parent ON parent.oid = i.inhparent WHERE parent.relname = ? ORDER BY 1""")) {
            select.setString(1, parent);
            try (ResultSet r = select.executeQuery()) {
                while (r.next()) {
                    names.add(r.getString(1));
                }
            }
        }
        return names;
    }

    private static void drop(Connection c, String partition, List<String> dropped) throws SQLException {
        try (PreparedStatement drop = c.prepareStatement("DROP TABLE \"" + partition.replace("\"", "") + "\"")) {
            drop.execute();
        }
        dropped.add(partition);
    }

    private static void record(Connection c, Run run) throws SQLException {
        try (PreparedStatement insert = c.prepareStatement("""
                INSERT INTO fleet_retention_run (finished_at, outcome, created, dropped, message) VALUES (now(), ?, ?, ?, ?)""")) {
            insert.setString(1, run.outcome());
            insert.setInt(2, run.created());
            insert.setArray(3, c.createArrayOf("text", run.dropped().toArray()));
            insert.setString(4, run.message());
            insert.executeUpdate();
        }
    }
}
