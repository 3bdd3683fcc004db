package org.cakb.fleet;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.specification.RequestSpecification;
import jakarta.inject.Inject;
import org.cakb.testing.Database;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.UUID;

import static io.restassured.RestAssured.given;
import static org.cakb.testing.FleetFixture.ADMIN;
import static org.cakb.testing.FleetFixture.ADMIN_PASSWORD;
import static org.cakb.testing.FleetFixture.container;
import static org.cakb.testing.FleetFixture.enroll;
import static org.cakb.testing.FleetFixture.registerHost;
import static org.cakb.testing.FleetFixture.report2;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.everyItem;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The containers API and pages over a host with three containers, one failing, one only not-applicable. */
@QuarkusTest
class ContainerApiTest {

    @Inject
    Database db;

    long host;
    String credential;
    String suffix;

    private static RequestSpecification admin() {
        return given().auth().preemptive().basic(ADMIN, ADMIN_PASSWORD);
    }

    @BeforeEach
    void hostWithContainers() {
        suffix = UUID.randomUUID().toString().substring(0, 8);
        host = registerHost("containers-" + suffix);
        credential = enroll(host);
        Instant t = Instant.now().minus(5, ChronoUnit.MINUTES);
        String first = UUID.randomUUID().toString();
        String quiet = container("e".repeat(64), "quiet-" + suffix, "containerd", "not-applicable")
                .replace("\"status\": \"pass\"", "\"status\": \"not-applicable\"");
        post(report2(first, t, null, "pass", container("a".repeat(64), "web-" + suffix, "docker", "pass"),
                container("b".repeat(64), "db-" + suffix, "docker", "pass"), quiet));
        post(report2(UUID.randomUUID().toString(), t.plusSeconds(60), null, "pass",
                container("a".repeat(64), "web-" + suffix, "docker", "fail"), container("b".repeat(64), "db-" + suffix, "docker", "pass"), quiet));
    }

    private void post(String body) {
        given().auth().oauth2(credential).contentType(ContentType.JSON).body(body).post("/api/v1/agent/reports").then().statusCode(201);
    }

    private long containerId(String name) {
        return db.count("SELECT id FROM fleet_subject WHERE host_id = " + host + " AND name = '" + name + "'");
    }

    @Test
    void aHostListsItsContainersFailingFirst() {
        admin().get("/api/v1/hosts/" + host + "/containers").then().statusCode(200)
                .body("total", equalTo(3)).body("items[0].name", equalTo("web-" + suffix)).body("items[0].failed", equalTo(1))
                .body("items[0].runtime", equalTo("docker")).body("items[0].image", equalTo("registry.example/app:1"));
        String etag = admin().get("/api/v1/hosts/" + host + "/containers").then().extract().header("ETag");
        admin().header("If-None-Match", etag).get("/api/v1/hosts/" + host + "/containers").then().statusCode(304);
        admin().get("/api/v1/hosts/999999999/containers").then().statusCode(404);
        admin().queryParam("size", "0").get("/api/v1/hosts/" + host + "/containers").then().statusCode(400)
                .body("message", containsString("size"));
    }

    @Test
    void containersAcrossTheFleetFilterByProbeStatusRuntimeAndLabel() {
        admin().queryParam("probe", "probe:caps/no-cap-sys-admin").queryParam("status", "fail").queryParam("size", 200)
                .get("/api/v1/containers").then().statusCode(200)
                .body("items.name", hasItem("web-" + suffix)).body("items.name", not(hasItem("db-" + suffix)))
                .body("items.failed", everyItem(equalTo(1)));
        admin().queryParam("runtime", "containerd").queryParam("size", 200).get("/api/v1/containers").then().statusCode(200)
                .body("items.runtime", everyItem(equalTo("containerd"))).body("items.name", hasItem("quiet-" + suffix));
        admin().queryParam("label", "env=test").queryParam("status", "fail").queryParam("size", 200).get("/api/v1/containers")
                .then().statusCode(200).body("items.name", hasItem("web-" + suffix));
        admin().queryParam("label", "env=prod").queryParam("size", 200).get("/api/v1/containers").then().statusCode(200)
                .body("items.name", not(hasItem("web-" + suffix)));
        admin().queryParam("runtime", "vmware").get("/api/v1/containers").then().statusCode(400).body("message", containsString("runtime"));
        admin().queryParam("status", "broken").get("/api/v1/containers").then().statusCode(400).body("message", containsString("status"));
        admin().queryParam("label", "novalue").get("/api/v1/containers").then().statusCode(400).body("message", containsString("label"));
    }

    @Test
    void aContainerHasItsChecksSinceWhenAndItsHistory() {
        long web = containerId("web-" + suffix);
        admin().get("/api/v1/containers/" + web).then().statusCode(200)
                .body("container.host", equalTo("containers-" + suffix))
                .body("checks[0].checkId", equalTo("probe:caps/no-cap-sys-admin")).body("checks[0].status", equalTo("fail"))
                .body("checks[0].countermeasures", hasItem("cm:no-cap-sys-admin"));
        admin().get("/api/v1/containers/" + web + "/history").then().statusCode(200).body("total", equalTo(3))
                .body("items[0].from", equalTo("pass")).body("items[0].to", equalTo("fail"));
        admin().get("/api/v1/containers/0").then().statusCode(404);
        admin().get("/api/v1/containers/" + web + "/history?probe=probe:seccomp/filter-mode").then().statusCode(200).body("total", equalTo(1));
    }

    @Test
    void passToFailIsADriftEvent() {
        admin().queryParam("since", Instant.now().minus(1, ChronoUnit.HOURS).toString()).get("/api/v1/drift").then().statusCode(200)
                .body("events.findAll { it.host == 'containers-" + suffix + "' }.container", equalTo(java.util.List.of("web-" + suffix)));
        admin().queryParam("since", "yesterday").get("/api/v1/drift").then().statusCode(400);
    }

    @Test
    void theHostPageListsContainersAndTheContainerPageShowsChecksAndHistory() {
        String page = admin().get("/hosts/" + host).then().statusCode(200).extract().asString();
        assertTrue(page.indexOf("web-" + suffix) < page.indexOf("db-" + suffix), "failing container first");
        assertTrue(page.contains("where every check is not applicable"), "not-applicable containers collapsed");
        assertTrue(page.indexOf("quiet-" + suffix) > page.indexOf("<details"), "not-applicable containers inside the collapsed part");
        long web = containerId("web-" + suffix);
        admin().get("/hosts/" + host + "/containers/" + web).then().statusCode(200)
                .body(containsString("Container web-" + suffix)).body(containsString("probe:caps/no-cap-sys-admin"))
                .body(containsString("first seen"));
        admin().get("/hosts/" + (host + 1000000) + "/containers/" + web).then().statusCode(404);
        given().redirects().follow(false).accept("text/html").get("/hosts/" + host + "/containers/" + web).then().statusCode(302);
    }
}
