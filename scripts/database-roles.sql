-- The register's three PostgreSQL roles (docs/database-roles.md), created in the cluster and given
-- the database that psql is connected to. Run by a superuser, e.g.
--   psql -v ON_ERROR_STOP=1 -v owner_role=register_owner -v owner_password=... -v app_role=register_app \
--        -v app_password=... -v maintenance_role=register_maintenance -d register -f scripts/database-roles.sql
-- by scripts/stack, scripts/with-services and the db service of docker-compose.yml (scripts/docker-initdb.sh).
--
--   owner_role        owns the database and its tables, runs `migrate` (LOGIN)
--   app_role          what the web, worker and beat processes connect as (LOGIN); `migrate` grants it
--                     its rights on each table (register/services/audit/database_roles.py)
--   maintenance_role  NOLOGIN: a DBA connected as the owner takes it with SET ROLE to repair history
--
-- An empty password leaves a role's password as it is (trust or peer authentication). Idempotent: run it
-- again on a database made before the roles existed; it hands every table of the public schema to the
-- owner role, then `migrate` applies the grants and the append-only triggers.
\set ON_ERROR_STOP on
\if :{?owner_password}
\else
  \set owner_password ''
\endif
\if :{?app_password}
\else
  \set app_password ''
\endif

SELECT format('CREATE ROLE %I LOGIN', :'owner_role')
 WHERE NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = :'owner_role') \gexec
SELECT format('CREATE ROLE %I LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOBYPASSRLS', :'app_role')
 WHERE NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = :'app_role') \gexec
SELECT format('CREATE ROLE %I NOLOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOBYPASSRLS', :'maintenance_role')
 WHERE NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = :'maintenance_role') \gexec

SELECT format('ALTER ROLE %I PASSWORD %L', :'owner_role', :'owner_password') WHERE :'owner_password' <> '' \gexec
SELECT format('ALTER ROLE %I PASSWORD %L', :'app_role', :'app_password') WHERE :'app_password' <> '' \gexec

-- The owner may take the maintenance role (SET ROLE), and so own the erasure function through it.
SELECT format('GRANT %I TO %I', :'maintenance_role', :'owner_role')
 WHERE NOT pg_has_role(:'owner_role', :'maintenance_role', 'MEMBER') \gexec

-- The owner owns the database (and so, on PostgreSQL 15, its public schema) and every table in it.
SELECT format('ALTER DATABASE %I OWNER TO %I', current_database(), :'owner_role') \gexec
SELECT format('GRANT CONNECT ON DATABASE %I TO %I, %I', current_database(), :'app_role', :'maintenance_role') \gexec
SELECT format('GRANT USAGE, CREATE ON SCHEMA public TO %I', :'owner_role') \gexec
-- The maintenance role owns the erasure function, which needs CREATE on its schema.
SELECT format('GRANT USAGE, CREATE ON SCHEMA public TO %I', :'maintenance_role') \gexec
SELECT format('GRANT USAGE ON SCHEMA public TO %I', :'app_role') \gexec
SELECT format('ALTER %s %I.%I OWNER TO %I',
              CASE c.relkind WHEN 'v' THEN 'VIEW' WHEN 'm' THEN 'MATERIALIZED VIEW' ELSE 'TABLE' END,
              n.nspname, c.relname, :'owner_role')
  FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
 WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p', 'v', 'm')
   AND pg_get_userbyid(c.relowner) <> :'owner_role' \gexec
-- Sequences that no table column owns (those follow their table).
SELECT format('ALTER SEQUENCE %I.%I OWNER TO %I', n.nspname, c.relname, :'owner_role')
  FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
 WHERE n.nspname = 'public' AND c.relkind = 'S' AND pg_get_userbyid(c.relowner) <> :'owner_role'
   AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.objid = c.oid AND d.deptype IN ('a', 'i')) \gexec
-- The trigger function, if an earlier owner made it (the erasure function belongs to the maintenance role).
SELECT format('ALTER FUNCTION %s OWNER TO %I', p.oid::regprocedure, :'owner_role')
  FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
 WHERE n.nspname = 'public' AND p.proname = 'register_refuse_history_rewrite'
   AND pg_get_userbyid(p.proowner) <> :'owner_role' \gexec
