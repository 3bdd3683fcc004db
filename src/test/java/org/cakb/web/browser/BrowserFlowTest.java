package org.cakb.web.browser;

import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.cakb.catalog.ContentLoader;
import org.cakb.testing.ContentFixture;
import org.cakb.web.FixturePagesTest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

import java.net.URL;
import java.time.Duration;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What an assessor does, in a real headless Chromium: search, read a countermeasure, follow a requirement, open the matrix. */
@QuarkusTest
class BrowserFlowTest {

    @TestHTTPResource("/")
    URL root;
    @Inject
    ContentLoader loader;

    private WebDriver driver;

    @BeforeEach
    void open() throws Exception {
        driver = Browser.start();
    }

    @AfterEach
    void close() {
        if (driver != null) {
            driver.quit();
        }
    }

    private String url(String path) {
        return root.toString().replaceAll("/$", "") + path;
    }

    private WebDriverWait waiting() {
        return new WebDriverWait(driver, Duration.ofSeconds(15));
    }

    @Test
    void searchReadFollowAndOpenTheMatrix() throws Exception {
        driver.get(url("/"));
        assertEquals("Container Assurance KB", driver.findElement(By.tagName("h1")).getText());
        assertTrue(driver.getTitle().startsWith("Home"));
        Browser.screenshot(driver, "01-home");

        // keyboard: "/" focuses the search box (app.js), then type and submit
        driver.findElement(By.tagName("body")).sendKeys("/");
        WebElement box = driver.switchTo().activeElement();
        assertEquals("home-q", box.getAttribute("id"), "'/' should focus the search box");
        box.sendKeys("seccomp", Keys.ENTER);
        waiting().until(ExpectedConditions.urlContains("/search?q=seccomp"));
        String count = driver.findElement(By.cssSelector(".result-count")).getText();
        assertTrue(count.matches("[1-9][0-9]* results for “seccomp”.*"), count);
        List<WebElement> marks = driver.findElements(By.cssSelector(".snippet mark"));
        assertFalse(marks.isEmpty(), "matched words are highlighted");
        assertEquals("seccomp", marks.get(0).getText().toLowerCase());
        Browser.screenshot(driver, "02-search");

        // open the first countermeasure among the results
        driver.findElement(By.cssSelector(".search-results a.title[href^='/countermeasures/']")).click();
        waiting().until(ExpectedConditions.urlContains("/countermeasures/cm:"));
        assertFalse(driver.findElement(By.tagName("h1")).getText().isBlank());
        WebElement badge = driver.findElement(By.cssSelector(".provenance .badge"));
        assertTrue(Set.of("QUOTED", "PARAPHRASED", "DERIVED").contains(badge.getText()), badge.getText());
        assertTrue(driver.findElement(By.cssSelector(".prov-explain")).isDisplayed());
        assertFalse(driver.findElements(By.cssSelector("ol.citations li")).isEmpty(), "citations are listed");
        assertTrue(driver.findElement(By.cssSelector("svg.trace")).isDisplayed(), "the traceability graph is drawn");
        Browser.screenshot(driver, "03-countermeasure");

        // follow a linked requirement from the "Satisfies" group
        WebElement satisfies = driver.findElement(By.xpath("//div[@class='link-group'][h3[starts-with(normalize-space(.), 'Satisfies')]]"));
        WebElement requirement = satisfies.findElement(By.cssSelector("a[href^='/requirements/']"));
        String requirementTitle = requirement.getText();
        requirement.click();
        waiting().until(ExpectedConditions.urlContains("/requirements/"));
        assertEquals(requirementTitle, driver.findElement(By.tagName("h1")).getText());
        assertEquals("REQUIREMENT", driver.findElement(By.cssSelector(".kind-label")).getText());
        assertFalse(driver.findElements(By.xpath("//h3[starts-with(normalize-space(.), 'Satisfied by')]")).isEmpty(),
                "the way back: countermeasures that satisfy it");
        Browser.screenshot(driver, "04-requirement");

        // a node of the SVG graph navigates
        WebElement node = driver.findElement(By.cssSelector("svg.trace a.node:not(.focus)"));
        String target = node.getDomAttribute("href");
        node.click();
        waiting().until(ExpectedConditions.urlToBe(url(target)));

        // the matrix, from the main navigation
        driver.findElement(By.linkText("Defaults matrix")).click();
        waiting().until(ExpectedConditions.urlContains("/matrix"));
        assertEquals("Platform-defaults matrix", driver.findElement(By.tagName("h1")).getText());
        assertTrue(driver.findElement(By.cssSelector(".legend")).getText().contains("not supported"));
        List<WebElement> cells = driver.findElements(By.cssSelector("td.cell:not(.state-none) .state-text"));
        if (cells.isEmpty()) {
            assertTrue(driver.findElement(By.cssSelector(".notice")).getText().contains("No platform-default records"));
        } else {
            assertTrue(Set.of("enabled", "partial", "disabled", "not supported", "unknown").contains(cells.get(0).getText()));
        }
        Browser.screenshot(driver, "05-matrix");
    }

    @Test
    void matrixCellsShowStateAsTextAndColourAndFilterByArea() throws Exception {
        loader.load(FixturePagesTest.hostileFixture().dir, "test");
        try {
            driver.get(url("/matrix"));
            WebElement cell = driver.findElement(By.cssSelector("td.cell.state-disabled"));
            assertEquals("disabled", cell.findElement(By.cssSelector(".state-text")).getText());
            assertEquals("S", cell.findElement(By.cssSelector("abbr.ev")).getText());
            assertTrue(cell.getAttribute("title").contains("Fixture runtime 1.x: disabled"), cell.getAttribute("title"));
            String background = cell.getCssValue("background-color");
            assertFalse(background.equals("rgba(0, 0, 0, 0)"), "state cells are coloured");

            // choosing an area submits the filter form by itself (app.js)
            new org.openqa.selenium.support.ui.Select(driver.findElement(By.id("m-area"))).selectByVisibleText("Fixture area");
            waiting().until(ExpectedConditions.urlContains("area=fixture"));
            assertFalse(driver.findElements(By.cssSelector("td.cell.state-disabled")).isEmpty());
            Browser.screenshot(driver, "06-matrix-fixture");

            cell = driver.findElement(By.cssSelector("td.cell.state-disabled a"));
            cell.click();
            waiting().until(ExpectedConditions.urlContains("/platform-defaults/default:fixture-runtime/1/userns"));

            // the hostile title is shown as text, and no script ran
            driver.get(url("/threats/threat:hostile"));
            assertEquals(FixturePagesTest.HOSTILE_TITLE, driver.findElement(By.tagName("h1")).getText());
            Browser.screenshot(driver, "07-hostile");
        } finally {
            loader.load(ContentFixture.REAL_CONTENT, "test-restore");
        }
    }
}
