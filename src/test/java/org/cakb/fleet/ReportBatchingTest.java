package org.cakb.fleet;

import io.agroal.api.AgroalDataSource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import jakarta.inject.Inject;
import org.cakb.common.DomainException;
import org.cakb.testing.Database;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static io.restassured.RestAssured.given;
import static org.cakb.testing.FleetFixture.container;
import static org.cakb.testing.FleetFixture.enroll;
import static org.cakb.testing.FleetFixture.registerHost;
import static org.cakb.testing.FleetFixture.report2;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Group commit of reports (ReportWriter, FleetStateStore): several hosts' reports in one transaction, each answered
 * on its own; one refused or failing report does not fail the others; the same report sent twice at once is stored once.
 */
@QuarkusTest
class ReportBatchingTest {

    private static final String A = "c".repeat(64);

    @Inject
    Database db;
    @Inject
    FleetStateStore store;
    @Inject
    ReportWriter writer;
    @Inject
    AgroalDataSource dataSource;

    private static IncomingReport full(String id, Instant at, String capStatus) {
        return new IncomingReport(id, 2, null, at, at, "0.2.0-test", "host", null, "node", "6.1", "Debian", List.of(
                new IncomingReport.Subject("container", "docker", A, "web", "registry.example/app:1", 42, "/docker/x", List.of(
                        new IncomingReport.Result("probe:caps/no-cap-sys-admin", capStatus, "CapEff", "none", "test"),
                        new IncomingReport.Result("probe:seccomp/filter-mode", "pass", "Seccomp: 2", "2", "test")))));
    }

    private static IncomingReport delta(String id, String base, Instant at) {
        return new IncomingReport(id, 2, base, at, at, "0.2.0-test", "host", null, "node", "6.1", "Debian", List.of());
    }

    /** The store checks each report's credential in its transaction: each host gets a valid one (as enrollment makes). */
    private final java.util.Map<Long, Long> credentials = new java.util.HashMap<>();

    private long credential(long host) {
        return credentials.computeIfAbsent(host, h -> db.count(
                "INSERT INTO fleet_credential (host_id, credential_hash) VALUES (" + h + ", 'batch-test-' || gen_random_uuid()) RETURNING id"));
    }

    private FleetStateStore.Pending pending(long host, IncomingReport report) {
        return new FleetStateStore.Pending(host, credential(host), report, "{\"reportId\": \"" + report.reportId() + "\"}", "%064x".formatted(report.reportId().hashCode()));
    }

    private long receipts(long host) {
        return db.count("SELECT count(*) FROM fleet_report WHERE host_id = " + host);
    }

    @Test
    void oneTransactionAppliesEveryHostsReportAndRefusesOnlyTheBadOnes() throws Exception {
        long h1 = registerHost("batch-1"), h2 = registerHost("batch-2"), h3 = registerHost("batch-3"), h4 = registerHost("batch-4");
        Instant t = Instant.now().minus(5, ChronoUnit.MINUTES);
        // h3 holds a state; h4 already stored a report whose id is reused below with other content
        String reused = UUID.randomUUID().toString();
        writer.writeBatch(List.of(pending(h3, full(UUID.randomUUID().toString(), t, "pass")), pending(h4, full(reused, t, "pass"))));
        long transitions = db.count("SELECT count(*) FROM fleet_transition");

        FleetStateStore.Pending first = pending(h1, full(UUID.randomUUID().toString(), t, "fail"));
        FleetStateStore.Pending second = pending(h2, full(UUID.randomUUID().toString(), t, "pass"));
        FleetStateStore.Pending unknownBase = pending(h3, delta(UUID.randomUUID().toString(), UUID.randomUUID().toString(), t.plusSeconds(60)));
        FleetStateStore.Pending reusedId = new FleetStateStore.Pending(h4, credential(h4), full(reused, t.plusSeconds(60), "fail"), "{}", "f".repeat(64));
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            store.apply(c, List.of(first, second, unknownBase, reusedId));
            c.commit();
        }
        assertEquals(ReportIngestion.Outcome.STORED, first.applied.outcome());
        assertEquals(2, first.applied.changes(), "first observations of both checks");
        assertEquals(ReportIngestion.Outcome.STORED, second.applied.outcome());
        assertInstanceOf(FullReportRequired.class, unknownBase.refused);
        assertNull(unknownBase.applied);
        assertEquals(DomainException.Kind.CONFLICT, ((DomainException) reusedId.refused).kind);
        assertEquals(1, receipts(h1));
        assertEquals(1, receipts(h2));
        assertEquals(1, receipts(h3), "the refused delta left no receipt");
        assertEquals(1, receipts(h4), "the reused id left no second receipt");
        assertEquals(transitions + 4, db.count("SELECT count(*) FROM fleet_transition"), "only the two stored reports' first observations");
        assertEquals(first.report.reportId(), db.single("SELECT state_report_id::text FROM fleet_host WHERE id = " + h1));
        assertEquals(1, db.count("SELECT count(*) FROM fleet_check_host_tally WHERE host_id = " + h1 + " AND fail_results = 1"),
                "the fleet page's counts move with the batch");
        assertEquals(1, db.count("SELECT count(*) FROM fleet_report_key WHERE id = '" + second.report.reportId() + "'"));
    }

    @Test
    void aReportThatBreaksTheBatchIsAppliedAloneAndTheOthersAreStored() {
        long good = registerHost("batch-good"), bad = registerHost("batch-bad");
        Instant t = Instant.now().minus(5, ChronoUnit.MINUTES);
        FleetStateStore.Pending ok = pending(good, full(UUID.randomUUID().toString(), t, "pass"));
        // a status the schema would have refused: applying it fails inside the batch's transaction
        FleetStateStore.Pending broken = pending(bad, full(UUID.randomUUID().toString(), t, "bogus"));
        writer.writeBatch(List.of(broken, ok));
        assertEquals(ReportIngestion.Outcome.STORED, ok.applied.outcome());
        assertTrue(broken.refused != null && broken.applied == null, "the broken report is refused");
        assertEquals(1, receipts(good));
        assertEquals(0, receipts(bad));
        assertEquals(0, db.count("SELECT count(*) FROM fleet_subject WHERE host_id = " + bad), "nothing of the failed batch stayed");
    }

    @Test
    void theSameReportSentTwiceAtOnceIsStoredOnceAndOthersGoThroughTheWriterTogether() throws Exception {
        int hosts = 6;
        List<String> credentials = new ArrayList<>();
        List<Long> ids = new ArrayList<>();
        for (int i = 0; i < hosts; i++) {
            long host = registerHost("batch-http-" + i);
            ids.add(host);
            credentials.add(enroll(host));
        }
        Instant t = Instant.now().minus(5, ChronoUnit.MINUTES);
        String twice = report2(UUID.randomUUID().toString(), t, null, "pass", container(A, "web", "docker", "pass"));
        ExecutorService pool = Executors.newFixedThreadPool(hosts + 1);
        CountDownLatch start = new CountDownLatch(1);
        List<Future<Integer>> answers = new ArrayList<>();
        try {
            for (int i = 0; i <= hosts; i++) {
                String credential = credentials.get(i == hosts ? 0 : i);
                String body = i == 0 || i == hosts ? twice
                        : report2(UUID.randomUUID().toString(), t, null, "pass", container(A, "web", "docker", i % 2 == 0 ? "pass" : "fail"));
                answers.add(pool.submit(() -> {
                    start.await();
                    return given().auth().oauth2(credential).contentType(ContentType.JSON).body(body).post("/api/v1/agent/reports")
                            .then().extract().statusCode();
                }));
            }
            start.countDown();
            List<Integer> codes = new ArrayList<>();
            for (Future<Integer> f : answers) {
                codes.add(f.get());
            }
            assertEquals(1, codes.stream().filter(c -> c == 200).count(), "one of the two identical sends is the duplicate: " + codes);
            assertEquals(hosts, codes.stream().filter(c -> c == 201).count(), "every other report is stored: " + codes);
        } finally {
            pool.shutdownNow();
        }
        for (long host : ids) {
            assertEquals(1, receipts(host), "host " + host + ": exactly one receipt");
        }
    }
}
