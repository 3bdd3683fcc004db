-- Rendered copies of dynamic pages (checklists, items, hosts; issue #21) are used while nothing they show has
-- changed. Every replica learns of a change to an assessment from these triggers, whoever wrote it (the application on
-- any replica, an admin's SQL, a restore): each committed change announces the scope "assessment:<id>" on the cluster
-- channel in the "origin|topic|payload" format of org.cakb.cluster.ClusterEvents (origin "db", topic "revision").
-- PostgreSQL folds identical notifications of one transaction into one, so a scope change touching 200 items sends
-- one. Host registration, renaming, labels and removal announce "host:<id>" and "fleet"; fleet state changes from
-- reports are announced by the application (gathered), not here, so ingestion pays no trigger. TRUNCATE drops all.
CREATE FUNCTION announce_assessment_revision() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    row_data record;
    assessment bigint;
BEGIN
    IF TG_OP = 'TRUNCATE' THEN
        PERFORM pg_notify('cakb_cluster', 'db|revision|*');
        RETURN NULL;
    END IF;
    row_data := CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
    IF TG_TABLE_NAME = 'assessment' THEN
        assessment := row_data.id;
    ELSIF TG_TABLE_NAME IN ('item_attachment', 'item_probe_evidence') THEN
        SELECT i.assessment_id INTO assessment FROM checklist_item i WHERE i.id = row_data.item_id;
        IF assessment IS NULL THEN
            PERFORM pg_notify('cakb_cluster', 'db|revision|*');
            RETURN NULL;
        END IF;
    ELSE
        assessment := row_data.assessment_id;
    END IF;
    PERFORM pg_notify('cakb_cluster', 'db|revision|assessment:' || assessment);
    RETURN NULL;
END $$;

DO $$
DECLARE
    t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['assessment', 'checklist_item', 'assessment_assessor', 'assessment_member', 'assessment_host',
                             'item_attachment', 'item_probe_evidence'] LOOP
        EXECUTE format('CREATE TRIGGER %I AFTER INSERT OR UPDATE OR DELETE ON %I FOR EACH ROW '
                       'EXECUTE FUNCTION announce_assessment_revision()', t || '_announce_revision', t);
        EXECUTE format('CREATE TRIGGER %I AFTER TRUNCATE ON %I FOR EACH STATEMENT '
                       'EXECUTE FUNCTION announce_assessment_revision()', t || '_announce_truncate', t);
    END LOOP;
END $$;

CREATE FUNCTION announce_host_revision() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'TRUNCATE' THEN
        PERFORM pg_notify('cakb_cluster', 'db|revision|*');
        RETURN NULL;
    END IF;
    PERFORM pg_notify('cakb_cluster', 'db|revision|host:' || CASE WHEN TG_OP = 'DELETE' THEN OLD.id ELSE NEW.id END || ',fleet');
    RETURN NULL;
END $$;

-- Reports update last_seen_at and the state columns of fleet_host on every report: only an admin's columns announce.
CREATE TRIGGER fleet_host_announce_revision AFTER UPDATE ON fleet_host FOR EACH ROW
    WHEN (OLD.name IS DISTINCT FROM NEW.name OR OLD.description IS DISTINCT FROM NEW.description
          OR OLD.labels IS DISTINCT FROM NEW.labels)
    EXECUTE FUNCTION announce_host_revision();
CREATE TRIGGER fleet_host_announce_change AFTER INSERT OR DELETE ON fleet_host FOR EACH ROW
    EXECUTE FUNCTION announce_host_revision();
CREATE TRIGGER fleet_host_announce_truncate AFTER TRUNCATE ON fleet_host FOR EACH STATEMENT
    EXECUTE FUNCTION announce_host_revision();

-- Enrolment, rotation and revocation change what a host page says about its agent.
CREATE FUNCTION announce_credential_revision() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('cakb_cluster', 'db|revision|host:' || CASE WHEN TG_OP = 'DELETE' THEN OLD.host_id ELSE NEW.host_id END
                      || ',fleet');
    RETURN NULL;
END $$;

CREATE TRIGGER fleet_credential_announce_change AFTER INSERT OR DELETE ON fleet_credential FOR EACH ROW
    EXECUTE FUNCTION announce_credential_revision();
-- last_used_at moves once a minute per agent: not announced.
CREATE TRIGGER fleet_credential_announce_revision AFTER UPDATE ON fleet_credential FOR EACH ROW
    WHEN (OLD.revoked_at IS DISTINCT FROM NEW.revoked_at)
    EXECUTE FUNCTION announce_credential_revision();
