package org.cakb.testing;

import io.restassured.response.Response;

import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static io.restassured.RestAssured.given;

/** A browser-like session: the form-login cookie, the CSRF cookie and a CSRF token taken from a page. */
public final class PageSession {

    private static final Pattern TOKEN = Pattern.compile("name=\"csrf-token\" value=\"([^\"]+)\"");

    public final Map<String, String> cookies;
    public String csrfToken;

    private PageSession(Map<String, String> cookies) {
        this.cookies = cookies;
    }

    /** Signs in through the login form, with its CSRF token, as a browser does. */
    public static PageSession login(String user, String password) {
        Map<String, String> cookies = new HashMap<>();
        Response r = attempt(user, password, cookies);
        if (r.statusCode() != 302 || String.valueOf(r.header("Location")).contains("error")) {
            throw new IllegalStateException("login of " + user + " failed: " + r.statusCode() + " " + r.header("Location"));
        }
        return new PageSession(cookies);
    }

    /**
     * One sign-in attempt through the form: the login page first (its CSRF token and cookie), then the post. The
     * cookies of both answers are put into {@code cookies}.
     */
    public static Response attempt(String user, String password, Map<String, String> cookies) {
        Response page = given().get("/login");
        Matcher m = TOKEN.matcher(page.asString());
        if (!m.find()) {
            throw new IllegalStateException("the login page has no CSRF token field");
        }
        cookies.putAll(page.getCookies());
        Response r = given().redirects().follow(false).cookies(cookies).formParam("j_username", user)
                .formParam("j_password", password).formParam("csrf-token", m.group(1)).post("/j_security_check");
        cookies.putAll(r.getCookies());
        return r;
    }

    /** Loads a page with a form and keeps its CSRF token (and the CSRF cookie that comes with it). */
    public PageSession tokenFrom(String path) {
        Response r = get(path);
        Matcher m = TOKEN.matcher(r.asString());
        if (!m.find()) {
            throw new IllegalStateException(path + " has no CSRF token field (status " + r.statusCode() + ")");
        }
        csrfToken = m.group(1);
        return this;
    }

    public Response get(String path) {
        Response r = given().redirects().follow(false).cookies(cookies).get(path);
        cookies.putAll(r.getCookies());
        return r;
    }
}
