-- Agent credentials verified once are kept in each replica's memory (org.cakb.fleet.AgentCredentials), so a report
-- does not pay a credential lookup. Every change that can end a credential's validity is announced to every replica on
-- the cluster channel, topic "credential", payload the host id ("*" for all), in the "origin|topic|payload" format of
-- org.cakb.cluster.ClusterEvents, once it commits: enrolment, revocation, the end of a rotation's overlap
-- (superseded_until), deletion (also by a host's deletion, cascaded) and TRUNCATE. The "host:<id>" page scope of V91 is
-- announced as before. (Reports are also checked against the credential's row in the transaction that stores them.)
CREATE OR REPLACE FUNCTION announce_credential_revision() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    host bigint := CASE WHEN TG_OP = 'DELETE' THEN OLD.host_id ELSE NEW.host_id END;
BEGIN
    PERFORM pg_notify('cakb_cluster', 'db|revision|host:' || host || ',fleet');
    PERFORM pg_notify('cakb_cluster', 'db|credential|' || host);
    RETURN NULL;
END $$;

DROP TRIGGER fleet_credential_announce_revision ON fleet_credential;
-- last_used_at moves once a minute per agent: not announced.
CREATE TRIGGER fleet_credential_announce_revision AFTER UPDATE ON fleet_credential FOR EACH ROW
    WHEN (OLD.revoked_at IS DISTINCT FROM NEW.revoked_at OR OLD.superseded_until IS DISTINCT FROM NEW.superseded_until
          OR OLD.credential_hash IS DISTINCT FROM NEW.credential_hash OR OLD.host_id IS DISTINCT FROM NEW.host_id)
    EXECUTE FUNCTION announce_credential_revision();

CREATE FUNCTION announce_credential_truncate() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('cakb_cluster', 'db|credential|*');
    RETURN NULL;
END $$;
CREATE TRIGGER fleet_credential_announce_truncate AFTER TRUNCATE ON fleet_credential FOR EACH STATEMENT
    EXECUTE FUNCTION announce_credential_truncate();
