package org.cakb.security;

import io.agroal.api.AgroalDataSource;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.security.runtime.QuarkusPrincipal;
import io.quarkus.security.runtime.QuarkusSecurityIdentity;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import org.cakb.cluster.ClusterEvents;
import org.cakb.cluster.KeptReads;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;

/**
 * What a signed-in request needs to know about its account (enabled, session epoch, roles, forced password change),
 * kept in memory so a signed-in page does not pay a database read and a worker-thread hop for it (issue #21).
 * <p>
 * Correctness does not rest on a timeout: every change of an {@code app_user} row is announced by a database
 * trigger (migration V90) on the cluster channel to every replica, the writer's own included, once it commits, and
 * the account's entry is dropped. While this replica's listening connection is down nothing is served from memory
 * (every request reads the database), and when it comes back everything is dropped, since announcements may have
 * been missed. A read that started before a drop is not kept, so a slow read cannot put an older state back. The
 * lifetime below is only a backstop against a lost announcement.
 */
@ApplicationScoped
public class SignedInAccounts {

    static final String TOPIC = "account";
    private static final int MAX_ENTRIES = 10_000;

    /** The account as sessions see it; {@code identity} is what a request with a valid session gets. */
    record Account(String username, boolean enabled, int sessionEpoch, SecurityIdentity identity) {
    }

    @Inject
    AgroalDataSource dataSource;
    @Inject
    ClusterEvents events;
    @ConfigProperty(name = "cakb.session.account-cache-lifetime", defaultValue = "PT60S")
    Duration lifetime;

    /** By username. */
    private final KeptReads<String, Account> accounts = new KeptReads<>(() -> events.listening(), MAX_ENTRIES);

    void subscribe(@Observes StartupEvent event) {
        events.subscribe(TOPIC, this::changed);
    }

    /**
     * A change of the account made by this replica (entity callback of {@link AppUser}): dropped at once and again
     * when the transaction ends, so the writer's own next request never waits for the announcement.
     */
    static void changedHere(String username) {
        SignedInAccounts self = io.quarkus.arc.Arc.container().instance(SignedInAccounts.class).get();
        self.changed(username);
        var transactions = io.quarkus.arc.Arc.container().instance(jakarta.transaction.TransactionSynchronizationRegistry.class);
        if (transactions.isAvailable() && transactions.get().getTransactionKey() != null) {
            transactions.get().registerInterposedSynchronization(new jakarta.transaction.Synchronization() {
                @Override
                public void beforeCompletion() {
                }

                @Override
                public void afterCompletion(int status) {
                    self.changed(username);
                }
            });
        }
    }

    private void changed(String username) {
        if (ClusterEvents.MISSED.equals(username) || "*".equals(username)) {
            accounts.dropAll();
        } else {
            accounts.drop(username);
        }
    }

    /** The account from memory, or null when it must be read ({@link #load}): not kept, too old, or no listener. */
    Account cached(String username) {
        return accounts.get(username);
    }

    /** Reads the account (null when there is none) with one indexed lookup, and keeps it when nothing changed meanwhile. */
    Account load(String username) {
        KeptReads.ReadStart start = accounts.startRead();
        Account account = read(username);
        if (account != null) {
            accounts.keep(start, username, account, System.nanoTime() + lifetime.toNanos());
        }
        return account;
    }

    private Account read(String username) {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement select = connection.prepareStatement(
                     "SELECT roles, disabled_at IS NULL, session_epoch, must_change_password FROM app_user WHERE username = ?")) {
            select.setString(1, username);
            try (ResultSet row = select.executeQuery()) {
                if (!row.next()) {
                    return null;
                }
                return new Account(username, row.getBoolean(2), row.getInt(3), identity(username, row.getString(1), row.getBoolean(4)));
            }
        } catch (SQLException e) {
            throw new IllegalStateException("could not read the account of a session", e);
        }
    }

    static SecurityIdentity identity(String username, String roles, boolean mustChangePassword) {
        QuarkusSecurityIdentity.Builder identity = QuarkusSecurityIdentity.builder().setPrincipal(new QuarkusPrincipal(username));
        for (String role : roles.split(",")) {
            identity.addRole(role.strip());
        }
        identity.addAttribute(SessionGuard.MUST_CHANGE_PASSWORD, mustChangePassword);
        return identity.build();
    }
}
