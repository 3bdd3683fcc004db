-- How an item's assessor evidence was obtained, for the OSCAL assessment-results export (observation method):
-- EXAMINE for documents, attachments and written evidence (the default), INTERVIEW when it came from people.
ALTER TABLE checklist_item
    ADD COLUMN evidence_method text NOT NULL DEFAULT 'EXAMINE' CHECK (evidence_method IN ('EXAMINE', 'INTERVIEW'));
