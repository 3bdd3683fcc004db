-- Ingestion of changed reports (issue #15, 1 % of results changed per report): let the rows a report changes be
-- updated in place (HOT: no new index entry in any index of the table) instead of as new row versions that every index
-- of the table must point to. PostgreSQL 15 updates a row in place only when no indexed column changes and its page has
-- room, so:
--
-- fleet_subject: every report that changes a container's counts sets its changed_at; the index on changed_at alone made
-- each of those updates write three index entries. Its only reader is the containers API's updatedSince filter, which
-- also filters by host (the unique key's host_id leads) or pages the fleet's containers in id order (primary key), and
-- reads changed_at from the row. Dropped; pages kept 30 % free for in-place updates.
DROP INDEX fleet_subject_changed_idx;
ALTER TABLE fleet_subject SET (fillfactor = 70);

-- fleet_check_state: the status was a key column of the "where does this probe have this status" index, so every status
-- change wrote two index entries (this index and the primary key). The index on the probe alone answers the same
-- lookups (the status is read from the row: about 21 rows per host per probe); the fleet page itself reads
-- fleet_check_host_count and then only the hosts of its page by primary key.
CREATE INDEX fleet_check_state_probe_idx ON fleet_check_state (check_id);
DROP INDEX fleet_check_state_check_idx;

-- fleet_check_host_count: moved by every status change; keep room on its pages for in-place updates too.
ALTER TABLE fleet_check_host_count SET (fillfactor = 70);
