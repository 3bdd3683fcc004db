-- Search for identifiers and paths (docker.sock, /var/run/docker.sock, CAP_SYS_ADMIN, cm:..., T1611).
-- The english full-text parser keeps "/var/run/docker.sock" as one file token and splits CAP_SYS_ADMIN into words,
-- so a search for "docker.sock" or "cap_sys_admin" missed most records that name them. search_text holds the
-- record's id, title, verification/value, ATT&CK technique ids and body lower-cased, with '-' folded to '_' (so
-- "no-new-privs" finds NO_NEW_PRIVS), for substring matches served by a trigram index. Citation locators (where
-- ATT&CK ids and file paths are cited) get the same index.
-- pg_trgm ships with PostgreSQL's contrib modules (Debian's postgresql-15 and the official postgres image) and is a
-- trusted extension: the database owner may create it.
CREATE EXTENSION IF NOT EXISTS pg_trgm;

ALTER TABLE kb_record ADD COLUMN search_text text GENERATED ALWAYS AS (
    translate(lower(id || ' ' || title || ' ' || coalesce(attributes ->> 'verification', '') || ' '
                    || coalesce(attributes ->> 'value', '') || ' ' || coalesce(attributes ->> 'attack_techniques', '')
                    || ' ' || coalesce(body, '')), '-', '_')) STORED;
CREATE INDEX kb_record_search_text_trgm_idx ON kb_record USING gin (search_text gin_trgm_ops);
CREATE INDEX kb_citation_locator_trgm_idx ON kb_citation USING gin (translate(lower(locator), '-', '_') gin_trgm_ops);
