package org.cakb.security;

import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;

import java.time.OffsetDateTime;
import java.util.List;

/** Request and response shapes of accounts. */
public final class AccountViews {

    private AccountViews() {
    }

    public record NewUser(
            @NotBlank @Pattern(regexp = "[a-z0-9][a-z0-9._@-]{1,63}", message = "2-64 lower-case letters, digits, . _ @ -") String username,
            @NotBlank @Size(min = 12, max = 200, message = "must be 12 to 200 characters") String password,
            @NotNull @Size(min = 1) List<@NotNull @Pattern(regexp = "viewer|assessor|admin", message = "must be viewer, assessor or admin") String> roles) {
    }

    public record RoleChange(
            @NotNull @Size(min = 1, message = "at least one role") List<@NotNull @Pattern(regexp = "viewer|assessor|admin", message = "must be viewer, assessor or admin") String> roles) {
    }

    public record PasswordReset(@NotBlank @Size(min = 12, max = 200, message = "must be 12 to 200 characters") String temporaryPassword) {
    }

    public record PasswordChange(@NotBlank String currentPassword,
                                 @NotBlank @Size(min = 12, max = 200, message = "must be 12 to 200 characters") String newPassword) {
    }

    public record UserView(long id, String username, List<String> roles, OffsetDateTime createdAt, boolean disabled,
                           OffsetDateTime disabledAt, String disabledBy, boolean mustChangePassword) {
        public static UserView of(AppUser u) {
            return new UserView(u.id, u.username, List.of(u.roles.split(",")), u.createdAt, !u.enabled(), u.disabledAt, u.disabledBy,
                    u.mustChangePassword);
        }

        public boolean has(String role) {
            return roles.contains(role);
        }
    }

    static final String USER_EXAMPLE = """
            {"id": 5, "username": "alice", "roles": ["assessor"], "createdAt": "2026-11-01T09:00:00Z", "disabled": false,
             "mustChangePassword": false}""";

    static final String DISABLED_USER_EXAMPLE = """
            {"id": 5, "username": "alice", "roles": ["assessor"], "createdAt": "2026-11-01T09:00:00Z", "disabled": true,
             "disabledAt": "2026-12-01T09:00:00Z", "disabledBy": "admin", "mustChangePassword": false}""";

    static final String USERS_EXAMPLE = """
            [{"id": 5, "username": "alice", "roles": ["assessor"], "createdAt": "2026-11-01T09:00:00Z", "disabled": false,
              "mustChangePassword": false}]""";
}
