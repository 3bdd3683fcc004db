-- Probe evidence in checklists: an assessment is linked to fleet hosts; the latest results of the probes that verify
-- an item's requirement (through its countermeasures) are shown on the item with a suggested result, and the
-- assessor's decision on that suggestion is recorded here with the provenance of every observation it relied on.

CREATE TABLE assessment_host (
    assessment_id bigint      NOT NULL REFERENCES assessment (id),
    host_id       bigint      NOT NULL REFERENCES fleet_host (id),
    linked_by     text        NOT NULL,
    linked_at     timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (assessment_id, host_id)
);
CREATE INDEX assessment_host_host_idx ON assessment_host (host_id);

-- One decision on the probe evidence of one item: 'accepted' takes the suggested result, 'overridden' records another
-- result and requires a reason. observations is the snapshot the decision was made on:
-- [{"hostId":1,"host":"web-1","checkId":"...","countermeasures":[...],"status":"pass","observed":"...",
--   "reportId":"<uuid>","finishedAt":"...","agentVersion":"..."}]
CREATE TABLE item_probe_evidence (
    id               bigserial   PRIMARY KEY,
    item_id          bigint      NOT NULL REFERENCES checklist_item (id),
    decision         text        NOT NULL CHECK (decision IN ('accepted', 'overridden')),
    suggested_result text        NOT NULL CHECK (suggested_result IN ('satisfied', 'partially-satisfied', 'not-satisfied', 'not-applicable', 'not-assessed')),
    recorded_result  text        NOT NULL CHECK (recorded_result IN ('satisfied', 'partially-satisfied', 'not-satisfied', 'not-applicable', 'not-assessed')),
    reason           text        CHECK (length(reason) <= 20000),
    decided_by       text        NOT NULL,
    decided_at       timestamptz NOT NULL DEFAULT now(),
    observations     jsonb       NOT NULL,
    CHECK (decision = 'accepted' OR length(btrim(coalesce(reason, ''))) > 0),
    CHECK (decision = 'overridden' OR recorded_result = suggested_result)
);
CREATE INDEX item_probe_evidence_item_idx ON item_probe_evidence (item_id, id);

