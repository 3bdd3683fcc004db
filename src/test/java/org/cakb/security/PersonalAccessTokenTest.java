package org.cakb.security;

import io.quarkus.elytron.security.common.BcryptUtil;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.specification.RequestSpecification;
import jakarta.inject.Inject;
import org.cakb.testing.Database;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.OffsetDateTime;
import java.util.UUID;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** Personal access tokens: a person's own bearer secrets, acting with the person's current roles. */
@QuarkusTest
class PersonalAccessTokenTest {

    private static final String SUFFIX = UUID.randomUUID().toString().substring(0, 8);
    private static final String ALICE = "pat-alice-" + SUFFIX; // assessor
    private static final String BOB = "pat-bob-" + SUFFIX;     // viewer
    private static final String ADMIN = "pat-admin-" + SUFFIX;
    private static final String PASSWORD = "pat-test-password";

    @Inject
    Database db;

    @BeforeAll
    static void people() {
        QuarkusTransaction.requiringNew().run(() -> {
            for (String[] p : new String[][]{{ALICE, Roles.ASSESSOR}, {BOB, Roles.VIEWER}, {ADMIN, Roles.ADMIN}}) {
                AppUser user = new AppUser();
                user.username = p[0];
                user.passwordHash = BcryptUtil.bcryptHash(PASSWORD, 4);
                user.roles = p[1];
                user.persist();
            }
        });
    }

    private static RequestSpecification basic(String user) {
        return given().auth().preemptive().basic(user, PASSWORD);
    }

    private static RequestSpecification bearer(String token) {
        return given().header("Authorization", "Bearer " + token);
    }

    private static String body(String name, String scope, OffsetDateTime expires) {
        return "{\"name\": \"" + name + "\"" + (scope == null ? "" : ", \"scope\": \"" + scope + "\"")
                + (expires == null ? "" : ", \"expiresAt\": \"" + expires + "\"") + "}";
    }

    private static io.restassured.response.ExtractableResponse<io.restassured.response.Response> create(String user, String name,
                                                                                                         String scope) {
        return basic(user).contentType(ContentType.JSON).body(body(name, scope, OffsetDateTime.now().plusDays(30)))
                .post("/api/v1/me/tokens").then().statusCode(201).body("token", startsWith("cakb_pat_")).extract();
    }

    @Test
    void aTokenActsAsItsOwnerAndIsStoredOnlyAsAHash() {
        var created = create(ALICE, "script", null);
        String token = created.path("token");
        created.response().then().body("scope", equalTo("role")).body("expiresAt", notNullValue());
        assertEquals(0L, db.count("SELECT count(*) FROM personal_access_token WHERE token_hash = '" + token + "'"),
                "the secret itself is never stored");
        assertEquals(1L, db.count("SELECT count(*) FROM personal_access_token WHERE token_hash = encode(sha256('" + token
                + "'::bytea), 'hex')"), "its SHA-256 is");

        bearer(token).get("/api/v1/assessments").then().statusCode(200);
        bearer(token).get("/api/v1/hosts").then().statusCode(200);
        // an assessor may not create accounts or reload content, with a password or a token
        bearer(token).contentType(ContentType.JSON).body("{}").post("/api/v1/users").then().statusCode(403);
        bearer(token).post("/api/v1/admin/content/reload").then().statusCode(403);
        // it is the person, not a machine: its own list names the owner, and never shows a secret
        bearer(token).get("/api/v1/me/tokens").then().statusCode(200)
                .body("name", hasItem("script")).body("owner", hasItem(ALICE)).body("token", not(hasItem(notNullValue())))
                .body("find { it.id == " + created.path("id") + " }.lastUsedAt", notNullValue());
        // pages ignore bearer tokens: a script cannot use one to browse as the person
        bearer(token).redirects().follow(false).get("/assessments").then()
                .statusCode(org.hamcrest.Matchers.anyOf(equalTo(302), equalTo(401)));
    }

    @Test
    void theOwnersCurrentRoleApplies() {
        String token = create(BOB, "viewer-script", null).path("token");
        bearer(token).contentType(ContentType.JSON).body("{\"name\": \"x\"}").post("/api/v1/hosts").then().statusCode(403);
        QuarkusTransaction.requiringNew().run(() -> AppUser.findByUsername(BOB).roles = Roles.ADMIN);
        try {
            bearer(token).get("/api/v1/admin/api-tokens").then().statusCode(200);
            QuarkusTransaction.requiringNew().run(() -> AppUser.findByUsername(BOB).roles = Roles.VIEWER);
            bearer(token).get("/api/v1/admin/api-tokens").then().statusCode(403);
        } finally {
            QuarkusTransaction.requiringNew().run(() -> AppUser.findByUsername(BOB).roles = Roles.VIEWER);
        }
    }

    @Test
    void readScopeNarrowsToViewerRights() {
        String full = create(ADMIN, "admin-full", "role").path("token");
        String read = create(ADMIN, "admin-read", "read").path("token");
        bearer(full).get("/api/v1/admin/api-tokens").then().statusCode(200);
        bearer(read).get("/api/v1/admin/api-tokens").then().statusCode(403);
        bearer(read).get("/api/v1/hosts").then().statusCode(200);
    }

    @Test
    void expiryIsMandatoryAndCapped() {
        basic(ALICE).contentType(ContentType.JSON).body(body("forever", null, null)).post("/api/v1/me/tokens")
                .then().statusCode(400).body("message", containsString("expiresAt is required"));
        basic(ALICE).contentType(ContentType.JSON).body(body("too-long", null, OffsetDateTime.now().plusDays(400)))
                .post("/api/v1/me/tokens").then().statusCode(400).body("message", containsString("at most 366 days"));
        basic(ALICE).contentType(ContentType.JSON).body(body("past", null, OffsetDateTime.now().minusDays(1)))
                .post("/api/v1/me/tokens").then().statusCode(400).body("message", containsString("future"));
        basic(ALICE).contentType(ContentType.JSON).body(body("odd-scope", "admin", OffsetDateTime.now().plusDays(1)))
                .post("/api/v1/me/tokens").then().statusCode(400).body("message", containsString("scope"));
        basic(ALICE).contentType(ContentType.JSON).body(body("", null, OffsetDateTime.now().plusDays(1)))
                .post("/api/v1/me/tokens").then().statusCode(400).body("message", containsString("name"));

        var created = create(ALICE, "short-lived", null);
        String token = created.path("token");
        bearer(token).get("/api/v1/hosts").then().statusCode(200);
        db.single("UPDATE personal_access_token SET created_at = now() - interval '2 days', expires_at = now() - interval '1 second'"
                + " WHERE id = " + created.path("id") + " RETURNING 1");
        bearer(token).get("/api/v1/hosts").then().statusCode(401);
    }

    @Test
    void revokedTokensAreRefusedAndOnlyTheOwnerOrAnAdminRevokes() {
        var created = create(ALICE, "to-revoke", null);
        String token = created.path("token");
        int id = created.path("id");
        // someone else's token is "not found" for another person
        basic(BOB).contentType(ContentType.JSON).body("{}").post("/api/v1/me/tokens/" + id + "/revoke").then().statusCode(404);
        bearer(token).get("/api/v1/hosts").then().statusCode(200);
        bearer(token).post("/api/v1/me/tokens/" + id + "/revoke").then().statusCode(200)
                .body("usable", equalTo(false)).body("revokedBy", equalTo(ALICE));
        bearer(token).get("/api/v1/hosts").then().statusCode(401);

        var other = create(ALICE, "admin-revokes", null);
        basic(ADMIN).get("/api/v1/admin/personal-access-tokens").then().statusCode(200)
                .body("find { it.id == " + other.path("id") + " }.owner", equalTo(ALICE))
                .body("token", not(hasItem(notNullValue())));
        basic(ADMIN).contentType(ContentType.JSON).body("{}").post("/api/v1/admin/personal-access-tokens/" + other.path("id") + "/revoke").then().statusCode(200)
                .body("revokedBy", equalTo(ADMIN));
        bearer(other.path("token")).get("/api/v1/hosts").then().statusCode(401);
        basic(ALICE).get("/api/v1/admin/personal-access-tokens").then().statusCode(403);
    }

    @Test
    void aTokenCannotMintTokensAndUnknownTokensAreRefused() {
        String token = create(ALICE, "no-minting", null).path("token");
        bearer(token).contentType(ContentType.JSON).body(body("child", null, OffsetDateTime.now().plusDays(1)))
                .post("/api/v1/me/tokens").then().statusCode(403).body("message", containsString("password"));
        bearer("cakb_pat_" + "A".repeat(43)).get("/api/v1/hosts").then().statusCode(401);
        bearer(token + "x").get("/api/v1/hosts").then().statusCode(401);
        // GRC API tokens and agent credentials are not people: no personal tokens for them
        String grc = given().auth().preemptive().basic("admin", "test-admin-password").contentType(ContentType.JSON)
                .body("{\"name\": \"pat-grc\"}").post("/api/v1/admin/api-tokens").then().statusCode(201).extract().path("token");
        bearer(grc).get("/api/v1/me/tokens").then().statusCode(403);
        given().get("/api/v1/me/tokens").then().statusCode(401);
        given().auth().preemptive().basic(ALICE, PASSWORD).get("/api/v1/me/tokens").then().statusCode(200)
                .body("find { it.name == 'no-minting' }.revokedAt", nullValue());
    }
}
