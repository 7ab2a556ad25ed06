-- The hourly look-up limit, checked through its index (issue 10, the slow paths).
--
-- portal.record_lookup counted the agent's look-ups of the last hour with
-- `l.agent = session_user`. PostgreSQL does not use SESSION_USER as an index key, so every
-- find and show read the whole of portal.lookups, which only grows: 10 ms at 37,000 look-ups,
-- and seconds in a year. The same count with the name in a variable is a range of the
-- (agent, looked_at) index, as it always meant to be. Nothing else changes.
SET LOCAL ROLE supportdesk_owner;

CREATE OR REPLACE FUNCTION portal.record_lookup(p_kind portal.lookup_kind, p_query text, p_limit integer, p_member_id bigint)
RETURNS bigint
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    -- A variable, not SESSION_USER itself, so the queries below are index ranges.
    agent_name text := session_user;
    allowed integer;
    used integer;
    new_id bigint;
BEGIN
    -- Counted exactly: one agent's sessions queue here for the moment of recording.
    PERFORM portal.guard_agent(agent_name);
    SELECT s.lookups_per_hour + coalesce((SELECT sum(a.extra) FROM portal.lookup_allowances a
                                           WHERE a.agent = agent_name AND a.granted_at > clock_timestamp() - interval '1 hour'), 0)
      INTO allowed FROM portal.settings s;
    SELECT count(*) INTO used FROM (
        SELECT FROM portal.lookups l WHERE l.agent = agent_name AND l.looked_at > clock_timestamp() - interval '1 hour'
         LIMIT allowed) AS recent;
    IF used >= allowed THEN
        RAISE EXCEPTION USING ERRCODE = 'DK017',
            MESSAGE = format('%s has made %s look-ups in the last hour, the limit: a supervisor can lift it', agent_name, used);
    END IF;
    INSERT INTO portal.lookups (agent, kind, query, result_limit, member_id)
    VALUES (agent_name, p_kind, p_query, p_limit, p_member_id)
    RETURNING id INTO new_id;
    RETURN new_id;
END
$$;

REVOKE ALL ON FUNCTION portal.record_lookup(portal.lookup_kind, text, integer, bigint) FROM PUBLIC;
