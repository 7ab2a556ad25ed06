-- `portal agent password NAME --clear` (issue 14): an agent moving to a client certificate, or
-- whose password may have leaked, has the password removed, so that only the certificate signs
-- in. Like set_agent_password (0090), it runs with the caller's rights (only a role with
-- CREATEROLE may change another role's password) and touches only a support agent's role. The
-- test of that, written out in set_agent_connection_limit and set_agent_password before, is one
-- function now that all three call.
SET LOCAL ROLE supportdesk_owner;

-- The one test of "is NAME an agent's role" for the functions that change an agent's role, which
-- each spelled it out (create_agent's callers: connection limit, password, now clearing it).
-- A superuser "has" every role, so it asks for a real, non-superuser login in the group.
CREATE FUNCTION portal.require_agent_role(p_name text) RETURNS void
LANGUAGE plpgsql STABLE SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    IF p_name IS NULL OR NOT EXISTS (SELECT FROM pg_catalog.pg_roles r WHERE r.rolname = p_name AND NOT r.rolsuper)
       OR NOT pg_has_role(p_name, 'support_agent', 'MEMBER') THEN
        RAISE EXCEPTION USING ERRCODE = 'DK106', MESSAGE = format('%s is not a support agent', p_name);
    END IF;
END
$$;

CREATE FUNCTION portal_api.clear_agent_password(p_name text) RETURNS void
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp SET lock_timeout = '3s' AS $$
BEGIN
    PERFORM portal.require_agent_role(p_name);
    EXECUTE format('ALTER ROLE %I PASSWORD NULL', p_name);
END
$$;

CREATE OR REPLACE FUNCTION portal_api.set_agent_password(p_name text, p_verifier text) RETURNS void
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp SET lock_timeout = '3s' AS $$
BEGIN
    PERFORM portal.require_agent_role(p_name);
    -- Anything but a verifier (a plaintext password above all) is refused, not stored.
    IF p_verifier IS NULL OR p_verifier !~ '^SCRAM-SHA-256\$[1-9][0-9]*:[A-Za-z0-9+/]+=*\$[A-Za-z0-9+/]+=*:[A-Za-z0-9+/]+=*$' THEN
        RAISE EXCEPTION USING ERRCODE = 'DK106',
            MESSAGE = 'an agent''s password is set only as a SCRAM-SHA-256 verifier made by the client (portal agent add --password)';
    END IF;
    EXECUTE format('ALTER ROLE %I PASSWORD %L', p_name, p_verifier);
END
$$;

CREATE OR REPLACE FUNCTION portal_api.set_agent_connection_limit(p_name text, p_connection_limit integer) RETURNS void
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp SET lock_timeout = '3s' AS $$
BEGIN
    PERFORM portal.require_agent_role(p_name);
    IF p_connection_limit IS NULL OR p_connection_limit NOT BETWEEN 1 AND 1000 THEN
        RAISE EXCEPTION USING ERRCODE = 'DK106', MESSAGE = 'an agent''s connection limit is 1 to 1000';
    END IF;
    EXECUTE format('ALTER ROLE %I CONNECTION LIMIT %s', p_name, p_connection_limit);
END
$$;

REVOKE ALL ON FUNCTION portal.require_agent_role(text), portal_api.clear_agent_password(text) FROM PUBLIC;

COMMENT ON FUNCTION portal_api.clear_agent_password(text) IS
    'Removes an existing agent''s password, so it signs in only by client certificate (needs CREATEROLE).';
