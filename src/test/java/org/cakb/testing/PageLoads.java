package org.cakb.testing;

import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebDriverException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.WebDriverWait;

/** Waiting for a browser page to be replaced by the next one, for the real-Chromium tests. */
public final class PageLoads {

    private PageLoads() {
    }

    /**
     * Waits until the page that held {@code html} has been replaced and the new one has loaded. Selenium's stalenessOf
     * is not enough: while the old document is being torn down, chromedriver sometimes answers "Node with given id does
     * not belong to the document" instead of a stale-element error (more often the faster the next page comes), and
     * Selenium 4.27 raises that as a plain WebDriverException.
     */
    public static void waitUntilReplaced(WebDriverWait wait, WebElement html) {
        wait.until(d -> {
            try {
                html.isEnabled();
                return false;
            } catch (StaleElementReferenceException e) {
                return true;
            } catch (WebDriverException e) {
                if (String.valueOf(e.getMessage()).contains("does not belong to the document")) {
                    return true;
                }
                throw e;
            }
        });
        wait.until(d -> "complete".equals(((JavascriptExecutor) d).executeScript("return document.readyState")));
    }
}
