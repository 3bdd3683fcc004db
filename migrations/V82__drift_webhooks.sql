-- Drift webhooks (issue #15): admins register HTTPS endpoints that receive every check status change pass -> fail
-- ("check.failed", the events of /api/v1/drift) and fail -> pass ("check.recovered") as a signed JSON POST.
-- drift_webhook_delivery is the outbox: a trigger on fleet_transition writes one row per event and enabled webhook in
-- the ingesting transaction itself, so an event is queued exactly when its transition commits (none lost, none
-- invented by a rolled-back report); org.cakb.fleet.DriftWebhookSender delivers them at least once, with retries.
CREATE TABLE drift_webhook (
    id                bigserial   PRIMARY KEY,
    url               text        NOT NULL CHECK (length(url) BETWEEN 1 AND 2000),
    description       text        NOT NULL DEFAULT '' CHECK (length(description) <= 200),
    -- the signing secret, encrypted (AES-256-GCM, key from cakb.webhooks.secret-key): it must be readable to sign
    -- each body, so it cannot be hashed like the bearer secrets
    secret_ciphertext text        NOT NULL,
    secret_hint       text        NOT NULL CHECK (length(secret_hint) <= 40),
    created_by        text        NOT NULL,
    created_at        timestamptz NOT NULL DEFAULT now(),
    disabled_by       text,
    disabled_at       timestamptz,
    CHECK ((disabled_by IS NULL) = (disabled_at IS NULL))
);

-- state: pending (due at next_attempt_at), delivered (2xx), refused (the receiver answered 4xx or a redirect: not
-- retried), failed (gave up after the last retry), cancelled (the webhook was disabled before delivery)
CREATE TABLE drift_webhook_delivery (
    id              bigserial   PRIMARY KEY,
    webhook_id      bigint      NOT NULL REFERENCES drift_webhook (id),
    event_id        uuid        NOT NULL,
    event_type      text        NOT NULL CHECK (event_type IN ('check.failed', 'check.recovered')),
    payload         text        NOT NULL,
    state           text        NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'delivered', 'refused', 'failed', 'cancelled')),
    attempts        integer     NOT NULL DEFAULT 0,
    next_attempt_at timestamptz NOT NULL DEFAULT now(),
    last_attempt_at timestamptz,
    last_status     integer,
    last_error      text        CHECK (length(last_error) <= 1000),
    created_at      timestamptz NOT NULL DEFAULT now(),
    finished_at     timestamptz,
    UNIQUE (webhook_id, event_id)
);
CREATE INDEX drift_webhook_delivery_due ON drift_webhook_delivery (next_attempt_at) WHERE state = 'pending';
CREATE INDEX drift_webhook_delivery_recent ON drift_webhook_delivery (webhook_id, id DESC);

CREATE FUNCTION drift_webhook_enqueue() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    s record;
    event uuid;
    kind text;
BEGIN
    IF NOT EXISTS (SELECT 1 FROM drift_webhook WHERE disabled_at IS NULL) THEN
        RETURN NULL;
    END IF;
    SELECT sub.host_id, h.name AS host, sub.kind, sub.id, coalesce(sub.name, sub.container_id) AS container,
           nullif(sub.runtime, '') AS runtime
    INTO s FROM fleet_subject sub JOIN fleet_host h ON h.id = sub.host_id WHERE sub.id = NEW.subject_id;
    event := gen_random_uuid();
    kind := CASE WHEN NEW.to_status = 'fail' THEN 'check.failed' ELSE 'check.recovered' END;
    INSERT INTO drift_webhook_delivery (webhook_id, event_id, event_type, payload)
    SELECT w.id, event, kind, jsonb_build_object(
               'id', event, 'type', kind, 'hostId', s.host_id, 'host', s.host,
               'containerSubjectId', CASE WHEN s.kind = 'container' THEN s.id END,
               'container', CASE WHEN s.kind = 'container' THEN s.container END,
               'runtime', s.runtime, 'checkId', NEW.check_id, 'fromStatus', NEW.from_status, 'toStatus', NEW.to_status,
               'observed', NEW.observed, 'reportId', NEW.report_id, 'observedAt', NEW.observed_at,
               'receivedAt', NEW.received_at)::text
    FROM drift_webhook w WHERE w.disabled_at IS NULL;
    RETURN NULL;
END $$;

CREATE TRIGGER fleet_transition_drift_webhook AFTER INSERT ON fleet_transition FOR EACH ROW
    WHEN ((NEW.from_status = 'pass' AND NEW.to_status = 'fail') OR (NEW.from_status = 'fail' AND NEW.to_status = 'pass'))
    EXECUTE FUNCTION drift_webhook_enqueue();
