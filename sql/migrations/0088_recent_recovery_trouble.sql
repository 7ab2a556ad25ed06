-- Issue 14: a disable right after the member's recovery lock (wrong codes, then a right one) is
-- what a caller guessing their way in looks like, and it went through without a word. The agent
-- is now told, before the y/N and in `show`, of the member's latest recovery lock that started in
-- the last 24 hours (when, and how it ended: lifted by whom, or run out) and of the wrong codes
-- read for the member in those 24 hours. The window is the one the review queue's
-- mismatches_first flag looks back over (0051), so what the agent is warned of is what the
-- supervisor will see flagged. It tells counts and times only, never a code.
SET LOCAL ROLE supportdesk_owner;

CREATE FUNCTION support.user_recovery_trouble(p_lookup_id bigint)
RETURNS TABLE (locked_at timestamptz, lock_ends_at timestamptz, lifted_by text, wrong_codes integer,
               window_start timestamptz)
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp SET lock_timeout = '3s' AS $$
DECLARE
    lookup portal.lookups;
    since timestamptz := clock_timestamp() - interval '24 hours';
BEGIN
    PERFORM portal.require_agent();
    lookup := portal.answerable_lookup(p_lookup_id, 'detail');
    RETURN QUERY
    SELECT l.checked_at, least(l.starts_member_lock, c.cleared_at), c.cleared_by,
           (SELECT count(*)::integer FROM portal.recovery_checks k
             WHERE k.member_id = lookup.member_id AND k.outcome = 'mismatch' AND k.checked_at > since),
           since
      FROM (SELECT) AS one
      LEFT JOIN LATERAL (
            -- the latest lock of the member that started in the window (its starting mismatch)
            SELECT k.checked_at, k.starts_member_lock FROM portal.recovery_checks k
             WHERE k.member_id = lookup.member_id AND k.starts_member_lock IS NOT NULL AND k.checked_at > since
             ORDER BY k.checked_at DESC LIMIT 1) AS l ON true
      LEFT JOIN LATERAL (
            -- a supervisor's unlock before it ran out
            SELECT x.cleared_at, x.cleared_by FROM portal.lock_clears x
             WHERE x.member_id = lookup.member_id AND x.cleared_at >= l.checked_at AND x.cleared_at < l.starts_member_lock
             ORDER BY x.cleared_at LIMIT 1) AS c ON true;
END
$$;

REVOKE ALL ON FUNCTION support.user_recovery_trouble(bigint) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION support.user_recovery_trouble(bigint) TO support_agent;

COMMENT ON FUNCTION support.user_recovery_trouble(bigint) IS
    'The looked-at member''s latest recovery lock started in the last 24 hours (when, when it ended, who lifted it) and the wrong codes read for them in that time: the warning before a disable.';
