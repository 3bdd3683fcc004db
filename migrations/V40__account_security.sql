-- Account lifecycle (issue #17): disabled accounts, forced password change, and a session epoch that every signed-in
-- request is checked against (bumped on logout, disabling, password change or reset), so those end the account's
-- sessions on every replica at once.
ALTER TABLE app_user
    ADD COLUMN disabled_at          timestamptz,
    ADD COLUMN disabled_by          text,
    ADD COLUMN must_change_password boolean     NOT NULL DEFAULT false,
    ADD COLUMN password_changed_at  timestamptz,
    ADD COLUMN session_epoch        integer     NOT NULL DEFAULT 0;

-- Login throttling replaces the per (username, address) lock of V2: a progressive delay per account (never a lock an
-- attacker can make permanent) and a failure budget per client address. Rows older than the window are pruned.
DROP TABLE IF EXISTS login_failure;
CREATE TABLE login_failure_account (
    username       text        PRIMARY KEY CHECK (length(username) <= 100),
    failures       integer     NOT NULL,
    last_failure   timestamptz NOT NULL,
    next_attempt_at timestamptz NOT NULL
);
CREATE TABLE login_failure_address (
    client_address text        PRIMARY KEY CHECK (length(client_address) <= 64),
    failures       integer     NOT NULL,
    window_start   timestamptz NOT NULL,
    last_failure   timestamptz NOT NULL
);
CREATE INDEX login_failure_account_last ON login_failure_account (last_failure);
CREATE INDEX login_failure_address_last ON login_failure_address (last_failure);

-- API tokens: every token expires (the application caps the lifetime); tokens created before without an expiry get
-- the default lifetime from now. A rotated token names its successor.
UPDATE api_token SET expires_at = now() + interval '90 days' WHERE expires_at IS NULL AND revoked_at IS NULL;
UPDATE api_token SET expires_at = revoked_at WHERE expires_at IS NULL;
ALTER TABLE api_token ALTER COLUMN expires_at SET NOT NULL,
    ADD COLUMN rotated_to bigint REFERENCES api_token (id);

-- Agent credential rotation: the old credential stays usable for a short overlap after the agent asked for a new one
-- (so a lost answer does not strand the agent) and is revoked as soon as the new one is used.
ALTER TABLE fleet_credential
    ADD COLUMN superseded_until timestamptz,
    ADD COLUMN rotated_to       bigint REFERENCES fleet_credential (id);
