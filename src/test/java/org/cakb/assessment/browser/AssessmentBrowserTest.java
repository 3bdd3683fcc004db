package org.cakb.assessment.browser;

import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.cakb.assessment.AssessmentViews;
import org.cakb.assessment.Fixtures;
import org.cakb.assessment.Scope;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebElement;

import java.net.URL;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * An assessment done by people in a real headless Chromium: two assessors fill a NISTIR 8176 checklist (one area,
 * five requirements), collide on one item, a viewer looks on, the history shows everything, and an admin completes it.
 * The steps build on each other and run in order.
 */
@QuarkusTest
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class AssessmentBrowserTest {

    static final String AREA = "nistir8176:area/hardware-root-of-trust";

    @TestHTTPResource("/")
    URL root;
    @Inject
    Fixtures fixtures;

    /** Shared by the ordered steps. */
    static long id;
    static String name;
    static int total;
    /** What the assessors typed, for the history step: {item title, result, justification, evidence, actor}. */
    static final List<String[]> saved = new ArrayList<>();
    static String conflictItemTitle;

    private void assessment() {
        if (id != 0) {
            return;
        }
        fixtures.users();
        name = "E2E hardware root of trust " + System.nanoTime();
        AssessmentViews.Detail a = fixtures.service().create(new AssessmentViews.NewAssessment(name, "cluster e2e-1",
                Map.of("env", "e2e"), new Scope(List.of(AREA), List.of(), List.of(), List.of()), null, null,
                List.of(Fixtures.ASSESSOR, Fixtures.OTHER_ASSESSOR)), Fixtures.ADMIN);
        id = a.id();
        fixtures.members().replace(id, new org.cakb.assessment.AssessmentMembers.MemberUpdate(List.of(Fixtures.VIEWER)), Fixtures.ADMIN);
        total = fixtures.items(id).size();
        assertTrue(total >= 5, "the area has at least five requirements, got " + total);
    }

    private Person login(String user) throws Exception {
        return Person.login(root, user, Fixtures.ADMIN.equals(user) ? Fixtures.ADMIN_PASSWORD : Fixtures.PASSWORD);
    }

    /** From the assessment list, opens this test's assessment. */
    private void openAssessment(Person p) {
        p.open("/assessments");
        p.follow(name);
        assertEquals(name, p.h1());
    }

    private static String progressText(Person p) {
        return p.find("#progress-overall .progress-text").getText();
    }

    private static String progressValue(Person p) {
        return p.find("#progress-overall progress").getDomAttribute("value");
    }

    private static List<WebElement> itemLinks(Person p) {
        return p.all("#items tbody tr[data-item] a.item-link");
    }

    /** Opens the n-th checklist item (0-based) from the assessment page and returns its title. */
    private static String openItem(Person p, int n) {
        WebElement link = itemLinks(p).get(n);
        String title = link.getText();
        p.clickAndWait(link);
        assertEquals(title, p.h1());
        return title;
    }

    /** Result and status badges are shown in capitals (the knowledge base's .badge style). */
    private static String badge(String value) {
        return value.toUpperCase(java.util.Locale.ROOT);
    }

    private static void fill(Person p, String result, String justification, String evidence, String link) {
        p.choose("result", result);
        p.type("justification", justification);
        p.type("evidenceText", evidence);
        p.type("evidenceLinks", link);
    }

    @Test
    @Order(1)
    void assessorFillsThreeItemsAndTheProgressBarMoves() throws Exception {
        assessment();
        try (Person assessor = login(Fixtures.ASSESSOR)) {
            openAssessment(assessor);
            assertEquals("0 of " + total + " assessed (0%)", progressText(assessor));
            assertEquals("0", progressValue(assessor));
            assertEquals(total, itemLinks(assessor).size());
            assessor.screenshot("01-checklist-empty");

            String[][] entries = {
                    {"satisfied", "TPM 2.0 present and enabled on every node", "tpm2_getcap properties-fixed on node-1..3", "https://evidence.example/tpm"},
                    {"partially-satisfied", "Measured boot on two of three nodes", "event log of node-3 is missing PCR 7", "https://evidence.example/boot"},
                    {"not-satisfied", "No attestation before a node joins", "kubelet joins without a quote", "https://evidence.example/join"}};
            for (int n = 0; n < entries.length; n++) {
                String[] e = entries[n];
                String title = openItem(assessor, n);
                assertEquals(badge("not-assessed"), assessor.text("#current-result"));
                fill(assessor, e[0], e[1], e[2], e[3]);
                if (n == 0) {
                    assessor.screenshot("02-item-typed");
                }
                assessor.clickAndWait(assessor.find("#save"));
                assertEquals("Saved.", assessor.text("#message"));
                assertEquals(badge(e[0]), assessor.text("#current-result"));
                assertEquals(e[1], assessor.value("justification"));
                assertEquals(e[2], assessor.value("evidenceText"));
                assertEquals(e[3], assessor.value("evidenceLinks"));
                saved.add(new String[]{title, e[0], e[1], e[2], Fixtures.ASSESSOR});

                assessor.follow("← " + name);
                int done = n + 1;
                assertEquals(done + " of " + total + " assessed (" + (done * 100 / total) + "%)", progressText(assessor));
                assertEquals(String.valueOf(done), progressValue(assessor));
                WebElement row = itemLinks(assessor).get(n).findElement(By.xpath("ancestor::tr"));
                assertTrue(row.getText().contains(badge(e[0])), row.getText());
            }
            assertEquals(badge("in-progress"), assessor.text("#status"), "the first save started the assessment");
            assessor.screenshot("03-checklist-three-done");
        }
    }

    @Test
    @Order(2)
    void secondOfTwoAssessorsSavingTheSameItemSeesTheConflictAndKeepsWhatTheyTyped() throws Exception {
        assessment();
        try (Person first = login(Fixtures.ASSESSOR); Person second = login(Fixtures.OTHER_ASSESSOR)) {
            openAssessment(first);
            openAssessment(second);
            conflictItemTitle = openItem(first, 3);
            assertEquals(conflictItemTitle, openItem(second, 3));

            // both have the form open; the first saves
            fill(first, "satisfied", "Golden PCR values are stored in the attestation service", "baseline v7 signed by the platform team",
                    "https://evidence.example/baseline");
            first.clickAndWait(first.find("#save"));
            assertEquals("Saved.", first.text("#message"));

            // the second, still on the old version, types something else and saves
            fill(second, "not-satisfied", "No baseline exists for the new node pool", "pool np-2 has no reference values",
                    "https://evidence.example/np-2");
            second.clickAndWait(second.find("#save"));
            assertTrue(second.find("#conflict").isDisplayed());
            assertTrue(second.text("#conflict").contains("Not saved: someone else changed this item."), second.text("#conflict"));
            assertTrue(second.text("#conflict").contains(Fixtures.ASSESSOR), "names who changed it: " + second.text("#conflict"));
            assertEquals("satisfied", second.text("#their-result"));
            assertEquals("Golden PCR values are stored in the attestation service", second.text("#their-justification"));
            assertEquals("baseline v7 signed by the platform team", second.text("#their-evidence"));
            // what the second assessor typed is still in the form
            assertEquals("not-satisfied", second.chosen("result"));
            assertEquals("No baseline exists for the new node pool", second.value("justification"));
            assertEquals("pool np-2 has no reference values", second.value("evidenceText"));
            assertEquals("https://evidence.example/np-2", second.value("evidenceLinks"));
            // nothing of theirs was stored
            assertEquals(badge("satisfied"), second.text("#current-result"));
            second.screenshot("04-conflict");

            // having read the other value, the second assessor saves deliberately over it
            second.clickAndWait(second.find("#save"));
            assertEquals("Saved.", second.text("#message"));
            assertEquals(badge("not-satisfied"), second.text("#current-result"));
            assertFalse(second.has("#conflict"));
            saved.add(new String[]{conflictItemTitle, "satisfied", "Golden PCR values are stored in the attestation service",
                    "baseline v7 signed by the platform team", Fixtures.ASSESSOR});
            saved.add(new String[]{conflictItemTitle, "not-satisfied", "No baseline exists for the new node pool",
                    "pool np-2 has no reference values", Fixtures.OTHER_ASSESSOR});

            // the first assessor reloads and sees the second's values
            first.driver.navigate().refresh();
            assertEquals(badge("not-satisfied"), first.text("#current-result"));
            assertEquals("No baseline exists for the new node pool", first.value("justification"));
        }
    }

    @Test
    @Order(3)
    void viewerSeesTheChecklistButCannotEditIt() throws Exception {
        assessment();
        try (Person viewer = login(Fixtures.VIEWER)) {
            openAssessment(viewer);
            assertTrue(progressText(viewer).startsWith("4 of " + total + " assessed"), progressText(viewer));
            assertFalse(viewer.has("#status-form"), "a viewer cannot change the status");
            assertFalse(viewer.has("#assign-form"));
            openItem(viewer, 0);
            assertEquals(badge("satisfied"), viewer.text("#current-result"));
            assertFalse(viewer.has("#item-form"), "no edit form for a viewer");
            assertFalse(viewer.has("#upload-form"));
            assertFalse(viewer.has("#waiver-form"));
            assertTrue(viewer.text("#readonly").contains("TPM 2.0 present and enabled on every node"), viewer.text("#readonly"));
            viewer.screenshot("05-viewer-item");

            // even a hand-made form post (with a valid CSRF token from this page) is refused
            String itemUrl = viewer.driver.getCurrentUrl().replaceFirst("\\?.*$", "");
            WebElement html = viewer.driver.findElement(By.tagName("html"));
            ((JavascriptExecutor) viewer.driver).executeScript("""
                    const token = document.querySelector('form input[type=hidden]');
                    const f = document.createElement('form');
                    f.method = 'post'; f.action = arguments[0];
                    const add = (n, v) => { const i = document.createElement('input'); i.type = 'hidden'; i.name = n; i.value = v; f.appendChild(i); };
                    add(token.name, token.value); add('version', '1'); add('result', 'not-applicable'); add('justification', 'viewer was here');
                    document.body.appendChild(f);
                    f.submit();
                    """, itemUrl);
            viewer.waitUntilReplaced(html);
            assertEquals("Not allowed", viewer.h1());
            assertFalse(viewer.text("#error").isBlank());
            viewer.screenshot("06-viewer-forbidden");
            viewer.driver.get(itemUrl);
            assertEquals(badge("satisfied"), viewer.text("#current-result"), "nothing changed");
        }
    }

    @Test
    @Order(4)
    void historyShowsEveryChangeTheAssessorsMade() throws Exception {
        assessment();
        assertEquals(5, saved.size(), "runs after the steps that saved items");
        try (Person viewer = login(Fixtures.VIEWER)) {
            openAssessment(viewer);
            viewer.follow("History");
            assertEquals("History of " + name, viewer.h1());
            List<WebElement> rows = viewer.all("#history tr.history-entry");
            List<String> lines = rows.stream().map(r -> r.findElements(By.tagName("td")).stream().map(WebElement::getText)
                    .reduce((a, b) -> a + " | " + b).orElse("")).toList();
            for (String[] s : saved) {
                for (String[] change : new String[][]{{"result", s[1]}, {"justification", s[2]}, {"evidenceText", s[3]}}) {
                    assertTrue(lines.stream().anyMatch(l -> l.contains(" | " + s[4] + " | ") && l.contains(" | " + change[0] + " | ")
                                    && l.endsWith(" | " + change[1])),
                            "history has " + s[4] + " setting " + change[0] + " to '" + change[1] + "' on " + s[0] + "\n" + String.join("\n", lines));
                }
            }
            // the overwrite after the conflict shows both values: the first assessor's as old, the second's as new
            assertTrue(lines.stream().anyMatch(l -> l.contains(Fixtures.OTHER_ASSESSOR) && l.endsWith(
                    "Golden PCR values are stored in the attestation service | No baseline exists for the new node pool")), String.join("\n", lines));
            // the rejected save left no trace of its own
            assertEquals(1, lines.stream().filter(l -> l.endsWith("| No baseline exists for the new node pool")).count());
            assertTrue(lines.stream().anyMatch(l -> l.contains("status") && l.endsWith("in-progress (first item saved)")));
            viewer.screenshot("07-history");
        }
    }

    @Test
    @Order(5)
    void adminCompletesTheAssessmentAndEveryPageBecomesReadOnly() throws Exception {
        assessment();
        try (Person admin = login(Fixtures.ADMIN)) {
            openAssessment(admin);
            assertEquals(badge("in-progress"), admin.text("#status"));
            // not everything is assessed yet: the page says so and nothing changes
            admin.clickAndWait(admin.find("#complete"));
            assertTrue(admin.text("#error").contains("still not assessed"), admin.text("#error"));
            assertEquals(badge("in-progress"), admin.text("#status"));
            admin.screenshot("08-complete-refused");

            try (Person assessor = login(Fixtures.ASSESSOR)) {
                openAssessment(assessor);
                for (int n = 4; n < total; n++) {
                    openItem(assessor, n);
                    fill(assessor, "not-applicable", "No hardware of ours: managed nodes", "provider SOC 2 report", "https://evidence.example/soc2");
                    assessor.clickAndWait(assessor.find("#save"));
                    assertEquals("Saved.", assessor.text("#message"));
                    assessor.follow("← " + name);
                }
                assertEquals(total + " of " + total + " assessed (100%)", progressText(assessor));

                admin.open("/assessments/" + id);
                admin.clickAndWait(admin.find("#complete"));
                assertEquals("Saved.", admin.text("#message"));
                assertEquals(badge("completed"), admin.text("#status"));
                assertFalse(admin.has("#complete"), "nothing left to complete");
                assertTrue(admin.has("#reopen-form"), "an admin may reopen");
                assertTrue(admin.text("#read-only").contains("completed"), admin.text("#read-only"));
                admin.screenshot("09-completed-admin");

                // the assessor, assigned to it, can no longer change anything
                assessor.open("/assessments/" + id);
                assertEquals(badge("completed"), assessor.text("#status"));
                assertTrue(assessor.has("#read-only"));
                assertFalse(assessor.has("#status-form"));
                assertFalse(assessor.has("#reopen-form"));
                openItem(assessor, 0);
                assertFalse(assessor.has("#item-form"), "no edit form once completed");
                assertFalse(assessor.has("#upload-form"));
                assertFalse(assessor.has("#waiver-form"));
                assertTrue(assessor.text("#readonly").contains("TPM 2.0 present and enabled on every node"));
                assertTrue(assessor.has("#read-only"));
                assessor.screenshot("10-completed-item");
            }
        }
    }

    @Test
    @Order(6)
    void assessmentPagesLookLikeTheKnowledgeBaseAndLinkToItsPages() throws Exception {
        assessment();
        try (Person viewer = Person.login(root, Fixtures.VIEWER, Fixtures.PASSWORD)) {
            openAssessment(viewer);
            // the same header, navigation and stylesheet as the knowledge-base pages
            assertEquals("rgba(18, 38, 63, 1)", viewer.find("header.site-header").getCssValue("background-color"), "app.css is applied");
            assertTrue(viewer.find("nav.site-nav").getText().contains("Requirements"));
            assertTrue(viewer.find("nav.site-nav").getText().contains("Assessments"));
            assertTrue(viewer.has("header .header-search input#site-q"), "the knowledge-base search is in the header");
            assertEquals("rgba(216, 240, 222, 1)", viewer.find("#items .badge.r-satisfied").getCssValue("background-color"),
                    "result badges use the matrix colours (assessment.css is applied)");
            assertTrue(viewer.all("script:not([src])").isEmpty(), "no inline scripts");

            openItem(viewer, 0);
            assertTrue(viewer.all("a[href*='/api/']").isEmpty(), "no links into the JSON API");
            WebElement cm = viewer.find("#trace a[href^='/countermeasures/']");
            String title = cm.getText();
            viewer.screenshot("11-item-look");
            viewer.clickAndWait(cm);
            assertEquals(title, viewer.h1());
            assertEquals("COUNTERMEASURE", viewer.text(".kind-label"));
            viewer.driver.navigate().back();
            String requirementTitle = viewer.h1();
            viewer.clickAndWait(viewer.find("#requirement-link"));
            assertEquals(requirementTitle, viewer.h1());
            assertEquals("REQUIREMENT", viewer.text(".kind-label"));
        }
        // the login page has the same header too
        try (Person anonymous = Person.anonymous(root)) {
            anonymous.open("/login");
            assertEquals("rgba(18, 38, 63, 1)", anonymous.find("header.site-header").getCssValue("background-color"));
            anonymous.screenshot("12-login");
        }
    }
}
