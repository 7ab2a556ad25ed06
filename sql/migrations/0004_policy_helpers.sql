-- Helpers the definer functions share: who the caller is, input rules, code normalisation.
-- None is callable by any role but the owner.
SET LOCAL ROLE supportdesk_owner;

-- Refuses a caller whose login role is not an agent. session_user, not current_user: inside a
-- definer function current_user is the owner, and SET ROLE cannot change session_user.
CREATE FUNCTION portal.require_agent() RETURNS void
LANGUAGE plpgsql STABLE SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    IF NOT pg_has_role(session_user, 'support_agent', 'MEMBER') THEN
        RAISE EXCEPTION USING ERRCODE = 'DK001',
            MESSAGE = format('%s is not a support agent', session_user);
    END IF;
END
$$;

CREATE FUNCTION portal.require_supervisor() RETURNS void
LANGUAGE plpgsql STABLE SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    IF NOT pg_has_role(session_user, 'support_supervisor', 'MEMBER') THEN
        RAISE EXCEPTION USING ERRCODE = 'DK002',
            MESSAGE = format('only a supervisor may do this, and %s is not one', session_user);
    END IF;
END
$$;

CREATE FUNCTION portal.require_reason(p_reason text) RETURNS text
LANGUAGE plpgsql STABLE SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    minimum integer := (SELECT min_reason_length FROM portal.settings);
    reason text := btrim(coalesce(p_reason, ''));
BEGIN
    IF length(reason) < minimum THEN
        RAISE EXCEPTION USING ERRCODE = 'DK007',
            MESSAGE = format('a reason of at least %s characters is required', minimum);
    END IF;
    IF length(reason) > 1000 THEN
        RAISE EXCEPTION USING ERRCODE = 'DK007', MESSAGE = 'the reason is longer than 1000 characters';
    END IF;
    RETURN reason;
END
$$;

CREATE FUNCTION portal.require_ticket(p_ticket text) RETURNS text
LANGUAGE plpgsql IMMUTABLE SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    ticket text := btrim(coalesce(p_ticket, ''));
BEGIN
    IF ticket !~ '^[A-Za-z0-9][A-Za-z0-9#_./:-]{1,63}$' THEN
        RAISE EXCEPTION USING ERRCODE = 'DK008',
            MESSAGE = 'a ticket reference is required (2 to 64 letters, digits or # _ . / : -, like SUP-4411)';
    END IF;
    RETURN ticket;
END
$$;

-- An interval as people say it: "10 minutes", "1 hour".
CREATE FUNCTION portal.spoken_interval(value interval) RETURNS text
LANGUAGE sql IMMUTABLE SET search_path = pg_catalog, pg_temp AS $$
    SELECT CASE
        WHEN seconds % 3600 = 0 THEN (seconds / 3600)::text || CASE WHEN seconds = 3600 THEN ' hour' ELSE ' hours' END
        WHEN seconds % 60 = 0 THEN (seconds / 60)::text || CASE WHEN seconds = 60 THEN ' minute' ELSE ' minutes' END
        ELSE seconds::text || ' seconds' END
      FROM (SELECT extract(epoch FROM value)::bigint AS seconds) AS s
$$;

-- The member row, locked against concurrent checks and disables of the same member.
CREATE FUNCTION portal.lock_member(p_member_id bigint) RETURNS portal.team_members
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    member portal.team_members;
BEGIN
    SELECT * INTO member FROM portal.team_members WHERE id = p_member_id FOR NO KEY UPDATE;
    IF NOT FOUND THEN
        RAISE EXCEPTION USING ERRCODE = 'DK003', MESSAGE = format('no team member #%s', p_member_id);
    END IF;
    RETURN member;
END
$$;

-- The 16 canonical symbols of a recovery code as TOTPCore's RecoveryCode(parsing:) reads it
-- (case folded, spaces and dashes dropped, O as 0, I and L as 1, Luhn mod 32 check symbol),
-- or NULL when it cannot be a code.
CREATE FUNCTION portal.normalise_recovery_code(p_code text) RETURNS text
LANGUAGE plpgsql IMMUTABLE SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    alphabet constant text := '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
    code text;
    factor integer := 2;
    total integer := 0;
    addend integer;
BEGIN
    IF p_code IS NULL OR length(p_code) > 64 THEN
        RETURN NULL;
    END IF;
    code := translate(regexp_replace(upper(p_code), '[[:space:]-]', '', 'g'), 'OIL', '011');
    IF code !~ '^[0-9A-HJKMNP-TV-Z]{16}$' THEN
        RETURN NULL;
    END IF;
    FOR i IN REVERSE 15..1 LOOP
        addend := factor * (strpos(alphabet, substr(code, i, 1)) - 1);
        factor := CASE WHEN factor = 2 THEN 1 ELSE 2 END;
        total := total + addend / 32 + addend % 32;
    END LOOP;
    IF strpos(alphabet, substr(code, 16, 1)) - 1 <> (32 - total % 32) % 32 THEN
        RETURN NULL;
    END IF;
    RETURN code;
END
$$;

-- What agents see of an audit event: everything but the chain's hashes.
CREATE TYPE support.event AS (
    seq             bigint,
    occurred_at     timestamptz,
    actor           text,
    action          text,
    target          text,
    account_number  text,
    reason          text,
    ticket          text,
    request_id      uuid
);

CREATE FUNCTION portal.as_support_event(e portal.audit_events) RETURNS support.event
LANGUAGE sql STABLE SET search_path = pg_catalog, pg_temp AS $$
    SELECT ROW(e.seq, e.occurred_at, e.actor, e.action, e.target,
               (SELECT c.account_number FROM portal.customers c WHERE c.id = e.customer_id),
               e.reason, e.ticket, e.request_id)::support.event
$$;

-- Removes a member's credential and every recovery code, and records why; shared by the
-- member's own disable, support's and the override.
CREATE FUNCTION portal.remove_credential(
    p_member portal.team_members, p_action text, p_reason text, p_ticket text, p_request_id uuid
) RETURNS portal.audit_events
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    DELETE FROM portal.recovery_codes WHERE member_id = p_member.id;
    DELETE FROM portal.totp_credentials WHERE member_id = p_member.id;
    DELETE FROM portal.recovery_locks WHERE member_id = p_member.id;
    RETURN portal.append_event(p_action, p_member.email, p_reason, p_ticket,
                               p_member.customer_id, p_member.id, p_request_id);
END
$$;

-- Refuses unless the member has active 2FA.
CREATE FUNCTION portal.require_active_2fa(p_member portal.team_members) RETURNS void
LANGUAGE plpgsql STABLE SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    IF NOT EXISTS (SELECT FROM portal.totp_credentials t WHERE t.member_id = p_member.id AND t.state = 'active') THEN
        RAISE EXCEPTION USING ERRCODE = 'DK004', MESSAGE = format('%s does not have 2FA enabled', p_member.email);
    END IF;
END
$$;

-- The event an earlier call with this request id made (a retry of the same disable), or NULL
-- when the id is new; refuses a missing id, or one that another request already used.
CREATE FUNCTION portal.earlier_disable(p_member portal.team_members, p_request_id uuid, p_action text)
RETURNS portal.audit_events
LANGUAGE plpgsql STABLE SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    previous portal.audit_events;
BEGIN
    IF p_request_id IS NULL THEN
        RAISE EXCEPTION USING ERRCODE = 'DK009', MESSAGE = 'a request id is required';
    END IF;
    SELECT * INTO previous FROM portal.audit_events e WHERE e.request_id = p_request_id;
    IF FOUND AND NOT (previous.actor = session_user AND previous.member_id = p_member.id AND previous.action = p_action) THEN
        RAISE EXCEPTION USING ERRCODE = 'DK009', MESSAGE = 'this request id was already used for another request';
    END IF;
    RETURN previous;
END
$$;

REVOKE ALL ON FUNCTION portal.require_active_2fa(portal.team_members),
    portal.earlier_disable(portal.team_members, uuid, text) FROM PUBLIC;
REVOKE ALL ON FUNCTION portal.require_agent(), portal.spoken_interval(interval), portal.require_supervisor(), portal.require_reason(text),
    portal.require_ticket(text), portal.lock_member(bigint), portal.normalise_recovery_code(text),
    portal.as_support_event(portal.audit_events),
    portal.remove_credential(portal.team_members, text, text, text, uuid) FROM PUBLIC;
