package org.cakb.security;

import org.cakb.common.DomainException;

import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.security.runtime.QuarkusPrincipal;
import io.quarkus.security.runtime.QuarkusSecurityIdentity;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import org.cakb.security.BearerTokenResolver;
import org.cakb.security.Secrets;

import java.time.OffsetDateTime;
import java.util.List;
import java.util.Optional;

/** Creating, listing and revoking API tokens, and resolving them to a read-only identity (role {@code api-read}). */
@ApplicationScoped
public class ApiTokens implements BearerTokenResolver {

    public static final String PREFIX = "cakb_api_";

    public record Created(long id, String name, String scope, String token, OffsetDateTime expiresAt) {
    }

    public record View(long id, String name, String scope, OffsetDateTime createdAt, String createdBy, OffsetDateTime expiresAt,
                       OffsetDateTime lastUsedAt, OffsetDateTime revokedAt, boolean usable) {
        static View of(ApiToken t) {
            return new View(t.id, t.name, t.scope, t.createdAt, t.createdBy, t.expiresAt, t.lastUsedAt, t.revokedAt,
                    t.usableAt(OffsetDateTime.now()));
        }
    }

    @Transactional
    public Created create(String name, OffsetDateTime expiresAt, String admin) {
        if (name == null || name.isBlank() || name.strip().length() > 100) {
            throw DomainException.invalid("name is required (1-100 characters), e.g. the GRC tool it is for");
        }
        if (expiresAt != null && !expiresAt.isAfter(OffsetDateTime.now())) {
            throw DomainException.invalid("expiresAt must be in the future");
        }
        String secret = Secrets.generate(PREFIX);
        ApiToken token = new ApiToken();
        token.name = name.strip();
        token.tokenHash = Secrets.sha256(secret);
        token.createdBy = admin;
        token.expiresAt = expiresAt;
        token.persist();
        return new Created(token.id, token.name, token.scope, secret, token.expiresAt);
    }

    @Transactional
    public List<View> list() {
        return ApiToken.<ApiToken>list("order by id").stream().map(View::of).toList();
    }

    @Transactional
    public View revoke(long id, String admin) {
        ApiToken token = ApiToken.findById(id);
        if (token == null) {
            throw DomainException.notFound("no API token with id " + id);
        }
        if (token.revokedAt == null) {
            token.revokedAt = OffsetDateTime.now();
            token.revokedBy = admin;
        }
        return View.of(token);
    }

    @Override
    public boolean handles(String token) {
        return token.startsWith(PREFIX);
    }

    @Override
    public Optional<SecurityIdentity> resolve(String secret) {
        String hash = Secrets.sha256(secret);
        return QuarkusTransaction.requiringNew().call(() -> {
            ApiToken token = ApiToken.find("tokenHash", hash).firstResult();
            OffsetDateTime now = OffsetDateTime.now();
            if (token == null || !token.usableAt(now)) {
                return Optional.empty();
            }
            if (token.lastUsedAt == null || token.lastUsedAt.isBefore(now.minusMinutes(1))) {
                token.lastUsedAt = now;
            }
            return Optional.of(QuarkusSecurityIdentity.builder()
                    .setPrincipal(new QuarkusPrincipal("api-token:" + token.name))
                    .addRole(Roles.API_READ)
                    .build());
        });
    }
}
