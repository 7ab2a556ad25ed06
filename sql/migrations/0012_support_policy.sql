-- The support API, part 5: the policy numbers, so the console can say "3 attempts left before a
-- 15-minute lock" and ask for a reason of the right length before it is refused.
SET LOCAL ROLE supportdesk_owner;

CREATE FUNCTION support.policy(
    OUT user_max_mismatches integer, OUT user_lock_seconds integer,
    OUT agent_max_mismatches integer, OUT agent_lock_seconds integer,
    OUT verification_valid_seconds integer, OUT min_reason_length integer
)
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    PERFORM portal.require_agent();
    SELECT s.user_max_mismatches, extract(epoch FROM s.user_lock_duration)::integer,
           s.agent_max_mismatches, extract(epoch FROM s.agent_lock_duration)::integer,
           extract(epoch FROM s.verification_valid_for)::integer, s.min_reason_length
      INTO user_max_mismatches, user_lock_seconds, agent_max_mismatches, agent_lock_seconds,
           verification_valid_seconds, min_reason_length
      FROM portal.settings s;
END
$$;

REVOKE ALL ON FUNCTION support.policy() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION support.policy() TO support_agent;
