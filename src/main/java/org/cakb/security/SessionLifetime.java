package org.cakb.security;

import io.quarkus.qute.TemplateGlobal;
import org.eclipse.microprofile.config.ConfigProvider;

import java.time.Duration;

/**
 * How long a page session lives without a request ({@code quarkus.http.auth.form.timeout}), for every template: the
 * pages of signed-in people carry it so the browser can warn a few minutes before the session ends.
 */
@TemplateGlobal
public class SessionLifetime {

    private SessionLifetime() {
    }

    /** Idle lifetime of a session in seconds. */
    public static long sessionIdleSeconds() {
        return ConfigProvider.getConfig().getOptionalValue("quarkus.http.auth.form.timeout", Duration.class)
                .orElse(Duration.ofMinutes(30)).toSeconds();
    }

    /** How long before the end the warning shows, in seconds ({@code cakb.session.warn-before}, default 5 minutes). */
    public static long sessionWarnSeconds() {
        return ConfigProvider.getConfig().getOptionalValue("cakb.session.warn-before", Duration.class)
                .orElse(Duration.ofMinutes(5)).toSeconds();
    }
}
