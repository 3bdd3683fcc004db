package org.cakb.security;

import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.vertx.http.runtime.security.HttpSecurityPolicy;
import io.smallrye.mutiny.Uni;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * HTTP permission policy "kb-browsing" for the public knowledge base (pages and read API): anonymous visitors
 * pass only when {@code cakb.public-browsing=true} (an admin setting, off by default in prod); otherwise a login
 * is required. Signed-in users of any role always pass.
 */
@ApplicationScoped
public class PublicBrowsingPolicy implements HttpSecurityPolicy {

    @ConfigProperty(name = "cakb.public-browsing", defaultValue = "false")
    boolean publicBrowsing;

    @Override
    public Uni<CheckResult> checkPermission(RoutingContext request, Uni<SecurityIdentity> identity,
                                            AuthorizationRequestContext requestContext) {
        if (publicBrowsing) {
            return CheckResult.permit();
        }
        return identity.map(id -> id.isAnonymous() ? CheckResult.DENY : CheckResult.PERMIT);
    }

    @Override
    public String name() {
        return "kb-browsing";
    }
}
