package org.cakb.security;

import io.quarkus.qute.CheckedTemplate;
import io.quarkus.qute.TemplateInstance;
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

/** Admin pages for accounts (create, roles, disable/enable, password reset) and the audit trail. */
@Path("/admin")
@Produces(MediaType.TEXT_HTML)
@Guarded
public class AccountAdminPages {

    @Inject
    Accounts accounts;
    @Inject
    Access access;
    @Inject
    AuditLog auditLog;

    @CheckedTemplate
    static class Templates {
        static native TemplateInstance users(AccountPages.Nav nav, List<AccountViews.UserView> users, String message, String error, String username);

        static native TemplateInstance audit(AccountPages.Nav nav, PageOf<AuditLog.Event> events, AuditLog.Filter filter, String query);
    }

    private AccountPages.Nav nav() {
        return new AccountPages.Nav(access.username(), access.roles().contains(Roles.ADMIN), Roles.highest(access.roles()));
    }

    @POST
    @Path("/users/{userId}/roles")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    @Policy(Operation.CHANGE_ROLES)
    public Response roles(@PathParam("userId") long userId, @RestForm List<String> roles) {
        return after(() -> accounts.setRoles(userId, new AccountViews.RoleChange(roles == null ? List.of() : roles), access.username()),
                "Roles changed");
    }

    @POST
    @Path("/users/{userId}/disable")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    @Policy(Operation.DISABLE_USER)
    public Response disable(@PathParam("userId") long userId) {
        return after(() -> accounts.disable(userId, access.username()), "Account disabled; its sessions have ended");
    }

    @POST
    @Path("/users/{userId}/enable")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    @Policy(Operation.DISABLE_USER)
    public Response enable(@PathParam("userId") long userId) {
        return after(() -> accounts.enable(userId, access.username()), "Account enabled");
    }

    @POST
    @Path("/users/{userId}/password-reset")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    @Policy(Operation.RESET_PASSWORD)
    public Response resetPassword(@PathParam("userId") long userId, @RestForm String temporaryPassword) {
        return after(() -> accounts.resetPassword(userId, new AccountViews.PasswordReset(temporaryPassword), access.username()),
                "Temporary password set; it must be changed at the next sign-in");
    }

    /** Runs an admin action and shows the user list with its outcome. */
    private Response after(java.util.function.Supplier<AccountViews.UserView> action, String done) {
        try {
            AccountViews.UserView u = action.get();
            return Response.ok(Templates.users(nav(), accounts.users(), done + " (" + u.username() + ").", null, "")).build();
        } catch (DomainException e) {
            return Response.status(ErrorStatus.of(e)).entity(Templates.users(nav(), accounts.users(), null, e.getMessage(), "")).build();
        }
    }

    @GET
    @Path("/users")
    @Policy(Operation.LIST_USERS)
    public TemplateInstance users() {
        return Templates.users(nav(), accounts.users(), null, null, "");
    }

    @POST
    @Path("/users")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    @Policy(Operation.CREATE_USER)
    public Response createUser(@RestForm String username, @RestForm String password, @RestForm List<String> roles) {
        try {
            AccountViews.UserView u = accounts.createUser(new AccountViews.NewUser(username, password, roles == null ? List.of() : roles));
            return Response.ok(Templates.users(nav(), accounts.users(), "Created " + u.username() + ".", null, "")).build();
        } catch (DomainException e) {
            return Response.status(ErrorStatus.of(e)).entity(Templates.users(nav(), accounts.users(), null, e.getMessage(), username == null ? "" : username))
                    .build();
        }
    }

    @GET
    @Path("/audit")
    @Policy(Operation.VIEW_AUDIT)
    public TemplateInstance audit(@QueryParam("page") String page, @QueryParam("action") String action, @QueryParam("actor") String actor,
                                  @QueryParam("target") String target, @QueryParam("outcome") String outcome) {
        AuditLog.Filter filter = new AuditLog.Filter(nz(action), nz(actor), nz(target), "success".equals(outcome) || "failure".equals(outcome)
                ? outcome : "", null, null);
        int p = pageOrFirst(page);
        String query = "action=" + enc(filter.action()) + "&actor=" + enc(filter.actor()) + "&target=" + enc(filter.target())
                + "&outcome=" + enc(filter.outcome());
        return Templates.audit(nav(), auditLog.page(filter, p, 50), filter, query);
    }

    /** A page number typed into the address bar that is not one shows the first page (a page, not a JSON error). */
    private static int pageOrFirst(String page) {
        try {
            return page == null || page.isBlank() ? 1 : QueryParams.page(page);
        } catch (org.cakb.common.DomainException e) {
            return 1;
        }
    }

    private static String nz(String s) {
        return s == null ? "" : s.length() > 200 ? s.substring(0, 200) : s;
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
