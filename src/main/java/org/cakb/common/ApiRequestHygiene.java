package org.cakb.common;

import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import java.util.Locale;
import java.util.Set;

/**
 * Defences against forged requests, before authentication runs.
 * <p>
 * The JSON API authenticates with explicit credentials only (HTTP Basic for people, bearer secrets for agents and
 * API tokens), never with the browser's session cookie: cookies are dropped from /api requests. A browser may still
 * hold Basic credentials for the site (typed into its prompt) and attach them to requests any page makes, and a page
 * on another site can send, without the browser asking the server first, only a GET/HEAD or a POST whose body is
 * text/plain, form-encoded or multipart (the CORS "simple" requests). So an /api write (POST, PUT, PATCH) that is not
 * authenticated with a bearer secret (which no foreign page can attach) must carry another content type, in practice
 * {@code application/json} (or, for raw evidence uploads, the file's own type such as application/octet-stream),
 * else 415; and a write a browser marks as coming from another site (Sec-Fetch-Site / Origin) is refused with 403.
 * <p>
 * Pages: every POST must be a form (url-encoded or multipart), else 415, so that the CSRF filter, which only reads
 * tokens from forms, always checks one (a POST without a content type used to skip it).
 */
@ApplicationScoped
public class ApiRequestHygiene {

    /** Content types a page on another site can send without a CORS preflight. */
    static final Set<String> SIMPLE_TYPES = Set.of("text/plain", "application/x-www-form-urlencoded", "multipart/form-data");
    static final Set<String> FORM_TYPES = Set.of("application/x-www-form-urlencoded", "multipart/form-data");

    void routes(@Observes Router router) {
        router.route().order(Integer.MIN_VALUE + 2).handler(this::clean); // after SecurityHeaders: refusals carry them too
    }

    private void clean(RoutingContext context) {
        String path = context.normalizedPath();
        var headers = context.request().headers();
        HttpMethod method = context.request().method();
        boolean write = method == HttpMethod.POST || method == HttpMethod.PUT || method == HttpMethod.PATCH;
        if (path.equals("/api") || path.startsWith("/api/")) {
            headers.remove("Cookie");
            String authorization = headers.get("Authorization");
            boolean bearer = authorization != null && authorization.regionMatches(true, 0, "Bearer ", 0, 7);
            if ((write || method == HttpMethod.DELETE) && !bearer && crossSite(context)) {
                refuse(context, 403, "Forbidden", "API writes from a page on another site are refused");
                return;
            }
            String declared = baseType(headers.get("Content-Type"));
            if (write && bearer && emptyBody(headers) && (declared == null || FORM_TYPES.contains(declared))) {
                // a bearer caller's body-less POST (agent credential rotation, curl -X POST): nothing a form or the CSRF
                // filter could act on; typed JSON so that filter, which refuses writes without an entity type, lets it pass
                headers.set("Content-Type", "application/json");
            }
            if (write && !bearer) {
                String type = baseType(headers.get("Content-Type"));
                if (type == null || emptyBody(headers) || SIMPLE_TYPES.contains(type)) {
                    refuse(context, 415, "Unsupported Media Type", "API writes take a JSON body (Content-Type: application/json; send {} when "
                            + "there is nothing to say) or, for evidence uploads, the file with its own type (e.g. application/octet-stream);"
                            + " text/plain, form-encoded, multipart and empty bodies are refused unless the caller uses a bearer token,"
                            + " because any web page can send those");
                    return;
                }
            }
        } else if (!path.startsWith("/q/") && write) {
            String type = baseType(headers.get("Content-Type"));
            if (type == null || !FORM_TYPES.contains(type)) {
                refuse(context, 415, "Unsupported Media Type", "Pages accept only their own forms (url-encoded or multipart)");
                return;
            }
        }
        context.next();
    }

    /** What the browser says about where the request came from; absent (non-browser clients) counts as same-site. */
    static boolean crossSite(RoutingContext context) {
        String site = context.request().getHeader("Sec-Fetch-Site");
        if (site != null && !site.equalsIgnoreCase("same-origin") && !site.equalsIgnoreCase("none")) {
            return true;
        }
        String origin = context.request().getHeader("Origin");
        if (origin == null) {
            return false;
        }
        String host = context.request().getHeader("Host");
        String originHost = origin.replaceFirst("^[a-zA-Z][a-zA-Z0-9+.-]*://", "");
        return "null".equals(origin) || host == null || !originHost.equalsIgnoreCase(host);
    }

    static String baseType(String contentType) {
        if (contentType == null || contentType.isBlank()) {
            return null;
        }
        int semi = contentType.indexOf(';');
        return (semi < 0 ? contentType : contentType.substring(0, semi)).strip().toLowerCase(Locale.ROOT);
    }

    private static boolean emptyBody(io.vertx.core.MultiMap headers) {
        String length = headers.get("Content-Length");
        return !headers.contains("Transfer-Encoding") && (length == null || length.strip().equals("0"));
    }

    private static void refuse(RoutingContext context, int status, String reason, String message) {
        context.response().setStatusCode(status);
        if (context.normalizedPath().startsWith("/api")) {
            context.response().putHeader("Content-Type", "application/json")
                    .end(new JsonObject().put("status", status).put("error", reason).put("message", message).encode());
        } else {
            context.response().putHeader("Content-Type", "text/html;charset=UTF-8").end(DatabaseUnavailable.html(status, message));
        }
    }
}
