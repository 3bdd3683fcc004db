package org.cakb.security;

import io.quarkus.qute.CheckedTemplate;
import io.quarkus.qute.TemplateInstance;
import io.vertx.ext.web.RoutingContext;
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
import org.cakb.common.PageOf;
import org.cakb.common.QueryParams;
import org.cakb.security.AccessPolicy.Operation;
import org.jboss.resteasy.reactive.RestForm;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;

/** The own password page (admins' account pages: {@link AccountAdminPages}). */
@Path("/")
@Produces(MediaType.TEXT_HTML)
@Guarded
public class AccountPages {

    @Inject
    Accounts accounts;
    @Inject
    AccountPasswords passwords;
    @Inject
    Access access;
    @Inject
    AuditLog auditLog;
    @Inject
    SessionGuard sessions;
    @Inject
    RoutingContext routingContext;

    /** Who is signed in, for the shared layout's header (user name, role, admin links). */
    public record Nav(String user, boolean admin, String role) {
    }

    @CheckedTemplate
    static class Templates {

        static native TemplateInstance password(Nav nav, boolean required, String message, String error);
    }

    Nav nav() {
        return new Nav(access.username(), access.roles().contains(Roles.ADMIN), Roles.highest(access.roles()));
    }

    @GET
    @Path("account/password")
    @Policy(Operation.CHANGE_OWN_PASSWORD)
    public TemplateInstance passwordPage(@QueryParam("required") String required) {
        return Templates.password(nav(), required != null, null, null);
    }

    @POST
    @Path("account/password")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    @Policy(Operation.CHANGE_OWN_PASSWORD)
    public Response changePassword(@RestForm String currentPassword, @RestForm String newPassword, @RestForm String repeatPassword) {
        try {
            if (newPassword != null && !newPassword.equals(repeatPassword)) {
                throw DomainException.invalid("The new password and its repetition differ");
            }
            int epoch = passwords.change(access.username(), new AccountViews.PasswordChange(currentPassword, newPassword), routingContext);
            sessions.issue(routingContext, access.username(), epoch); // this browser stays signed in; all others end
            return Response.ok(Templates.password(new Nav(access.username(), access.roles().contains(Roles.ADMIN), Roles.highest(access.roles())), false,
                    "Your password is changed. Your other sessions have ended.", null)).build();
        } catch (DomainException e) {
            return Response.status(ErrorStatus.of(e)).entity(Templates.password(nav(), false, null, e.getMessage())).build();
        }
    }

    private static String nz(String s) {
        return s == null ? "" : s.length() > 200 ? s.substring(0, 200) : s;
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
