package org.cakb.assessment.browser;

import org.openqa.selenium.WebDriver;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;

/**
 * Uses the shared real-Chromium helper {@code org.cakb.web.browser.Browser} as it is. That class is package-private
 * in another test package, so it is reached by reflection here rather than copied: one place decides how Chromium
 * starts, and CAKB_REQUIRE_BROWSER=1 still turns a missing browser into a failure (otherwise a skip).
 */
final class Chromium {

    private static final String BROWSER = "org.cakb.web.browser.Browser";

    private Chromium() {
    }

    /** A new headless Chromium with a fresh profile (so a separate session: its own cookies). */
    static WebDriver start() throws Exception {
        return (WebDriver) call("start", new Class<?>[0]);
    }

    /** Saves target/screenshots/{name}.png. */
    static void screenshot(WebDriver driver, String name) throws Exception {
        call("screenshot", new Class<?>[]{WebDriver.class, String.class}, driver, name);
    }

    private static Object call(String name, Class<?>[] types, Object... args) throws Exception {
        Class<?> browser = Class.forName(BROWSER, true, Chromium.class.getClassLoader());
        Method m = browser.getDeclaredMethod(name, types);
        m.setAccessible(true);
        try {
            return m.invoke(null, args);
        } catch (InvocationTargetException e) {
            Throwable cause = e.getCause();
            if (cause instanceof Exception ex) {
                throw ex;
            }
            if (cause instanceof Error err) {
                throw err;
            }
            throw e;
        }
    }
}
