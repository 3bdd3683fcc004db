package org.cakb.web;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.UUID;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;

/** Measured defaults appear in the matrix next to the documented ones, with differences spelled out. */
@QuarkusTest
class MatrixMeasuredTest {

    @Test
    void measuredColumnsShowAndDifferencesAreMarked() {
        given().get("/matrix?platform=platform:docker").then().statusCode(200); // warm the page cache
        String body = """
                {"format": 1, "measurementId": "%s", "status": "measured", "runtime": "docker-matrix", "platform": "platform:docker",
                 "runtimeVersion": "Docker version 99.1.0-matrix", "kernel": "6.1.0", "measuredAt": "%s",
                 "sourceReport": "%s", "agentVersion": "0.1.0-test", "invocation": "docker run --rm IMAGE java -jar agent.jar run",
                 "raw": {"Seccomp": "0"},
                 "countermeasures": [
                   {"id": "cm:seccomp-filter", "state": "disabled", "basis": "container",
                    "checks": [{"id": "probe:seccomp/filter-mode", "status": "fail", "observed": "Seccomp: 0", "role": "primary"}]}
                 ]}""".formatted(UUID.randomUUID(), Instant.now().minusSeconds(5), UUID.randomUUID());
        given().auth().preemptive().basic("admin", "test-admin-password").contentType(ContentType.JSON).body(body)
                .post("/api/v1/admin/measured-defaults").then().statusCode(201);

        given().get("/matrix?platform=platform:docker").then().statusCode(200)
                .body(containsString("measured: Docker version 99.1.0-matrix"))
                .body(containsString("differs from the documented default"))
                .body(containsString("(documented: enabled)"));
    }
}
