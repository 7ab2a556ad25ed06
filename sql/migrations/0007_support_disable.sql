-- The support API, part 3: disable 2FA (or override), clear a lockout, look up a request.
SET LOCAL ROLE supportdesk_owner;

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

REVOKE ALL ON FUNCTION support.disable_2fa(bigint, text, text, uuid), support.override_disable_2fa(bigint, text, text, uuid),
    support.clear_lockout(bigint, text), support.clear_agent_lockout(text, text),
    support.lookup_request(uuid) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION support.disable_2fa(bigint, text, text, uuid), support.override_disable_2fa(bigint, text, text, uuid),
    support.clear_lockout(bigint, text), support.clear_agent_lockout(text, text),
    support.lookup_request(uuid) TO support_agent;
