-- `portal agent password NAME --clear` (issue 14): an agent moving to a client certificate, or
-- whose password may have leaked, has the password removed, so that only the certificate signs
-- in. Like set_agent_password (0090), it runs with the caller's rights (only a role with
-- CREATEROLE may change another role's password) and touches only a support agent's role.
SET LOCAL ROLE supportdesk_owner;

CREATE FUNCTION portal_api.clear_agent_password(p_name text) RETURNS void
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    -- A superuser "has" every role, so ask for a real, non-superuser login in the group.
    IF p_name IS NULL OR NOT EXISTS (SELECT FROM pg_catalog.pg_roles r WHERE r.rolname = p_name AND NOT r.rolsuper)
       OR NOT pg_has_role(p_name, 'support_agent', 'MEMBER') THEN
        RAISE EXCEPTION USING ERRCODE = 'DK106', MESSAGE = format('%s is not a support agent', p_name);
    END IF;
    EXECUTE format('ALTER ROLE %I PASSWORD NULL', p_name);
END
$$;
REVOKE ALL ON FUNCTION portal_api.clear_agent_password(text) FROM PUBLIC;
ALTER FUNCTION portal_api.clear_agent_password(text) SET lock_timeout = '3s';

COMMENT ON FUNCTION portal_api.clear_agent_password(text) IS
    'Removes an existing agent''s password, so it signs in only by client certificate (needs CREATEROLE).';
