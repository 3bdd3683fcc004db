package org.cakb.security;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import jakarta.inject.Inject;
import org.cakb.testing.Database;
import org.junit.jupiter.api.Test;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;

@QuarkusTest
class ApiTokenTest {

    @Inject
    Database db;

    private io.restassured.specification.RequestSpecification admin() {
        return given().auth().preemptive().basic("admin", "test-admin-password");
    }

    private io.restassured.response.ExtractableResponse<io.restassured.response.Response> create(String body) {
        return admin().contentType(ContentType.JSON).body(body).post("/api/v1/admin/api-tokens").then().statusCode(201)
                .body("token", startsWith("cakb_api_")).body("scope", equalTo("read")).extract();
    }

    @Test
    void aTokenReadsButNeverWrites() {
        var created = create("{\"name\": \"grc-reader\"}");
        String token = created.path("token");
        assertEquals(0, db.count("SELECT count(*) FROM api_token WHERE token_hash = '" + token + "'"), "the secret itself is never stored");

        given().auth().oauth2(token).get("/api/v1/hosts").then().statusCode(200);
        given().auth().oauth2(token).get("/api/v1/oscal/catalog").then().statusCode(200);
        given().auth().oauth2(token).contentType(ContentType.JSON).body("{\"name\": \"sneaky\"}").post("/api/v1/hosts").then().statusCode(403);
        given().auth().oauth2(token).post("/api/v1/admin/content/reload").then().statusCode(403);
        given().auth().oauth2(token).contentType(ContentType.JSON).body("{}").post("/api/v1/agent/reports").then().statusCode(403);
        given().auth().oauth2(token).get("/api/v1/admin/api-tokens").then().statusCode(403);

        int id = created.path("id");
        admin().get("/api/v1/admin/api-tokens").then().statusCode(200)
                .body("find { it.id == " + id + " }.lastUsedAt", notNullValue())
                .body("find { it.id == " + id + " }.token", nullValue());
    }

    @Test
    void revokedAndExpiredTokensAreRefused() {
        var created = create("{\"name\": \"to-revoke\"}");
        String token = created.path("token");
        given().auth().oauth2(token).get("/api/v1/hosts").then().statusCode(200);
        admin().contentType(ContentType.JSON).body("{}").post("/api/v1/admin/api-tokens/" + created.path("id") + "/revoke").then().statusCode(200).body("usable", equalTo(false));
        given().auth().oauth2(token).get("/api/v1/hosts").then().statusCode(401);

        String expiring = create("{\"name\": \"short-lived\", \"expiresAt\": \"" + java.time.OffsetDateTime.now().plusDays(30) + "\"}").path("token");
        db.single("UPDATE api_token SET expires_at = now() - interval '1 second' WHERE name = 'short-lived' RETURNING 1");
        given().auth().oauth2(expiring).get("/api/v1/hosts").then().statusCode(401);
    }

    @Test
    void badRequestsAreExplained() {
        admin().contentType(ContentType.JSON).body("{\"name\": \"\"}").post("/api/v1/admin/api-tokens").then()
                .statusCode(400).body("message", containsString("name is required"));
        admin().contentType(ContentType.JSON).body("{\"name\": \"old\", \"expiresAt\": \"2001-01-01T00:00:00Z\"}")
                .post("/api/v1/admin/api-tokens").then().statusCode(400).body("message", containsString("future"));
        given().auth().preemptive().basic("admin", "wrong").get("/api/v1/admin/api-tokens").then().statusCode(401);
    }
}
