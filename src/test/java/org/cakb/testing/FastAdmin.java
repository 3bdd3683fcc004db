package org.cakb.testing;

import org.cakb.security.Roles;

import io.quarkus.elytron.security.common.BcryptUtil;
import io.quarkus.narayana.jta.QuarkusTransaction;
import org.cakb.security.AppUser;

/**
 * A second admin account hashed with bcrypt cost 4, for tests that send hundreds of Basic-authenticated admin
 * requests (the bootstrap admin's full-cost hash makes each of them slow on a busy machine).
 */
public final class FastAdmin {

    public static final String USERNAME = "fast-admin";
    public static final String PASSWORD = "fast-admin-password";

    private FastAdmin() {
    }

    public static void ensure() {
        QuarkusTransaction.requiringNew().run(() -> {
            if (AppUser.findByUsername(USERNAME) == null) {
                AppUser user = new AppUser();
                user.username = USERNAME;
                user.passwordHash = BcryptUtil.bcryptHash(PASSWORD, 4);
                user.roles = Roles.ADMIN;
                user.persist();
            }
        });
    }
}
