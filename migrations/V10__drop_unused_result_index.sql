-- Every query reads results by report (the primary key's leading column); the index on check_id alone was never
-- used and cost a third of the index writes of each ingested report (50 result rows per report).
DROP INDEX fleet_result_check_idx;
