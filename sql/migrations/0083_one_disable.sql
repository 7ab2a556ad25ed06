-- One disable again, after issues 12 and 13 were built side by side: migration 0042 added the
-- second channel to portal.disable_for_support and 0050 the second approver, each to its own
-- copy. This is the one body with both, in this order: the match, then the emailed code, then
-- (when the policy holds it) the request for a second approver; an approved request suspends
-- the credential for a dispute as a direct disable does. A disable without a usable match now
-- says why: none yet, the last one expired (how long ago), or the last one was used.
SET LOCAL ROLE supportdesk_owner;

-- Why this agent has no usable match for the member, as a sentence for DK005.
CREATE FUNCTION portal.no_match_sentence(p_member portal.team_members, p_valid_for interval) RETURNS text
LANGUAGE plpgsql STABLE SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    last portal.recovery_checks;
    now_ timestamptz := clock_timestamp();
BEGIN
    SELECT k.* INTO last FROM portal.recovery_checks k
      JOIN portal.totp_credentials t ON t.member_id = k.member_id
     WHERE k.member_id = p_member.id AND k.agent = session_user AND k.outcome = 'match'
       AND k.checked_at >= t.activated_at
     ORDER BY k.checked_at DESC LIMIT 1;
    IF last.id IS NULL THEN
        RETURN format('verify a recovery code of %s first: a disable needs your own match from the last %s',
                      p_member.email, portal.spoken_interval(p_valid_for));
    ELSIF last.consumed_at IS NOT NULL THEN
        RETURN format('your last match for %s was used %s ago: verify a new recovery code (each match allows one disable)',
                      p_member.email, portal.spoken_interval(now_ - last.consumed_at));
    END IF;
    RETURN format('your match for %s expired %s ago (a match allows a disable for %s): verify a recovery code again',
                  p_member.email, portal.spoken_interval(now_ - (last.checked_at + p_valid_for)),
                  portal.spoken_interval(p_valid_for));
END
$$;

CREATE OR REPLACE FUNCTION portal.disable_for_support(
    p_member_id bigint, p_reason text, p_ticket text, p_request_id uuid, p_override boolean
) RETURNS support.event
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    action text := CASE WHEN p_override THEN '2fa_disabled_override' ELSE '2fa_disabled_support' END;
    member portal.team_members;
    previous support.event;
    check_id bigint;
    valid_for interval := (SELECT s.verification_valid_for FROM portal.settings s);
    reason text;
    ticket text;
BEGIN
    member := portal.member_row(p_member_id);
    PERFORM portal.guard_member(member);
    previous := portal.earlier_disable(member, p_request_id, action);
    IF previous.seq IS NOT NULL THEN
        RETURN previous;
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
            RAISE EXCEPTION USING ERRCODE = 'DK005', MESSAGE = portal.no_match_sentence(member, valid_for);
        END IF;
        UPDATE portal.recovery_checks SET consumed_at = clock_timestamp() WHERE id = check_id;
    END IF;
    PERFORM portal.require_second_channel(member, p_override);
    IF portal.disable_needs_approval(member, p_override) THEN
        RETURN portal.request_disable(member, action, reason, ticket, p_request_id);
    END IF;
    RETURN portal.staged_event(portal.remove_credential(member, action, reason, ticket, p_request_id));
END
$$;

-- An approved request: the credential is suspended for a dispute (as a direct disable's is),
-- the codes go, and the disable event is staged in the requester's name.
CREATE OR REPLACE FUNCTION portal.carry_out_request(p_member portal.team_members, p_request portal.disable_requests)
RETURNS portal.audit_staging
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    PERFORM portal.suspend_credential(p_member);
    DELETE FROM portal.recovery_codes WHERE member_id = p_member.id;
    DELETE FROM portal.totp_credentials WHERE member_id = p_member.id;
    DELETE FROM portal.recovery_locks WHERE member_id = p_member.id;
    RETURN portal.append_event_as(p_request.requested_by, p_request.action, p_member.email, p_request.reason,
                                  p_request.ticket, p_member.customer_id, p_member.id);
END
$$;

REVOKE ALL ON FUNCTION portal.no_match_sentence(portal.team_members, interval) FROM PUBLIC;
