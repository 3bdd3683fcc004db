package org.cakb.security;

import io.quarkus.qute.CheckedTemplate;
import io.quarkus.qute.TemplateInstance;
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
import jakarta.ws.rs.core.NewCookie;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import java.net.URI;

/** The login page (form posts to /j_security_check) and logout. */
@Path("/")
public class LoginPages {

    @Inject
    RoutingContext routingContext;
    @ConfigProperty(name = "quarkus.http.auth.form.cookie-name", defaultValue = "quarkus-credential")
    String cookieName;
    @ConfigProperty(name = "cakb.login.lockout", defaultValue = "PT5M")
    java.time.Duration lockout;
    @ConfigProperty(name = "cakb.login.max-failures", defaultValue = "5")
    int maxFailures;

    @CheckedTemplate
    static class Templates {
        static native TemplateInstance login(boolean error, boolean loggedOut, int maxFailures, long lockoutMinutes);
    }

    @GET
    @Path("login")
    @Produces(MediaType.TEXT_HTML)
    public TemplateInstance login(@QueryParam("error") String error, @QueryParam("loggedout") String loggedOut) {
        return Templates.login(error != null, loggedOut != null, maxFailures, Math.max(1, lockout.toMinutes()));
    }

    /** Ends the session: the encrypted credential cookie is removed. A form with the CSRF token posts here. */
    @POST
    @Path("logout")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public Response logout() {
        FormAuthenticationMechanism.logout(routingContext);
        return Response.seeOther(URI.create("/login?loggedout=1"))
                .cookie(new NewCookie.Builder(cookieName).value("").path("/").maxAge(0).httpOnly(true).build())
                .build();
    }
}
