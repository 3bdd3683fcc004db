-- "Where does this probe fail now?" without touching every current result: per probe, status, host and runtime, how
-- many current results there are on that host's present subjects (the host itself and its containers that are not
-- gone), and how many of those are in containers. The fleet page reads its counts here and pages through hosts by
-- name here, then reads only the rows of the hosts on the page.
--
-- Kept by triggers, so every writer (ingestion, retention, a restore, test data inserted in SQL) keeps it right:
--   * fleet_check_state INSERT / UPDATE / DELETE (statement level, transition tables: one upsert per statement, however
--     many rows a report writes);
--   * fleet_subject gone_at set or cleared (a container disappears or comes back: its results leave or rejoin).
-- A result counts while its subject is present; rows of a subject deleted with its host go with the host (cascade).
CREATE TABLE fleet_check_host_count (
    check_id   text    NOT NULL,
    status     text    NOT NULL,
    host_id    bigint  NOT NULL REFERENCES fleet_host (id) ON DELETE CASCADE,
    runtime    text    NOT NULL,
    results    integer NOT NULL,
    containers integer NOT NULL,
    PRIMARY KEY (check_id, status, host_id, runtime)
);

CREATE FUNCTION fleet_check_host_count_add(deltas jsonb) RETURNS void LANGUAGE sql AS $$
    INSERT INTO fleet_check_host_count AS k (check_id, status, host_id, runtime, results, containers)
    SELECT d.check_id, d.status, d.host_id, d.runtime, d.results, d.containers
    FROM jsonb_to_recordset(deltas) AS d (check_id text, status text, host_id bigint, runtime text, results integer, containers integer)
    WHERE d.results <> 0 OR d.containers <> 0
    ORDER BY 1, 2, 3, 4
    ON CONFLICT (check_id, status, host_id, runtime)
    DO UPDATE SET results = k.results + excluded.results, containers = k.containers + excluded.containers
$$;

CREATE FUNCTION fleet_check_state_counted() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    deltas jsonb;
BEGIN
    IF TG_OP = 'INSERT' THEN
        SELECT jsonb_agg(d) INTO deltas FROM (
            SELECT n.check_id, n.status, s.host_id, s.runtime, count(*) AS results,
                   count(*) FILTER (WHERE s.kind = 'container') AS containers
            FROM new_rows n JOIN fleet_subject s ON s.id = n.subject_id AND s.gone_at IS NULL
            GROUP BY 1, 2, 3, 4) d;
    ELSIF TG_OP = 'DELETE' THEN
        SELECT jsonb_agg(d) INTO deltas FROM (
            SELECT o.check_id, o.status, s.host_id, s.runtime, -count(*) AS results,
                   -count(*) FILTER (WHERE s.kind = 'container') AS containers
            FROM old_rows o JOIN fleet_subject s ON s.id = o.subject_id AND s.gone_at IS NULL
            GROUP BY 1, 2, 3, 4) d;
    ELSE
        SELECT jsonb_agg(d) INTO deltas FROM (
            SELECT check_id, status, host_id, runtime, sum(results) AS results, sum(containers) AS containers FROM (
                SELECT n.check_id, n.status, s.host_id, s.runtime, 1 AS results, CASE WHEN s.kind = 'container' THEN 1 ELSE 0 END AS containers
                FROM new_rows n JOIN fleet_subject s ON s.id = n.subject_id AND s.gone_at IS NULL
                UNION ALL
                SELECT o.check_id, o.status, s.host_id, s.runtime, -1, CASE WHEN s.kind = 'container' THEN -1 ELSE 0 END
                FROM old_rows o JOIN fleet_subject s ON s.id = o.subject_id AND s.gone_at IS NULL) c
            GROUP BY 1, 2, 3, 4) d;
    END IF;
    IF deltas IS NOT NULL THEN
        PERFORM fleet_check_host_count_add(deltas);
    END IF;
    RETURN NULL;
END $$;

CREATE TRIGGER fleet_check_state_counted_insert AFTER INSERT ON fleet_check_state
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION fleet_check_state_counted();
CREATE TRIGGER fleet_check_state_counted_update AFTER UPDATE ON fleet_check_state
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION fleet_check_state_counted();
CREATE TRIGGER fleet_check_state_counted_delete AFTER DELETE ON fleet_check_state
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION fleet_check_state_counted();

CREATE FUNCTION fleet_subject_presence_counted() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    sign integer := CASE WHEN NEW.gone_at IS NULL THEN 1 ELSE -1 END;
    deltas jsonb;
BEGIN
    SELECT jsonb_agg(d) INTO deltas FROM (
        SELECT c.check_id, c.status, NEW.host_id AS host_id, NEW.runtime AS runtime, sign * count(*) AS results,
               CASE WHEN NEW.kind = 'container' THEN sign * count(*) ELSE 0 END AS containers
        FROM fleet_check_state c WHERE c.subject_id = NEW.id GROUP BY 1, 2) d;
    IF deltas IS NOT NULL THEN
        PERFORM fleet_check_host_count_add(deltas);
    END IF;
    RETURN NULL;
END $$;

CREATE TRIGGER fleet_subject_presence_counted AFTER UPDATE OF gone_at ON fleet_subject
    FOR EACH ROW WHEN ((OLD.gone_at IS NULL) <> (NEW.gone_at IS NULL)) EXECUTE FUNCTION fleet_subject_presence_counted();

INSERT INTO fleet_check_host_count (check_id, status, host_id, runtime, results, containers)
SELECT c.check_id, c.status, s.host_id, s.runtime, count(*), count(*) FILTER (WHERE s.kind = 'container')
FROM fleet_check_state c JOIN fleet_subject s ON s.id = c.subject_id AND s.gone_at IS NULL
GROUP BY 1, 2, 3, 4;
