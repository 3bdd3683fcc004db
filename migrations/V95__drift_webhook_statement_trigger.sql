-- Drift webhooks' outbox (V82), queued once per statement instead of once per row: ingestion writes a batch's
-- transitions in one statement, and the row trigger ran a PL/pgSQL function for each pass <-> fail transition (each
-- one checking for an enabled webhook and reading its subject and host) whether or not any webhook existed. Same
-- events, same payloads, still in the ingesting transaction: one event id per transition, one delivery row per event
-- and enabled webhook.
DROP TRIGGER fleet_transition_drift_webhook ON fleet_transition;
DROP FUNCTION drift_webhook_enqueue();

CREATE FUNCTION drift_webhook_enqueue_transitions() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM drift_webhook WHERE disabled_at IS NULL) THEN
        RETURN NULL;
    END IF;
    WITH event AS MATERIALIZED (
        SELECT gen_random_uuid() AS id,
               CASE WHEN n.to_status = 'fail' THEN 'check.failed' ELSE 'check.recovered' END AS kind,
               n.check_id, n.from_status, n.to_status, n.observed, n.report_id, n.observed_at, n.received_at,
               sub.host_id, h.name AS host, sub.kind AS subject_kind, sub.id AS subject_id,
               coalesce(sub.name, sub.container_id) AS container, nullif(sub.runtime, '') AS runtime
        FROM new_transitions n
        JOIN fleet_subject sub ON sub.id = n.subject_id
        JOIN fleet_host h ON h.id = sub.host_id
        WHERE (n.from_status = 'pass' AND n.to_status = 'fail') OR (n.from_status = 'fail' AND n.to_status = 'pass')
    )
    INSERT INTO drift_webhook_delivery (webhook_id, event_id, event_type, payload)
    SELECT w.id, e.id, e.kind, jsonb_build_object(
               'id', e.id, 'type', e.kind, 'hostId', e.host_id, 'host', e.host,
               'containerSubjectId', CASE WHEN e.subject_kind = 'container' THEN e.subject_id END,
               'container', CASE WHEN e.subject_kind = 'container' THEN e.container END,
               'runtime', e.runtime, 'checkId', e.check_id, 'fromStatus', e.from_status, 'toStatus', e.to_status,
               'observed', e.observed, 'reportId', e.report_id, 'observedAt', e.observed_at,
               'receivedAt', e.received_at)::text
    FROM event e CROSS JOIN drift_webhook w WHERE w.disabled_at IS NULL;
    RETURN NULL;
END $$;

CREATE TRIGGER fleet_transition_drift_webhook AFTER INSERT ON fleet_transition
    REFERENCING NEW TABLE AS new_transitions FOR EACH STATEMENT
    EXECUTE FUNCTION drift_webhook_enqueue_transitions();
