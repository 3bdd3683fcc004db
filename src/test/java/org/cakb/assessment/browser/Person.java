package org.cakb.assessment.browser;

import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

import java.net.URL;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** One person at one headless Chromium (its own profile, so its own session cookie). */
final class Person implements AutoCloseable {

    final String username;
    final WebDriver driver;
    private final URL root;

    private Person(String username, WebDriver driver, URL root) {
        this.username = username;
        this.driver = driver;
        this.root = root;
    }

    /** Opens a fresh browser and logs in through the login form. */
    static Person login(URL root, String username, String password) throws Exception {
        Person p = new Person(username, Chromium.start(), root);
        try {
            p.open("/login");
            p.driver.findElement(By.id("j_username")).sendKeys(username);
            p.driver.findElement(By.id("j_password")).sendKeys(password);
            p.driver.findElement(By.id("login")).click();
            p.waiting().until(ExpectedConditions.urlContains("/assessments"));
            assertEquals(username, p.text("#whoami"), "the header names who is logged in");
        } catch (Throwable t) {
            p.close();
            throw t;
        }
        return p;
    }

    /** A fresh browser that has not logged in. */
    static Person anonymous(URL root) throws Exception {
        return new Person(null, Chromium.start(), root);
    }

    String url(String path) {
        return root.toString().replaceAll("/$", "") + path;
    }

    void open(String path) {
        driver.get(url(path));
    }

    WebDriverWait waiting() {
        return new WebDriverWait(driver, Duration.ofSeconds(15));
    }

    WebElement find(String css) {
        return driver.findElement(By.cssSelector(css));
    }

    List<WebElement> all(String css) {
        return driver.findElements(By.cssSelector(css));
    }

    boolean has(String css) {
        return !all(css).isEmpty();
    }

    String text(String css) {
        return find(css).getText();
    }

    String h1() {
        return text("h1");
    }

    /** Clicks a link or button and waits until the page it led to has replaced the current one. */
    void clickAndWait(WebElement element) {
        WebElement html = driver.findElement(By.tagName("html"));
        element.click();
        waitUntilReplaced(html);
    }

    /** Waits until the page that held {@code html} has been replaced ({@link org.cakb.testing.PageLoads}). */
    void waitUntilReplaced(WebElement html) {
        org.cakb.testing.PageLoads.waitUntilReplaced(waiting(), html);
    }

    void follow(String linkText) {
        clickAndWait(driver.findElement(By.linkText(linkText)));
    }

    void type(String id, String value) {
        WebElement field = driver.findElement(By.id(id));
        field.clear();
        field.sendKeys(value);
    }

    void choose(String id, String value) {
        new Select(driver.findElement(By.id(id))).selectByValue(value);
    }

    String chosen(String id) {
        return new Select(driver.findElement(By.id(id))).getFirstSelectedOption().getAttribute("value");
    }

    String value(String id) {
        return driver.findElement(By.id(id)).getDomProperty("value");
    }

    void screenshot(String name) throws Exception {
        Chromium.screenshot(driver, "assessment-" + name);
    }

    @Override
    public void close() {
        driver.quit();
    }
}
