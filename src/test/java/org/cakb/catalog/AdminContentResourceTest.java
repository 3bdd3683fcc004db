package org.cakb.catalog;

import org.cakb.security.Roles;

import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.junit.QuarkusTest;
import org.cakb.security.AppUser;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.greaterThan;

@QuarkusTest
class AdminContentResourceTest {

    @BeforeEach
    void viewerExists() {
        QuarkusTransaction.requiringNew().run(() -> {
            if (AppUser.findByUsername("viewer-1") == null) {
                AppUser.create("viewer-1", "viewer-password-1", Roles.VIEWER);
            }
        });
    }

    @Test
    void onlyAnAdminMayReload() {
        given().contentType("application/json").body("{}").post("/api/v1/admin/content/reload").then().statusCode(401);
        given().auth().preemptive().basic("viewer-1", "viewer-password-1").contentType("application/json").body("{}").post("/api/v1/admin/content/reload").then().statusCode(403);
        given().auth().preemptive().basic("admin", "wrong-password").contentType("application/json").body("{}").post("/api/v1/admin/content/reload").then().statusCode(401);
    }

    @Test
    void anAdminReloadsAndSeesTheHistory() {
        given().auth().preemptive().basic("admin", "test-admin-password").contentType("application/json").body("{}").post("/api/v1/admin/content/reload").then()
                .statusCode(200)
                .body("trigger", equalTo("admin-api"))
                .body("filesRead", greaterThan(300))
                .body("withdrawn", equalTo(0));
        given().auth().preemptive().basic("admin", "test-admin-password").get("/api/v1/admin/content/loads").then()
                .statusCode(200)
                .body("[0].trigger", equalTo("admin-api"))
                .body("[0].outcome", equalTo("succeeded"));
    }
}
