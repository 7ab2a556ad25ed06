-- Agents sign in with a password over TLS (issue 14): `portal agent add NAME --password` stores
-- it as SCRAM-SHA-256. The verifier is made by the client (libpq's PQencryptPasswordConn, as
-- psql's \password does), so the password itself never reaches the server, its statements or
-- its logs; this function takes only a verifier and quotes the role name itself.
SET LOCAL ROLE supportdesk_owner;

-- Sets an existing agent's password from a SCRAM-SHA-256 verifier. It runs with the caller's
-- rights, like create_agent: only a role with CREATEROLE may change another role's password.
CREATE FUNCTION portal_api.set_agent_password(p_name text, p_verifier text) RETURNS void
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    -- A superuser "has" every role, so ask for a real, non-superuser login in the group.
    IF p_name IS NULL OR NOT EXISTS (SELECT FROM pg_catalog.pg_roles r WHERE r.rolname = p_name AND NOT r.rolsuper)
       OR NOT pg_has_role(p_name, 'support_agent', 'MEMBER') THEN
        RAISE EXCEPTION USING ERRCODE = 'DK106', MESSAGE = format('%s is not a support agent', p_name);
    END IF;
    -- Anything but a verifier (a plaintext password above all) is refused, not stored.
    IF p_verifier IS NULL OR p_verifier !~ '^SCRAM-SHA-256\$[1-9][0-9]*:[A-Za-z0-9+/]+=*\$[A-Za-z0-9+/]+=*:[A-Za-z0-9+/]+=*$' THEN
        RAISE EXCEPTION USING ERRCODE = 'DK106',
            MESSAGE = 'an agent''s password is set only as a SCRAM-SHA-256 verifier made by the client (portal agent add --password)';
    END IF;
    EXECUTE format('ALTER ROLE %I PASSWORD %L', p_name, p_verifier);
END
$$;
REVOKE ALL ON FUNCTION portal_api.set_agent_password(text, text) FROM PUBLIC;
ALTER FUNCTION portal_api.set_agent_password(text, text) SET lock_timeout = '3s';

COMMENT ON FUNCTION portal_api.set_agent_password(text, text) IS
    'Sets an existing agent''s password from a SCRAM-SHA-256 verifier made by the client; a plaintext password is refused (needs CREATEROLE).';
