-- The role the service runs as (API and workers connect with `-c role=smugwatch_app`).
-- It may read and write the working tables, but only INSERT and SELECT the audit tables: no UPDATE,
-- DELETE or TRUNCATE, whatever the code tries. Triggers refuse those even to the owner.
DO $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'smugwatch_app') THEN
    CREATE ROLE smugwatch_app NOLOGIN;
  END IF;
EXCEPTION WHEN duplicate_object OR unique_violation THEN
  NULL; -- created meanwhile by a concurrent migration of another database on the same server
END
$$;

GRANT USAGE ON SCHEMA public TO smugwatch_app;
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO smugwatch_app;
GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO smugwatch_app;
DO $$
BEGIN
  -- absent when the engine replays migrations in a shadow database
  IF to_regclass('public._prisma_migrations') IS NOT NULL THEN
    REVOKE ALL ON "_prisma_migrations" FROM smugwatch_app;
  END IF;
END
$$;
REVOKE UPDATE, DELETE, TRUNCATE ON "audit_event", "audit_checkpoint" FROM smugwatch_app;

-- Tables created by later migrations get the same working grants; audit tables revoke explicitly.
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO smugwatch_app;
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT USAGE, SELECT ON SEQUENCES TO smugwatch_app;

CREATE TRIGGER audit_checkpoint_no_update_delete
  BEFORE UPDATE OR DELETE ON "audit_checkpoint"
  FOR EACH ROW EXECUTE FUNCTION audit_event_append_only();

CREATE TRIGGER audit_checkpoint_no_truncate
  BEFORE TRUNCATE ON "audit_checkpoint"
  FOR EACH STATEMENT EXECUTE FUNCTION audit_event_append_only();
