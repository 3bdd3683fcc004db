package org.cakb.security;

import io.quarkus.elytron.security.common.BcryptUtil;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;
import org.cakb.common.DomainException;
import org.cakb.common.Validation;

import java.time.OffsetDateTime;
import java.util.LinkedHashSet;
import java.util.List;

/**
 * People's accounts: creating, listing, roles, disabling and enabling, password reset by an admin (forces a change at
 * the next sign-in) and the own password change. Passwords are stored as bcrypt hashes. Every change is in the audit
 * trail, in the same transaction. At least one enabled admin always remains.
 */
@ApplicationScoped
public class Accounts {

    static final int BCRYPT_COST = 12;

    @Inject
    Validation validation;
    @Inject
    AuditTrail audit;

    @Transactional
    public List<AccountViews.UserView> users() {
        return AppUser.<AppUser>list("order by username").stream().map(AccountViews.UserView::of).toList();
    }

    @Transactional
    public AccountViews.UserView createUser(AccountViews.NewUser req) {
        validation.check(req);
        if (AppUser.findByUsername(req.username()) != null) {
            throw Validation.field("username", "'" + req.username() + "' already exists");
        }
        String roles = String.join(",", new LinkedHashSet<>(req.roles()));
        AppUser user = AppUser.create(req.username(), req.password(), roles);
        audit.record(AuditTrail.USER_CREATE, "user:" + user.username, "roles " + roles);
        return AccountViews.UserView.of(user);
    }

    @Transactional
    public AccountViews.UserView setRoles(long userId, AccountViews.RoleChange req, String admin) {
        validation.check(req);
        AppUser user = find(userId);
        String roles = String.join(",", new LinkedHashSet<>(req.roles()));
        if (user.roles.contains(Roles.ADMIN) && !roles.contains(Roles.ADMIN) && user.enabled()) {
            requireAnotherAdmin(user);
        }
        String before = user.roles;
        user.roles = roles;
        audit.record(AuditTrail.USER_ROLES, "user:" + user.username, before + " -> " + roles);
        return AccountViews.UserView.of(user);
    }

    @Transactional
    public AccountViews.UserView disable(long userId, String admin) {
        AppUser user = find(userId);
        if (user.username.equals(admin)) {
            throw DomainException.conflict("You cannot disable your own account");
        }
        if (user.enabled()) {
            if (user.roles.contains(Roles.ADMIN)) {
                requireAnotherAdmin(user);
            }
            user.disabledAt = OffsetDateTime.now();
            user.disabledBy = admin;
            user.sessionEpoch++;
            audit.record(AuditTrail.USER_DISABLE, "user:" + user.username, "sessions ended");
        }
        return AccountViews.UserView.of(user);
    }

    @Transactional
    public AccountViews.UserView enable(long userId, String admin) {
        AppUser user = find(userId);
        if (!user.enabled()) {
            user.disabledAt = null;
            user.disabledBy = null;
            audit.record(AuditTrail.USER_ENABLE, "user:" + user.username, null);
        }
        return AccountViews.UserView.of(user);
    }

    /** Sets a temporary password the person must change at the next sign-in; ends the account's sessions. */
    @Transactional
    public AccountViews.UserView resetPassword(long userId, AccountViews.PasswordReset req, String admin) {
        validation.check(req);
        AppUser user = find(userId);
        user.passwordHash = BcryptUtil.bcryptHash(req.temporaryPassword(), BCRYPT_COST);
        user.mustChangePassword = true;
        user.passwordChangedAt = OffsetDateTime.now();
        user.sessionEpoch++;
        audit.record(AuditTrail.PASSWORD_RESET, "user:" + user.username, "must change at next sign-in; sessions ended");
        return AccountViews.UserView.of(user);
    }

    /**
     * Sets the own password (the current one was checked by the caller, under the login throttle). Ends the account's
     * other sessions; returns the new session epoch so the caller's own browser can stay signed in.
     */
    @Transactional
    public int changeOwnPassword(String username, String newPassword) {
        AppUser user = AppUser.findByUsername(username);
        if (user == null) {
            throw DomainException.notFound("No such account");
        }
        if (BcryptUtil.matches(newPassword, user.passwordHash)) {
            throw Validation.field("newPassword", "must differ from the current password");
        }
        user.passwordHash = BcryptUtil.bcryptHash(newPassword, BCRYPT_COST);
        user.mustChangePassword = false;
        user.passwordChangedAt = OffsetDateTime.now();
        user.sessionEpoch++;
        audit.record(AuditTrail.PASSWORD_CHANGE, username, "user:" + username, true, "other sessions ended");
        return user.sessionEpoch;
    }

    /** Logout: every session of the account ends (on every device and replica). */
    @Transactional
    public void endSessions(String username) {
        AppUser user = AppUser.findByUsername(username);
        if (user != null) {
            user.sessionEpoch++;
            audit.record(AuditTrail.SIGN_OUT, username, "user:" + username, true, "sessions ended");
        }
    }

    private static AppUser find(long userId) {
        AppUser user = AppUser.findById(userId);
        if (user == null) {
            throw DomainException.notFound("No user with id " + userId);
        }
        return user;
    }

    private static void requireAnotherAdmin(AppUser user) {
        long enabledAdmins = AppUser.countEnabledWithRole(Roles.ADMIN);
        if (enabledAdmins <= 1) {
            throw DomainException.conflict("'" + user.username + "' is the last enabled admin; make another admin first");
        }
    }
}
