-- Roles, schemas and the trigram extension. Runs as the migrating user (a superuser, or the
-- database owner with CREATEROLE); every later migration creates its objects as the NOLOGIN
-- owner role, so no login role owns anything.

-- Roles are cluster-wide: another database of the same cluster may have created them already,
-- possibly at this very moment, so "already exists" is not an error.
DO $$
DECLARE
    role_name text;
BEGIN
    FOREACH role_name IN ARRAY ARRAY['supportdesk_owner', 'portal_app', 'support_agent', 'support_supervisor'] LOOP
        BEGIN
            IF NOT EXISTS (SELECT FROM pg_catalog.pg_roles WHERE rolname = role_name) THEN
                EXECUTE format('CREATE ROLE %I NOLOGIN', role_name);
            END IF;
        EXCEPTION WHEN duplicate_object OR unique_violation THEN
            NULL;
        END;
    END LOOP;
END
$$;

-- A supervisor can do everything an agent can.
GRANT support_agent TO support_supervisor;

-- The extension lives in a schema of its own so the definer functions can name it exactly.
CREATE SCHEMA portal_ext AUTHORIZATION supportdesk_owner;
CREATE EXTENSION IF NOT EXISTS pg_trgm SCHEMA portal_ext;
GRANT USAGE ON SCHEMA portal_ext TO supportdesk_owner;

-- portal: the tables (no role but the owner has any privilege on them).
-- support: what agents and supervisors may call. portal_api: what the portal may call.
CREATE SCHEMA portal AUTHORIZATION supportdesk_owner;
CREATE SCHEMA support AUTHORIZATION supportdesk_owner;
CREATE SCHEMA portal_api AUTHORIZATION supportdesk_owner;
REVOKE ALL ON SCHEMA portal, support, portal_api FROM PUBLIC;
GRANT USAGE ON SCHEMA support TO support_agent;
GRANT USAGE ON SCHEMA portal_api TO portal_app;

-- A function the owner creates is executable by nobody until a grant says otherwise.
ALTER DEFAULT PRIVILEGES FOR ROLE supportdesk_owner REVOKE EXECUTE ON FUNCTIONS FROM PUBLIC;
