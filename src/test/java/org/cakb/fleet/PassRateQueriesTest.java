package org.cakb.fleet;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import jakarta.inject.Inject;
import org.cakb.testing.FleetFixture;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.Collectors;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The dashboard's pass rate per countermeasure over days, against real ingestion: a host passes three days ago and
 * fails since yesterday. The fleet of the test database is shared, so the test compares the figures before and after.
 */
@QuarkusTest
class PassRateQueriesTest {

    private static final String CM = "cm:no-cap-sys-admin";

    @Inject
    PassRateQueries rates;

    private Map<LocalDate, PassRateQueries.Day> days() {
        return rates.byCountermeasure(7, 1000).stream().filter(t -> t.countermeasureId().equals(CM)).findFirst()
                .map(t -> t.days().stream().collect(Collectors.toMap(PassRateQueries.Day::day, Function.identity())))
                .orElse(Map.of());
    }

    @Test
    void aHostThatPassedThenFailedCountsAsPassingThenFailing() {
        Map<LocalDate, PassRateQueries.Day> before = days();
        String credential = FleetFixture.enroll(FleetFixture.registerHost("rate-" + System.nanoTime()));
        Instant now = Instant.now();
        for (Object[] r : List.of(new Object[]{now.minus(3, ChronoUnit.DAYS), "pass"}, new Object[]{now.minus(1, ChronoUnit.DAYS), "fail"})) {
            given().auth().oauth2(credential).contentType(ContentType.JSON)
                    .body(FleetFixture.report(UUID.randomUUID().toString(), (Instant) r[0], (String) r[1], "CapEff test"))
                    .post("/api/v1/agent/reports").then().statusCode(201);
        }
        Map<LocalDate, PassRateQueries.Day> after = days();
        LocalDate today = LocalDate.now(ZoneOffset.UTC);
        LocalDate passedOn = now.minus(3, ChronoUnit.DAYS).atZone(ZoneOffset.UTC).toLocalDate();
        LocalDate failedOn = now.minus(1, ChronoUnit.DAYS).atZone(ZoneOffset.UTC).toLocalDate();
        assertEquals(7, after.size(), "one point per day");
        for (LocalDate day = today.minusDays(6); !day.isAfter(today); day = day.plusDays(1)) {
            PassRateQueries.Day b = before.getOrDefault(day, new PassRateQueries.Day(day, 0, 0));
            PassRateQueries.Day a = after.get(day);
            int passed = !day.isBefore(passedOn) && day.isBefore(failedOn) ? 1 : 0;
            int failed = !day.isBefore(failedOn) ? 1 : 0;
            assertEquals(passed, a.passed() - b.passed(), "passing results added on " + day);
            assertEquals(failed, a.failed() - b.failed(), "failing results added on " + day);
        }
    }
}
