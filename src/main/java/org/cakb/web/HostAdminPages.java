package org.cakb.web;

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
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import org.cakb.common.DomainException;
import org.cakb.common.ErrorStatus;
import org.cakb.common.FormText;
import org.cakb.common.PublicBaseUrl;
import org.cakb.fleet.EnrollmentService;
import org.cakb.fleet.FleetHost;
import org.cakb.fleet.FleetQueries;
import org.cakb.security.AccountPages;
import org.cakb.security.Roles;
import org.jboss.resteasy.reactive.RestForm;

import java.net.URI;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The admin's fleet pages: register a host (labels, group), issue its one-time enrollment token (shown once, with the
 * agent commands to copy), revoke its credentials, rotate them. Everything goes through {@link EnrollmentService},
 * the same as the API; forms are CSRF-protected like every page form.
 */
@Path("/admin/hosts")
@Produces(MediaType.TEXT_HTML)
@RolesAllowed(Roles.ADMIN)
public class HostAdminPages {

    /** The label key the "group" field is stored under. */
    static final String GROUP_LABEL = "group";
    static final int DEFAULT_TOKEN_HOURS = 24;

    @Inject
    EnrollmentService enrollment;
    @Inject
    FleetQueries queries;
    @Inject
    PublicBaseUrl baseUrl;
    @Inject
    org.cakb.security.Access access;

    /** What was typed into the register form (kept when it is refused). */
    public record RegisterForm(String name, String description, String group, String labels, String tokenHours) {
    }

    /** A host row of the admin list. */
    public record Row(long id, String name, String description, List<String> labels, String lastSeen, boolean enrolled) {
    }

    /** The page that shows an enrollment token once, with the commands to run on the host. */
    public record Issued(String hostName, long hostId, String token, String expires, String enroll, String enrollFromEnv,
                         String run, boolean rotated, boolean plainHttp, String server) {
    }

    @CheckedTemplate
    static class Templates {
        static native TemplateInstance hosts(AccountPages.Nav nav, List<Row> hosts, RegisterForm form, String message, String error,
                                             long maxTokenHours);

        static native TemplateInstance token(AccountPages.Nav nav, Issued issued);
    }

    private AccountPages.Nav nav() {
        return new AccountPages.Nav(access.username(), true, Roles.ADMIN);
    }

    @GET
    public Response hosts(@QueryParam("revoked") String revoked) {
        String message = revoked == null ? null : "Credentials revoked for " + hostName(revoked)
                + ". Its agent's reports are refused from now on; issue a new token to enroll it again.";
        return page(200, Templates.hosts(nav(), rows(), new RegisterForm("", "", "", "", String.valueOf(DEFAULT_TOKEN_HOURS)),
                message, null, EnrollmentService.MAX_TOKEN_LIFETIME.toHours()));
    }

    @POST
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public Response register(@RestForm String name, @RestForm String description, @RestForm String group, @RestForm String labels,
                             @RestForm String tokenHours, @Context UriInfo uri) {
        RegisterForm form = new RegisterForm(FormText.orEmpty(name).strip(), FormText.orEmpty(description), FormText.orEmpty(group).strip(),
                FormText.orEmpty(labels), FormText.orEmpty(tokenHours).strip());
        try {
            Duration lifetime = lifetime(form.tokenHours());
            Map<String, String> parsed = new LinkedHashMap<>(FormText.labels("labels", form.labels()));
            if (!form.group().isEmpty()) {
                parsed.put(GROUP_LABEL, form.group());
            }
            FleetHost host = enrollment.register(form.name(), form.description(), parsed, access.username());
            return token(enrollment.issueToken(host.id, lifetime, access.username()), false, uri.getRequestUri());
        } catch (DomainException e) {
            return page(ErrorStatus.of(e), Templates.hosts(nav(), rows(), form, null, plain(e),
                    EnrollmentService.MAX_TOKEN_LIFETIME.toHours()));
        }
    }

    @POST
    @Path("{id}/enrollment-token")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public Response issue(@PathParam("id") long id, @RestForm String tokenHours, @Context UriInfo uri) {
        return token(enrollment.issueToken(id, lifetime(FormText.orEmpty(tokenHours)), access.username()), false, uri.getRequestUri());
    }

    @POST
    @Path("{id}/rotate")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public Response rotate(@PathParam("id") long id, @RestForm String tokenHours, @Context UriInfo uri) {
        return token(enrollment.rotateByAdmin(id, lifetime(FormText.orEmpty(tokenHours)), access.username()), true, uri.getRequestUri());
    }

    @POST
    @Path("{id}/revoke")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public Response revoke(@PathParam("id") long id) {
        enrollment.revokeCredentials(id, access.username());
        return Response.seeOther(URI.create("/admin/hosts?revoked=" + id)).build();
    }

    @org.jboss.resteasy.reactive.server.ServerExceptionMapper
    public Response pageError(DomainException e) {
        return page(ErrorStatus.of(e), Templates.hosts(nav(), rows(), new RegisterForm("", "", "", "", String.valueOf(DEFAULT_TOKEN_HOURS)),
                null, plain(e), EnrollmentService.MAX_TOKEN_LIFETIME.toHours()));
    }

    private Response token(EnrollmentService.IssuedToken token, boolean rotated, URI requestUri) {
        String server = baseUrl.orFrom(requestUri);
        String enroll = "java -jar cakb-agent.jar enroll --server " + server + " --token " + token.token();
        String fromEnv = "CAKB_ENROLL_TOKEN=" + token.token() + " java -jar cakb-agent.jar enroll --server " + server
                + (rotated ? " --force" : "");
        Issued issued = new Issued(token.hostName(), token.hostId(), token.token(), HostViews.when(token.expiresAt()),
                rotated ? enroll + " --force" : enroll, fromEnv, "java -jar cakb-agent.jar run --server " + server, rotated,
                PublicBaseUrl.plainHttpToAnotherHost(server), server);
        return page(200, Templates.token(nav(), issued));
    }

    private List<Row> rows() {
        return queries.hosts().stream().map(h -> new Row(h.id(), h.name(), h.description(), HostViews.labels(h.labels()),
                HostViews.when(h.lastSeenAt()), h.enrolled())).toList();
    }

    private String hostName(String id) {
        return queries.hosts().stream().filter(h -> String.valueOf(h.id()).equals(id)).map(FleetQueries.HostSummary::name).findFirst()
                .orElse("the host");
    }

    private static Duration lifetime(String hours) {
        if (hours == null || hours.isBlank()) {
            return Duration.ofHours(DEFAULT_TOKEN_HOURS);
        }
        try {
            return Duration.ofHours(Long.parseLong(hours.strip()));
        } catch (NumberFormatException e) {
            throw DomainException.invalid("Token lifetime: write a whole number of hours, from 1 to "
                    + EnrollmentService.MAX_TOKEN_LIFETIME.toHours() + ".");
        }
    }

    private static String plain(DomainException e) {
        String m = e.getMessage();
        return m.startsWith("invalid input: ") ? m.substring("invalid input: ".length()) : m;
    }

    /** Token pages hold a secret: never stored by a browser or proxy. */
    private static Response page(int status, TemplateInstance template) {
        return Response.status(status).type(PageCache.HTML).header("Cache-Control", "no-store").entity(template.render()).build();
    }
}
