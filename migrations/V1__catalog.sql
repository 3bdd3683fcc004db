-- The knowledge base: records of every kind, their citations and typed links.
-- Records come only from content/ through the loader; nothing else writes these tables.

CREATE TABLE kb_record (
    id            text        PRIMARY KEY,
    kind          text        NOT NULL CHECK (kind IN ('source', 'requirement', 'threat', 'countermeasure',
                                                       'recommendation', 'platform', 'platform-default', 'probe')),
    title         text        NOT NULL,
    body          text        NOT NULL DEFAULT '',
    provenance    text        CHECK (provenance IN ('quoted', 'paraphrased', 'derived')),
    status        text        NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'withdrawn')),
    attributes    jsonb       NOT NULL DEFAULT '{}'::jsonb,
    source_file   text        NOT NULL,
    content_hash  text        NOT NULL,
    created_at    timestamptz NOT NULL DEFAULT now(),
    updated_at    timestamptz NOT NULL DEFAULT now(),
    withdrawn_at  timestamptz,
    search        tsvector    GENERATED ALWAYS AS (
                      setweight(to_tsvector('english', coalesce(title, '')), 'A') ||
                      setweight(to_tsvector('english', coalesce(attributes ->> 'verification', '') || ' ' ||
                                                          coalesce(attributes ->> 'value', '')), 'B') ||
                      setweight(to_tsvector('english', coalesce(body, '')), 'C')) STORED
);
CREATE INDEX kb_record_kind_idx ON kb_record (kind, status, id);
CREATE INDEX kb_record_search_idx ON kb_record USING gin (search);
CREATE INDEX kb_record_attributes_idx ON kb_record USING gin (attributes jsonb_path_ops);

CREATE TABLE kb_citation (
    id         bigserial PRIMARY KEY,
    record_id  text      NOT NULL REFERENCES kb_record (id) ON DELETE CASCADE,
    position   integer   NOT NULL,
    source_id  text      NOT NULL REFERENCES kb_record (id),
    locator    text      NOT NULL,
    quote      text,
    note       text,
    UNIQUE (record_id, position)
);
CREATE INDEX kb_citation_source_idx ON kb_citation (source_id);

CREATE TABLE kb_link (
    id        bigserial PRIMARY KEY,
    from_id   text      NOT NULL REFERENCES kb_record (id) ON DELETE CASCADE,
    relation  text      NOT NULL,
    to_id     text      NOT NULL REFERENCES kb_record (id),
    UNIQUE (from_id, relation, to_id)
);
CREATE INDEX kb_link_to_idx ON kb_link (to_id, relation);

-- One row per load attempt, so operators can see when content changed and why a load failed.
CREATE TABLE kb_content_load (
    id                 bigserial   PRIMARY KEY,
    started_at         timestamptz NOT NULL,
    finished_at        timestamptz NOT NULL,
    trigger            text        NOT NULL,
    outcome            text        NOT NULL CHECK (outcome IN ('succeeded', 'failed')),
    files_read         integer     NOT NULL DEFAULT 0,
    records_added      integer     NOT NULL DEFAULT 0,
    records_updated    integer     NOT NULL DEFAULT 0,
    records_unchanged  integer     NOT NULL DEFAULT 0,
    records_withdrawn  integer     NOT NULL DEFAULT 0,
    error              text
);
