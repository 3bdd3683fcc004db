-- Signed-in requests check the account's session epoch, enabled state and roles on every request (issue #21). The
-- application keeps them in memory per account and drops an account's entry when this trigger announces a change on
-- the cluster channel (the same channel and "origin|topic|payload" format as org.cakb.cluster.ClusterEvents; the
-- origin "db" is no replica, so every replica, the writer's own too, receives it once the change commits). Any
-- writer is covered: the application, an admin's SQL, a restore. TRUNCATE is announced as "*" (drop every entry).
CREATE FUNCTION app_user_announce_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'TRUNCATE' THEN
        PERFORM pg_notify('cakb_cluster', 'db|account|*');
    ELSE
        PERFORM pg_notify('cakb_cluster', 'db|account|' || OLD.username);
        IF TG_OP = 'UPDATE' AND NEW.username <> OLD.username THEN
            PERFORM pg_notify('cakb_cluster', 'db|account|' || NEW.username);
        END IF;
    END IF;
    RETURN NULL;
END $$;

CREATE TRIGGER app_user_announce_change AFTER UPDATE OR DELETE ON app_user
    FOR EACH ROW EXECUTE FUNCTION app_user_announce_change();
CREATE TRIGGER app_user_announce_truncate AFTER TRUNCATE ON app_user
    FOR EACH STATEMENT EXECUTE FUNCTION app_user_announce_change();
