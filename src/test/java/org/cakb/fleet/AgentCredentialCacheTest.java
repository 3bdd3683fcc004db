package org.cakb.fleet;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import jakarta.inject.Inject;
import org.cakb.testing.Database;
import org.junit.jupiter.api.Test;

import java.util.UUID;

import static io.restassured.RestAssured.given;
import static org.cakb.testing.FleetFixture.enroll;
import static org.cakb.testing.FleetFixture.registerHost;
import static org.cakb.testing.FleetFixture.report;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Agent credentials kept in memory (AgentCredentials, migration V94): an agent's later requests need no lookup, and a
 * revocation still refuses the credential at once, on every replica: by the storing transaction's own check even when
 * the announcement never arrives, and by dropping the kept credential when it does.
 */
@QuarkusTest
class AgentCredentialCacheTest {

    @Inject
    AgentCredentials credentials;
    @Inject
    Database db;

    private static int submit(String credential) {
        return given().auth().oauth2(credential).contentType(ContentType.JSON).body(report(UUID.randomUUID().toString(), "pass"))
                .post("/api/v1/agent/reports").then().extract().statusCode();
    }

    private static int probes(String credential) {
        return given().auth().oauth2(credential).get("/api/v1/agent/probes").then().extract().statusCode();
    }

    @Test
    void aKeptCredentialNeedsNoLookupAndARevocationWhoseAnnouncementIsLostStillRefusesItAtOnce() throws Exception {
        long host = registerHost("cached-agent-lost-announcement");
        String credential = enroll(host);
        assertEquals(201, submit(credential));
        long lookups = credentials.lookups();
        assertEquals(201, submit(credential));
        assertEquals(200, probes(credential));
        assertEquals(lookups, credentials.lookups(), "the verified credential was kept: no lookup for the next requests");

        // another replica (or an admin's SQL) revokes it, and the announcement is lost
        db.execute("ALTER TABLE fleet_credential DISABLE TRIGGER fleet_credential_announce_revision");
        try {
            db.execute("UPDATE fleet_credential SET revoked_at = now(), revoked_by = 'test' WHERE host_id = " + host);
            long receipts = db.count("SELECT count(*) FROM fleet_report WHERE host_id = " + host);
            assertEquals(401, submit(credential), "the storing transaction refuses a revoked credential");
            assertEquals(401, probes(credential), "the probe bundle checks the credential's row");
            assertEquals(receipts, db.count("SELECT count(*) FROM fleet_report WHERE host_id = " + host), "nothing stored");
            assertEquals(lookups, credentials.lookups(), "refused although the credential was still kept in memory");
        } finally {
            db.execute("ALTER TABLE fleet_credential ENABLE TRIGGER fleet_credential_announce_revision");
        }
    }

    @Test
    void anAnnouncedRevocationDropsTheKeptCredential() throws Exception {
        long host = registerHost("cached-agent-announced");
        String credential = enroll(host);
        assertEquals(201, submit(credential));
        assertTrue(credentials.resolve(credential).isPresent());
        long lookups = credentials.lookups();

        db.execute("UPDATE fleet_credential SET revoked_at = now(), revoked_by = 'test' WHERE host_id = " + host);
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (credentials.resolve(credential).isPresent() && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertTrue(credentials.resolve(credential).isEmpty(), "the announcement dropped the kept credential");
        assertTrue(credentials.lookups() > lookups, "it was looked up again, and found revoked");
        assertEquals(401, submit(credential));
    }

    @Test
    void anotherHostsRevocationKeepsThisOne() throws Exception {
        long host = registerHost("cached-agent-kept"), other = registerHost("cached-agent-other");
        String credential = enroll(host);
        enroll(other);
        assertEquals(201, submit(credential));
        db.execute("UPDATE fleet_credential SET revoked_at = now(), revoked_by = 'test' WHERE host_id = " + other);
        Thread.sleep(300); // the announcement arrives
        long lookups = credentials.lookups();
        assertEquals(201, submit(credential));
        assertEquals(lookups, credentials.lookups(), "only the revoked host's credentials were dropped");
    }
}
