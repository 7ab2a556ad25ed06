-- Supervisors' reports and the live feed of the chain (issue 13: reports, `log follow`).
--
-- `log follow` listens on supportdesk_audit_chained: the chain head announces, at commit, the
-- seq it moved to. The announcement is only a wake-up call (any role may NOTIFY on any
-- channel, so a payload proves nothing): the console always reads the chain itself after the
-- last seq it printed, and recomputes every link.
--
-- The reports count events of the log (chained and staged alike, as `log` shows them). What
-- is in the review queue is defined in one place, portal.review_items: until the review
-- queue's own table exists, an item is a support disable, override, unlock or dispute, and
-- it is reviewed by a review_approved or review_concern event whose target is '#' and the
-- item's event number. When the queue lands, only that function's body changes.
SET LOCAL ROLE supportdesk_owner;

-- Announces the new head at commit; a rolled-back chaining announces nothing.
CREATE FUNCTION portal.announce_chained() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    IF NEW.seq > OLD.seq THEN
        PERFORM pg_catalog.pg_notify('supportdesk_audit_chained', NEW.seq::text);
    END IF;
    RETURN NULL;
END
$$;
CREATE TRIGGER audit_chain_head_announce AFTER UPDATE ON portal.audit_chain_head
    FOR EACH ROW EXECUTE FUNCTION portal.announce_chained();
ALTER TABLE portal.audit_chain_head ENABLE ALWAYS TRIGGER audit_chain_head_announce;

-- The review queue as of p_until: every item that entered it before then, and when it was
-- first reviewed (NULL: not yet). The one definition the reports read.
CREATE FUNCTION portal.review_items(p_until timestamptz)
RETURNS TABLE (event_id bigint, occurred_at timestamptz, actor text, action text, target text,
               account_number text, reviewed_at timestamptz)
LANGUAGE sql STABLE SET search_path = pg_catalog, pg_temp AS $$
    WITH reviews AS (
        SELECT pg_catalog.substr(r.target, 2)::bigint AS item, pg_catalog.min(r.occurred_at) AS reviewed_at
          FROM portal.all_events r
         WHERE r.action IN ('review_approved', 'review_concern')
           AND r.target ~ '^#[0-9]{1,18}$'
           AND r.occurred_at < p_until
         GROUP BY 1
    )
    SELECT e.event_id, e.occurred_at, e.actor, e.action, e.target, e.account_number, v.reviewed_at
      FROM portal.all_events e
      LEFT JOIN reviews v ON v.item = e.event_id
     WHERE e.action IN ('2fa_disabled_support', '2fa_disabled_override', 'lock_cleared', '2fa_disputed')
       AND e.occurred_at < p_until
$$;

-- Refuses a report's period or time zone that cannot be meant (DK010), before anything is read.
CREATE FUNCTION portal.check_report_period(p_since timestamptz, p_until timestamptz, p_time_zone text) RETURNS void
LANGUAGE plpgsql STABLE SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    IF p_since IS NULL OR p_until IS NULL OR p_since >= p_until THEN
        RAISE EXCEPTION USING ERRCODE = 'DK010', MESSAGE = 'a report needs a period that ends after it starts';
    END IF;
    IF p_until - p_since > interval '1100 days' THEN
        RAISE EXCEPTION USING ERRCODE = 'DK010', MESSAGE = 'a report covers at most 1100 days (three years)';
    END IF;
    IF p_time_zone IS NULL OR NOT EXISTS (SELECT FROM pg_catalog.pg_timezone_names z WHERE z.name = p_time_zone) THEN
        RAISE EXCEPTION USING ERRCODE = 'DK010', MESSAGE = format('%s is not a time zone the server knows', coalesce(p_time_zone, 'NULL'));
    END IF;
END
$$;

-- Supervisors: what the desk did in [p_since, p_until), one row per agent, day (in
-- p_time_zone) or customer account (p_by; NULL for the total alone), then the total.
CREATE FUNCTION support.activity_report(p_since timestamptz, p_until timestamptz, p_by text, p_time_zone text)
RETURNS TABLE (group_key text, is_total boolean, verifies bigint, mismatches bigint, locks bigint,
               disables bigint, overrides bigint, unlocks bigint, disputes bigint, approvals bigint,
               rejections bigint, reviews bigint, concerns bigint, median_seconds_to_disable double precision,
               timed_disables bigint)
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp SET lock_timeout = '3s' AS $$
BEGIN
    PERFORM portal.require_supervisor();
    IF p_by IS NOT NULL AND p_by NOT IN ('agent', 'day', 'customer') THEN
        RAISE EXCEPTION USING ERRCODE = 'DK010', MESSAGE = 'a report is by agent, day or customer';
    END IF;
    PERFORM portal.check_report_period(p_since, p_until, p_time_zone);
    RETURN QUERY
    WITH events AS (
        SELECT e.event_id, e.occurred_at, e.actor, e.action, e.member_id,
               CASE p_by WHEN 'agent' THEN e.actor
                         WHEN 'customer' THEN e.account_number
                         WHEN 'day' THEN pg_catalog.to_char(e.occurred_at AT TIME ZONE p_time_zone, 'YYYY-MM-DD')
               END AS key
          FROM portal.all_events e
         WHERE e.occurred_at >= p_since AND e.occurred_at < p_until
           AND e.action IN ('recovery_verified', 'recovery_failed', 'recovery_locked', 'agent_locked',
                            '2fa_disabled_support', '2fa_disabled_override', 'lock_cleared', '2fa_disputed',
                            'disable_approved', 'disable_rejected', 'review_approved', 'review_concern')
    ),
    -- A support disable's time from the first code check the same agent made on the same
    -- member in the hour before it: one ordered pass over each member's checks and disables
    -- (a window), not a look-up per disable.
    timed AS (
        SELECT x.event_id, extract(epoch FROM x.occurred_at - x.first_check)::double precision AS seconds
          FROM (SELECT c.event_id, c.action, c.occurred_at,
                       pg_catalog.min(c.occurred_at) FILTER (WHERE c.action IN ('recovery_verified', 'recovery_failed'))
                           OVER (PARTITION BY c.member_id, c.actor ORDER BY c.occurred_at
                                 RANGE BETWEEN interval '1 hour' PRECEDING AND CURRENT ROW) AS first_check
                  FROM portal.all_events c
                 WHERE c.occurred_at >= p_since - interval '1 hour' AND c.occurred_at < p_until
                   AND c.action IN ('recovery_verified', 'recovery_failed', '2fa_disabled_support')
                   AND c.member_id IS NOT NULL) x
         WHERE x.action = '2fa_disabled_support' AND x.occurred_at >= p_since AND x.first_check IS NOT NULL
    )
    SELECT e.key, GROUPING(e.key) = 1,
           count(*) FILTER (WHERE e.action = 'recovery_verified'),
           count(*) FILTER (WHERE e.action = 'recovery_failed'),
           count(*) FILTER (WHERE e.action IN ('recovery_locked', 'agent_locked')),
           count(*) FILTER (WHERE e.action = '2fa_disabled_support'),
           count(*) FILTER (WHERE e.action = '2fa_disabled_override'),
           count(*) FILTER (WHERE e.action = 'lock_cleared'),
           count(*) FILTER (WHERE e.action = '2fa_disputed'),
           count(*) FILTER (WHERE e.action = 'disable_approved'),
           count(*) FILTER (WHERE e.action = 'disable_rejected'),
           count(*) FILTER (WHERE e.action IN ('review_approved', 'review_concern')),
           count(*) FILTER (WHERE e.action = 'review_concern'),
           percentile_cont(0.5) WITHIN GROUP (ORDER BY t.seconds),
           count(t.seconds)
      FROM events e
      LEFT JOIN timed t ON t.event_id = e.event_id
     GROUP BY GROUPING SETS ((e.key), ())
    HAVING p_by IS NOT NULL OR GROUPING(e.key) = 1
     ORDER BY GROUPING(e.key), e.key;
END
$$;

-- Supervisors: the review queue's backlog at p_until and its oldest item (NULLs when none).
CREATE FUNCTION support.review_backlog(p_until timestamptz)
RETURNS TABLE (pending bigint, oldest_event_id bigint, oldest_at timestamptz, oldest_actor text,
               oldest_action text, oldest_target text, oldest_account_number text)
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp SET lock_timeout = '3s' AS $$
BEGIN
    PERFORM portal.require_supervisor();
    IF p_until IS NULL THEN
        RAISE EXCEPTION USING ERRCODE = 'DK010', MESSAGE = 'the backlog is counted at a time';
    END IF;
    RETURN QUERY
    WITH open_items AS (
        SELECT i.* FROM portal.review_items(p_until) i WHERE i.reviewed_at IS NULL
    )
    SELECT (SELECT count(*) FROM open_items), o.event_id, o.occurred_at, o.actor, o.action, o.target, o.account_number
      FROM (SELECT 1) one
      LEFT JOIN LATERAL (SELECT * FROM open_items ORDER BY occurred_at, event_id LIMIT 1) o ON true;
END
$$;

-- Supervisors: support disables and overrides per day (in p_time_zone) and agent, for the
-- report's chart; only days and agents with one.
CREATE FUNCTION support.report_daily_disables(p_since timestamptz, p_until timestamptz, p_time_zone text)
RETURNS TABLE (day date, agent text, disables bigint, overrides bigint)
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp SET lock_timeout = '3s' AS $$
BEGIN
    PERFORM portal.require_supervisor();
    PERFORM portal.check_report_period(p_since, p_until, p_time_zone);
    RETURN QUERY
    SELECT (e.occurred_at AT TIME ZONE p_time_zone)::date, e.actor,
           count(*) FILTER (WHERE e.action = '2fa_disabled_support'),
           count(*) FILTER (WHERE e.action = '2fa_disabled_override')
      FROM portal.all_events e
     WHERE e.occurred_at >= p_since AND e.occurred_at < p_until
       AND e.action IN ('2fa_disabled_support', '2fa_disabled_override')
     GROUP BY 1, 2
     ORDER BY 1, 2;
END
$$;

-- Supervisors: the review backlog at the end of each day (in p_time_zone) of the period, the
-- last day counted at p_until; items waiting since before the period count from its first day.
CREATE FUNCTION support.report_backlog_days(p_since timestamptz, p_until timestamptz, p_time_zone text)
RETURNS TABLE (day date, pending bigint)
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp SET lock_timeout = '3s' AS $$
BEGIN
    PERFORM portal.require_supervisor();
    PERFORM portal.check_report_period(p_since, p_until, p_time_zone);
    RETURN QUERY
    WITH bounds AS (
        SELECT (p_since AT TIME ZONE p_time_zone)::date AS first_day,
               ((p_until - interval '1 microsecond') AT TIME ZONE p_time_zone)::date AS last_day
    ),
    items AS (SELECT i.occurred_at, i.reviewed_at FROM portal.review_items(p_until) i),
    moves AS (
        SELECT GREATEST((i.occurred_at AT TIME ZONE p_time_zone)::date, b.first_day) AS day, 1 AS delta
          FROM items i, bounds b
        UNION ALL
        SELECT GREATEST((i.reviewed_at AT TIME ZONE p_time_zone)::date, b.first_day), -1
          FROM items i, bounds b
         WHERE i.reviewed_at IS NOT NULL
    ),
    per_day AS (SELECT m.day, sum(m.delta) AS change FROM moves m GROUP BY m.day)
    SELECT s.day::date, (sum(coalesce(p.change, 0)) OVER (ORDER BY s.day))::bigint
      FROM bounds b
     CROSS JOIN LATERAL pg_catalog.generate_series(b.first_day::timestamp, b.last_day::timestamp, interval '1 day') AS s(day)
      LEFT JOIN per_day p ON p.day = s.day::date
     ORDER BY 1;
END
$$;

REVOKE ALL ON FUNCTION portal.announce_chained(), portal.review_items(timestamptz),
    portal.check_report_period(timestamptz, timestamptz, text),
    support.activity_report(timestamptz, timestamptz, text, text),
    support.review_backlog(timestamptz),
    support.report_daily_disables(timestamptz, timestamptz, text),
    support.report_backlog_days(timestamptz, timestamptz, text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION support.activity_report(timestamptz, timestamptz, text, text),
    support.review_backlog(timestamptz),
    support.report_daily_disables(timestamptz, timestamptz, text),
    support.report_backlog_days(timestamptz, timestamptz, text) TO support_agent;

COMMENT ON FUNCTION support.activity_report(timestamptz, timestamptz, text, text) IS
    'Supervisors: counts of code checks, locks, disables, overrides, unlocks, disputes, approvals and reviews in a period, by agent, day or customer, with the median time from first code check to disable; the report command.';
COMMENT ON FUNCTION support.review_backlog(timestamptz) IS
    'Supervisors: how many review items wait at a time, and the oldest of them; the report command.';
COMMENT ON FUNCTION support.report_daily_disables(timestamptz, timestamptz, text) IS
    'Supervisors: support disables and overrides per day and agent, for the report''s charts.';
COMMENT ON FUNCTION support.report_backlog_days(timestamptz, timestamptz, text) IS
    'Supervisors: the review backlog at the end of each day of a period, for the report''s chart.';
