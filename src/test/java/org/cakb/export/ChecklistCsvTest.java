package org.cakb.export;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import jakarta.inject.Inject;
import org.cakb.assessment.AssessmentViews;
import org.cakb.assessment.Fixtures;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

@QuarkusTest
class ChecklistCsvTest {

    @Inject
    Fixtures fixtures;

    @BeforeEach
    void users() {
        fixtures.users();
    }

    @Test
    void oneRowPerItemWithFormulaCellsNeutralisedAndQuotesDoubled() {
        AssessmentViews.Detail a = fixtures.assessment("csv-export");
        List<AssessmentViews.Item> items = fixtures.items(a.id());
        AssessmentViews.Item first = items.get(0), second = items.get(1);
        String path = "/api/v1/assessments/" + a.id() + "/items/";
        Fixtures.as(Fixtures.ASSESSOR).contentType(ContentType.JSON)
                .body(Map.of("version", first.version(), "result", "not-satisfied",
                        "justification", "=HYPERLINK(\"http://evil.example\",\"click\")",
                        "evidenceText", "+cmd|' /C calc'!A0 — café, \"quoted\"\nsecond line", "evidenceMethod", "INTERVIEW",
                        "evidenceLinks", List.of("https://docs.example/a")))
                .put(path + first.id()).then().statusCode(200);
        int requested = Fixtures.as(Fixtures.ASSESSOR).contentType(ContentType.JSON)
                .body(Map.of("version", second.version(), "reason", "@SUM(1+1) until the migration", "expires", "2099-01-31"))
                .put(path + second.id() + "/waiver").then().statusCode(200).extract().path("version");
        Fixtures.as(Fixtures.ADMIN).contentType(ContentType.JSON).body(Map.of("version", requested))
                .post(path + second.id() + "/waiver/approve").then().statusCode(200);

        Fixtures.as(Fixtures.ASSESSOR).contentType(ContentType.JSON)
                .body(Map.of("version", first.version() + 1, "result", "satisfied", "evidenceMethod", "GUESS"))
                .put(path + first.id()).then().statusCode(400)
                .body("message", org.hamcrest.Matchers.containsString("Evidence method: must be EXAMINE or INTERVIEW"));

        byte[] body = Fixtures.as(Fixtures.VIEWER).get("/api/v1/assessments/" + a.id() + "/checklist.csv").then().statusCode(200)
                .contentType("text/csv").header("Content-Disposition", "attachment; filename=\"assessment-" + a.id() + "-checklist.csv\"")
                .extract().asByteArray();
        String csv = new String(body, StandardCharsets.UTF_8);
        assertTrue(csv.startsWith("\"requirement_id\",\"requirement_title\",\"area\",\"result\",\"justification\",\"evidence_summary\","
                + "\"waiver\",\"assessor\",\"updated\"\r\n"), csv);
        assertEquals(items.size() + 1, csv.split("\r\n").length, "a header and one row per item (the newline inside a cell is not CRLF)");

        String firstRow = csv.split("\r\n")[1];
        assertTrue(firstRow.startsWith("\"" + first.requirementId() + "\""), firstRow);
        assertTrue(firstRow.contains("\"not-satisfied\""));
        assertTrue(firstRow.contains("\"'=HYPERLINK(\"\"http://evil.example\"\",\"\"click\"\")\""), "formula neutralised, quotes doubled: " + firstRow);
        assertTrue(firstRow.contains("\"INTERVIEW: +cmd|' /C calc'!A0 — café, \"\"quoted\"\"\nsecond line [1 link, 0 attachments]\""), firstRow);
        assertTrue(firstRow.contains("\"" + Fixtures.ASSESSOR + "\""));

        String secondRow = csv.split("\r\n")[2];
        assertTrue(secondRow.contains("\"active until 2099-01-31, approved by " + Fixtures.ADMIN + ": @SUM(1+1) until the migration\""), secondRow);
        assertTrue(secondRow.contains("\"not-assessed\""));
    }

    @Test
    void evidenceSummariesCountLinksAndAttachmentsAndCutLongText() {
        assertEquals("EXAMINE: x [0 links, 2 attachments]", ChecklistCsv.evidenceSummary("EXAMINE", "x", 0, 2));
        assertEquals("", ChecklistCsv.evidenceSummary("EXAMINE", "", 0, 0));
        String longText = "y".repeat(ChecklistCsv.SUMMARY_TEXT_CHARS + 10);
        assertTrue(ChecklistCsv.evidenceSummary("EXAMINE", longText, 0, 0).contains("y".repeat(ChecklistCsv.SUMMARY_TEXT_CHARS) + "…"));
    }
}
