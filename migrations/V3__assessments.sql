-- Assessor checklists: assessments, their assessors, one checklist item per requirement in scope,
-- evidence attachments, an append-only history, and failed-login counters for throttling.

CREATE TABLE assessment (
    id            bigserial   PRIMARY KEY,
    name          text        NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    target        text        NOT NULL CHECK (length(target) BETWEEN 1 AND 2000),
    -- free labels for the target, e.g. {"env":"prod","cluster":"eu-1"}
    target_labels jsonb       NOT NULL DEFAULT '{}'::jsonb,
    -- {"areas":[...], "countermeasures":[...], "recommendations":[...], "requirements":[...]}
    scope         jsonb       NOT NULL,
    status        text        NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'in-progress', 'completed')),
    start_date    date,
    due_date      date,
    completed_at  timestamptz,
    created_by    text        NOT NULL,
    created_at    timestamptz NOT NULL DEFAULT now(),
    updated_by    text        NOT NULL,
    updated_at    timestamptz NOT NULL DEFAULT now(),
    version       bigint      NOT NULL DEFAULT 0
);

CREATE TABLE assessment_assessor (
    assessment_id bigint      NOT NULL REFERENCES assessment (id),
    user_id       bigint      NOT NULL REFERENCES app_user (id),
    assigned_by   text        NOT NULL,
    assigned_at   timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (assessment_id, user_id)
);

-- One item per requirement in scope. requirement_title and requirement_hash snapshot the record the item was
-- made against; kb_record rows are never deleted (only withdrawn), so the foreign key always holds.
CREATE TABLE checklist_item (
    id                bigserial   PRIMARY KEY,
    assessment_id     bigint      NOT NULL REFERENCES assessment (id),
    position          integer     NOT NULL,
    requirement_id    text        NOT NULL REFERENCES kb_record (id),
    requirement_title text        NOT NULL,
    requirement_hash  text        NOT NULL,
    area_id           text,
    area_title        text,
    result            text        NOT NULL DEFAULT 'not-assessed'
                                  CHECK (result IN ('not-assessed', 'satisfied', 'partially-satisfied', 'not-satisfied', 'not-applicable')),
    justification     text        NOT NULL DEFAULT '' CHECK (length(justification) <= 20000),
    evidence_text     text        NOT NULL DEFAULT '' CHECK (length(evidence_text) <= 50000),
    evidence_links    jsonb       NOT NULL DEFAULT '[]'::jsonb,
    waiver_reason     text,
    waiver_approver   text,
    waiver_expires    date,
    updated_by        text,
    updated_at        timestamptz,
    version           bigint      NOT NULL DEFAULT 0,
    UNIQUE (assessment_id, requirement_id),
    UNIQUE (assessment_id, position),
    CHECK ((waiver_reason IS NULL) = (waiver_approver IS NULL) AND (waiver_reason IS NULL) = (waiver_expires IS NULL))
);
CREATE INDEX checklist_item_result_idx ON checklist_item (assessment_id, result);

-- Evidence files, kept in PostgreSQL. The size limit is enforced here as well as in the application.
CREATE TABLE item_attachment (
    id            bigserial   PRIMARY KEY,
    item_id       bigint      NOT NULL REFERENCES checklist_item (id),
    filename      text        NOT NULL CHECK (length(filename) BETWEEN 1 AND 255),
    content_type  text        NOT NULL CHECK (content_type IN ('application/pdf', 'image/png', 'image/jpeg', 'text/plain')),
    size_bytes    integer     NOT NULL CHECK (size_bytes BETWEEN 1 AND 5242880),
    sha256        text        NOT NULL,
    data          bytea       NOT NULL,
    uploaded_by   text        NOT NULL,
    uploaded_at   timestamptz NOT NULL DEFAULT now(),
    CHECK (octet_length(data) = size_bytes)
);
CREATE INDEX item_attachment_item_idx ON item_attachment (item_id);

-- Every change, append-only: who, when, which assessment or item, which field, old -> new.
CREATE TABLE assessment_history (
    id            bigserial   PRIMARY KEY,
    assessment_id bigint      NOT NULL REFERENCES assessment (id),
    item_id       bigint      REFERENCES checklist_item (id),
    actor         text        NOT NULL,
    at            timestamptz NOT NULL DEFAULT now(),
    field         text        NOT NULL,
    old_value     text,
    new_value     text
);
CREATE INDEX assessment_history_assessment_idx ON assessment_history (assessment_id, id);
CREATE INDEX assessment_history_item_idx ON assessment_history (item_id, id);

CREATE FUNCTION assessment_history_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'assessment_history is append-only: % is not allowed', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END $$;
CREATE TRIGGER assessment_history_no_update_delete BEFORE UPDATE OR DELETE ON assessment_history
    FOR EACH ROW EXECUTE FUNCTION assessment_history_append_only();
CREATE TRIGGER assessment_history_no_truncate BEFORE TRUNCATE ON assessment_history
    FOR EACH STATEMENT EXECUTE FUNCTION assessment_history_append_only();

-- Failed logins per username and client address, for throttling (see LoginThrottle).
CREATE TABLE login_failure (
    username       text        NOT NULL,
    client_address text        NOT NULL,
    failures       integer     NOT NULL DEFAULT 0,
    last_failure   timestamptz NOT NULL DEFAULT now(),
    locked_until   timestamptz,
    PRIMARY KEY (username, client_address)
);
