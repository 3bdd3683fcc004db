package org.cakb.cluster;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Cluster-wide mutual exclusion with PostgreSQL session advisory locks, each on its own connection so the lock dies
 * with the session if this replica dies. Keys: the two-int form, class {@value #NAMESPACE} ("CAKB") and the name's
 * hash, so they do not collide with other users of advisory locks on the same database.
 */
@ApplicationScoped
public class ClusterLocks {

    static final int NAMESPACE = 0x43414B42;

    @Inject
    ClusterDb db;

    /** Runs {@code job} while holding the lock {@code name}, waiting for another replica to release it first. */
    public <T> T withLock(String name, Supplier<T> job) {
        try (Connection c = db.connect()) {
            lock(c, "pg_advisory_lock", name);
            return job.get();
        } catch (SQLException e) {
            throw new IllegalStateException("could not take the cluster lock " + name + ": " + e.getMessage(), e);
        }
    }

    /**
     * Runs {@code job} only if no replica holds the lock {@code name} now; returns empty without running it when one
     * does (a scheduled job another replica is already doing).
     */
    public <T> Optional<T> ifFree(String name, Supplier<T> job) {
        try (Connection c = db.connect()) {
            if (!lock(c, "pg_try_advisory_lock", name)) {
                return Optional.empty();
            }
            return Optional.ofNullable(job.get());
        } catch (SQLException e) {
            throw new IllegalStateException("could not take the cluster lock " + name + ": " + e.getMessage(), e);
        }
    }

    /**
     * Runs {@code job} unless another replica is running it right now, in which case this waits for that replica
     * to finish and returns empty: replicas starting together do the work once, and none goes on before it is done.
     */
    public <T> Optional<T> onceOrWait(String name, Supplier<T> job) {
        try (Connection c = db.connect()) {
            if (lock(c, "pg_try_advisory_lock", name)) {
                return Optional.ofNullable(job.get());
            }
            lock(c, "pg_advisory_lock", name);
            return Optional.empty();
        } catch (SQLException e) {
            throw new IllegalStateException("could not take the cluster lock " + name + ": " + e.getMessage(), e);
        }
    }

    private static boolean lock(Connection c, String function, String name) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("SELECT " + function + "(?, ?)")) {
            s.setInt(1, NAMESPACE);
            s.setInt(2, name.hashCode());
            try (ResultSet r = s.executeQuery()) {
                r.next();
                Object v = r.getObject(1);
                return !(v instanceof Boolean b) || b;
            }
        }
    }
}
