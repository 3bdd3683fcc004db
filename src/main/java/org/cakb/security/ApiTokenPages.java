package org.cakb.security;

import io.quarkus.qute.CheckedTemplate;
import io.quarkus.qute.TemplateInstance;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.cakb.common.DomainException;
import org.cakb.common.ErrorStatus;
import org.cakb.common.FormText;
import org.jboss.resteasy.reactive.RestForm;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

import java.net.URI;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.List;

/** Admin pages for read-only API tokens (GRC tools): create with an expiry, shown once; last use; rotate; revoke. */
@Path("/admin/api-tokens")
@Produces(MediaType.TEXT_HTML)
@RolesAllowed(Roles.ADMIN)
public class ApiTokenPages {

    private static final DateTimeFormatter SHOWN = DateTimeFormatter.ofPattern("d MMM yyyy HH:mm 'UTC'");

    @Inject
    ApiTokens tokens;
    @Inject
    Access access;
    @Inject
    org.cakb.common.PublicBaseUrl baseUrl;

    /** A token row; dates already in words. */
    public record Row(long id, String name, String created, String createdBy, String expires, String lastUsed, String state,
                      boolean usable) {
    }

    /** A secret just created, shown once. */
    public record Shown(String name, String token, String expires, boolean rotated, String base) {
    }

    @CheckedTemplate
    static class Templates {
        static native TemplateInstance tokens(AccountPages.Nav nav, List<Row> tokens, String name, String expires, String maxDate,
                                              String message, String error);

        static native TemplateInstance created(AccountPages.Nav nav, Shown shown);
    }

    private AccountPages.Nav nav() {
        return new AccountPages.Nav(access.username(), true, Roles.ADMIN);
    }

    @GET
    public Response list(@QueryParam("revoked") String revoked) {
        return page(200, view("", null, revoked == null ? null : "Token revoked; requests with it get 401 from now on.", null));
    }

    @POST
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public Response create(@RestForm String name, @RestForm String expires, @jakarta.ws.rs.core.Context jakarta.ws.rs.core.UriInfo uri) {
        String typedName = FormText.orEmpty(name);
        String typedExpiry = FormText.orEmpty(expires).strip();
        try {
            ApiTokens.Created created = tokens.create(typedName, expiry(typedExpiry), access.username());
            return page(200, Templates.created(nav(), new Shown(created.name(), created.token(), shown(created.expiresAt()), false,
                    baseUrl.orFrom(uri.getRequestUri()))));
        } catch (DomainException e) {
            return page(ErrorStatus.of(e), view(typedName, typedExpiry, null, plain(e)));
        }
    }

    @POST
    @Path("{id}/rotate")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public Response rotate(@PathParam("id") long id, @jakarta.ws.rs.core.Context jakarta.ws.rs.core.UriInfo uri) {
        ApiTokens.Created created = tokens.rotate(id, access.username());
        return page(200, Templates.created(nav(), new Shown(created.name(), created.token(), shown(created.expiresAt()), true,
                baseUrl.orFrom(uri.getRequestUri()))));
    }

    @POST
    @Path("{id}/revoke")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public Response revoke(@PathParam("id") long id) {
        tokens.revoke(id, access.username());
        return Response.seeOther(URI.create("/admin/api-tokens?revoked=" + id)).build();
    }

    @ServerExceptionMapper
    public Response pageError(DomainException e) {
        return page(ErrorStatus.of(e), view("", null, null, plain(e)));
    }

    private TemplateInstance view(String name, String expires, String message, String error) {
        LocalDate latest = OffsetDateTime.now(ZoneOffset.UTC).plus(tokens.maxLifetime()).toLocalDate();
        OffsetDateTime now = OffsetDateTime.now();
        List<Row> rows = tokens.list().stream().map(t -> new Row(t.id(), t.name(), shown(t.createdAt()), t.createdBy(),
                shown(t.expiresAt()), t.lastUsedAt() == null ? "never" : shown(t.lastUsedAt()),
                t.revokedAt() != null ? "revoked " + shown(t.revokedAt()) : t.expiresAt().isBefore(now) ? "expired" : "active",
                t.usable())).toList();
        return Templates.tokens(nav(), rows, name, expires == null ? latest.toString() : expires, latest.toString(), message, error);
    }

    /** The last moment of the chosen day (UTC), but never beyond the longest lifetime the API allows. */
    private OffsetDateTime expiry(String date) {
        if (date.isEmpty()) {
            return null;
        }
        try {
            OffsetDateTime endOfDay = LocalDate.parse(date).plusDays(1).atStartOfDay().atOffset(ZoneOffset.UTC).minusSeconds(1);
            OffsetDateTime latest = OffsetDateTime.now(ZoneOffset.UTC).plus(tokens.maxLifetime());
            return endOfDay.isAfter(latest) && !endOfDay.toLocalDate().isAfter(latest.toLocalDate()) ? latest : endOfDay;
        } catch (DateTimeParseException e) {
            throw DomainException.invalid("Expires: write a date like 2027-01-31.");
        }
    }

    static String shown(OffsetDateTime t) {
        return t == null ? "" : t.atZoneSameInstant(ZoneOffset.UTC).format(SHOWN);
    }

    private static String plain(DomainException e) {
        String m = e.getMessage();
        return m.startsWith("invalid input: ") ? m.substring("invalid input: ".length()) : m;
    }

    private static Response page(int status, TemplateInstance template) {
        return Response.status(status).type(MediaType.TEXT_HTML_TYPE.withCharset("UTF-8")).header("Cache-Control", "no-store")
                .entity(template.render()).build();
    }
}
