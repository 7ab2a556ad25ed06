-- Rules the console used to copy, now asked: the database stays their one home.
SET LOCAL ROLE supportdesk_owner;

-- Whether a disable's reason and ticket pass the rules (portal.require_reason, require_ticket),
-- asked before the agent is asked to confirm, so nobody confirms what will be refused. Raises
-- the rule's own DK007 or DK008; returns nothing, changes nothing, records nothing.
CREATE FUNCTION support.check_disable_words(p_reason text, p_ticket text) RETURNS void
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp SET lock_timeout = '3s' AS $$
BEGIN
    PERFORM portal.require_agent();
    PERFORM portal.require_reason(p_reason);
    PERFORM portal.require_ticket(p_ticket);
END
$$;
REVOKE ALL ON FUNCTION support.check_disable_words(text, text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION support.check_disable_words(text, text) TO support_agent;

-- A duration as people say it, spelled exactly as the console spells a countdown (TimeText.spoken,
-- held equal by a test): "40 seconds", "15 minutes", "1 hour", "2 hours 5 minutes". Part of a
-- minute counts as a minute.
CREATE OR REPLACE FUNCTION portal.spoken_interval(value interval) RETURNS text
LANGUAGE sql IMMUTABLE SET search_path = pg_catalog, pg_temp AS $$
    SELECT CASE
        WHEN seconds < 60 THEN seconds::text || CASE WHEN seconds = 1 THEN ' second' ELSE ' seconds' END
        WHEN minutes < 60 THEN minutes::text || CASE WHEN minutes = 1 THEN ' minute' ELSE ' minutes' END
        ELSE (minutes / 60)::text || CASE WHEN minutes / 60 = 1 THEN ' hour' ELSE ' hours' END
             || CASE WHEN minutes % 60 = 0 THEN ''
                     ELSE ' ' || (minutes % 60)::text || CASE WHEN minutes % 60 = 1 THEN ' minute' ELSE ' minutes' END END
        END
      FROM (SELECT seconds, (seconds + 59) / 60 AS minutes
              FROM (SELECT ceil(extract(epoch FROM value))::bigint AS seconds) AS e) AS s
$$;

