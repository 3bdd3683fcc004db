-- Fleet: hosts, one-time enrollment tokens, per-host agent credentials, and the reports agents submit.
-- Tokens and credentials are random secrets; only their SHA-256 hashes are stored.

CREATE TABLE fleet_host (
    id             bigserial   PRIMARY KEY,
    name           text        NOT NULL UNIQUE CHECK (name ~ '^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$'),
    description    text        NOT NULL DEFAULT '',
    labels         jsonb       NOT NULL DEFAULT '{}'::jsonb,
    created_at     timestamptz NOT NULL DEFAULT now(),
    created_by     text        NOT NULL,
    last_seen_at   timestamptz,
    agent_version  text,
    vantage        text,
    runtime        text,
    hostname       text,
    kernel         text,
    os_release     text
);

CREATE TABLE fleet_enrollment_token (
    id          bigserial   PRIMARY KEY,
    host_id     bigint      NOT NULL REFERENCES fleet_host (id) ON DELETE CASCADE,
    token_hash  text        NOT NULL UNIQUE,
    created_at  timestamptz NOT NULL DEFAULT now(),
    created_by  text        NOT NULL,
    expires_at  timestamptz NOT NULL,
    used_at     timestamptz
);

CREATE TABLE fleet_credential (
    id               bigserial   PRIMARY KEY,
    host_id          bigint      NOT NULL REFERENCES fleet_host (id) ON DELETE CASCADE,
    credential_hash  text        NOT NULL UNIQUE,
    created_at       timestamptz NOT NULL DEFAULT now(),
    last_used_at     timestamptz,
    revoked_at       timestamptz,
    revoked_by       text
);

CREATE TABLE fleet_report (
    id              uuid        PRIMARY KEY,
    host_id         bigint      NOT NULL REFERENCES fleet_host (id) ON DELETE CASCADE,
    credential_id   bigint      NOT NULL REFERENCES fleet_credential (id),
    received_at     timestamptz NOT NULL DEFAULT now(),
    started_at      timestamptz NOT NULL,
    finished_at     timestamptz NOT NULL,
    agent_version   text        NOT NULL,
    vantage         text,
    runtime         text,
    hostname        text,
    kernel          text,
    os_release      text,
    passed          integer     NOT NULL,
    failed          integer     NOT NULL,
    not_applicable  integer     NOT NULL,
    errors          integer     NOT NULL,
    payload_sha256  text        NOT NULL,
    payload         jsonb       NOT NULL
);
CREATE INDEX fleet_report_host_idx ON fleet_report (host_id, finished_at DESC);

CREATE TABLE fleet_result (
    report_id        uuid    NOT NULL REFERENCES fleet_report (id) ON DELETE CASCADE,
    check_id         text    NOT NULL,
    countermeasures  text[]  NOT NULL,
    status           text    NOT NULL CHECK (status IN ('pass', 'fail', 'not-applicable', 'error')),
    observed         text,
    expected         text,
    explanation      text,
    PRIMARY KEY (report_id, check_id)
);
CREATE INDEX fleet_result_check_idx ON fleet_result (check_id);
