-- Waivers are requested by an assessor and decided in the application by an admin who is not the requester (issue #17).
-- The item keeps its current (latest) waiver request; every step (request, approval, refusal, withdrawal) is also an
-- assessment_history row (append-only), so the item's history is the waiver's full history: who, when, why.
--   waiver_state      requested | approved | refused | withdrawn ("expired" is derived: approved and past its expiry)
--   waiver_approver   the signed-in admin account that approved it, only while approved; never typed by anybody
--   waiver_controls   compensating controls the requester names (optional)
ALTER TABLE checklist_item
    ADD COLUMN waiver_state           text CHECK (waiver_state IN ('requested', 'approved', 'refused', 'withdrawn')),
    ADD COLUMN waiver_controls        text CHECK (length(waiver_controls) <= 4000),
    ADD COLUMN waiver_requested_by    text,
    ADD COLUMN waiver_requested_at    timestamptz,
    ADD COLUMN waiver_decided_by      text,
    ADD COLUMN waiver_decided_at      timestamptz,
    ADD COLUMN waiver_decision_note   text CHECK (length(waiver_decision_note) <= 4000),
    ADD COLUMN waiver_legacy_approver text;

-- The V3 rule (reason, approver and expiry all set or all empty) no longer holds: a request has no approver yet.
DO $$
DECLARE c record;
BEGIN
    FOR c IN SELECT conname FROM pg_constraint
             WHERE conrelid = 'checklist_item'::regclass AND contype = 'c' AND pg_get_constraintdef(oid) LIKE '%waiver_approver%'
    LOOP
        EXECUTE format('ALTER TABLE checklist_item DROP CONSTRAINT %I', c.conname);
    END LOOP;
END $$;

-- Existing waivers named an approver the assessor typed, which nobody verified: they become requests awaiting an
-- admin's decision (so none counts as approved until an admin approves it in the application). The typed name is
-- kept for the deciding admin to see, and the change is written to the item's history.
INSERT INTO assessment_history (assessment_id, item_id, actor, field, old_value, new_value)
SELECT assessment_id, id, 'migration V80', 'waiverState',
       'approved (approver typed as "' || waiver_approver || '", unverified)', 'requested'
FROM checklist_item WHERE waiver_reason IS NOT NULL;

UPDATE checklist_item
SET waiver_state = 'requested',
    waiver_requested_by = coalesce(updated_by, 'unknown'),
    waiver_requested_at = coalesce(updated_at, now()),
    waiver_legacy_approver = waiver_approver,
    waiver_approver = NULL
WHERE waiver_reason IS NOT NULL;

ALTER TABLE checklist_item
    ADD CONSTRAINT checklist_item_waiver_complete CHECK ((waiver_state IS NULL) = (waiver_reason IS NULL)
        AND (waiver_state IS NULL) = (waiver_expires IS NULL) AND (waiver_state IS NULL) = (waiver_requested_by IS NULL)),
    -- an approval names the approving account, and that account is never the requester (separation of duties)
    ADD CONSTRAINT checklist_item_waiver_approver CHECK ((waiver_state = 'approved') = (waiver_approver IS NOT NULL)
        AND (waiver_state IS NOT NULL OR waiver_approver IS NULL) AND (waiver_approver IS NULL OR waiver_approver <> waiver_requested_by));

CREATE INDEX checklist_item_waiver_requested_idx ON checklist_item (waiver_requested_at) WHERE waiver_state = 'requested';
