-- The silos' own database role: it logs in with a password (scram-sha-256) and owns the chat database, its public
-- schema and everything in it, and nothing else: no superuser, no CREATEDB, no CREATEROLE, no replication.
-- Run by the superuser, connected to any database of the server, idempotently (every ./run, compose's first start):
--   SILO_PASSWORD=... psql -v ON_ERROR_STOP=1 -v database=whatsapp -v silo_role=whatsapp_silo -f silo-role.sql
-- The password comes from the environment, so it is never on a command line that ps shows.
\set silo_password `printenv SILO_PASSWORD`
SELECT :'silo_password' = '' AS silo_password_missing \gset
\if :silo_password_missing
  DO $$ BEGIN RAISE EXCEPTION 'SILO_PASSWORD must be set: the silo role logs in with it'; END $$;
\endif
SET password_encryption = 'scram-sha-256';

SELECT format('CREATE ROLE %I LOGIN', :'silo_role')
WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = :'silo_role') \gexec
ALTER ROLE :"silo_role" WITH LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS PASSWORD :'silo_password';

SELECT format('CREATE DATABASE %I OWNER %I ENCODING ''UTF8''', :'database', :'silo_role')
WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = :'database') \gexec
ALTER DATABASE :"database" OWNER TO :"silo_role";

\connect :"database"
ALTER SCHEMA public OWNER TO :"silo_role";

-- What an earlier version created as the superuser (tables with their indexes, free sequences, views, functions)
-- passes to the silo role, so its schema migrations may alter it. Sequences a table owns follow their table.
SELECT format('ALTER TABLE %I.%I OWNER TO %I', namespace.nspname, class.relname, :'silo_role')
FROM pg_class class
JOIN pg_namespace namespace ON namespace.oid = class.relnamespace
WHERE namespace.nspname = 'public'
  AND class.relkind IN ('r', 'p', 'v', 'm', 'f', 'S')
  AND class.relowner <> :'silo_role'::regrole
  AND NOT EXISTS (SELECT FROM pg_depend dependency
                  WHERE dependency.classid = 'pg_class'::regclass AND dependency.objid = class.oid
                    AND dependency.deptype IN ('a', 'i')) \gexec

SELECT format('ALTER ROUTINE %s OWNER TO %I', routine.oid::regprocedure, :'silo_role')
FROM pg_proc routine
WHERE routine.pronamespace = 'public'::regnamespace
  AND routine.proowner <> :'silo_role'::regrole \gexec
