-- The support API, part 2: check a recovery code, disable 2FA, override, clear a lockout.
SET LOCAL ROLE supportdesk_owner;

-- Checks a code read over the phone and records the attempt whatever the outcome (it returns
-- the outcome rather than raising, so the record survives). Checks of one member are serialised
-- on the member row and an agent's on an advisory lock, so lockouts count exactly.
CREATE FUNCTION support.verify_recovery_code(
    p_member_id bigint, p_code text,
    OUT outcome text, OUT attempts_left integer, OUT locked_until timestamptz,
    OUT locked_scope text, OUT usable_until timestamptz
)
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    settings portal.settings;
    member portal.team_members;
    credential portal.totp_credentials;
    agent_name text := session_user;
    now_ timestamptz;
    code text;
    code_id bigint;
    user_lock_end timestamptz;
    agent_lock_end timestamptz;
    mismatches integer;
    agent_mismatches integer;
BEGIN
    PERFORM portal.require_agent();
    member := portal.lock_member(p_member_id);
    PERFORM pg_advisory_xact_lock(hashtext('supportdesk.agent'), hashtext(agent_name));
    SELECT * INTO STRICT settings FROM portal.settings;
    now_ := clock_timestamp();

    SELECT * INTO credential FROM portal.totp_credentials t WHERE t.member_id = member.id AND t.state = 'active';
    IF NOT FOUND THEN
        outcome := 'not_enrolled';
    ELSE
        SELECT l.locked_until INTO user_lock_end FROM portal.recovery_locks l WHERE l.member_id = member.id;
        SELECT l.locked_until INTO agent_lock_end FROM portal.agent_locks l WHERE l.agent = agent_name;
        IF agent_lock_end > now_ THEN
            outcome := 'locked'; locked_until := agent_lock_end; locked_scope := 'agent';
        ELSIF user_lock_end > now_ THEN
            outcome := 'locked'; locked_until := user_lock_end; locked_scope := 'user';
        ELSE
            code := portal.normalise_recovery_code(p_code);
            IF code IS NULL THEN
                outcome := 'malformed';
            ELSE
                SELECT r.id INTO code_id FROM portal.recovery_codes r
                 WHERE r.member_id = member.id AND r.used_at IS NULL
                   AND r.code_hash = sha256(credential.recovery_salt || convert_to(code, 'UTF8'));
                outcome := CASE WHEN code_id IS NULL THEN 'mismatch' ELSE 'match' END;
            END IF;
        END IF;
    END IF;

    INSERT INTO portal.recovery_checks (member_id, agent, outcome, checked_at)
    VALUES (member.id, agent_name, outcome, now_);

    IF outcome = 'match' THEN
        usable_until := now_ + settings.verification_valid_for;
        PERFORM portal.append_event('recovery_verified', member.email, NULL, NULL, member.customer_id, member.id);
    ELSIF outcome = 'mismatch' THEN
        PERFORM portal.append_event('recovery_failed', member.email, NULL, NULL, member.customer_id, member.id);
        SELECT count(*) INTO mismatches FROM portal.recovery_checks k
         WHERE k.member_id = member.id AND k.outcome = 'mismatch'
           AND k.checked_at > greatest(now_ - settings.user_mismatch_window, coalesce(user_lock_end, '-infinity'));
        SELECT count(*) INTO agent_mismatches FROM portal.recovery_checks k
         WHERE k.agent = agent_name AND k.outcome = 'mismatch'
           AND k.checked_at > greatest(now_ - settings.agent_mismatch_window, coalesce(agent_lock_end, '-infinity'));
        attempts_left := greatest(settings.user_max_mismatches - mismatches, 0);
        IF mismatches >= settings.user_max_mismatches THEN
            locked_until := now_ + settings.user_lock_duration;
            locked_scope := 'user';
            INSERT INTO portal.recovery_locks AS l (member_id, locked_at, locked_until)
            VALUES (member.id, now_, locked_until)
            ON CONFLICT (member_id) DO UPDATE
               SET locked_at = excluded.locked_at, locked_until = excluded.locked_until, cleared_by = NULL;
            PERFORM portal.append_event('recovery_locked', member.email,
                format('%s mismatches within %s', mismatches, portal.spoken_interval(settings.user_mismatch_window)),
                NULL, member.customer_id, member.id);
        END IF;
        IF agent_mismatches >= settings.agent_max_mismatches THEN
            INSERT INTO portal.agent_locks AS l (agent, locked_at, locked_until)
            VALUES (agent_name, now_, now_ + settings.agent_lock_duration)
            ON CONFLICT (agent) DO UPDATE
               SET locked_at = excluded.locked_at, locked_until = excluded.locked_until, cleared_by = NULL;
            PERFORM portal.append_event('agent_locked', agent_name,
                format('%s mismatches across members within %s', agent_mismatches, portal.spoken_interval(settings.agent_mismatch_window)),
                NULL, NULL, NULL);
            IF locked_until IS NULL THEN
                locked_until := now_ + settings.agent_lock_duration;
                locked_scope := 'agent';
            END IF;
        END IF;
    END IF;
END
$$;

-- The disable shared by agents and supervisors: lock the member, honour a retried request id,
-- check reason, ticket and enrolment, consume the agent's own recent match unless this is a
-- supervisor's override, then remove the credential and record the event.
CREATE FUNCTION portal.disable_for_support(
    p_member_id bigint, p_reason text, p_ticket text, p_request_id uuid, p_override boolean
) RETURNS support.event
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    action text := CASE WHEN p_override THEN '2fa_disabled_override' ELSE '2fa_disabled_support' END;
    member portal.team_members;
    previous portal.audit_events;
    check_id bigint;
    valid_for interval := (SELECT s.verification_valid_for FROM portal.settings s);
    reason text;
    ticket text;
BEGIN
    member := portal.lock_member(p_member_id);
    previous := portal.earlier_disable(member, p_request_id, action);
    IF previous.seq IS NOT NULL THEN
        RETURN portal.as_support_event(previous);
    END IF;
    reason := portal.require_reason(p_reason);
    ticket := portal.require_ticket(p_ticket);
    PERFORM portal.require_active_2fa(member);
    IF NOT p_override THEN
        SELECT k.id INTO check_id FROM portal.recovery_checks k
          JOIN portal.totp_credentials t ON t.member_id = k.member_id
         WHERE k.member_id = member.id AND k.agent = session_user AND k.outcome = 'match'
           AND k.consumed_at IS NULL AND k.checked_at > clock_timestamp() - valid_for
           AND k.checked_at >= t.activated_at
         ORDER BY k.checked_at DESC LIMIT 1
           FOR UPDATE OF k;
        IF check_id IS NULL THEN
            RAISE EXCEPTION USING ERRCODE = 'DK005', MESSAGE = format(
                'verify a recovery code of %s first: a disable needs your own match from the last %s that has not been used',
                member.email, portal.spoken_interval(valid_for));
        END IF;
        UPDATE portal.recovery_checks SET consumed_at = clock_timestamp() WHERE id = check_id;
    END IF;
    RETURN portal.as_support_event(portal.remove_credential(member, action, reason, ticket, p_request_id));
END
$$;
REVOKE ALL ON FUNCTION portal.disable_for_support(bigint, text, text, uuid, boolean) FROM PUBLIC;

-- Disables 2FA after the calling agent's own recent, unused match for this member. A retry
-- with the same request id returns the event of the first call instead of failing.
CREATE FUNCTION support.disable_2fa(p_member_id bigint, p_reason text, p_ticket text, p_request_id uuid)
RETURNS support.event
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    PERFORM portal.require_agent();
    RETURN portal.disable_for_support(p_member_id, p_reason, p_ticket, p_request_id, false);
END
$$;

-- A supervisor's disable without a code check, for a caller who has no code left. Still needs
-- a reason and a ticket, and is recorded as an override.
CREATE FUNCTION support.override_disable_2fa(p_member_id bigint, p_reason text, p_ticket text, p_request_id uuid)
RETURNS support.event
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    PERFORM portal.require_supervisor();
    RETURN portal.disable_for_support(p_member_id, p_reason, p_ticket, p_request_id, true);
END
$$;

-- Ends a member's recovery lockout early (supervisors).
CREATE FUNCTION support.clear_lockout(p_member_id bigint, p_reason text)
RETURNS support.event
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    member portal.team_members;
    reason text;
    now_ timestamptz := clock_timestamp();
BEGIN
    PERFORM portal.require_supervisor();
    member := portal.lock_member(p_member_id);
    reason := portal.require_reason(p_reason);
    UPDATE portal.recovery_locks SET locked_until = now_, cleared_by = session_user
     WHERE member_id = member.id AND locked_until > now_;
    IF NOT FOUND THEN
        RAISE EXCEPTION USING ERRCODE = 'DK012', MESSAGE = format('%s is not locked', member.email);
    END IF;
    RETURN portal.as_support_event(
        portal.append_event('lock_cleared', member.email, reason, NULL, member.customer_id, member.id));
END
$$;

-- Ends an agent's lockout early (supervisors).
CREATE FUNCTION support.clear_agent_lockout(p_agent text, p_reason text)
RETURNS support.event
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    reason text;
    now_ timestamptz := clock_timestamp();
BEGIN
    PERFORM portal.require_supervisor();
    reason := portal.require_reason(p_reason);
    PERFORM pg_advisory_xact_lock(hashtext('supportdesk.agent'), hashtext(p_agent));
    UPDATE portal.agent_locks SET locked_until = now_, cleared_by = session_user
     WHERE agent = p_agent AND locked_until > now_;
    IF NOT FOUND THEN
        RAISE EXCEPTION USING ERRCODE = 'DK012', MESSAGE = format('agent %s is not locked', p_agent);
    END IF;
    RETURN portal.as_support_event(portal.append_event('lock_cleared', p_agent, reason, NULL, NULL, NULL));
END
$$;

-- The event a request id produced, if any: after a lost connection the console asks this
-- instead of repeating a disable. Agents see their own requests, supervisors everyone's.
CREATE FUNCTION support.lookup_request(p_request_id uuid)
RETURNS SETOF support.event
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    PERFORM portal.require_agent();
    RETURN QUERY
    SELECT (portal.as_support_event(e)).* FROM portal.audit_events e
     WHERE e.request_id = p_request_id
       AND (e.actor = session_user OR pg_has_role(session_user, 'support_supervisor', 'MEMBER'));
END
$$;

REVOKE ALL ON FUNCTION support.verify_recovery_code(bigint, text),
    support.disable_2fa(bigint, text, text, uuid), support.override_disable_2fa(bigint, text, text, uuid),
    support.clear_lockout(bigint, text), support.clear_agent_lockout(text, text),
    support.lookup_request(uuid) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION support.verify_recovery_code(bigint, text),
    support.disable_2fa(bigint, text, text, uuid), support.override_disable_2fa(bigint, text, text, uuid),
    support.clear_lockout(bigint, text), support.clear_agent_lockout(text, text),
    support.lookup_request(uuid) TO support_agent;
