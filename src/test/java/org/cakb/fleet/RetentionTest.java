package org.cakb.fleet;

import io.agroal.api.AgroalDataSource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import jakarta.inject.Inject;
import org.cakb.testing.Database;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.Statement;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.UUID;

import static io.restassured.RestAssured.given;
import static org.cakb.testing.FleetFixture.enroll;
import static org.cakb.testing.FleetFixture.registerHost;
import static org.cakb.testing.FleetFixture.report;
import static org.hamcrest.Matchers.hasItem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Retention drops whole old partitions and keeps current state; one replica at a time; visible on /q/health. */
@QuarkusTest
class RetentionTest {

    @Inject
    Database db;
    @Inject
    FleetRetention retention;
    @Inject
    AgroalDataSource dataSource;

    @Test
    void oldPartitionsAreDroppedAndCurrentStateIsKept() {
        long host = registerHost("retention-host");
        String credential = enroll(host);
        String reportId = UUID.randomUUID().toString();
        given().auth().oauth2(credential).contentType(ContentType.JSON).body(report(reportId, "fail")).post("/api/v1/agent/reports")
                .then().statusCode(201);
        LocalDate today = LocalDate.now(ZoneOffset.UTC);
        LocalDate old = today.minusDays(40);
        db.single("SELECT fleet_ensure_partitions('" + old + "', '" + old + "')::text");
        db.single("SELECT fleet_ensure_partitions('" + today.minusDays(500) + "', '" + today.minusDays(500) + "')::text");
        // an old receipt and an old transition, as years of operation would leave them
        db.single("INSERT INTO fleet_report (id, host_id, credential_id, received_at, started_at, finished_at, agent_version, passed, failed,"
                + " not_applicable, errors, payload_sha256) VALUES ('" + UUID.randomUUID() + "', " + host + ", 0, '" + old + "T12:00:00Z', '"
                + old + "T12:00:00Z', '" + old + "T12:00:00Z', 'x', 0, 0, 0, 0, 'x') RETURNING 1");
        db.single("INSERT INTO fleet_transition (subject_id, check_id, from_status, to_status, report_id, observed_at, received_at)"
                + " SELECT id, 'probe:x', 'pass', 'fail', gen_random_uuid(), now() - interval '500 days', now() - interval '500 days'"
                + " FROM fleet_subject WHERE host_id = " + host + " RETURNING 1");
        String oldDay = "fleet_report_p" + old.toString().replace("-", "");
        String oldMonth = "fleet_transition_p" + today.minusDays(500).toString().substring(0, 7).replace("-", "");
        long states = db.count("SELECT count(*) FROM fleet_check_state");
        String oldKey = UUID.randomUUID().toString(), youngKey = UUID.randomUUID().toString();
        db.single("INSERT INTO fleet_report_key (id, host_id, payload_sha256, received_at) VALUES ('" + oldKey + "', " + host
                + ", '\\x00', '" + today.minusDays(FleetRetention.KEY_DAYS + 1) + "T23:00:00Z'), ('" + youngKey + "', " + host
                + ", '\\x00', '" + today.minusDays(FleetRetention.KEY_DAYS - 1) + "T00:00:00Z') RETURNING 1");

        FleetRetention.Run run = retention.run(today);
        assertEquals("succeeded", run.outcome());
        assertTrue(run.dropped().contains(oldDay), run.dropped().toString());
        assertTrue(run.dropped().contains(oldMonth), run.dropped().toString());
        assertEquals(0, db.count("SELECT count(*) FROM pg_class WHERE relname IN ('" + oldDay + "', '" + oldMonth + "')"));
        assertEquals(states, db.count("SELECT count(*) FROM fleet_check_state"), "current state is never dropped");
        assertEquals(1, db.count("SELECT count(*) FROM fleet_report WHERE id = '" + reportId + "'"), "recent receipts stay");
        assertEquals(0, db.count("SELECT count(*) FROM fleet_report_key WHERE id = '" + oldKey + "'"), "keys past every accepted resend go");
        assertEquals(1, db.count("SELECT count(*) FROM fleet_report_key WHERE id = '" + youngKey + "'"));
        assertEquals(1, db.count("SELECT count(*) FROM fleet_report_key WHERE id = '" + reportId + "'"), "a stored report has its key");
        assertEquals(1, db.count("SELECT count(*) FROM pg_class WHERE relname = 'fleet_report_p"
                + today.plusDays(FleetRetention.DAYS_AHEAD).toString().replace("-", "") + "'"), "partitions of the coming days exist");
        given().get("/q/health").then().body("checks.name", hasItem("fleet retention"));
    }

    @Test
    void onlyOneReplicaRunsAtATime() throws Exception {
        try (Connection other = dataSource.getConnection(); Statement lock = other.createStatement()) {
            lock.execute("SELECT pg_advisory_lock(" + FleetRetention.LOCK_KEY + ")");
            try {
                assertEquals("skipped", retention.run(LocalDate.now(ZoneOffset.UTC)).outcome());
            } finally {
                lock.execute("SELECT pg_advisory_unlock(" + FleetRetention.LOCK_KEY + ")");
            }
        }
        assertEquals("succeeded", retention.run(LocalDate.now(ZoneOffset.UTC)).outcome());
    }
}
