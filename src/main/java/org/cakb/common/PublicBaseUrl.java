package org.cakb.common;

import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import java.net.URI;
import java.util.Optional;

/**
 * The address people and agents reach this server at ({@code cakb.public-base-url}, e.g. https://kb.example.org),
 * used wherever an absolute link leaves the server: OSCAL hrefs, the agent commands on the enrollment page. Without
 * the setting, the address of the current request is used (its scheme and host as a trusted proxy forwarded them).
 */
@ApplicationScoped
public class PublicBaseUrl {

    @ConfigProperty(name = "cakb.public-base-url")
    Optional<String> configured;

    /** The configured base URL without a trailing slash, if one is set. */
    public Optional<String> configured() {
        return configured.map(String::strip).filter(s -> !s.isEmpty()).map(PublicBaseUrl::trim);
    }

    /** The configured base URL, or the scheme, host and port of {@code requestUri} (no trailing slash). */
    public String orFrom(URI requestUri) {
        return configured().orElseGet(() -> trim(requestUri.getScheme() + "://" + requestUri.getRawAuthority()));
    }

    /** True when agents would reach {@code base} over plain HTTP on another machine (they refuse that by default). */
    public static boolean plainHttpToAnotherHost(String base) {
        URI uri = URI.create(base);
        String host = uri.getHost() == null ? "" : uri.getHost();
        return "http".equalsIgnoreCase(uri.getScheme()) && !(host.equals("localhost") || host.startsWith("127.") || host.equals("[::1]")
                || host.equals("::1"));
    }

    private static String trim(String s) {
        return s.endsWith("/") ? s.substring(0, s.length() - 1) : s;
    }
}
