-- Personal access tokens: a person's own bearer secrets for scripts, so API calls skip the bcrypt password check.
-- A token acts with the roles its owner holds at the time of each call ('read' narrows it to viewer rights). The
-- secret (256 random bits) is shown once; only its SHA-256 is stored. Expiry is mandatory (the service caps it).
CREATE TABLE personal_access_token (
    id            bigserial   PRIMARY KEY,
    user_id       bigint      NOT NULL REFERENCES app_user (id) ON DELETE CASCADE,
    name          text        NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
    scope         text        NOT NULL DEFAULT 'role' CHECK (scope IN ('role', 'read')),
    token_hash    text        NOT NULL UNIQUE,
    created_at    timestamptz NOT NULL DEFAULT now(),
    expires_at    timestamptz NOT NULL,
    last_used_at  timestamptz,
    revoked_at    timestamptz,
    revoked_by    text,
    CHECK (expires_at > created_at)
);
CREATE INDEX personal_access_token_user ON personal_access_token (user_id, id);
