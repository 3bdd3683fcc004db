-- The fleet page's per-host counts (V83) as one row per probe, host and runtime with a column per status, instead of a
-- row per status: a status change (pass -> fail) moved two rows and now moves one. In bench/fleet.sh's 1 % phase the
-- count upsert was PostgreSQL's largest cost per batch of reports (pg_stat_statements: 0.8 ms of about 3.3 ms), about
-- 16 microseconds per row. Same meaning: per probe, host and runtime, how many current results of each status the host's
-- present subjects hold, and how many of those are in containers. Kept by org.cakb.fleet.CheckCounts.
CREATE TABLE fleet_check_host_tally (
    check_id                  text    NOT NULL,
    host_id                   bigint  NOT NULL REFERENCES fleet_host (id) ON DELETE CASCADE,
    runtime                   text    NOT NULL,
    pass_results              integer NOT NULL,
    fail_results              integer NOT NULL,
    not_applicable_results    integer NOT NULL,
    error_results             integer NOT NULL,
    pass_containers           integer NOT NULL,
    fail_containers           integer NOT NULL,
    not_applicable_containers integer NOT NULL,
    error_containers          integer NOT NULL,
    PRIMARY KEY (check_id, host_id, runtime)
) WITH (fillfactor = 70);

INSERT INTO fleet_check_host_tally
SELECT check_id, host_id, runtime,
       coalesce(sum(results) FILTER (WHERE status = 'pass'), 0), coalesce(sum(results) FILTER (WHERE status = 'fail'), 0),
       coalesce(sum(results) FILTER (WHERE status = 'not-applicable'), 0), coalesce(sum(results) FILTER (WHERE status = 'error'), 0),
       coalesce(sum(containers) FILTER (WHERE status = 'pass'), 0), coalesce(sum(containers) FILTER (WHERE status = 'fail'), 0),
       coalesce(sum(containers) FILTER (WHERE status = 'not-applicable'), 0), coalesce(sum(containers) FILTER (WHERE status = 'error'), 0)
FROM fleet_check_host_count GROUP BY check_id, host_id, runtime;

DROP TABLE fleet_check_host_count;
