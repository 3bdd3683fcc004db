-- The audit trail: one row per security-relevant action (sign-ins, account and role changes, token issue and
-- revocation, host registration and revocation, content reloads, waiver decisions). Append-only: the application
-- only inserts, and PostgreSQL refuses UPDATE, DELETE and TRUNCATE on it for every role, the owner included, so a
-- bug or an injected statement in the application cannot rewrite history. (A superuser could still drop the
-- trigger; that takes a deliberate DDL statement outside the application, which the database's own log records.)
CREATE TABLE audit_event (
    id             bigserial   PRIMARY KEY,
    at             timestamptz NOT NULL DEFAULT now(),
    actor          text        NOT NULL CHECK (length(actor) <= 200),
    actor_address  text        CHECK (length(actor_address) <= 64),
    action         text        NOT NULL CHECK (action ~ '^[a-z]+(\.[a-z-]+)+$'),
    target         text        CHECK (length(target) <= 300),
    outcome        text        NOT NULL CHECK (outcome IN ('success', 'failure')),
    details        text        CHECK (length(details) <= 2000)
);
CREATE INDEX audit_event_at ON audit_event (at DESC, id DESC);
CREATE INDEX audit_event_action ON audit_event (action, at DESC);
CREATE INDEX audit_event_actor ON audit_event (actor, at DESC);

CREATE FUNCTION audit_event_is_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit_event is append-only: % refused', TG_OP USING ERRCODE = 'insufficient_privilege';
END;
$$;
CREATE TRIGGER audit_event_no_update_or_delete BEFORE UPDATE OR DELETE ON audit_event
    FOR EACH ROW EXECUTE FUNCTION audit_event_is_append_only();
CREATE TRIGGER audit_event_no_truncate BEFORE TRUNCATE ON audit_event
    FOR EACH STATEMENT EXECUTE FUNCTION audit_event_is_append_only();
