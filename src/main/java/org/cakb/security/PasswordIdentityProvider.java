package org.cakb.security;

import io.quarkus.elytron.security.common.BcryptUtil;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.identity.AuthenticationRequestContext;
import io.quarkus.security.identity.IdentityProvider;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.security.identity.request.UsernamePasswordAuthenticationRequest;
import io.quarkus.security.runtime.QuarkusPrincipal;
import io.quarkus.security.runtime.QuarkusSecurityIdentity;
import io.quarkus.vertx.http.runtime.security.HttpSecurityUtils;
import io.smallrye.mutiny.Uni;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/**
 * Username and password check for both form login and HTTP Basic, in front of the security-jpa provider (higher
 * priority), so that every password attempt goes through {@link LoginThrottle}. Passwords are compared with bcrypt.
 * Roles of later requests (session cookie) still come from app_user through security-jpa.
 */
@ApplicationScoped
@io.quarkus.arc.Unremovable
public class PasswordIdentityProvider implements IdentityProvider<UsernamePasswordAuthenticationRequest> {

    /** A real bcrypt hash, compared against when the user does not exist, so both cases take the same time. */
    private static final String DUMMY_HASH = BcryptUtil.bcryptHash("no-such-user-password", 12);

    @Inject
    LoginThrottle throttle;

    @Override
    public Class<UsernamePasswordAuthenticationRequest> getRequestType() {
        return UsernamePasswordAuthenticationRequest.class;
    }

    @Override
    public int priority() {
        return 2000; // security-jpa's own provider has 1001; this one must come first
    }

    @Override
    public Uni<SecurityIdentity> authenticate(UsernamePasswordAuthenticationRequest request, AuthenticationRequestContext context) {
        RoutingContext rc = HttpSecurityUtils.getRoutingContextAttribute(request);
        String address = rc == null || rc.request().remoteAddress() == null ? "unknown" : rc.request().remoteAddress().hostAddress();
        String username = request.getUsername();
        String password = new String(request.getPassword().getPassword());
        return context.runBlocking(() -> verify(username, password, address));
    }

    SecurityIdentity verify(String username, String password, String address) {
        if (throttle.isLocked(username, address)) {
            throw new AuthenticationFailedException("too many failed logins; try again later");
        }
        AppUser user = QuarkusTransaction.requiringNew().call(() -> {
            AppUser u = AppUser.findByUsername(username);
            if (u != null) {
                AppUser.getEntityManager().detach(u);
            }
            return u;
        });
        boolean ok = BcryptUtil.matches(password, user == null ? DUMMY_HASH : user.passwordHash) && user != null;
        if (!ok) {
            throttle.failed(username, address);
            throw new AuthenticationFailedException("wrong username or password");
        }
        throttle.succeeded(username, address);
        QuarkusSecurityIdentity.Builder identity = QuarkusSecurityIdentity.builder().setPrincipal(new QuarkusPrincipal(user.username));
        for (String role : user.roles.split(",")) {
            identity.addRole(role.strip());
        }
        return identity.build();
    }
}
