-- "Where does this probe fail now?" without touching every current result: per probe, status, host and runtime, how
-- many current results there are on that host's present subjects (the host itself and its containers that are not
-- gone), and how many of those are in containers. The fleet page reads its counts here and pages through hosts by
-- name here, then reads only the rows of the hosts on the page.
--
-- Kept by the ingestion path (org.cakb.fleet.CheckCounts, in the report's transaction): every status change it writes
-- moves these counts, and a container that disappears or comes back leaves or rejoins them with its whole state.
-- (Statement-level triggers did the same, but doubled PostgreSQL's CPU per 1 %-changed report in bench/fleet.sh.)
-- A result counts while its subject is present; rows of a deleted host go with it (cascade).
CREATE TABLE fleet_check_host_count (
    check_id   text    NOT NULL,
    status     text    NOT NULL,
    host_id    bigint  NOT NULL REFERENCES fleet_host (id) ON DELETE CASCADE,
    runtime    text    NOT NULL,
    results    integer NOT NULL,
    containers integer NOT NULL,
    PRIMARY KEY (check_id, status, host_id, runtime)
);

INSERT INTO fleet_check_host_count (check_id, status, host_id, runtime, results, containers)
SELECT c.check_id, c.status, s.host_id, s.runtime, count(*), count(*) FILTER (WHERE s.kind = 'container')
FROM fleet_check_state c JOIN fleet_subject s ON s.id = c.subject_id AND s.gone_at IS NULL
GROUP BY 1, 2, 3, 4;
