-- Fleet storage by change (issue #15). Before: every report stored every result row, forever. Now:
--   fleet_subject      a host itself (kind 'host') or one of its containers (kind 'container'), with current counts
--   fleet_check_state  each check's current state per subject: status, observation, since when, and the report that saw it
--   fleet_transition   the history: one row per status change (and first observation), with the report that saw it
--   fleet_report       the receipt of every acknowledged report; the payload only when the report changed something
-- fleet_report and fleet_transition are partitioned by time (daily / monthly) so retention drops whole partitions
-- (org.cakb.fleet.FleetRetention) instead of deleting rows. Current state is never dropped.
-- fleet_current_result is THE definition of "the current results of a host and its containers"; every package reads it.

ALTER TABLE fleet_report RENAME TO fleet_report_v1;
ALTER TABLE fleet_result RENAME TO fleet_result_v1;
ALTER INDEX fleet_report_pkey RENAME TO fleet_report_v1_pkey;
ALTER INDEX fleet_report_host_idx RENAME TO fleet_report_v1_host_idx;
ALTER INDEX fleet_result_pkey RENAME TO fleet_result_v1_pkey;

ALTER TABLE fleet_host
    ADD COLUMN state_report_id   uuid,
    ADD COLUMN state_finished_at timestamptz,
    ADD COLUMN state_received_at timestamptz;
-- the host row is rewritten by every report (it holds the base of the next delta report): room for HOT updates
ALTER TABLE fleet_host SET (fillfactor = 50);

CREATE TABLE fleet_subject (
    id             bigserial   PRIMARY KEY,
    host_id        bigint      NOT NULL REFERENCES fleet_host (id) ON DELETE CASCADE,
    kind           text        NOT NULL CHECK (kind IN ('host', 'container')),
    runtime        text        NOT NULL DEFAULT '',
    container_id   text        NOT NULL DEFAULT '',
    name           text,
    image          text,
    pid            integer,
    cgroup         text,
    first_seen_at  timestamptz NOT NULL DEFAULT now(),
    changed_at     timestamptz NOT NULL DEFAULT now(),
    gone_at        timestamptz,
    passed         integer     NOT NULL DEFAULT 0,
    failed         integer     NOT NULL DEFAULT 0,
    not_applicable integer     NOT NULL DEFAULT 0,
    errors         integer     NOT NULL DEFAULT 0,
    CHECK ((kind = 'host') = (container_id = '')),
    UNIQUE (host_id, kind, runtime, container_id)
);
CREATE INDEX fleet_subject_changed_idx ON fleet_subject (changed_at);

CREATE TABLE fleet_check_state (
    subject_id      bigint      NOT NULL REFERENCES fleet_subject (id) ON DELETE CASCADE,
    check_id        text        NOT NULL,
    status          text        NOT NULL CHECK (status IN ('pass', 'fail', 'not-applicable', 'error')),
    observed        text,
    expected        text,
    explanation     text,
    since           timestamptz NOT NULL,
    since_report_id uuid        NOT NULL,
    PRIMARY KEY (subject_id, check_id)
) WITH (fillfactor = 80);
-- "where does this probe fail now?"
CREATE INDEX fleet_check_state_check_idx ON fleet_check_state (check_id, status);

CREATE TABLE fleet_report (
    id              uuid        NOT NULL,
    host_id         bigint      NOT NULL,
    credential_id   bigint      NOT NULL,
    received_at     timestamptz NOT NULL DEFAULT now(),
    started_at      timestamptz NOT NULL,
    finished_at     timestamptz NOT NULL,
    agent_version   text        NOT NULL,
    format          smallint    NOT NULL DEFAULT 1,
    base_report_id  uuid,
    applied         boolean     NOT NULL DEFAULT true,
    containers      integer     NOT NULL DEFAULT 0,
    changes         integer     NOT NULL DEFAULT 0,
    passed          integer     NOT NULL,
    failed          integer     NOT NULL,
    not_applicable  integer     NOT NULL,
    errors          integer     NOT NULL,
    payload_sha256  text        NOT NULL,
    payload         jsonb,
    PRIMARY KEY (id, started_at)
) PARTITION BY RANGE (started_at);
CREATE INDEX fleet_report_host_idx ON fleet_report (host_id, finished_at DESC);
CREATE TABLE fleet_report_default PARTITION OF fleet_report DEFAULT;

CREATE TABLE fleet_transition (
    subject_id      bigint      NOT NULL,
    check_id        text        NOT NULL,
    from_status     text,
    to_status       text        NOT NULL,
    observed        text,
    report_id       uuid        NOT NULL,
    observed_at     timestamptz NOT NULL,
    received_at     timestamptz NOT NULL DEFAULT now()
) PARTITION BY RANGE (received_at);
CREATE INDEX fleet_transition_subject_idx ON fleet_transition (subject_id, received_at DESC);
-- the drift feed: pass -> fail anywhere
CREATE INDEX fleet_transition_drift_idx ON fleet_transition (received_at) WHERE from_status = 'pass' AND to_status = 'fail';
CREATE TABLE fleet_transition_default PARTITION OF fleet_transition DEFAULT;

-- Creates the daily report partitions and the monthly transition partitions covering [first_day, last_day] (UTC).
CREATE FUNCTION fleet_ensure_partitions(first_day date, last_day date) RETURNS integer LANGUAGE plpgsql AS $$
DECLARE
    d date := first_day;
    m date := date_trunc('month', first_day)::date;
    created integer := 0;
BEGIN
    WHILE d <= last_day LOOP
        IF to_regclass('fleet_report_p' || to_char(d, 'YYYYMMDD')) IS NULL THEN
            EXECUTE format('CREATE TABLE %I PARTITION OF fleet_report FOR VALUES FROM (%L) TO (%L)',
                'fleet_report_p' || to_char(d, 'YYYYMMDD'), d::timestamp AT TIME ZONE 'UTC', (d + 1)::timestamp AT TIME ZONE 'UTC');
            EXECUTE format('ALTER TABLE %I ALTER COLUMN payload SET COMPRESSION lz4', 'fleet_report_p' || to_char(d, 'YYYYMMDD'));
            created := created + 1;
        END IF;
        d := d + 1;
    END LOOP;
    WHILE m <= last_day LOOP
        IF to_regclass('fleet_transition_p' || to_char(m, 'YYYYMM')) IS NULL THEN
            EXECUTE format('CREATE TABLE %I PARTITION OF fleet_transition FOR VALUES FROM (%L) TO (%L)',
                'fleet_transition_p' || to_char(m, 'YYYYMM'), m::timestamp AT TIME ZONE 'UTC',
                (m + interval '1 month')::timestamp AT TIME ZONE 'UTC');
            created := created + 1;
        END IF;
        m := (m + interval '1 month')::date;
    END LOOP;
    RETURN created;
END $$;

SELECT fleet_ensure_partitions(least((now() AT TIME ZONE 'UTC')::date - 31,
                                     coalesce((SELECT min(received_at AT TIME ZONE 'UTC')::date FROM fleet_report_v1),
                                              (now() AT TIME ZONE 'UTC')::date)),
                               (now() AT TIME ZONE 'UTC')::date + 7);

-- Existing data: one host subject per reporting host; history from every stored report (status changes only, as now);
-- current state from each host's latest report; receipts (with payloads) of the last 31 days.
INSERT INTO fleet_subject (host_id, kind, first_seen_at, changed_at)
SELECT host_id, 'host', min(received_at), max(received_at) FROM fleet_report_v1 GROUP BY host_id;

INSERT INTO fleet_transition (subject_id, check_id, from_status, to_status, observed, report_id, observed_at, received_at)
SELECT s.id, t.check_id, t.prev, t.status, t.observed, t.report_id, t.finished_at, t.received_at
FROM (SELECT r.host_id, x.check_id, x.status, x.observed, x.report_id, r.finished_at, r.received_at,
             lag(x.status) OVER (PARTITION BY r.host_id, x.check_id ORDER BY r.finished_at, r.received_at) AS prev
      FROM fleet_result_v1 x JOIN fleet_report_v1 r ON r.id = x.report_id) t
JOIN fleet_subject s ON s.host_id = t.host_id AND s.kind = 'host'
WHERE t.prev IS DISTINCT FROM t.status;

WITH latest AS (
    SELECT DISTINCT ON (host_id) id, host_id, finished_at, received_at FROM fleet_report_v1
    ORDER BY host_id, finished_at DESC, received_at DESC)
INSERT INTO fleet_check_state (subject_id, check_id, status, observed, expected, explanation, since, since_report_id)
SELECT s.id, x.check_id, x.status, x.observed, x.expected, x.explanation,
       coalesce(t.observed_at, l.finished_at), coalesce(t.report_id, l.id)
FROM latest l
JOIN fleet_result_v1 x ON x.report_id = l.id
JOIN fleet_subject s ON s.host_id = l.host_id AND s.kind = 'host'
LEFT JOIN LATERAL (SELECT observed_at, report_id FROM fleet_transition t
                   WHERE t.subject_id = s.id AND t.check_id = x.check_id ORDER BY received_at DESC LIMIT 1) t ON TRUE;

UPDATE fleet_subject s SET
    passed = (SELECT count(*) FROM fleet_check_state c WHERE c.subject_id = s.id AND c.status = 'pass'),
    failed = (SELECT count(*) FROM fleet_check_state c WHERE c.subject_id = s.id AND c.status = 'fail'),
    not_applicable = (SELECT count(*) FROM fleet_check_state c WHERE c.subject_id = s.id AND c.status = 'not-applicable'),
    errors = (SELECT count(*) FROM fleet_check_state c WHERE c.subject_id = s.id AND c.status = 'error');

UPDATE fleet_host h SET state_report_id = l.id, state_finished_at = l.finished_at, state_received_at = l.received_at
FROM (SELECT DISTINCT ON (host_id) id, host_id, finished_at, received_at FROM fleet_report_v1
      ORDER BY host_id, finished_at DESC, received_at DESC) l
WHERE h.id = l.host_id;

INSERT INTO fleet_report (id, host_id, credential_id, received_at, started_at, finished_at, agent_version, passed, failed,
                          not_applicable, errors, payload_sha256, payload)
SELECT id, host_id, credential_id, received_at, started_at, finished_at, agent_version, passed, failed, not_applicable, errors,
       payload_sha256, payload
FROM fleet_report_v1 WHERE started_at >= ((now() AT TIME ZONE 'UTC')::date - 31)::timestamp AT TIME ZONE 'UTC';

DROP TABLE fleet_result_v1;
DROP TABLE fleet_report_v1;

-- THE current results: every check of every present subject (the host itself and its containers that are not gone),
-- with the countermeasures the server's own content says the probe verifies (kb_link 'verifies'), never the agent's list.
CREATE VIEW fleet_current_result AS
SELECT s.host_id, h.name AS host, s.id AS subject_id, s.kind, s.runtime AS container_runtime, s.container_id,
       s.name AS container_name, s.image, c.check_id, coalesce(v.countermeasures, '{}') AS countermeasures, c.status,
       c.observed, c.expected, c.explanation, c.since, c.since_report_id,
       h.state_report_id AS report_id, h.state_finished_at AS finished_at, h.state_received_at AS received_at,
       h.agent_version, h.vantage, h.runtime
FROM fleet_check_state c
JOIN fleet_subject s ON s.id = c.subject_id AND s.gone_at IS NULL
JOIN fleet_host h ON h.id = s.host_id
LEFT JOIN (SELECT from_id, array_agg(to_id ORDER BY to_id) AS countermeasures
           FROM kb_link WHERE relation = 'verifies' GROUP BY from_id) v ON v.from_id = c.check_id;

-- Webhook-free drift: retention runs are recorded so /q/health can show the last one.
CREATE TABLE fleet_retention_run (
    id            bigserial   PRIMARY KEY,
    started_at    timestamptz NOT NULL DEFAULT now(),
    finished_at   timestamptz,
    outcome       text        NOT NULL CHECK (outcome IN ('succeeded', 'failed', 'skipped')),
    created       integer     NOT NULL DEFAULT 0,
    dropped       text[]      NOT NULL DEFAULT '{}',
    message       text
);
