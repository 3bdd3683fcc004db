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

    @org.eclipse.microprofile.config.inject.ConfigProperty(name = "cakb.api-token.max-lifetime", defaultValue = "P90D")
    java.time.Period maxLifetime;
    @jakarta.inject.Inject
    AuditTrail audit;

    public record Created(long id, String name, String scope, String token, OffsetDateTime expiresAt) {
    }

    public record View(long id, String name, String scope, OffsetDateTime createdAt, String createdBy, OffsetDateTime expiresAt,
                       OffsetDateTime lastUsedAt, OffsetDateTime revokedAt, boolean usable) {
        static View of(ApiToken t) {
            return new View(t.id, t.name, t.scope, t.createdAt, t.createdBy, t.expiresAt, t.lastUsedAt, t.revokedAt,
                    t.usableAt(OffsetDateTime.now()));
        }
    }

    /** How far ahead a token may expire at most ({@code cakb.api-token.max-lifetime}). */
    public java.time.Period maxLifetime() {
        return maxLifetime;
    }

    @Transactional
    public Created create(String name, OffsetDateTime expiresAt, String admin) {
        if (name == null || name.isBlank() || name.strip().length() > 100) {
            throw DomainException.invalid("name is required (1-100 characters), e.g. the GRC tool it is for");
        }
        OffsetDateTime latest = OffsetDateTime.now().plus(maxLifetime);
        if (expiresAt != null && !expiresAt.isAfter(OffsetDateTime.now())) {
            throw DomainException.invalid("expiresAt must be in the future");
        }
        if (expiresAt != null && expiresAt.isAfter(latest.plusMinutes(1))) {
            throw DomainException.invalid("expiresAt may be at most " + maxLifetime + " ahead (" + latest + "); rotate the token before it expires");
        }
        ApiToken token = issue(name.strip(), expiresAt == null ? latest : expiresAt, admin);
        audit.record(AuditTrail.TOKEN_ISSUE, admin, "api-token:" + token.id + " " + token.name, true, "expires " + token.expiresAt);
        return new Created(token.id, token.name, token.scope, token.secret, token.expiresAt);
    }

    private static ApiToken issue(String name, OffsetDateTime expiresAt, String admin) {
        String secret = Secrets.generate(PREFIX);
        ApiToken token = new ApiToken();
        token.name = name;
        token.tokenHash = Secrets.sha256(secret);
        token.createdBy = admin;
        token.expiresAt = expiresAt;
        token.persist();
        token.secret = secret;
        return token;
    }

    /**
     * Replaces a usable token with a new secret under the same name and the full lifetime from now; the old one is
     * revoked in the same transaction (the GRC tool switches to the new secret from this answer).
     */
    @Transactional
    public Created rotate(long id, String admin) {
        ApiToken old = ApiToken.findById(id);
        if (old == null) {
            throw DomainException.notFound("no API token with id " + id);
        }
        if (!old.usableAt(OffsetDateTime.now())) {
            throw DomainException.conflict("API token " + id + " is revoked or expired; create a new one");
        }
        ApiToken token = issue(old.name, OffsetDateTime.now().plus(maxLifetime), admin);
        old.revokedAt = OffsetDateTime.now();
        old.revokedBy = admin;
        old.rotatedTo = token.id;
        audit.record(AuditTrail.TOKEN_ROTATE, admin, "api-token:" + id + " " + old.name, true, "replaced by api-token:" + token.id);
        return new Created(token.id, token.name, token.scope, token.secret, token.expiresAt);
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
            audit.record(AuditTrail.TOKEN_REVOKE, admin, "api-token:" + id + " " + token.name, true, null);
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
