package org.cakb.fleet;

import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.security.runtime.QuarkusPrincipal;
import io.quarkus.security.runtime.QuarkusSecurityIdentity;
import jakarta.enterprise.context.ApplicationScoped;
import org.cakb.common.BearerTokenResolver;
import org.cakb.common.Secrets;

import java.time.OffsetDateTime;
import java.util.Optional;

/** Resolves an agent's bearer credential to an identity with the single role {@code agent}, bound to its host. */
@ApplicationScoped
public class AgentCredentials implements BearerTokenResolver {

    public static final String PREFIX = "cakb_agent_";
    public static final String ROLE = "agent";
    public static final String HOST_ID = "cakb.host-id";
    public static final String CREDENTIAL_ID = "cakb.credential-id";

    @Override
    public boolean handles(String token) {
        return token.startsWith(PREFIX);
    }

    @Override
    public Optional<SecurityIdentity> resolve(String token) {
        String hash = Secrets.sha256(token);
        return QuarkusTransaction.requiringNew().call(() -> {
            AgentCredential credential = AgentCredential.findActiveByHash(hash);
            if (credential == null) {
                return Optional.empty();
            }
            OffsetDateTime now = OffsetDateTime.now();
            if (credential.lastUsedAt == null || credential.lastUsedAt.isBefore(now.minusMinutes(1))) {
                credential.lastUsedAt = now;
            }
            return Optional.of(QuarkusSecurityIdentity.builder()
                    .setPrincipal(new QuarkusPrincipal("host:" + credential.hostId))
                    .addRole(ROLE)
                    .addAttribute(HOST_ID, credential.hostId)
                    .addAttribute(CREDENTIAL_ID, credential.id)
                    .build());
        });
    }
}
