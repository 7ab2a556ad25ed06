-- Tickets have the shape the desk sets (issue 14): `SUP-`, `S-1`, `SUP4411` and `sup-2` all
-- passed the old rule, which only asked for 2 to 64 safe characters. Now a ticket is read in upper
-- case and must also match `portal.settings.ticket_pattern` (default `^SUP-[0-9]+$`); the refusal
-- and the console's help show the desk's example and pattern, read from here.
SET LOCAL ROLE supportdesk_owner;

-- Whether PostgreSQL accepts a text as a regular expression: a desk cannot save a pattern that
-- would make every disable fail with an internal error.
CREATE FUNCTION portal.is_valid_pattern(p_pattern text) RETURNS boolean
LANGUAGE plpgsql IMMUTABLE SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    PERFORM '' ~ p_pattern;
    RETURN true;
EXCEPTION WHEN invalid_regular_expression THEN
    RETURN false;
END
$$;
REVOKE ALL ON FUNCTION portal.is_valid_pattern(text) FROM PUBLIC;

ALTER TABLE portal.settings
    ADD COLUMN ticket_pattern text NOT NULL DEFAULT '^SUP-[0-9]+$'
        CONSTRAINT settings_ticket_pattern_valid
        CHECK (length(ticket_pattern) BETWEEN 1 AND 200 AND portal.is_valid_pattern(ticket_pattern)),
    ADD COLUMN ticket_example text NOT NULL DEFAULT 'SUP-4411';
-- The example shown to agents must itself be a ticket this desk takes.
ALTER TABLE portal.settings
    ADD CONSTRAINT settings_ticket_example_fits
        CHECK (ticket_example ~ '^[A-Z0-9][A-Z0-9#_./:-]{1,63}$' AND ticket_example ~ ticket_pattern);

-- A ticket as stored: trimmed, in upper case, 2 to 64 of the safe characters (they reach
-- terminals and the chain, whatever pattern a desk sets) and of the desk's shape.
CREATE OR REPLACE FUNCTION portal.require_ticket(p_ticket text) RETURNS text
LANGUAGE plpgsql STABLE SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    ticket text := upper(btrim(coalesce(p_ticket, '')));
    settings portal.settings;
BEGIN
    SELECT * INTO STRICT settings FROM portal.settings;
    IF ticket !~ '^[A-Z0-9][A-Z0-9#_./:-]{1,63}$' OR ticket !~ settings.ticket_pattern THEN
        RAISE EXCEPTION USING ERRCODE = 'DK008',
            MESSAGE = format('a ticket reference like %s is required (this desk''s tickets match %s)',
                             settings.ticket_example, settings.ticket_pattern);
    END IF;
    RETURN ticket;
END
$$;

-- The numbers and shapes an agent is told about, now with the ticket's.
DROP FUNCTION support.policy();
CREATE FUNCTION support.policy(
    OUT user_max_mismatches integer, OUT user_lock_seconds integer,
    OUT agent_max_mismatches integer, OUT agent_lock_seconds integer,
    OUT verification_valid_seconds integer, OUT min_reason_length integer,
    OUT ticket_pattern text, OUT ticket_example text
)
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp SET lock_timeout = '3s' AS $$
BEGIN
    PERFORM portal.require_agent();
    SELECT s.user_max_mismatches, extract(epoch FROM s.user_lock_duration)::integer,
           s.agent_max_mismatches, extract(epoch FROM s.agent_lock_duration)::integer,
           extract(epoch FROM s.verification_valid_for)::integer, s.min_reason_length,
           s.ticket_pattern, s.ticket_example
      INTO user_max_mismatches, user_lock_seconds, agent_max_mismatches, agent_lock_seconds,
           verification_valid_seconds, min_reason_length, ticket_pattern, ticket_example
      FROM portal.settings s;
END
$$;
REVOKE ALL ON FUNCTION support.policy() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION support.policy() TO support_agent;
COMMENT ON FUNCTION support.policy() IS
    'The lockout, verification and reason numbers and the ticket shape (pattern and example) from portal.settings, for the console''s help and sentences.';
