package org.cakb.export;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import org.cakb.testing.FleetFixture;
import org.junit.jupiter.api.Test;

import java.util.UUID;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertTrue;

@QuarkusTest
class HostResultsCsvTest {

    @Test
    void exportsLatestResultsAsSafeCsv() {
        String credential = FleetFixture.enrolledAgent("csv-host");
        String hostile = "=HYPERLINK(\\\"http://evil\\\"), \\\"quoted\\\"";
        given().auth().oauth2(credential).contentType(ContentType.JSON)
                .body(FleetFixture.report(UUID.randomUUID().toString(), "fail", hostile))
                .post("/api/v1/agent/reports").then().statusCode(201);

        String csv = given().auth().preemptive().basic(FleetFixture.ADMIN, FleetFixture.ADMIN_PASSWORD)
                .get("/api/v1/hosts.csv").then().statusCode(200)
                .contentType(startsWith("text/csv"))
                .header("Content-Disposition", containsString("host-results.csv"))
                .extract().asString();
        assertTrue(csv.startsWith("\"host\",\"labels\",\"report_id\""), csv.substring(0, 60));
        assertTrue(csv.contains("\"'=HYPERLINK(\"\"http://evil\"\"), \"\"quoted\"\"\""), "formula neutralised and quotes doubled:\n" + csv);
        assertTrue(csv.contains("\"csv-host\""));
        assertTrue(csv.lines().count() >= 3);
        assertTrue(csv.contains("\r\n"), "RFC 4180 line ends");
        given().get("/api/v1/hosts.csv").then().statusCode(401);
    }
}
