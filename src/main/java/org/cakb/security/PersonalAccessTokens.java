package org.cakb.security;

import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.security.runtime.QuarkusPrincipal;
import io.quarkus.security.runtime.QuarkusSecurityIdentity;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;
import org.cakb.common.ApiException;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Optional;

/**
 * Personal access tokens: a person's own bearer secrets for scripts and tools, so API calls need not send the
 * password (HTTP Basic runs bcrypt on every call, about a third of a second by design). A token acts as its owner
 * with the roles the owner holds at the time of each call ({@code role}), or with viewer rights only ({@code read});
 * it is shown once, stored as SHA-256 (256 random bits, see {@link Secrets}), expires (mandatory, at most
 * {@code cakb.personal-tokens.max-lifetime}), can be revoked by its owner or an admin, and records its last use
 * (at most once a minute, so a busy script does not write on every call).
 */
@ApplicationScoped
public class PersonalAccessTokens implements BearerTokenResolver {

    public static final String PREFIX = "cakb_pat_";
    /** Identity attribute naming how a request was authenticated, e.g. to refuse token creation with a token. */
    public static final String CREDENTIAL_ATTRIBUTE = "cakb.credential";
    public static final String CREDENTIAL = "personal-access-token";
    public static final List<String> SCOPES = List.of("role", "read");

    @Inject
    EntityManager em;
    @ConfigProperty(name = "cakb.personal-tokens.max-lifetime", defaultValue = "P366D")
    Duration maxLifetime;

    public record Created(long id, String name, String scope, String token, OffsetDateTime expiresAt) {
    }

    public record View(long id, String owner, String name, String scope, OffsetDateTime createdAt, OffsetDateTime expiresAt,
                       OffsetDateTime lastUsedAt, OffsetDateTime revokedAt, String revokedBy, boolean usable) {
        static View of(PersonalAccessToken t, String owner) {
            return new View(t.id, owner, t.name, t.scope, t.createdAt, t.expiresAt, t.lastUsedAt, t.revokedAt, t.revokedBy,
                    t.usableAt(OffsetDateTime.now()));
        }
    }

    /** A new token for {@code username}; the secret is in the answer only. */
    @Transactional
    public Created create(String username, String name, String scope, OffsetDateTime expiresAt) {
        AppUser owner = AppUser.findByUsername(username);
        if (owner == null) {
            throw new ApiException(jakarta.ws.rs.core.Response.Status.FORBIDDEN, "personal access tokens belong to people with an account");
        }
        if (name == null || name.isBlank() || name.strip().length() > 100) {
            throw ApiException.badRequest("name is required (1-100 characters), e.g. the script it is for");
        }
        String effectiveScope = scope == null || scope.isBlank() ? "role" : scope.strip();
        if (!SCOPES.contains(effectiveScope)) {
            throw ApiException.badRequest("scope must be 'role' (your roles) or 'read' (viewer rights only)");
        }
        OffsetDateTime now = OffsetDateTime.now();
        if (expiresAt == null) {
            throw ApiException.badRequest("expiresAt is required: personal access tokens always expire (at most "
                    + maxLifetime.toDays() + " days from now)");
        }
        if (!expiresAt.isAfter(now)) {
            throw ApiException.badRequest("expiresAt must be in the future");
        }
        if (expiresAt.isAfter(now.plus(maxLifetime))) {
            throw ApiException.badRequest("expiresAt may be at most " + maxLifetime.toDays() + " days from now");
        }
        String secret = Secrets.generate(PREFIX);
        PersonalAccessToken token = new PersonalAccessToken();
        token.userId = owner.id;
        token.name = name.strip();
        token.scope = effectiveScope;
        token.tokenHash = Secrets.sha256(secret);
        token.createdAt = now;
        token.expiresAt = expiresAt;
        token.persist();
        return new Created(token.id, token.name, token.scope, secret, token.expiresAt);
    }

    /** The person's own tokens, newest first; never the secret. */
    @Transactional
    public List<View> mine(String username) {
        AppUser owner = AppUser.findByUsername(username);
        if (owner == null) {
            return List.of();
        }
        return PersonalAccessToken.<PersonalAccessToken>list("userId = ?1 order by id desc", owner.id).stream()
                .map(t -> View.of(t, username)).toList();
    }

    /** Revokes one of the person's own tokens (someone else's is "not found", so ids reveal nothing). */
    @Transactional
    public View revokeOwn(String username, long id) {
        AppUser owner = AppUser.findByUsername(username);
        PersonalAccessToken token = PersonalAccessToken.findById(id);
        if (owner == null || token == null || !token.userId.equals(owner.id)) {
            throw ApiException.notFound("you have no personal access token with id " + id);
        }
        return revoke(token, username, username);
    }

    /** Every person's tokens (for admins: who has which, what is still usable), newest first. */
    @Transactional
    public List<View> all() {
        @SuppressWarnings("unchecked")
        List<Object[]> rows = em.createQuery("SELECT t, u.username FROM PersonalAccessToken t, AppUser u WHERE u.id = t.userId ORDER BY t.id DESC")
                .getResultList();
        return rows.stream().map(r -> View.of((PersonalAccessToken) r[0], (String) r[1])).toList();
    }

    /** An admin revokes anyone's token (a person leaving, a leaked secret). */
    @Transactional
    public View revokeAny(long id, String admin) {
        PersonalAccessToken token = PersonalAccessToken.findById(id);
        if (token == null) {
            throw ApiException.notFound("no personal access token with id " + id);
        }
        AppUser owner = AppUser.findById(token.userId);
        return revoke(token, owner == null ? null : owner.username, admin);
    }

    private static View revoke(PersonalAccessToken token, String owner, String by) {
        if (token.revokedAt == null) {
            token.revokedAt = OffsetDateTime.now();
            token.revokedBy = by;
        }
        return View.of(token, owner);
    }

    @Override
    public boolean handles(String token) {
        return token.startsWith(PREFIX);
    }

    /** One indexed lookup (token and owner together); the owner's roles are read now, so a changed role applies at once. */
    @Override
    public Optional<SecurityIdentity> resolve(String secret) {
        String hash = Secrets.sha256(secret);
        return QuarkusTransaction.requiringNew().call(() -> {
            @SuppressWarnings("unchecked")
            List<Object[]> rows = em.createNativeQuery("""
                            SELECT t.id, t.scope, t.expires_at, t.revoked_at, t.last_used_at, u.username, u.roles
                            FROM personal_access_token t JOIN app_user u ON u.id = t.user_id
                            WHERE t.token_hash = :hash""")
                    .setParameter("hash", hash).getResultList();
            if (rows.isEmpty()) {
                return Optional.empty();
            }
            Object[] row = rows.get(0);
            OffsetDateTime now = OffsetDateTime.now();
            OffsetDateTime expiresAt = time(row[2]);
            if (row[3] != null || !expiresAt.isAfter(now)) {
                return Optional.empty();
            }
            OffsetDateTime lastUsed = row[4] == null ? null : time(row[4]);
            if (lastUsed == null || lastUsed.isBefore(now.minusMinutes(1))) {
                em.createNativeQuery("UPDATE personal_access_token SET last_used_at = now() WHERE id = :id")
                        .setParameter("id", ((Number) row[0]).longValue()).executeUpdate();
            }
            QuarkusSecurityIdentity.Builder identity = QuarkusSecurityIdentity.builder()
                    .setPrincipal(new QuarkusPrincipal((String) row[5]))
                    .addAttribute(CREDENTIAL_ATTRIBUTE, CREDENTIAL)
                    .addAttribute("cakb.token-id", ((Number) row[0]).longValue());
            if ("read".equals(row[1])) {
                identity.addRole(Roles.VIEWER);
            } else {
                for (String role : ((String) row[6]).split(",")) {
                    if (Roles.PEOPLE.contains(role.strip())) {
                        identity.addRole(role.strip());
                    }
                }
            }
            return Optional.of(identity.build());
        });
    }

    private static OffsetDateTime time(Object value) {
        if (value instanceof OffsetDateTime t) {
            return t;
        }
        if (value instanceof java.time.Instant i) {
            return i.atOffset(java.time.ZoneOffset.UTC);
        }
        if (value instanceof java.sql.Timestamp ts) {
            return ts.toInstant().atOffset(java.time.ZoneOffset.UTC);
        }
        throw new IllegalStateException("unexpected time value " + value.getClass());
    }
}
