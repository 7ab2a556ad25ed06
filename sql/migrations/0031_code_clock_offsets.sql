-- "My codes don't work" (issue 11): many failing codes come from a phone whose clock is wrong.
-- When a sign-in code fails, the portal checks it (without accepting it) against ±10 minutes
-- and records only the offset in time steps with the failure; it records the offset of accepted
-- codes too. Never a code or a secret. support.user_clock tells the agent what the offsets say.
SET LOCAL ROLE supportdesk_owner;

ALTER TABLE portal.login_failures
    ADD COLUMN code_failure boolean NOT NULL DEFAULT false,
    ADD COLUMN clock_offset_steps integer
        CONSTRAINT failure_offset_range CHECK (clock_offset_steps BETWEEN -600 AND 600),
    ADD CONSTRAINT offset_only_for_codes CHECK (clock_offset_steps IS NULL OR code_failure);
ALTER TABLE portal.totp_credentials
    ADD COLUMN last_offset_steps integer CONSTRAINT accepted_offset_range CHECK (last_offset_steps BETWEEN -600 AND 600);

-- A wrong sign-in code: counts towards the login lockout like any failure, with the offset
-- (in steps) at which it matched the member's app within ±10 minutes, or NULL when it matched
-- nowhere. Returns when sign-ins are locked until, if they now are.
CREATE FUNCTION portal_api.record_code_failure(p_member_id bigint, p_offset_steps integer) RETURNS timestamptz
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp SET lock_timeout = '3s' AS $$
DECLARE
    member portal.team_members := portal.lock_member(p_member_id);
BEGIN
    IF p_offset_steps NOT BETWEEN -600 AND 600 THEN
        RAISE EXCEPTION USING ERRCODE = 'DK106', MESSAGE = 'a clock offset is -600 to 600 steps';
    END IF;
    INSERT INTO portal.login_failures (member_id, code_failure, clock_offset_steps) VALUES (member.id, true, p_offset_steps);
    RETURN portal.login_lock_end(member.id);
END
$$;

-- accept_step that also records the offset of the accepted code (its step minus the server's).
CREATE FUNCTION portal_api.accept_step(p_member_id bigint, p_step bigint, p_offset_steps integer) RETURNS boolean
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp SET lock_timeout = '3s' AS $$
BEGIN
    IF p_offset_steps IS NULL OR p_offset_steps NOT BETWEEN -600 AND 600 THEN
        RAISE EXCEPTION USING ERRCODE = 'DK106', MESSAGE = 'a clock offset is -600 to 600 steps';
    END IF;
    UPDATE portal.totp_credentials SET last_accepted_step = p_step, last_offset_steps = p_offset_steps
     WHERE member_id = p_member_id AND state = 'active'
       AND (last_accepted_step IS NULL OR last_accepted_step < p_step);
    RETURN FOUND;
END
$$;

-- What the member's recent sign-in codes say about their phone's clock, for the agent on the
-- call (the same recorded look-up as user_detail): failed codes in the last 24 hours, how many
-- of them matched the app at some offset, the latest such offset in seconds (positive: the
-- phone is ahead), and the offset of the last accepted code.
CREATE FUNCTION support.user_clock(p_lookup_id bigint)
RETURNS TABLE (failed_codes integer, matched_codes integer, offset_seconds integer, last_failed_at timestamptz,
               accepted_offset_seconds integer)
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp SET lock_timeout = '3s' AS $$
DECLARE
    lookup portal.lookups;
    credential portal.totp_credentials;
BEGIN
    PERFORM portal.require_agent();
    lookup := portal.answerable_lookup(p_lookup_id, 'detail');
    SELECT * INTO credential FROM portal.totp_credentials t WHERE t.member_id = lookup.member_id AND t.state = 'active';
    RETURN QUERY
    SELECT count(*)::integer,
           count(f.clock_offset_steps)::integer,
           (SELECT f2.clock_offset_steps * credential.period FROM portal.login_failures f2
             WHERE f2.member_id = lookup.member_id AND f2.code_failure AND f2.clock_offset_steps IS NOT NULL
               AND f2.failed_at > clock_timestamp() - interval '24 hours'
             ORDER BY f2.failed_at DESC LIMIT 1),
           max(f.failed_at),
           credential.last_offset_steps * credential.period
      FROM portal.login_failures f
     WHERE f.member_id = lookup.member_id AND f.code_failure AND f.failed_at > clock_timestamp() - interval '24 hours';
END
$$;

REVOKE ALL ON FUNCTION portal_api.record_code_failure(bigint, integer), portal_api.accept_step(bigint, bigint, integer),
    support.user_clock(bigint) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION portal_api.record_code_failure(bigint, integer), portal_api.accept_step(bigint, bigint, integer) TO portal_app;
GRANT EXECUTE ON FUNCTION support.user_clock(bigint) TO support_agent;

COMMENT ON FUNCTION portal_api.record_code_failure(bigint, integer) IS
    'A wrong sign-in code: counts towards the login lockout, with the clock offset (steps) at which it matched within ±10 minutes, or NULL.';
COMMENT ON FUNCTION portal_api.accept_step(bigint, bigint, integer) IS
    'Accepts a TOTP step once (replays refused) and records the accepted code''s clock offset in steps.';
COMMENT ON FUNCTION support.user_clock(bigint) IS
    'What the looked-at member''s recent sign-in codes say about their phone''s clock (offsets only, never codes).';
