-- The support API, part 4: the audit log for supervisors, and the chain for verifying it.
SET LOCAL ROLE supportdesk_owner;

-- Events newest first, filtered; page on with p_before_seq = the last seq seen.
CREATE FUNCTION support.audit_log(
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
    IF p_action IS NOT NULL AND p_action NOT IN (
        '2fa_enabled', '2fa_disabled_self', '2fa_disabled_support', '2fa_disabled_override',
        'recovery_verified', 'recovery_failed', 'recovery_locked', 'agent_locked',
        'lock_cleared', 'mandatory_on', 'mandatory_off', 'recovery_codes_regenerated',
        'login_recovery_code') THEN
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
    SELECT (portal.as_support_event(e)).* FROM portal.audit_events e
     WHERE (p_since IS NULL OR e.occurred_at >= p_since)
       AND (p_until IS NULL OR e.occurred_at < p_until)
       AND (p_agent IS NULL OR e.actor = p_agent)
       AND (customer IS NULL OR e.customer_id = customer)
       AND (member IS NULL OR e.member_id = member)
       AND (p_action IS NULL OR e.action = p_action)
       AND (p_before_seq IS NULL OR e.seq < p_before_seq)
     ORDER BY e.seq DESC
     LIMIT p_limit;
END
$$;

-- Every field the hash covers, in seq order from p_after_seq, so a verifier outside the
-- database can recompute each link (see 0003_audit_log.sql for the encoding).
CREATE FUNCTION support.audit_chain(p_after_seq bigint DEFAULT 0)
RETURNS TABLE (
    seq bigint, prev_hash bytea, hash bytea, occurred_at_us bigint,
    actor text, action text, target text, reason text, ticket text
)
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    PERFORM portal.require_supervisor();
    RETURN QUERY
    SELECT e.seq, e.prev_hash, e.hash, (extract(epoch FROM e.occurred_at) * 1000000)::bigint,
           e.actor, e.action, e.target, e.reason, e.ticket
      FROM portal.audit_events e
     WHERE e.seq > coalesce(p_after_seq, 0)
     ORDER BY e.seq;
END
$$;

-- The chain head (last seq and hash), to keep as an anchor.
CREATE FUNCTION support.audit_head(OUT seq bigint, OUT hash bytea, OUT read_at timestamptz)
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    PERFORM portal.require_supervisor();
    SELECT h.seq, h.hash, clock_timestamp() INTO seq, hash, read_at FROM portal.audit_chain_head h;
END
$$;

REVOKE ALL ON FUNCTION support.audit_log(timestamptz, timestamptz, text, text, text, text, bigint, integer),
    support.audit_chain(bigint), support.audit_head() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION support.audit_log(timestamptz, timestamptz, text, text, text, text, bigint, integer),
    support.audit_chain(bigint), support.audit_head() TO support_agent;
