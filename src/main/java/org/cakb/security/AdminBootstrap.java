package org.cakb.security;

import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.cakb.common.Rows;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import java.util.Map;
import java.util.Optional;

/**
 * Creates the first admin from configuration (CAKB_BOOTSTRAP_ADMIN_USERNAME / CAKB_BOOTSTRAP_ADMIN_PASSWORD)
 * when there is no admin yet. There is no built-in password: in production the operator chooses it.
 */
@ApplicationScoped
public class AdminBootstrap {

    private static final Logger LOG = Logger.getLogger(AdminBootstrap.class);
    static final int MIN_PASSWORD_LENGTH = 12;

    @ConfigProperty(name = "cakb.bootstrap-admin.username", defaultValue = "admin")
    String username;

    @ConfigProperty(name = "cakb.bootstrap-admin.password")
    Optional<String> password;

    @jakarta.inject.Inject
    jakarta.persistence.EntityManager em;

    /**
     * Replicas starting together: a transaction-scoped advisory lock lets one create the admin while the others wait
     * and then see it (without it, both created one and the second failed to start on the duplicate name).
     */
    void onStart(@Observes StartupEvent event) {
        io.quarkus.narayana.jta.QuarkusTransaction.requiringNew().run(() -> {
            Rows.count(em, "SELECT count(*) FROM pg_advisory_xact_lock(hashtext('cakb:admin-bootstrap'))", Map.of());
            createFirstAdmin();
        });
    }

    void createFirstAdmin() {
        if (AppUser.countWithRole(Roles.ADMIN) > 0) {
            return;
        }
        if (password.isEmpty() || password.get().isBlank()) {
            LOG.warn("There is no admin account. Set CAKB_BOOTSTRAP_ADMIN_PASSWORD (and optionally CAKB_BOOTSTRAP_ADMIN_USERNAME) "
                    + "and restart to create the first one.");
            return;
        }
        if (password.get().length() < MIN_PASSWORD_LENGTH) {
            LOG.errorf("CAKB_BOOTSTRAP_ADMIN_PASSWORD is shorter than %d characters; no admin account was created.", MIN_PASSWORD_LENGTH);
            return;
        }
        AppUser.create(username, password.get(), Roles.ADMIN);
        LOG.infof("created the first admin account '%s' from configuration", username);
    }
}
