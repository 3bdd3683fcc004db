package org.cakb.security;

import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Forms need HTTPS when the browser is on another machine: the CSRF cookie is Secure, so a browser reaching the
 * server over plain HTTP never stores it and every form would fail with a bare CSRF error. Such a request (a form
 * POST, not over TLS, from a non-loopback client, without the CSRF cookie) gets a page that says why and what to do.
 * Loopback is exempt: browsers keep Secure cookies for http://localhost.
 */
@ApplicationScoped
public class PlainHttpForms {

    static final String PAGE = """
            <!DOCTYPE html>
            <html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
            <title>Forms need HTTPS · Container Assurance KB</title><link rel="icon" href="/static/favicon.svg" type="image/svg+xml">
            <link rel="stylesheet" href="/static/app.css"></head>
            <body><header class="site-header"><div class="wrap header-row"><a class="brand" href="/">Container Assurance KB</a></div></header>
            <main id="main" class="wrap https-notice">
            <h1 id="https-required">Forms need HTTPS</h1>
            <p>Your browser reached this server over plain HTTP from another machine. Signing in and every form are protected
            against cross-site request forgery with a cookie that browsers only keep over HTTPS, so this form could not be
            accepted. Nothing was changed.</p>
            <h2>What to do</h2>
            <ul>
            <li>Open the same page with <strong>https://</strong>, if the server offers it.</li>
            <li>If you run the server: serve it over TLS, directly (<code>bin/start --tls</code>, see <code>bin/start --help</code>)
            or behind a TLS-terminating proxy that sends <code>X-Forwarded-Proto: https</code> (list the proxy in
            <code>CAKB_TRUSTED_PROXIES</code>).</li>
            <li>For a quick local look, use <code>http://localhost</code> on the server machine itself (for example through
            <code>ssh -L 8080:127.0.0.1:8080 server</code>).</li>
            </ul>
            <p><a href="/">Back to the knowledge base</a></p>
            </main></body></html>
            """;

    @Inject
    ClientAddress clientAddress;
    @ConfigProperty(name = "quarkus.rest-csrf.cookie-name", defaultValue = "csrf-token")
    String csrfCookie;

    void routes(@Observes Router router) {
        router.route().order(Integer.MIN_VALUE + 2).handler(this::check);
    }

    private void check(RoutingContext rc) {
        if (rc.request().method() == HttpMethod.POST && isForm(rc) && rc.request().getCookie(csrfCookie) == null
                && !clientAddress.overTls(rc) && !loopback(clientAddress.of(rc))) {
            rc.response().setStatusCode(400).putHeader("Content-Type", "text/html;charset=UTF-8").putHeader("Cache-Control", "no-store")
                    .end(PAGE);
            return;
        }
        rc.next();
    }

    private static boolean isForm(RoutingContext rc) {
        String type = rc.request().getHeader("Content-Type");
        return type != null && (type.startsWith("application/x-www-form-urlencoded") || type.startsWith("multipart/form-data"));
    }

    static boolean loopback(String address) {
        return address == null || address.startsWith("127.") || address.equals("::1") || address.equals("0:0:0:0:0:0:0:1")
                || address.equals("[::1]");
    }
}
