-- The receipt keys of acknowledged reports, for the exactly-once check of ingestion (issue #15, throughput).
-- fleet_report is partitioned by day (startedAt) so retention drops whole partitions; its primary key therefore
-- includes started_at, and looking a report id up "in every kept partition" probed ~40 partition indexes (and locked
-- them) for every report. This table answers the same question with one index probe, and its primary key on the id
-- alone also refuses a reused id across hosts, which the partitioned key could not.
-- Small rows (~100 bytes with the index). They are kept at least as long as a resend can be accepted (startedAt at most
-- 30 days old, 5 minutes of clock skew): org.cakb.fleet.FleetRetention deletes keys received more than 31 days ago
-- (the only retention by row delete; payloads, receipts and history still go by dropping partitions).
CREATE TABLE fleet_report_key (
    id             uuid        PRIMARY KEY,
    host_id        bigint      NOT NULL,
    payload_sha256 bytea       NOT NULL,
    received_at    timestamptz NOT NULL DEFAULT now()
);
-- BRIN: keys arrive in received order; the retention delete needs only block ranges, and BRIN costs nothing per insert
CREATE INDEX fleet_report_key_received_idx ON fleet_report_key USING brin (received_at);

INSERT INTO fleet_report_key (id, host_id, payload_sha256, received_at)
SELECT DISTINCT ON (id) id, host_id, decode(payload_sha256, 'hex'), received_at FROM fleet_report ORDER BY id, received_at;
