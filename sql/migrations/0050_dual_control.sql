-- A second approver for the riskiest disables (issue 13, dual control).
--
-- Policy `portal.settings.approval_required_for`, one of four levels, each covering the one
-- before it: `nobody` (a disable works exactly as before), `overrides` (the default: a
-- supervisor's disable without a code check), `administrators` (also any disable of a customer's
-- administrator), `everyone` (every support disable). Such a disable is recorded as requested
-- ('disable_requested', with the client's request id), not done: the agent's match is consumed
-- at once and stays consumed. It takes effect when a supervisor other than the requester approves
-- it within `approval_window` (30 minutes by default): 'disable_approved' by the approver, then
-- the disable event itself in the requester's name (the requester verified the code and gave the
-- reason; the approval event names the approver). `reject_disable` ends it ('disable_rejected').
--
-- portal.disable_for_support only gains one call (portal.disable_needs_approval, then
-- portal.request_disable): the rule lives in functions of its own.
SET LOCAL ROLE supportdesk_owner;

-- The policy levels, least to most; the Swift ApprovalPolicy type mirrors it (a test holds the
-- two equal).
CREATE FUNCTION portal.approval_policies() RETURNS text[]
LANGUAGE sql IMMUTABLE SET search_path = pg_catalog, pg_temp AS $$
    SELECT ARRAY['nobody', 'overrides', 'administrators', 'everyone']
$$;

ALTER TABLE portal.settings
    ADD COLUMN approval_required_for text NOT NULL DEFAULT 'overrides'
        CONSTRAINT settings_approval_policy_known CHECK (approval_required_for = ANY (portal.approval_policies())),
    ADD COLUMN approval_window interval NOT NULL DEFAULT '30 minutes'
        CONSTRAINT settings_approval_window_positive CHECK (approval_window > '0');

-- One requested disable and what became of it. request_event_id is the 'disable_requested'
-- event's number, the REQUEST a supervisor names. Only the definer functions below write it.
CREATE TABLE portal.disable_requests (
    request_event_id   bigint PRIMARY KEY,
    member_id          bigint NOT NULL REFERENCES portal.team_members,
    action             text NOT NULL CONSTRAINT disable_request_action_known
                           CHECK (action IN ('2fa_disabled_support', '2fa_disabled_override')),
    requested_by       text NOT NULL,
    requested_at       timestamptz NOT NULL,
    reason             text NOT NULL,
    ticket             text NOT NULL,
    -- The credential the request is about: a member who enrolled again since is not disabled by it.
    credential_since   timestamptz NOT NULL,
    decision           text CONSTRAINT disable_request_decision_known CHECK (decision IN ('approved', 'rejected')),
    decided_by         text,
    decided_at         timestamptz,
    decision_event_id  bigint,
    disable_event_id   bigint UNIQUE,
    CONSTRAINT disable_request_decided_whole
        CHECK ((decision IS NULL) = (decided_by IS NULL) AND (decision IS NULL) = (decided_at IS NULL)
               AND (decision IS NULL) = (decision_event_id IS NULL)
               AND (disable_event_id IS NOT NULL) = (decision IS NOT DISTINCT FROM 'approved'))
);
CREATE INDEX disable_requests_pending ON portal.disable_requests (requested_at) WHERE decision IS NULL;
CREATE INDEX disable_requests_member ON portal.disable_requests (member_id, request_event_id);

-- Whether a disable of this member (an override or not) waits for a second approver under the
-- current policy.
CREATE FUNCTION portal.disable_needs_approval(p_member portal.team_members, p_override boolean) RETURNS boolean
LANGUAGE sql STABLE SET search_path = pg_catalog, pg_temp AS $$
    SELECT CASE s.approval_required_for
               WHEN 'nobody' THEN false
               WHEN 'overrides' THEN p_override
               WHEN 'administrators' THEN p_override OR p_member.role = 'administrator'
               ELSE true END
      FROM portal.settings s
$$;

-- Stages an event in the name of p_actor (a role recorded by the database earlier, never a name
-- a client sends): the disable an approval carries out is the requester's.
CREATE FUNCTION portal.append_event_as(
    p_actor text, p_action text, p_target text, p_reason text, p_ticket text,
    p_customer_id bigint, p_member_id bigint
) RETURNS portal.audit_staging
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    event portal.audit_staging;
BEGIN
    INSERT INTO portal.audit_staging (occurred_at, actor, action, target, reason, ticket, account_number,
                                      customer_id, member_id)
    VALUES (date_trunc('microseconds', clock_timestamp()), p_actor, p_action, p_target, p_reason, p_ticket,
            (SELECT c.account_number FROM portal.customers c WHERE c.id = p_customer_id),
            p_customer_id, p_member_id)
    RETURNING * INTO event;
    PERFORM pg_notify('supportdesk_audit_staged', event.event_id::text);
    RETURN event;
END
$$;

-- Records a disable as requested instead of doing it (called by portal.disable_for_support
-- after the reason, ticket, enrolment and match were checked and the match consumed).
CREATE FUNCTION portal.request_disable(
    p_member portal.team_members, p_action text, p_reason text, p_ticket text, p_request_id uuid
) RETURNS support.event
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    event portal.audit_staging;
BEGIN
    event := portal.append_event('disable_requested', p_member.email, p_reason, p_ticket,
                                 p_member.customer_id, p_member.id, p_request_id);
    INSERT INTO portal.disable_requests (request_event_id, member_id, action, requested_by, requested_at,
                                         reason, ticket, credential_since)
    VALUES (event.event_id, p_member.id, p_action, session_user, event.occurred_at, p_reason, p_ticket,
            (SELECT t.activated_at FROM portal.totp_credentials t WHERE t.member_id = p_member.id));
    RETURN portal.staged_event(event);
END
$$;

-- The disable itself, with its one addition: a disable the policy holds for a second approver
-- is recorded as requested (portal.request_disable) once its match is consumed.
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
            RAISE EXCEPTION USING ERRCODE = 'DK005', MESSAGE = format(
                'verify a recovery code of %s first: a disable needs your own match from the last %s that has not been used',
                member.email, portal.spoken_interval(valid_for));
        END IF;
        UPDATE portal.recovery_checks SET consumed_at = clock_timestamp() WHERE id = check_id;
    END IF;
    IF portal.disable_needs_approval(member, p_override) THEN
        RETURN portal.request_disable(member, action, reason, ticket, p_request_id);
    END IF;
    RETURN portal.staged_event(portal.remove_credential(member, action, reason, ticket, p_request_id));
END
$$;

-- A retried request id that produced a request (not yet a disable) is the same request.
CREATE OR REPLACE FUNCTION portal.earlier_disable(p_member portal.team_members, p_request_id uuid, p_action text)
RETURNS support.event
LANGUAGE plpgsql STABLE SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    previous record;
BEGIN
    IF p_request_id IS NULL THEN
        RAISE EXCEPTION USING ERRCODE = 'DK009', MESSAGE = 'a request id is required';
    END IF;
    SELECT * INTO previous FROM portal.all_events e WHERE e.request_id = p_request_id;
    IF NOT FOUND THEN
        RETURN NULL;
    END IF;
    IF NOT (previous.actor = session_user AND previous.member_id = p_member.id
            AND (previous.action = p_action
                 OR (previous.action = 'disable_requested'
                     AND EXISTS (SELECT FROM portal.disable_requests r
                                  WHERE r.request_event_id = previous.event_id AND r.action = p_action)))) THEN
        RAISE EXCEPTION USING ERRCODE = 'DK009', MESSAGE = 'this request id was already used for another request';
    END IF;
    RETURN ROW(previous.event_id, previous.occurred_at, previous.actor, previous.action, previous.target,
               previous.account_number, previous.reason, previous.ticket, previous.request_id)::support.event;
END
$$;

-- The request a supervisor names, locked for the decision (a second approver waits, then finds
-- it decided), or DK204; refuses one already decided (DK205) or past its window (DK206).
CREATE FUNCTION portal.open_request(p_request bigint) RETURNS portal.disable_requests
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    request portal.disable_requests;
    window_ interval := (SELECT s.approval_window FROM portal.settings s);
BEGIN
    SELECT * INTO request FROM portal.disable_requests r WHERE r.request_event_id = p_request FOR UPDATE;
    IF NOT FOUND THEN
        RAISE EXCEPTION USING ERRCODE = 'DK204', MESSAGE = format('there is no disable request #%s', p_request);
    END IF;
    IF request.decision IS NOT NULL THEN
        RAISE EXCEPTION USING ERRCODE = 'DK205', MESSAGE = format('request #%s was already %s by %s at %s',
            p_request, request.decision, request.decided_by, to_char(request.decided_at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS "UTC"'));
    END IF;
    IF clock_timestamp() > request.requested_at + window_ THEN
        RAISE EXCEPTION USING ERRCODE = 'DK206', MESSAGE = format(
            'request #%s expired %s after it was made: the agent must verify a code again and ask anew',
            p_request, portal.spoken_interval(window_));
    END IF;
    RETURN request;
END
$$;

-- Carries out an approved request: the credential and codes go, and the disable event is
-- staged in the requester's name. (Issue 12 changes how a credential is removed; this is the
-- one place an approval removes one.)
CREATE FUNCTION portal.carry_out_request(p_member portal.team_members, p_request portal.disable_requests)
RETURNS portal.audit_staging
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    DELETE FROM portal.recovery_codes WHERE member_id = p_member.id;
    DELETE FROM portal.totp_credentials WHERE member_id = p_member.id;
    DELETE FROM portal.recovery_locks WHERE member_id = p_member.id;
    RETURN portal.append_event_as(p_request.requested_by, p_request.action, p_member.email, p_request.reason,
                                  p_request.ticket, p_member.customer_id, p_member.id);
END
$$;

-- Approves another agent's requested disable (supervisors; never their own request).
CREATE FUNCTION support.approve_disable(p_request bigint, p_note text DEFAULT NULL) RETURNS support.event
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    request portal.disable_requests;
    member portal.team_members;
    note text;
    approval portal.audit_staging;
    disable portal.audit_staging;
BEGIN
    PERFORM portal.require_supervisor();
    request := portal.open_request(p_request);
    IF request.requested_by = session_user THEN
        RAISE EXCEPTION USING ERRCODE = 'DK201',
            MESSAGE = format('you requested #%s yourself: a supervisor other than the requester must approve it', p_request);
    END IF;
    IF p_note IS NOT NULL THEN
        note := portal.require_reason(p_note);
    END IF;
    member := portal.member_row(request.member_id);
    PERFORM portal.guard_member(member);
    PERFORM portal.require_active_2fa(member);
    IF (SELECT t.activated_at FROM portal.totp_credentials t WHERE t.member_id = member.id) IS DISTINCT FROM request.credential_since THEN
        RAISE EXCEPTION USING ERRCODE = 'DK206',
            MESSAGE = format('%s set up 2FA again after request #%s: it no longer applies', member.email, p_request);
    END IF;
    approval := portal.append_event('disable_approved', member.email, note, request.ticket, member.customer_id, member.id);
    disable := portal.carry_out_request(member, request);
    UPDATE portal.disable_requests
       SET decision = 'approved', decided_by = session_user, decided_at = approval.occurred_at,
           decision_event_id = approval.event_id, disable_event_id = disable.event_id
     WHERE request_event_id = request.request_event_id;
    RETURN portal.staged_event(disable);
END
$$;

-- Ends a requested disable without doing it (supervisors, the requester too: a withdrawal).
CREATE FUNCTION support.reject_disable(p_request bigint, p_note text) RETURNS support.event
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    request portal.disable_requests;
    member portal.team_members;
    note text;
    rejection portal.audit_staging;
BEGIN
    PERFORM portal.require_supervisor();
    request := portal.open_request(p_request);
    note := portal.require_reason(p_note);
    member := portal.member_row(request.member_id);
    rejection := portal.append_event('disable_rejected', member.email, note, request.ticket, member.customer_id, member.id);
    UPDATE portal.disable_requests
       SET decision = 'rejected', decided_by = session_user, decided_at = rejection.occurred_at,
           decision_event_id = rejection.event_id
     WHERE request_event_id = request.request_event_id;
    RETURN portal.staged_event(rejection);
END
$$;

-- What a request's state is now: pending, approved, rejected, or expired (undecided past its window).
CREATE FUNCTION portal.request_state(p_request portal.disable_requests) RETURNS text
LANGUAGE sql STABLE SET search_path = pg_catalog, pg_temp AS $$
    SELECT coalesce(p_request.decision,
                    CASE WHEN clock_timestamp() > p_request.requested_at + s.approval_window THEN 'expired' ELSE 'pending' END)
      FROM portal.settings s
$$;

-- Requested disables, newest first: an agent sees their own, a supervisor everyone's. Pending
-- only, unless p_all.
CREATE FUNCTION support.disable_requests(p_all boolean DEFAULT false, p_limit integer DEFAULT 50)
RETURNS TABLE (
    request bigint, requested_at timestamptz, expires_at timestamptz, requested_by text, target text,
    account_number text, action text, reason text, ticket text, state text, decided_by text,
    decided_at timestamptz, disable_event bigint
)
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    everyone boolean := pg_has_role(session_user, 'support_supervisor', 'MEMBER');
BEGIN
    PERFORM portal.require_agent();
    IF p_limit IS NULL OR p_limit NOT BETWEEN 1 AND 1000 THEN
        RAISE EXCEPTION USING ERRCODE = 'DK010', MESSAGE = 'the limit must be between 1 and 1000';
    END IF;
    RETURN QUERY
    SELECT r.request_event_id, r.requested_at, r.requested_at + s.approval_window, r.requested_by, m.email,
           c.account_number::text, r.action, r.reason, r.ticket, portal.request_state(r), r.decided_by,
           r.decided_at, r.disable_event_id
      FROM portal.disable_requests r
      JOIN portal.team_members m ON m.id = r.member_id
      JOIN portal.customers c ON c.id = m.customer_id
     CROSS JOIN portal.settings s
     WHERE (everyone OR r.requested_by = session_user)
       AND (p_all OR (r.decision IS NULL AND clock_timestamp() <= r.requested_at + s.approval_window))
     ORDER BY r.request_event_id DESC
     LIMIT p_limit;
END
$$;

-- The looked-at member's requested disables (with the look-up `show` recorded), newest first;
-- the same columns as support.disable_requests.
CREATE FUNCTION support.user_requests(p_lookup_id bigint)
RETURNS TABLE (
    request bigint, requested_at timestamptz, expires_at timestamptz, requested_by text, target text,
    account_number text, action text, reason text, ticket text, state text, decided_by text,
    decided_at timestamptz, disable_event bigint
)
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    lookup portal.lookups;
BEGIN
    PERFORM portal.require_agent();
    lookup := portal.answerable_lookup(p_lookup_id, 'detail');
    RETURN QUERY
    SELECT r.request_event_id, r.requested_at, r.requested_at + s.approval_window, r.requested_by, m.email,
           c.account_number::text, r.action, r.reason, r.ticket, portal.request_state(r), r.decided_by,
           r.decided_at, r.disable_event_id
      FROM portal.disable_requests r
      JOIN portal.team_members m ON m.id = r.member_id
      JOIN portal.customers c ON c.id = m.customer_id
     CROSS JOIN portal.settings s
     WHERE r.member_id = lookup.member_id
     ORDER BY r.request_event_id DESC
     LIMIT 5;
END
$$;

-- The approval policy as it stands, for the console's sentences.
CREATE FUNCTION support.approval_policy(OUT required_for text, OUT window_seconds integer)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
    SELECT s.approval_required_for, extract(epoch FROM s.approval_window)::integer FROM portal.settings s
$$;

COMMENT ON FUNCTION support.approve_disable(bigint, text) IS
    'Supervisors: approves a requested disable of another agent within its window; stages disable_approved, then the disable in the requester''s name. DK201 own request, DK204 no such request, DK205 already decided, DK206 expired or no longer applies.';
COMMENT ON FUNCTION support.reject_disable(bigint, text) IS
    'Supervisors: ends a requested disable without doing it, with a note (the requester''s match stays consumed); stages disable_rejected.';
COMMENT ON FUNCTION support.disable_requests(boolean, integer) IS
    'Requested disables newest first (agents: their own; supervisors: all), pending only unless p_all: state pending, approved, rejected or expired.';
COMMENT ON FUNCTION support.user_requests(bigint) IS
    'With a recorded detail look-up: the member''s last five requested disables and what became of them (for show).';
COMMENT ON FUNCTION support.approval_policy() IS
    'Which disables wait for a second approver (nobody, overrides, administrators, everyone) and for how long.';

REVOKE ALL ON FUNCTION portal.approval_policies(),
    portal.disable_needs_approval(portal.team_members, boolean),
    portal.append_event_as(text, text, text, text, text, bigint, bigint),
    portal.request_disable(portal.team_members, text, text, text, uuid),
    portal.open_request(bigint),
    portal.carry_out_request(portal.team_members, portal.disable_requests),
    portal.request_state(portal.disable_requests) FROM PUBLIC;
REVOKE ALL ON FUNCTION support.approve_disable(bigint, text), support.reject_disable(bigint, text),
    support.disable_requests(boolean, integer), support.user_requests(bigint), support.approval_policy() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION support.approve_disable(bigint, text), support.reject_disable(bigint, text),
    support.disable_requests(boolean, integer), support.user_requests(bigint), support.approval_policy() TO support_agent;
ALTER FUNCTION support.approve_disable(bigint, text) SET lock_timeout = '3s';
ALTER FUNCTION support.reject_disable(bigint, text) SET lock_timeout = '3s';
ALTER FUNCTION support.disable_requests(boolean, integer) SET lock_timeout = '3s';
ALTER FUNCTION support.user_requests(bigint) SET lock_timeout = '3s';
ALTER FUNCTION support.approval_policy() SET lock_timeout = '3s';
