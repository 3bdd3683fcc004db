-- Read-only API tokens for GRC tools. The secret is shown once at creation; only its SHA-256 is stored.
CREATE TABLE api_token (
    id            bigserial   PRIMARY KEY,
    name          text        NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
    scope         text        NOT NULL DEFAULT 'read' CHECK (scope = 'read'),
    token_hash    text        NOT NULL UNIQUE,
    created_at    timestamptz NOT NULL DEFAULT now(),
    created_by    text        NOT NULL,
    expires_at    timestamptz,
    last_used_at  timestamptz,
    revoked_at    timestamptz,
    revoked_by    text
);
