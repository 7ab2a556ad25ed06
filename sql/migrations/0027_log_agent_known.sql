-- `log --agent NAME` with a name that is no agent said "No events match.", as for an agent
-- with nothing logged; now the log says the name is unknown (issue 14). An agent whose role was
-- dropped still has a log: a name that acted is known.
SET LOCAL ROLE supportdesk_owner;

CREATE OR REPLACE FUNCTION support.audit_log(
    p_since timestamptz DEFAULT NULL, p_until timestamptz DEFAULT NULL,
    p_agent text DEFAULT NULL, p_account text DEFAULT NULL, p_email text DEFAULT NULL,
    p_action text DEFAULT NULL, p_before_seq bigint DEFAULT NULL, p_limit integer DEFAULT 50
) RETURNS SETOF support.event
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp SET lock_timeout = '3s' AS $$
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
    -- A name that is no role and acted nowhere is a typo, not an agent with a quiet day.
    IF p_agent IS NOT NULL AND NOT EXISTS (SELECT FROM pg_catalog.pg_roles r WHERE r.rolname = p_agent)
       AND NOT EXISTS (SELECT FROM portal.all_events e WHERE e.actor = p_agent) THEN
        RAISE EXCEPTION USING ERRCODE = 'DK010', MESSAGE = format('there is no agent %s', p_agent);
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
