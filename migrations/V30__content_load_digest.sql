-- The SHA-256 over the content files a load read (paths and bytes), so a replica starting after another one has loaded
-- the same content can skip loading it again (org.cakb.catalog.ContentLoader).
ALTER TABLE kb_content_load ADD COLUMN content_digest text;
