package org.cakb.security;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import org.junit.jupiter.api.Test;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.not;

/**
 * A browser on another machine reaching the server over plain HTTP never stores the Secure CSRF cookie; its form
 * posts get a page that explains why forms need HTTPS, not a bare CSRF error. The remote client is simulated through
 * the trusted local proxy's X-Forwarded-For (the test's own address, 127.0.0.1, is the trusted proxy).
 */
@QuarkusTest
class PlainHttpFormsTest {

    @Test
    void aRemotePlainHttpFormPostGetsTheHttpsExplanation() {
        given().redirects().follow(false).header("X-Forwarded-For", "203.0.113.7").contentType(ContentType.URLENC)
                .body("j_username=someone&j_password=whatever").post("/j_security_check")
                .then().statusCode(400).contentType(containsString("text/html"))
                .body(containsString("id=\"https-required\""), containsString("Forms need HTTPS"), containsString("Nothing was changed"));
        given().redirects().follow(false).header("X-Forwarded-For", "203.0.113.7").contentType(ContentType.URLENC)
                .body("x=1").post("/logout").then().statusCode(400).body(containsString("Forms need HTTPS"));
    }

    @Test
    void overTlsThroughTheProxyOrFromThisMachineTheUsualChecksApply() {
        // the proxy says the client came over HTTPS: the ordinary CSRF/login handling answers (no explanation page)
        given().redirects().follow(false).header("X-Forwarded-For", "203.0.113.7").header("X-Forwarded-Proto", "https")
                .contentType(ContentType.URLENC).body("x=1").post("/logout")
                .then().body(not(containsString("Forms need HTTPS")));
        // loopback: browsers keep Secure cookies for localhost, so nothing is intercepted
        given().redirects().follow(false).contentType(ContentType.URLENC).body("x=1").post("/logout")
                .then().body(not(containsString("Forms need HTTPS")));
        // a GET is never intercepted
        given().redirects().follow(false).header("X-Forwarded-For", "203.0.113.7").get("/login").then().statusCode(equalTo(200));
    }

    @Test
    void theFaviconAndTheOpenApiDocumentOfTheFooterAreServed() {
        given().redirects().follow(false).get("/favicon.ico").then().statusCode(301).header("Location", "/static/favicon.svg");
        given().get("/static/favicon.svg").then().statusCode(200).contentType(containsString("svg"));
        given().get("/q/openapi?format=json").then().statusCode(200).body("info.title", equalTo("Container Assurance KB API"));
    }
}
