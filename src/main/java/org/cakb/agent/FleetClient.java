package org.cakb.agent;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.Collection;
import java.util.Map;

/**
 * The agent's HTTP(S) client for the KB server: enroll, fetch the probe bundle, submit a report. Plain
 * {@link HttpClient}; the JRE trust store by default, or only the CA certificates of a PEM file ({@code --ca-file}).
 * Hostname verification is never turned off.
 */
final class FleetClient {

    /** One HTTP exchange's outcome; {@code status} is 0 when the server could not be reached. */
    static final class Answer {
        final int status;
        final String body;
        final String problem;
        final long retryAfterMillis;
        /** The body's exact bytes (what a signature covers); null when not reached or too large. */
        final byte[] raw;
        /** The bundle signature header, or null. */
        final String signature;

        Answer(int status, String body, String problem, long retryAfterMillis) {
            this(status, body, problem, retryAfterMillis, null, null);
        }

        Answer(int status, String body, String problem, long retryAfterMillis, byte[] raw, String signature) {
            this.status = status;
            this.body = body;
            this.problem = problem;
            this.retryAfterMillis = retryAfterMillis;
            this.raw = raw;
            this.signature = signature;
        }

        boolean reached() {
            return status > 0;
        }

        /** The server's {@code message} field when the body is an error object, else the body; one bounded line. */
        String message() {
            return CheckResult.bounded(rawMessage());
        }

        private String rawMessage() {
            if (status == 0 || body == null) {
                return problem;
            }
            try {
                Object o = Json.parse(body);
                if (o instanceof Map) {
                    Object m = ((Map<?, ?>) o).get("message");
                    if (m != null) {
                        Object d = ((Map<?, ?>) o).get("details");
                        return d == null ? m.toString() : m + " " + d;
                    }
                }
            } catch (RuntimeException e) {
                // not JSON
            }
            String b = body == null ? "" : body.strip();
            return b.length() > 300 ? b.substring(0, 300) + "..." : b;
        }
    }

    static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);
    static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(60);
    /** Largest answer body read; a server sending more is treated as unusable, not buffered. */
    static final int MAX_BODY = 16 * 1024 * 1024;
    /** Header carrying the Ed25519 signature (base64) of the probe bundle body. */
    static final String SIGNATURE_HEADER = "Cakb-Bundle-Signature";

    private final URI base;
    private final HttpClient http;

    FleetClient(String server, Path caFile) throws IOException, GeneralSecurityException {
        this.base = baseUri(server);
        HttpClient.Builder b = HttpClient.newBuilder().connectTimeout(CONNECT_TIMEOUT)
                .followRedirects(HttpClient.Redirect.NEVER);
        if (caFile != null) {
            b.sslContext(sslContext(caFile));
        }
        this.http = b.build();
    }

    /** Checks the server URL: http or https, a host, no query; returns it without a trailing slash. */
    static URI baseUri(String server) {
        URI u;
        try {
            u = new URI(server.endsWith("/") ? server.substring(0, server.length() - 1) : server);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("--server: not a URL: " + server);
        }
        String scheme = u.getScheme();
        if (scheme == null || !(scheme.equals("https") || scheme.equals("http")) || u.getHost() == null) {
            throw new IllegalArgumentException("--server must be an https:// (or http://) URL with a host, e.g. https://kb.example.org");
        }
        if (u.getRawQuery() != null || u.getRawFragment() != null || u.getRawUserInfo() != null) {
            throw new IllegalArgumentException("--server must not contain user info, a query or a fragment: " + server);
        }
        return u;
    }

    static boolean isLoopback(URI u) {
        String h = u.getHost();
        return h.equals("localhost") || h.matches("127\\.[0-9]{1,3}\\.[0-9]{1,3}\\.[0-9]{1,3}") || h.equals("[::1]") || h.equals("::1");
    }

    /** An SSLContext that trusts exactly the certificates in a PEM file (one or more CA certificates). */
    static javax.net.ssl.SSLContext sslContext(Path pem) throws IOException, GeneralSecurityException {
        Collection<? extends Certificate> certs;
        try (InputStream in = new java.io.ByteArrayInputStream(AgentFiles.readBounded(pem, 1024 * 1024))) {
            certs = CertificateFactory.getInstance("X.509").generateCertificates(in);
        } catch (java.security.cert.CertificateException e) {
            throw new GeneralSecurityException("--ca-file " + pem + ": not a PEM certificate file (" + e.getMessage() + ")", e);
        }
        if (certs.isEmpty()) {
            throw new GeneralSecurityException("--ca-file " + pem + ": no certificate found");
        }
        KeyStore ks = KeyStore.getInstance(KeyStore.getDefaultType());
        ks.load(null, null);
        int i = 0;
        for (Certificate c : certs) {
            ks.setCertificateEntry("ca-" + i++, c);
        }
        javax.net.ssl.TrustManagerFactory tmf = javax.net.ssl.TrustManagerFactory.getInstance(
                javax.net.ssl.TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(ks);
        javax.net.ssl.SSLContext ctx = javax.net.ssl.SSLContext.getInstance("TLS");
        ctx.init(null, tmf.getTrustManagers(), null);
        return ctx;
    }

    URI base() {
        return base;
    }

    Answer enroll(String token) {
        return send(HttpRequest.newBuilder(resolve("/api/v1/agent/enroll"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"token\": " + quote(token) + "}")));
    }

    Answer probes(String credential) {
        return send(HttpRequest.newBuilder(resolve("/api/v1/agent/probes"))
                .header("Authorization", "Bearer " + credential).GET());
    }

    Answer rotate(String credential) {
        return send(HttpRequest.newBuilder(resolve("/api/v1/agent/credential/rotate"))
                .header("Authorization", "Bearer " + credential)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{}")));
    }

    Answer submit(String credential, byte[] report) {
        return send(HttpRequest.newBuilder(resolve("/api/v1/agent/reports"))
                .header("Authorization", "Bearer " + credential)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(report)));
    }

    private URI resolve(String path) {
        String p = base.getRawPath() == null ? "" : base.getRawPath();
        return URI.create(base.getScheme() + "://" + base.getRawAuthority() + p + path);
    }

    private Answer send(HttpRequest.Builder req) {
        req.timeout(REQUEST_TIMEOUT).header("User-Agent", "cakb-agent/" + AgentMain.version())
                .header("Accept", "application/json");
        try {
            HttpResponse<InputStream> r = http.send(req.build(), HttpResponse.BodyHandlers.ofInputStream());
            byte[] raw;
            try (InputStream in = r.body()) {
                raw = in.readNBytes(MAX_BODY + 1);
            }
            if (raw.length > MAX_BODY) {
                return new Answer(r.statusCode(), null, "the answer of " + base + " is larger than " + MAX_BODY + " bytes", -1);
            }
            long retryAfter = -1;
            String ra = r.headers().firstValue("Retry-After").orElse(null);
            if (ra != null) {
                try {
                    retryAfter = Long.parseLong(ra.trim()) * 1000L;
                } catch (NumberFormatException e) {
                    // HTTP-date form: ignore, use the backoff
                }
            }
            return new Answer(r.statusCode(), new String(raw, StandardCharsets.UTF_8), null, retryAfter, raw,
                    r.headers().firstValue(SIGNATURE_HEADER).orElse(null));
        } catch (javax.net.ssl.SSLException e) {
            return new Answer(0, null, "TLS failure talking to " + base + ": " + e.getMessage()
                    + " (is the server certificate issued by a CA you trust? see --ca-file)", -1);
        } catch (java.net.ConnectException e) {
            return new Answer(0, null, "cannot connect to " + base + " (" + (e.getMessage() == null ? "connection refused" : e.getMessage()) + ")", -1);
        } catch (java.net.http.HttpTimeoutException e) {
            return new Answer(0, null, "no answer from " + base + " in time (" + e.getMessage() + ")", -1);
        } catch (IOException e) {
            Throwable c = e.getCause();
            if (c instanceof javax.net.ssl.SSLException) {
                return new Answer(0, null, "TLS failure talking to " + base + ": " + c.getMessage()
                        + " (is the server certificate issued by a CA you trust? see --ca-file)", -1);
            }
            return new Answer(0, null, "cannot reach " + base + ": " + e, -1);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Answer(0, null, "interrupted", -1);
        }
    }

    static String quote(String s) {
        StringBuilder b = new StringBuilder();
        Json.quote(b, s);
        return b.toString();
    }
}
