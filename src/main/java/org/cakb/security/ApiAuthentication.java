package org.cakb.security;

import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.credential.TokenCredential;
import io.quarkus.security.identity.AuthenticationRequestContext;
import io.quarkus.security.identity.IdentityProvider;
import io.quarkus.security.identity.IdentityProviderManager;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.security.identity.request.AuthenticationRequest;
import io.quarkus.security.identity.request.TokenAuthenticationRequest;
import io.quarkus.vertx.http.runtime.security.ChallengeData;
import io.quarkus.vertx.http.runtime.security.HttpAuthenticationMechanism;
import io.quarkus.vertx.http.runtime.security.HttpCredentialTransport;
import io.quarkus.vertx.http.runtime.security.HttpSecurityUtils;
import io.smallrye.mutiny.Uni;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;

import java.util.Set;

/**
 * Authentication of the JSON API: {@code Authorization: Basic} for people and {@code Authorization: Bearer <secret>}
 * for machines (enrolled agents, GRC API tokens). It is the only mechanism on /api (scheme {@value #SCHEME} in
 * application.properties), so an API caller without credentials gets a 401 challenge, never the login page.
 */
public final class ApiAuthentication {

    private ApiAuthentication() {
    }

    public static final String SCHEME = "api";

    @ApplicationScoped
    public static class Mechanism implements HttpAuthenticationMechanism {

        /** Only the API: pages keep form login (and its redirect to the login page). */
        private static boolean isApi(RoutingContext context) {
            String path = context.normalizedPath();
            return path.equals("/api") || path.startsWith("/api/");
        }

        @Override
        public int getPriority() {
            return DEFAULT_PRIORITY - 100;
        }

        @Override
        public Uni<SecurityIdentity> authenticate(RoutingContext context, IdentityProviderManager identityProviderManager) {
            if (!isApi(context)) {
                return Uni.createFrom().nullItem();
            }
            String header = context.request().getHeader("Authorization");
            AuthenticationRequest request;
            if (header != null && header.regionMatches(true, 0, "Bearer ", 0, 7)) {
                request = new TokenAuthenticationRequest(new TokenCredential(header.substring(7).strip(), "bearer"));
            } else if (header != null && header.regionMatches(true, 0, "Basic ", 0, 6)) {
                request = basic(header.substring(6).strip());
                if (request == null) {
                    return Uni.createFrom().failure(new AuthenticationFailedException("malformed Basic credentials"));
                }
            } else {
                return Uni.createFrom().nullItem();
            }
            HttpSecurityUtils.setRoutingContextAttribute(request, context);
            return identityProviderManager.authenticate(request);
        }

        private static AuthenticationRequest basic(String encoded) {
            try {
                String decoded = new String(java.util.Base64.getDecoder().decode(encoded), java.nio.charset.StandardCharsets.UTF_8);
                int colon = decoded.indexOf(':');
                if (colon <= 0) {
                    return null;
                }
                return new io.quarkus.security.identity.request.UsernamePasswordAuthenticationRequest(decoded.substring(0, colon),
                        new io.quarkus.security.credential.PasswordCredential(decoded.substring(colon + 1).toCharArray()));
            } catch (IllegalArgumentException e) {
                return null;
            }
        }

        @Override
        public Uni<ChallengeData> getChallenge(RoutingContext context) {
            if (!isApi(context)) {
                return Uni.createFrom().nullItem();
            }
            if (fromBrowser(context)) {
                // no Basic challenge to a browser: the prompt it would show stores the credentials in the browser's
                // cache, which then rides along on every request any page makes to /api (cross-site forgery)
                return Uni.createFrom().item(new ChallengeData(401));
            }
            return Uni.createFrom().item(new ChallengeData(401, "WWW-Authenticate", "Basic realm=\"Container Assurance KB\""));
        }

        /** Browsers send Sec-Fetch-* on every request (Chromium 76+, Firefox 90+, Safari 16.4+) and ask for HTML on navigations. */
        static boolean fromBrowser(RoutingContext context) {
            var headers = context.request().headers();
            String accept = headers.get("Accept");
            return headers.contains("Sec-Fetch-Mode") || headers.contains("Sec-Fetch-Dest")
                    || (accept != null && accept.contains("text/html"));
        }

        @Override
        public Set<Class<? extends AuthenticationRequest>> getCredentialTypes() {
            return Set.of(TokenAuthenticationRequest.class, io.quarkus.security.identity.request.UsernamePasswordAuthenticationRequest.class);
        }

        @Override
        public Uni<HttpCredentialTransport> getCredentialTransport(RoutingContext context) {
            return Uni.createFrom().item(new HttpCredentialTransport(HttpCredentialTransport.Type.AUTHORIZATION, SCHEME));
        }
    }

    @ApplicationScoped
    public static class Provider implements IdentityProvider<TokenAuthenticationRequest> {

        @Inject
        Instance<BearerTokenResolver> resolvers;

        @Override
        public Class<TokenAuthenticationRequest> getRequestType() {
            return TokenAuthenticationRequest.class;
        }

        @Override
        public Uni<SecurityIdentity> authenticate(TokenAuthenticationRequest request, AuthenticationRequestContext context) {
            String token = request.getToken().getToken();
            return context.runBlocking(() -> {
                for (BearerTokenResolver resolver : resolvers) {
                    if (resolver.handles(token)) {
                        return resolver.resolve(token).orElseThrow(() -> new AuthenticationFailedException("unknown or revoked token"));
                    }
                }
                throw new AuthenticationFailedException("unknown token");
            });
        }
    }
}
