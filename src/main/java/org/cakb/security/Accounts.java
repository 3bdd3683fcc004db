package org.cakb.security;

import org.cakb.common.DomainException;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;
import org.cakb.common.Validation;

import java.util.LinkedHashSet;
import java.util.List;

/** People's accounts: listing and creating them (passwords stored as bcrypt hashes by {@link AppUser}). */
@ApplicationScoped
public class Accounts {

    @Inject
    Validation validation;

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
        return AccountViews.UserView.of(AppUser.create(req.username(), req.password(), roles));
    }
}
