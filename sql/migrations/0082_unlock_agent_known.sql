-- `unlock --agent NAME` with a name that is no agent said "agent NAME is not locked", as for an
-- agent with no lock, and left a guard row behind for the typo (issue 14). Now a name that is no
-- support agent's role is refused as such, before anything is written.
SET LOCAL ROLE supportdesk_owner;

CREATE OR REPLACE FUNCTION support.clear_agent_lockout(p_agent text, p_reason text)
RETURNS support.event
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp SET lock_timeout = '3s' AS $$
DECLARE
    reason text;
    now_ timestamptz := clock_timestamp();
BEGIN
    PERFORM portal.require_supervisor();
    IF NOT EXISTS (SELECT FROM pg_catalog.pg_roles r
                    WHERE r.rolname = p_agent AND NOT r.rolsuper
                      AND pg_catalog.pg_has_role(r.oid, 'support_agent', 'MEMBER')) THEN
        RAISE EXCEPTION USING ERRCODE = 'DK010', MESSAGE = format('there is no agent %s', p_agent);
    END IF;
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
