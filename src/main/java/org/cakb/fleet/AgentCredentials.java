package org.cakb.fleet;

import org.cakb.security.Roles;

import io.agroal.api.AgroalDataSource;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.security.runtime.QuarkusPrincipal;
import io.quarkus.security.runtime.QuarkusSecurityIdentity;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.cakb.security.BearerTokenResolver;
import org.cakb.security.Secrets;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Optional;

/**
 * Resolves an agent's bearer credential to an identity with the single role {@code agent}, bound to its host.
 * Every request is checked against the database (no cache), so a revoked credential is refused at once. Plain JDBC
 * with one indexed lookup: this runs for every report an agent submits.
 */
@ApplicationScoped
public class AgentCredentials implements BearerTokenResolver {

    public static final String PREFIX = "cakb_agent_";
    public static final String HOST_ID = "cakb.host-id";
    public static final String CREDENTIAL_ID = "cakb.credential-id";

    @Inject
    AgroalDataSource dataSource;

    @Override
    public boolean handles(String token) {
        return token.startsWith(PREFIX);
    }

    @Override
    public Optional<SecurityIdentity> resolve(String token) {
        String hash = Secrets.sha256(token);
        try (Connection connection = dataSource.getConnection()) {
            long credentialId;
            long hostId;
            boolean touch;
            try (PreparedStatement select = connection.prepareStatement("""
                    SELECT id, host_id, last_used_at IS NULL OR last_used_at < now() - interval '1 minute'
                    FROM fleet_credential WHERE credential_hash = ? AND revoked_at IS NULL
                      AND (superseded_until IS NULL OR superseded_until > now())""")) {
                select.setString(1, hash);
                try (ResultSet row = select.executeQuery()) {
                    if (!row.next()) {
                        return Optional.empty();
                    }
                    credentialId = row.getLong(1);
                    hostId = row.getLong(2);
                    touch = row.getBoolean(3);
                }
            }
            if (touch) { // last-used is shown to admins to the minute; not worth a write per request
                try (PreparedStatement update = connection.prepareStatement("UPDATE fleet_credential SET last_used_at = now() WHERE id = ?")) {
                    update.setLong(1, credentialId);
                    update.executeUpdate();
                }
                // the first use of a rotated-in credential ends its predecessor's overlap
                try (PreparedStatement retire = connection.prepareStatement(
                        "UPDATE fleet_credential SET revoked_at = now(), revoked_by = 'rotation' WHERE rotated_to = ? AND revoked_at IS NULL")) {
                    retire.setLong(1, credentialId);
                    retire.executeUpdate();
                }
            }
            return Optional.of(QuarkusSecurityIdentity.builder()
                    .setPrincipal(new QuarkusPrincipal("host:" + hostId))
                    .addRole(Roles.AGENT)
                    .addAttribute(HOST_ID, hostId)
                    .addAttribute(CREDENTIAL_ID, credentialId)
                    .build());
        } catch (SQLException e) {
            throw new IllegalStateException("could not check the agent credential", e);
        }
    }
}
