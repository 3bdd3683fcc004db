-- Measured platform defaults: what a runtime really did when the probe agent ran inside a container started with
-- that runtime's defaults (bin/measure-defaults). Kept apart from the content records (kb_record kind
-- 'platform-default', which are documented defaults with citations): measurements are imported observations.

-- One measurement of one runtime on one machine (or a note that the runtime was not available there).
CREATE TABLE measured_run (
    id               uuid        PRIMARY KEY,            -- measurementId; the agent report id for measured runs
    runtime          text        NOT NULL CHECK (runtime ~ '^[a-z0-9][a-z0-9._-]{0,31}$'),
    platform         text,                               -- platform:docker, ... (NULL for plain unshare)
    runtime_version  text,                               -- the runtime's own --version output
    kernel           text,
    measured_at      timestamptz NOT NULL,
    status           text        NOT NULL CHECK (status IN ('measured', 'skipped', 'error')),
    reason           text,                               -- why skipped or failed
    invocation       text,                               -- how the container was started
    source_report    uuid,                               -- the agent report the states were derived from
    agent_version    text,
    raw              jsonb       NOT NULL DEFAULT '{}'::jsonb,  -- CapBnd, Seccomp, NoNewPrivs, uid_map, ...
    payload_sha256   text        NOT NULL,
    payload          jsonb       NOT NULL,
    imported_at      timestamptz NOT NULL DEFAULT now(),
    imported_by      text        NOT NULL
);
CREATE INDEX measured_run_runtime_idx ON measured_run (runtime, measured_at DESC);

-- The measured PlatformDefault rows: per countermeasure, the state the agent observed and the raw observations.
CREATE TABLE measured_platform_default (
    run_id          uuid  NOT NULL REFERENCES measured_run (id) ON DELETE CASCADE,
    countermeasure  text  NOT NULL,
    state           text  NOT NULL CHECK (state IN ('enabled', 'disabled', 'partial', 'unknown')),
    observed        jsonb NOT NULL,                      -- [{id, status, observed}] of the checks that verify it
    PRIMARY KEY (run_id, countermeasure)
);
CREATE INDEX measured_platform_default_cm_idx ON measured_platform_default (countermeasure);
