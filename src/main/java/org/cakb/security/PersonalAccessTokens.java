package org.cakb.security;

import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.security.runtime.QuarkusPrincipal;
import io.quarkus.security.runtime.QuarkusSecurityIdentity;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;
import org.cakb.common.DomainException;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;
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
    @Inject
    io.agroal.api.AgroalDataSource dataSource;
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
            throw DomainException.forbidden("personal access tokens belong to people with an account");
        }
        if (name == null || name.isBlank() || name.strip().length() > 100) {
            throw DomainException.invalid("name is required (1-100 characters), e.g. the script it is for");
        }
        String effectiveScope = scope == null || scope.isBlank() ? "role" : scope.strip();
        if (!SCOPES.contains(effectiveScope)) {
            throw DomainException.invalid("scope must be 'role' (your roles) or 'read' (viewer rights only)");
        }
        OffsetDateTime now = OffsetDateTime.now();
        if (expiresAt == null) {
            throw DomainException.invalid("expiresAt is required: personal access tokens always expire (at most "
                    + maxLifetime.toDays() + " days from now)");
        }
        if (!expiresAt.isAfter(now)) {
            throw DomainException.invalid("expiresAt must be in the future");
        }
        if (expiresAt.isAfter(now.plus(maxLifetime))) {
            throw DomainException.invalid("expiresAt may be at most " + maxLifetime.toDays() + " days from now");
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
            throw DomainException.notFound("you have no personal access token with id " + id);
        }
        return revoke(token, username, username);
    }

    /** Every person's tokens (for admins: who has which, what is still usable), newest first. */
    @Transactional
    public List<View> all() {
        Map<Long, String> owners = new java.util.HashMap<>();
        AppUser.<AppUser>listAll().forEach(u -> owners.put(u.id, u.username));
        return PersonalAccessToken.<PersonalAccessToken>list("order by id desc").stream()
                .map(t -> View.of(t, owners.get(t.userId))).toList();
    }

    /** An admin revokes anyone's token (a person leaving, a leaked secret). */
    @Transactional
    public View revokeAny(long id, String admin) {
        PersonalAccessToken token = PersonalAccessToken.findById(id);
        if (token == null) {
            throw DomainException.notFound("no personal access token with id " + id);
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

    /**
     * One indexed lookup (token and owner together) with plain JDBC, as for agent credentials: this runs for every
     * API call of a script, so no transaction manager or ORM session. The owner's roles are read now, so a changed
     * role applies at once, and a disabled owner's tokens stop working; last use is written at most once a minute.
     */
    @Override
    public Optional<SecurityIdentity> resolve(String secret) {
        String hash = Secrets.sha256(secret);
        try (java.sql.Connection c = dataSource.getConnection()) {
            Found found;
            try (java.sql.PreparedStatement select = c.prepareStatement("""
                    SELECT t.id, t.scope, t.revoked_at IS NOT NULL, t.expires_at > now(),
                           t.last_used_at IS NULL OR t.last_used_at < now() - interval '1 minute', u.username, u.roles
                    FROM personal_access_token t JOIN app_user u ON u.id = t.user_id
                    WHERE t.token_hash = ? AND u.disabled_at IS NULL""")) {
                select.setString(1, hash);
                try (java.sql.ResultSet row = select.executeQuery()) {
                    if (!row.next()) {
                        return Optional.empty();
                    }
                    found = new Found(row.getLong(1), row.getString(2), row.getBoolean(3), row.getBoolean(4), row.getBoolean(5),
                            row.getString(6), row.getString(7));
                }
            }
            if (found.revoked() || !found.unexpired()) {
                return Optional.empty();
            }
            if (found.touch()) {
                try (java.sql.PreparedStatement update = c.prepareStatement("UPDATE personal_access_token SET last_used_at = now() WHERE id = ?")) {
                    update.setLong(1, found.id());
                    update.executeUpdate();
                }
            }
            QuarkusSecurityIdentity.Builder identity = QuarkusSecurityIdentity.builder()
                    .setPrincipal(new QuarkusPrincipal(found.username()))
                    .addAttribute(CREDENTIAL_ATTRIBUTE, CREDENTIAL)
                    .addAttribute("cakb.token-id", found.id());
            if ("read".equals(found.scope())) {
                identity.addRole(Roles.VIEWER);
            } else {
                for (String role : found.roles().split(",")) {
                    if (Roles.PEOPLE.contains(role.strip())) {
                        identity.addRole(role.strip());
                    }
                }
            }
            return Optional.of(identity.build());
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException("could not check the personal access token", e);
        }
    }

    private record Found(long id, String scope, boolean revoked, boolean unexpired, boolean touch, String username, String roles) {
    }

}
