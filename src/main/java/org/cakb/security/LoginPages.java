package org.cakb.security;

import io.quarkus.qute.CheckedTemplate;
import io.quarkus.qute.TemplateInstance;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.vertx.http.runtime.security.FormAuthenticationMechanism;
import io.vertx.ext.web.RoutingContext;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import java.net.URI;

/** The login page (form posts to /j_security_check, with a CSRF token) and logout. */
@Path("/")
public class LoginPages {

    @Inject
    RoutingContext routingContext;
    @Inject
    SecurityIdentity identity;
    @Inject
    Accounts accounts;
    @Inject
    SessionGuard sessions;
    @ConfigProperty(name = "cakb.login.free-failures", defaultValue = "3")
    int freeFailures;
    @ConfigProperty(name = "cakb.login.max-delay", defaultValue = "PT30S")
    java.time.Duration maxDelay;

    @CheckedTemplate
    static class Templates {
        static native TemplateInstance login(boolean error, boolean loggedOut, int freeFailures, long maxDelaySeconds);
    }

    @GET
    @Path("login")
    @Produces(MediaType.TEXT_HTML)
    public TemplateInstance login(@QueryParam("error") String error, @QueryParam("loggedout") String loggedOut) {
        return Templates.login(error != null, loggedOut != null, freeFailures, maxDelay.toSeconds());
    }

    /**
     * Ends the session everywhere: the account's session epoch is bumped (so every copy of its cookies, on any device
     * and any replica, stops working), and this browser's cookies are removed. A form with the CSRF token posts here.
     */
    @POST
    @Path("logout")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public Response logout() {
        if (!identity.isAnonymous()) {
            accounts.endSessions(identity.getPrincipal().getName());
        }
        FormAuthenticationMechanism.logout(routingContext);
        sessions.end(routingContext);
        return Response.seeOther(URI.create("/login?loggedout=1")).build();
    }
}
