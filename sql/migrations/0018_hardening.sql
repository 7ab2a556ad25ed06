-- The smaller holes of issue 9, item 5, and a lock_timeout on every function a role may call.
SET LOCAL ROLE supportdesk_owner;

-- A reason counts what a reader sees: white space, control and format characters (zero-width
-- spaces, joiners, soft hyphens, bidirectional marks, tags) do not count, and control
-- characters are refused outright (they would reach terminals and spreadsheets).
CREATE OR REPLACE FUNCTION portal.require_reason(p_reason text) RETURNS text
LANGUAGE plpgsql STABLE SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    minimum integer := (SELECT min_reason_length FROM portal.settings);
    blank constant text := '[\u0009-\u000d\u0020\u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]';
    invisible constant text := '[\u00ad\u061c\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u206f\ufeff\ufff9-\ufffb\U000e0000-\U000e007f]';
    reason text := regexp_replace(coalesce(p_reason, ''), '^' || blank || '+|' || blank || '+$', '', 'g');
    seen integer;
BEGIN
    IF reason ~ '[\u0000-\u001f\u007f-\u009f]' THEN
        RAISE EXCEPTION USING ERRCODE = 'DK007', MESSAGE = 'a reason cannot contain control characters (tabs, line breaks, escapes)';
    END IF;
    seen := length(regexp_replace(reason, blank || '|' || invisible, '', 'g'));
    IF seen < minimum THEN
        RAISE EXCEPTION USING ERRCODE = 'DK007',
            MESSAGE = format('a reason of at least %s characters is required', minimum);
    END IF;
    IF length(reason) > 1000 THEN
        RAISE EXCEPTION USING ERRCODE = 'DK007', MESSAGE = 'the reason is longer than 1000 characters';
    END IF;
    RETURN reason;
END
$$;

-- When a member's sign-ins are locked until (future only), or NULL: one rule for the portal's
-- login state and its recovery-code sign-in.
CREATE FUNCTION portal.login_lock_end(p_member_id bigint) RETURNS timestamptz
LANGUAGE sql STABLE SET search_path = pg_catalog, pg_temp AS $$
    SELECT max(f.failed_at) + s.login_lock_duration
      FROM portal.login_failures f CROSS JOIN portal.settings s
     WHERE f.member_id = p_member_id AND f.failed_at > clock_timestamp() - s.login_failure_window
     GROUP BY s.login_lock_duration, s.login_max_failures
    HAVING count(*) >= s.login_max_failures AND max(f.failed_at) + s.login_lock_duration > clock_timestamp()
$$;

CREATE OR REPLACE FUNCTION portal_api.login_state(p_email text)
RETURNS TABLE (
    member_id bigint, password_hash text, mandatory_2fa boolean,
    twofa_state text, secret_ciphertext bytea, key_fingerprint bytea, algorithm text,
    digits integer, period integer, last_accepted_step bigint, locked_until timestamptz
)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
    SELECT m.id, m.password_hash, c.mandatory_2fa,
           coalesce(t.state, 'off'), t.secret_ciphertext, t.key_fingerprint, t.algorithm,
           t.digits, t.period, t.last_accepted_step, portal.login_lock_end(m.id)
      FROM portal.team_members m
      JOIN portal.customers c ON c.id = m.customer_id
      LEFT JOIN portal.totp_credentials t ON t.member_id = m.id
     WHERE lower(m.email) = lower(btrim(p_email))
$$;

-- Signs in with a recovery code. Refused while the member's sign-ins are locked; a code that is
-- not an unused one of theirs counts as a failed sign-in, in this same call, so no caller can
-- skip recording it. used: the code is now spent; locked_until: set when locked (now or by this).
DROP FUNCTION portal_api.use_recovery_code(bigint, text);
CREATE FUNCTION portal_api.sign_in_with_recovery_code(p_member_id bigint, p_code text, OUT used boolean, OUT locked_until timestamptz)
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    member portal.team_members;
    code text := portal.normalise_recovery_code(p_code);
BEGIN
    member := portal.lock_member(p_member_id);
    used := false;
    locked_until := portal.login_lock_end(member.id);
    IF locked_until IS NOT NULL THEN
        RETURN;
    END IF;
    IF code IS NOT NULL THEN
        UPDATE portal.recovery_codes r SET used_at = clock_timestamp(), used_by = 'self'
          FROM portal.totp_credentials t
         WHERE t.member_id = member.id AND t.state = 'active' AND r.member_id = member.id AND r.used_at IS NULL
           AND r.code_hash = sha256(t.recovery_salt || convert_to(code, 'UTF8'));
        used := FOUND;
    END IF;
    IF used THEN
        PERFORM portal.append_event('login_recovery_code', member.email, NULL, NULL, member.customer_id, member.id);
    ELSE
        INSERT INTO portal.login_failures (member_id) VALUES (member.id);
        locked_until := portal.login_lock_end(member.id);
    END IF;
END
$$;

-- Activation returns the number of the 2fa_enabled event (staged now, chained soon).
CREATE OR REPLACE FUNCTION portal_api.confirm_enrolment(p_member_id bigint, p_step bigint, p_salt bytea, p_hashes bytea[])
RETURNS bigint
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    member portal.team_members;
BEGIN
    member := portal.lock_member(p_member_id);
    UPDATE portal.totp_credentials
       SET state = 'active', activated_at = clock_timestamp(), last_accepted_step = p_step, recovery_salt = p_salt
     WHERE member_id = member.id AND state = 'pending';
    IF NOT FOUND THEN
        RAISE EXCEPTION USING ERRCODE = 'DK102', MESSAGE = format('%s has no pending 2FA set-up to confirm', member.email);
    END IF;
    PERFORM portal.replace_recovery_codes(member, p_salt, p_hashes);
    RETURN (portal.append_event('2fa_enabled', member.email, NULL, NULL, member.customer_id, member.id)).event_id;
END
$$;

-- Makes an agent's guard row; a definer, since create_agent runs with its caller's rights.
CREATE FUNCTION portal.add_agent_guard(p_agent text) RETURNS void
LANGUAGE sql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
    INSERT INTO portal.agent_guards (agent) VALUES (p_agent) ON CONFLICT DO NOTHING;
$$;

-- Agents' login roles have a connection limit: one agent cannot take every connection. 20
-- fits the console's --jobs 16 with room for a second terminal.
DROP FUNCTION portal_api.create_agent(text, boolean);
CREATE FUNCTION portal_api.create_agent(p_name text, p_supervisor boolean, p_connection_limit integer DEFAULT 20) RETURNS void
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    IF p_name IS NULL OR p_name !~ '^[a-z][a-z0-9_]{1,62}$' THEN
        RAISE EXCEPTION USING ERRCODE = 'DK106',
            MESSAGE = 'an agent name is 2 to 63 lower-case letters, digits or underscores, starting with a letter';
    END IF;
    IF p_connection_limit IS NULL OR p_connection_limit NOT BETWEEN 1 AND 1000 THEN
        RAISE EXCEPTION USING ERRCODE = 'DK106', MESSAGE = 'an agent''s connection limit is 1 to 1000';
    END IF;
    IF EXISTS (SELECT FROM pg_catalog.pg_roles WHERE rolname = p_name) THEN
        RAISE EXCEPTION USING ERRCODE = 'DK105', MESSAGE = format('a role named %s already exists', p_name);
    END IF;
    EXECUTE format('CREATE ROLE %I LOGIN CONNECTION LIMIT %s IN ROLE %I', p_name, p_connection_limit,
                   CASE WHEN p_supervisor THEN 'support_supervisor' ELSE 'support_agent' END);
    -- The agent's guard row exists from the start (see portal.guard_agent).
    PERFORM portal.add_agent_guard(p_name);
END
$$;

-- Changes an existing agent's connection limit (runs with the caller's rights, like create_agent).
CREATE FUNCTION portal_api.set_agent_connection_limit(p_name text, p_connection_limit integer) RETURNS void
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    -- A superuser "has" every role, so ask for a real, non-superuser login in the group.
    IF p_name IS NULL OR NOT EXISTS (SELECT FROM pg_catalog.pg_roles r WHERE r.rolname = p_name AND NOT r.rolsuper)
       OR NOT pg_has_role(p_name, 'support_agent', 'MEMBER') THEN
        RAISE EXCEPTION USING ERRCODE = 'DK106', MESSAGE = format('%s is not a support agent', p_name);
    END IF;
    IF p_connection_limit IS NULL OR p_connection_limit NOT BETWEEN 1 AND 1000 THEN
        RAISE EXCEPTION USING ERRCODE = 'DK106', MESSAGE = 'an agent''s connection limit is 1 to 1000';
    END IF;
    EXECUTE format('ALTER ROLE %I CONNECTION LIMIT %s', p_name, p_connection_limit);
END
$$;

REVOKE ALL ON FUNCTION portal.login_lock_end(bigint), portal.add_agent_guard(text),
    portal_api.sign_in_with_recovery_code(bigint, text),
    portal_api.create_agent(text, boolean, integer),
    portal_api.set_agent_connection_limit(text, integer) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION portal_api.sign_in_with_recovery_code(bigint, text) TO portal_app;

-- Every function a role may call waits at most 3 s for a lock, then refuses (DK014 names the
-- holder where the policy takes a guard row; elsewhere PostgreSQL's lock timeout, 55P03).
DO $$
DECLARE
    f regprocedure;
BEGIN
    FOR f IN SELECT p.oid::regprocedure FROM pg_catalog.pg_proc p JOIN pg_catalog.pg_namespace n ON n.oid = p.pronamespace
              WHERE n.nspname IN ('support', 'portal_api') OR p.oid = 'portal.chain_staged(integer)'::regprocedure LOOP
        EXECUTE format('ALTER FUNCTION %s SET lock_timeout = %L', f, '3s');
    END LOOP;
END
$$;
