-- The support calls that act, on the guard rows and the staged log (issue 9, items 2 to 5).
SET LOCAL ROLE supportdesk_owner;

-- A staged event as agents see it. Its seq column is the event's number (event_id).
CREATE FUNCTION portal.staged_event(s portal.audit_staging) RETURNS support.event
LANGUAGE sql IMMUTABLE SET search_path = pg_catalog, pg_temp AS $$
    SELECT ROW(s.event_id, s.occurred_at, s.actor, s.action, s.target, s.account_number,
               s.reason, s.ticket, s.request_id)::support.event
$$;

-- Removes a member's credential and every recovery code, and stages why; shared by the
-- member's own disable, support's and the override.
DROP FUNCTION portal.remove_credential(portal.team_members, text, text, text, uuid);
CREATE FUNCTION portal.remove_credential(
    p_member portal.team_members, p_action text, p_reason text, p_ticket text, p_request_id uuid
) RETURNS portal.audit_staging
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    DELETE FROM portal.recovery_codes WHERE member_id = p_member.id;
    DELETE FROM portal.totp_credentials WHERE member_id = p_member.id;
    DELETE FROM portal.recovery_locks WHERE member_id = p_member.id;
    RETURN portal.append_event(p_action, p_member.email, p_reason, p_ticket,
                               p_member.customer_id, p_member.id, p_request_id);
END
$$;

-- The event an earlier call with this request id made (a retry of the same disable), chained or
-- staged, or NULL when the id is new; refuses a missing id, or one used for another request.
DROP FUNCTION portal.earlier_disable(portal.team_members, uuid, text);
CREATE FUNCTION portal.earlier_disable(p_member portal.team_members, p_request_id uuid, p_action text)
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
    IF NOT (previous.actor = session_user AND previous.member_id = p_member.id AND previous.action = p_action) THEN
        RAISE EXCEPTION USING ERRCODE = 'DK009', MESSAGE = 'this request id was already used for another request';
    END IF;
    RETURN ROW(previous.event_id, previous.occurred_at, previous.actor, previous.action, previous.target,
               previous.account_number, previous.reason, previous.ticket, previous.request_id)::support.event;
END
$$;

-- The disable shared by agents and supervisors: queue on the member's guard row, honour a
-- retried request id, check reason, ticket and enrolment, consume the agent's own recent match
-- (committed in an earlier transaction: a check's own transaction refuses every other call)
-- unless this is a supervisor's override, then remove the credential and stage the event.
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
    RETURN portal.staged_event(portal.remove_credential(member, action, reason, ticket, p_request_id));
END
$$;

-- Ends a member's recovery lockout early (supervisors).
CREATE OR REPLACE FUNCTION support.clear_lockout(p_member_id bigint, p_reason text)
RETURNS support.event
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    member portal.team_members;
    reason text;
    now_ timestamptz := clock_timestamp();
BEGIN
    PERFORM portal.require_supervisor();
    member := portal.member_row(p_member_id);
    PERFORM portal.guard_member(member);
    reason := portal.require_reason(p_reason);
    IF coalesce(portal.member_lock_end(member.id), '-infinity') <= now_ THEN
        RAISE EXCEPTION USING ERRCODE = 'DK012', MESSAGE = format('%s is not locked', member.email);
    END IF;
    INSERT INTO portal.lock_clears (member_id, cleared_at, cleared_by) VALUES (member.id, now_, session_user);
    UPDATE portal.recovery_locks SET locked_until = now_, cleared_by = session_user
     WHERE member_id = member.id AND locked_until > now_;
    RETURN portal.staged_event(
        portal.append_event('lock_cleared', member.email, reason, NULL, member.customer_id, member.id));
END
$$;

-- Ends another agent's lockout early (supervisors; never their own).
CREATE OR REPLACE FUNCTION support.clear_agent_lockout(p_agent text, p_reason text)
RETURNS support.event
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    reason text;
    now_ timestamptz := clock_timestamp();
BEGIN
    PERFORM portal.require_supervisor();
    IF p_agent = session_user THEN
        RAISE EXCEPTION USING ERRCODE = 'DK018',
            MESSAGE = 'a supervisor cannot lift their own lock: ask another supervisor';
    END IF;
    reason := portal.require_reason(p_reason);
    PERFORM portal.guard_agent(p_agent);
    IF coalesce(portal.agent_lock_end(p_agent), '-infinity') <= now_ THEN
        RAISE EXCEPTION USING ERRCODE = 'DK012', MESSAGE = format('agent %s is not locked', p_agent);
    END IF;
    INSERT INTO portal.lock_clears (agent, cleared_at, cleared_by) VALUES (p_agent, now_, session_user);
    UPDATE portal.agent_locks SET locked_until = now_, cleared_by = session_user
     WHERE agent = p_agent AND locked_until > now_;
    RETURN portal.staged_event(portal.append_event('lock_cleared', p_agent, reason, NULL, NULL, NULL));
END
$$;

-- The event a request id produced, chained or staged: after a lost connection the console asks
-- this instead of repeating a disable. Agents see their own requests, supervisors everyone's.
CREATE OR REPLACE FUNCTION support.lookup_request(p_request_id uuid)
RETURNS SETOF support.event
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    PERFORM portal.require_agent();
    RETURN QUERY
    SELECT e.event_id, e.occurred_at, e.actor, e.action, e.target, e.account_number, e.reason, e.ticket, e.request_id
      FROM portal.all_events e
     WHERE e.request_id = p_request_id
       AND (e.actor = session_user OR pg_has_role(session_user, 'support_supervisor', 'MEMBER'));
END
$$;

CREATE OR REPLACE FUNCTION support.whoami(
    OUT agent text, OUT is_supervisor boolean, OUT locked_until timestamptz
)
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    lock_end timestamptz := portal.agent_lock_end(session_user);
BEGIN
    PERFORM portal.require_agent();
    agent := session_user;
    is_supervisor := pg_has_role(session_user, 'support_supervisor', 'MEMBER');
    locked_until := CASE WHEN lock_end > clock_timestamp() THEN lock_end END;
END
$$;

-- Events newest first (chained and staged), filtered; page on with p_before_seq = the number of
-- the last event seen.
CREATE OR REPLACE FUNCTION support.audit_log(
    p_since timestamptz DEFAULT NULL, p_until timestamptz DEFAULT NULL,
    p_agent text DEFAULT NULL, p_account text DEFAULT NULL, p_email text DEFAULT NULL,
    p_action text DEFAULT NULL, p_before_seq bigint DEFAULT NULL, p_limit integer DEFAULT 50
) RETURNS SETOF support.event
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    customer bigint;
    member bigint;
BEGIN
    PERFORM portal.require_supervisor();
    IF p_limit IS NULL OR p_limit NOT BETWEEN 1 AND 10000 THEN
        RAISE EXCEPTION USING ERRCODE = 'DK010', MESSAGE = 'the limit must be between 1 and 10000';
    END IF;
    IF p_since IS NOT NULL AND p_until IS NOT NULL AND p_until < p_since THEN
        RAISE EXCEPTION USING ERRCODE = 'DK010', MESSAGE = 'the end of the time range is before its start';
    END IF;
    IF p_action IS NOT NULL AND NOT p_action = ANY (portal.audit_actions()) THEN
        RAISE EXCEPTION USING ERRCODE = 'DK010', MESSAGE = format('there is no action %s', p_action);
    END IF;
    IF p_account IS NOT NULL THEN
        SELECT c.id INTO customer FROM portal.customers c WHERE c.account_number = upper(btrim(p_account));
        IF customer IS NULL THEN
            RAISE EXCEPTION USING ERRCODE = 'DK013', MESSAGE = format('no customer %s', p_account);
        END IF;
    END IF;
    IF p_email IS NOT NULL THEN
        SELECT m.id INTO member FROM portal.team_members m WHERE lower(m.email) = lower(btrim(p_email));
        IF member IS NULL THEN
            RAISE EXCEPTION USING ERRCODE = 'DK003', MESSAGE = format('no team member %s', p_email);
        END IF;
    END IF;
    RETURN QUERY
    SELECT e.event_id, e.occurred_at, e.actor, e.action, e.target, e.account_number, e.reason, e.ticket, e.request_id
      FROM portal.all_events e
     WHERE (p_since IS NULL OR e.occurred_at >= p_since)
       AND (p_until IS NULL OR e.occurred_at < p_until)
       AND (p_agent IS NULL OR e.actor = p_agent)
       AND (customer IS NULL OR e.customer_id = customer)
       AND (member IS NULL OR e.member_id = member)
       AND (p_action IS NULL OR e.action = p_action)
       AND (p_before_seq IS NULL OR e.event_id < p_before_seq)
     ORDER BY e.event_id DESC
     LIMIT p_limit;
END
$$;

-- Every field the hash covers, in seq order from p_after_seq, so a verifier outside the
-- database can recompute each link under the event's own encoding version.
DROP FUNCTION support.audit_chain(bigint);
CREATE FUNCTION support.audit_chain(p_after_seq bigint DEFAULT 0)
RETURNS TABLE (
    seq bigint, prev_hash bytea, hash bytea, occurred_at_us bigint,
    actor text, action text, target text, reason text, ticket text,
    version integer, event_id bigint, account_number text, customer_id bigint, member_id bigint, request_id uuid
)
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    PERFORM portal.require_supervisor();
    RETURN QUERY
    SELECT e.seq, e.prev_hash, e.hash, (extract(epoch FROM e.occurred_at) * 1000000)::bigint,
           e.actor, e.action, e.target, e.reason, e.ticket,
           e.version::integer, e.event_id, e.account_number, e.customer_id, e.member_id, e.request_id
      FROM portal.audit_events e
     WHERE e.seq > coalesce(p_after_seq, 0)
     ORDER BY e.seq;
END
$$;

-- The chain head (last seq and hash), to keep as an anchor, and how many events wait to be chained.
DROP FUNCTION support.audit_head();
CREATE FUNCTION support.audit_head(OUT seq bigint, OUT hash bytea, OUT read_at timestamptz, OUT staged bigint)
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    PERFORM portal.require_supervisor();
    SELECT h.seq, h.hash, clock_timestamp() INTO seq, hash, read_at FROM portal.audit_chain_head h;
    SELECT count(*) INTO staged FROM portal.audit_staging;
END
$$;

DROP FUNCTION portal.as_support_event(portal.audit_events);

REVOKE ALL ON FUNCTION portal.staged_event(portal.audit_staging),
    portal.remove_credential(portal.team_members, text, text, text, uuid),
    portal.earlier_disable(portal.team_members, uuid, text) FROM PUBLIC;
REVOKE ALL ON FUNCTION support.audit_chain(bigint), support.audit_head() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION support.audit_chain(bigint), support.audit_head() TO support_agent;
