package org.cakb.security;

import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.cakb.common.DomainException;
import org.cakb.common.Validation;

/**
 * The own password change, for the page and the API: the current password is checked under the login throttle and
 * the password-check budget (so this is no side door for guessing), then {@link Accounts#changeOwnPassword}.
 */
@ApplicationScoped
public class AccountPasswords {

    @Inject
    Validation validation;
    @Inject
    PasswordIdentityProvider passwords;
    @Inject
    ClientAddress clientAddress;
    @Inject
    Accounts accounts;
    @Inject
    AuditTrail audit;

    /** Returns the account's new session epoch. */
    public int change(String username, AccountViews.PasswordChange req, RoutingContext rc) {
        validation.check(req);
        String address = clientAddress.of(rc);
        boolean right;
        try {
            right = passwords.recheck(username, req.currentPassword(), address);
        } catch (PasswordChecks.Busy e) {
            throw DomainException.conflict(e.getMessage());
        }
        if (!right) {
            audit.recordAlone(AuditTrail.PASSWORD_CHANGE, username, address, "user:" + username, false, "current password wrong or throttled");
            throw DomainException.forbidden("The current password is wrong (or too many attempts; wait a little)");
        }
        if (req.currentPassword().equals(req.newPassword())) {
            throw Validation.field("newPassword", "must differ from the current password");
        }
        return accounts.changeOwnPassword(username, req.newPassword());
    }
}
