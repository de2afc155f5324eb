-- Run once by the postgres image's entrypoint (psql, as the superuser, connected to
-- POSTGRES_DB=hitl), and only when the data volume is empty. Passwords come from the
-- container environment via psql's \getenv (PostgreSQL 15+), never from this file.
\set ON_ERROR_STOP on
\getenv hitl_password HITL_DB_PASSWORD
\getenv mlflow_password MLFLOW_DB_PASSWORD
-- An unset variable would otherwise reach the server as the literal text :'hitl_password'.
\if :{?hitl_password}
\else
  DO $$ BEGIN RAISE EXCEPTION 'HITL_DB_PASSWORD is not set in the postgres container'; END $$;
\endif
\if :{?mlflow_password}
\else
  DO $$ BEGIN RAISE EXCEPTION 'MLFLOW_DB_PASSWORD is not set in the postgres container'; END $$;
\endif

-- The application role: not a superuser, so it cannot bypass privileges or create event
-- triggers. It owns the hitl database, hence the public schema (PG 15+: pg_database_owner),
-- so Django migrations can create tables.
CREATE ROLE hitl LOGIN PASSWORD :'hitl_password' NOSUPERUSER NOCREATEDB NOCREATEROLE;
ALTER DATABASE hitl OWNER TO hitl;

-- MLflow gets its own role and database: a compromised MLflow server cannot touch the
-- application's tables (the audit trail included).
CREATE ROLE mlflow LOGIN PASSWORD :'mlflow_password' NOSUPERUSER NOCREATEDB NOCREATEROLE;
CREATE DATABASE mlflow OWNER mlflow;

-- Only the owners may connect (PUBLIC has CONNECT by default).
REVOKE CONNECT ON DATABASE hitl FROM PUBLIC;
REVOKE CONNECT ON DATABASE mlflow FROM PUBLIC;
