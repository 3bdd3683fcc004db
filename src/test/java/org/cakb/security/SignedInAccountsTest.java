package org.cakb.security;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import jakarta.inject.Inject;
import org.cakb.testing.Database;
import org.cakb.testing.FastAdmin;
import org.cakb.testing.PageSession;
import org.junit.jupiter.api.Test;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Signed-in requests take the account's state from memory (issue #21); these tests change accounts the ways the
 * cache must notice: directly in PostgreSQL (no application code involved: only the V90 trigger's announcement can
 * tell this replica). Changes through the application are covered by AccountSecurityTest (logout, disable, reset):
 * the writer's own replica drops the entry when the transaction ends, so those take effect on the very next request.
 */
@QuarkusTest
class SignedInAccountsTest {

    @Inject
    Database db;
    @Inject
    SignedInAccounts accountsProxy;

    private static void user(String name, String password, String role) {
        FastAdmin.ensure();
        given().auth().preemptive().basic(FastAdmin.USERNAME, FastAdmin.PASSWORD).contentType(ContentType.JSON)
                .body("{\"username\": \"" + name + "\", \"password\": \"" + password + "\", \"roles\": [\"" + role + "\"]}")
                .post("/api/v1/users").then().statusCode(201);
    }

    private static int status(PageSession s, String path) {
        return given().redirects().follow(false).cookies(s.cookies).get(path).statusCode();
    }

    /** Polls until the page answers {@code expected}; returns the milliseconds it took, or fails after 5 s. */
    private static long until(PageSession s, String path, int expected) throws InterruptedException {
        long start = System.nanoTime();
        while (status(s, path) != expected) {
            assertTrue(System.nanoTime() - start < 5_000_000_000L, path + " never answered " + expected);
            Thread.sleep(5);
        }
        return (System.nanoTime() - start) / 1_000_000;
    }

    @Test
    void aSessionEndedInTheDatabaseIsRefusedOnceAnnounced() throws Exception {
        user("cache-epoch", "cache-epoch-password", "viewer");
        PageSession s = PageSession.login("cache-epoch", "cache-epoch-password");
        assertEquals(200, status(s, "/assessments"));
        SignedInAccounts accounts = io.quarkus.arc.ClientProxy.unwrap(accountsProxy);
        assertNotNull(accounts.cached("cache-epoch"), "a signed-in request keeps the account in memory");
        assertEquals(200, status(s, "/assessments"), "and the next request is served from it");

        db.execute("UPDATE app_user SET session_epoch = session_epoch + 1 WHERE username = 'cache-epoch'");
        long ms = until(s, "/assessments", 302);
        System.out.println("session ended by SQL refused after " + ms + " ms");
        SignedInAccounts.Account now = accounts.cached("cache-epoch");
        assertTrue(now == null || now.sessionEpoch() == 1, "the announcement dropped the old entry; a new one holds the new epoch");
        assertEquals(302, status(s, "/assessments"), "and stays refused: the database now decides");
    }

    @Test
    void disablingOrChangingRolesInTheDatabaseTakesEffect() throws Exception {
        user("cache-roles", "cache-roles-password", "assessor");
        PageSession s = PageSession.login("cache-roles", "cache-roles-password");
        assertEquals(200, status(s, "/assessments"));
        assertEquals(403, status(s, "/admin/users"), "an assessor is no admin");

        db.execute("UPDATE app_user SET roles = 'admin' WHERE username = 'cache-roles'");
        until(s, "/admin/users", 200);

        db.execute("UPDATE app_user SET disabled_at = now(), disabled_by = 'sql' WHERE username = 'cache-roles'");
        until(s, "/assessments", 302);
    }
}
