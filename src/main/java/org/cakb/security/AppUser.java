package org.cakb.security;

import io.quarkus.elytron.security.common.BcryptUtil;
import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import io.quarkus.security.jpa.Password;
import io.quarkus.security.jpa.Roles;
import io.quarkus.security.jpa.UserDefinition;
import io.quarkus.security.jpa.Username;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import java.time.OffsetDateTime;

/** A person with roles: viewer, assessor, admin. The password is stored only as a bcrypt hash. */
@Entity
@Table(name = "app_user")
@UserDefinition
public class AppUser extends PanacheEntityBase {


    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    public Long id;

    @Username
    @Column(nullable = false, unique = true)
    public String username;

    @Password
    @Column(name = "password_hash", nullable = false)
    public String passwordHash;

    /** Comma-separated roles. */
    @Roles
    @Column(nullable = false)
    public String roles;

    @Column(name = "created_at", nullable = false)
    public OffsetDateTime createdAt = OffsetDateTime.now();

    @Column(name = "disabled_at")
    public OffsetDateTime disabledAt;

    @Column(name = "disabled_by")
    public String disabledBy;

    /** Set by an admin's password reset: the next sign-in leads straight to the change-password page. */
    @Column(name = "must_change_password", nullable = false)
    public boolean mustChangePassword;

    @Column(name = "password_changed_at")
    public OffsetDateTime passwordChangedAt;

    /** Every session carries the epoch it was issued in; bumping it ends them all (logout, disable, password change). */
    @Column(name = "session_epoch", nullable = false)
    public int sessionEpoch;

    /** Signed-in requests keep the account's state in memory ({@link SignedInAccounts}); every change drops it. */
    @jakarta.persistence.PostUpdate
    @jakarta.persistence.PostRemove
    void dropSignedInState() {
        SignedInAccounts.changedHere(username);
    }

    public static AppUser create(String username, String password, String roles) {
        AppUser user = new AppUser();
        user.username = username;
        user.passwordHash = BcryptUtil.bcryptHash(password, 12);
        user.roles = roles;
        user.persist();
        return user;
    }

    public static AppUser findByUsername(String username) {
        return find("username", username).firstResult();
    }

    public static long countWithRole(String role) {
        return find("roles like ?1", "%" + role + "%").count();
    }

    public static long countEnabledWithRole(String role) {
        return find("roles like ?1 and disabledAt is null", "%" + role + "%").count();
    }

    public boolean enabled() {
        return disabledAt == null;
    }
}
