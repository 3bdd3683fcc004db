package org.cakb.common;

import io.vertx.core.http.HttpServerRequest;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

import java.net.ConnectException;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;

/**
 * When PostgreSQL cannot be reached (refused connection, connection lost, no pooled connection within the
 * acquisition timeout), callers get 503 with a message and Retry-After instead of a 500 or a hang; anything else
 * unexpected is a 500 with a message and no stack trace (logged on the server).
 */
public class DatabaseUnavailable {

    private static final Logger LOG = Logger.getLogger(DatabaseUnavailable.class);
    public static final String MESSAGE = "The database is unavailable; please retry in a few seconds";
    public static final String RETRY_AFTER_SECONDS = "5";
    static final String CONCURRENT_MESSAGE = "Someone else changed this at the same moment; nothing of your change was "
            + "saved. Reload and try again";

    /** An optimistic-lock failure (Hibernate's check of a row's version) anywhere in the cause chain. */
    static boolean concurrentUpdate(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof jakarta.persistence.OptimisticLockException || t instanceof org.hibernate.StaleStateException) {
                return true;
            }
        }
        return false;
    }

    /** Whether the failure comes from not reaching the database (SQL state class 08, admin shutdown 57P, pool timeout). */
    public static boolean causedBy(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof ConnectException || t instanceof SQLTransientConnectionException
                    || t.getClass().getName().equals("org.hibernate.exception.JDBCConnectionException")) {
                return true;
            }
            if (t instanceof SQLException sql) {
                String state = sql.getSQLState();
                if (state != null && (state.startsWith("08") || state.startsWith("57P"))) {
                    return true;
                }
                String message = String.valueOf(sql.getMessage());
                if (message.contains("Acquisition timeout") || message.contains("This connection has been closed")) {
                    return true;
                }
            }
        }
        return false;
    }

    /**
     * Text PostgreSQL cannot store (the NUL character; SQL states 22021, 22P05) or a value out of its range (22001,
     * 22003): the statement failed, the transaction rolled back, the request gets 400 with the reason.
     */
    static String invalidValue(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof SQLException sql && sql.getSQLState() != null) {
                switch (sql.getSQLState()) {
                    case "22021", "22P05":
                        return "Text must not contain the NUL character (\\u0000) or bytes that are not UTF-8";
                    case "22001", "22003":
                        return "A value is too long or out of range";
                    default:
                        break;
                }
            }
        }
        return null;
    }

    @ServerExceptionMapper(priority = 5000)
    public Response unexpected(RuntimeException e, HttpServerRequest request) {
        boolean page = request != null && !request.path().startsWith("/api/") && !request.path().startsWith("/q/");
        String invalid = invalidValue(e);
        if (invalid == null && e instanceof IllegalArgumentException && (String.valueOf(e.getMessage()).startsWith("Failed to decode URL")
                || e.getStackTrace().length > 0 && e.getStackTrace()[0].getClassName().startsWith("java.util.Base64"))) {
            invalid = "The form data or a parameter is malformed (bad percent-encoding or an invalid token)";
        }
        if (invalid != null) {
            return respond(400, invalid, page).build();
        }
        if (concurrentUpdate(e)) {
            // two requests changed the same row at once (e.g. saves of two items of one assessment both touch the
            // assessment): the loser rolled back; it is a conflict to retry, not a server failure
            LOG.infof("concurrent update refused: %s", e.getMessage());
            return respond(409, CONCURRENT_MESSAGE, page).build();
        }
        if (causedBy(e)) {
            LOG.warnf("database unavailable: %s", e.toString());
            return respond(503, MESSAGE, page).header("Retry-After", RETRY_AFTER_SECONDS).build();
        }
        LOG.error("request failed", e);
        return respond(500, "The server could not complete the request", page).build();
    }

    static Response.ResponseBuilder respond(int status, String message, boolean page) {
        if (page) {
            return Response.status(status).type(MediaType.TEXT_HTML_TYPE.withCharset("UTF-8")).entity(html(status, message));
        }
        return Response.fromResponse(ApiExceptionMappers.json(status, message, null));
    }

    static String html(int status, String message) {
        String title = switch (status) {
            case 503 -> "Temporarily unavailable";
            case 413 -> "Request too large";
            default -> "Something went wrong";
        };
        return "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>" + title + "</title></head><body><h1>" + title
                + "</h1><p>" + message + ".</p></body></html>";
    }
}
