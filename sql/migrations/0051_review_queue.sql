-- The review queue (issue 13): every support disable, override, unlock ('lock_cleared') and
-- member dispute ('2fa_disputed') is an item, derived from the events themselves, so nothing can
-- leave it unreviewed. A supervisor signs an item off once ('review_approved' or
-- 'review_concern', a chained event whose target is the item, `#N`, and whose reason is the
-- note), never an item that is their own action (as its actor, or as the requester or approver
-- of a dual-controlled disable).
--
-- Flags are computed by the database when the queue is read, never stored, so nobody can forge
-- or clear one; each comes with a sentence. Their names and weights are
-- portal.review_flag_kinds() (the Swift ReviewFlag type mirrors it; a test holds the two equal);
-- the riskiest item is the one whose flags weigh most. support.review_queue computes them.
SET LOCAL ROLE supportdesk_owner;

ALTER TABLE portal.settings
    ADD COLUMN working_hours_start time NOT NULL DEFAULT '08:00',
    ADD COLUMN working_hours_end time NOT NULL DEFAULT '18:00',
    -- ISO weekdays, Monday 1 to Sunday 7.
    ADD COLUMN working_days integer[] NOT NULL DEFAULT '{1,2,3,4,5}'
        CONSTRAINT settings_working_days_known CHECK (working_days <@ '{1,2,3,4,5,6,7}' AND cardinality(working_days) >= 1),
    -- Evaluating the zone refuses a name PostgreSQL does not know.
    ADD COLUMN working_time_zone text NOT NULL DEFAULT 'UTC'
        CONSTRAINT settings_working_time_zone_known CHECK ((timestamptz '2000-01-01 00:00Z' AT TIME ZONE working_time_zone) IS NOT NULL),
    -- An agent's disables on a day are "well above" their 30-day daily median when there are at
    -- least busy_day_minimum of them and more than busy_day_factor times the median.
    ADD COLUMN busy_day_factor numeric NOT NULL DEFAULT 2 CONSTRAINT settings_busy_day_factor_above_one CHECK (busy_day_factor > 1),
    ADD COLUMN busy_day_minimum integer NOT NULL DEFAULT 3 CONSTRAINT settings_busy_day_minimum_positive CHECK (busy_day_minimum >= 1),
    -- "Several agents" checked a member's codes: at least this many in the 24 hours before.
    ADD COLUMN several_agents integer NOT NULL DEFAULT 2 CONSTRAINT settings_several_agents_at_least_two CHECK (several_agents >= 2),
    ADD CONSTRAINT settings_working_hours_order CHECK (working_hours_start < working_hours_end);

-- The actions that enter the queue.
CREATE FUNCTION portal.reviewable_actions() RETURNS text[]
LANGUAGE sql IMMUTABLE SET search_path = pg_catalog, pg_temp AS $$
    SELECT ARRAY['2fa_disabled_support', '2fa_disabled_override', 'lock_cleared', '2fa_disputed']
$$;

-- Every flag: its name, its weight in the ordering, and what it means.
CREATE FUNCTION portal.review_flag_kinds() RETURNS TABLE (flag text, weight integer, meaning text)
LANGUAGE sql IMMUTABLE SET search_path = pg_catalog, pg_temp AS $$
    VALUES ('administrator', 5, 'the target is an administrator of the customer''s account'),
           ('disputed', 5, 'the member disputed it'),
           ('new_address', 4, 'the member signed in from a new client address within 12 hours after it'),
           ('override', 3, 'a supervisor''s override: no code was checked'),
           ('busy_agent', 3, 'the agent''s disables that day were well above their own 30-day daily median'),
           ('several_agents', 3, 'several agents checked codes for this member within 24 hours before it'),
           ('mismatches_first', 2, 'wrong codes were given for this member before it'),
           ('notification_failed', 2, 'a notification of it could not be delivered'),
           ('after_hours', 1, 'outside working hours')
$$;

-- Sign-offs: one per item, insert-only (the review event in the chain is the record; this row
-- makes "already reviewed" one index probe, and a second reviewer wait for the first).
CREATE TABLE portal.reviews (
    item_event_id    bigint PRIMARY KEY,
    verdict          text NOT NULL CONSTRAINT review_verdict_known CHECK (verdict IN ('approved', 'concern')),
    reviewer         text NOT NULL,
    note             text,
    reviewed_at      timestamptz NOT NULL,
    review_event_id  bigint NOT NULL UNIQUE,
    CONSTRAINT review_concern_has_note CHECK (verdict = 'approved' OR note IS NOT NULL)
);
CREATE TRIGGER reviews_insert_only BEFORE UPDATE OR DELETE ON portal.reviews
    FOR EACH ROW EXECUTE FUNCTION portal.refuse_audit_change();
CREATE TRIGGER reviews_no_truncate BEFORE TRUNCATE ON portal.reviews
    FOR EACH STATEMENT EXECUTE FUNCTION portal.refuse_audit_change();
ALTER TABLE portal.reviews ENABLE ALWAYS TRIGGER reviews_insert_only;
ALTER TABLE portal.reviews ENABLE ALWAYS TRIGGER reviews_no_truncate;

-- The queue is a scan of these; the flags look up an agent's disables by day.
CREATE INDEX audit_events_reviewable ON portal.audit_events ((coalesce(event_id, seq)))
    WHERE action IN ('2fa_disabled_support', '2fa_disabled_override', 'lock_cleared', '2fa_disputed');
CREATE INDEX audit_events_reviewable_time ON portal.audit_events (occurred_at)
    WHERE action IN ('2fa_disabled_support', '2fa_disabled_override', 'lock_cleared', '2fa_disputed');
CREATE INDEX audit_staging_reviewable ON portal.audit_staging (event_id)
    WHERE action IN ('2fa_disabled_support', '2fa_disabled_override', 'lock_cleared', '2fa_disputed');
CREATE INDEX audit_events_agent_disables ON portal.audit_events (actor, occurred_at)
    WHERE action IN ('2fa_disabled_support', '2fa_disabled_override');
CREATE INDEX audit_staging_agent_disables ON portal.audit_staging (actor, occurred_at)
    WHERE action IN ('2fa_disabled_support', '2fa_disabled_override');
CREATE INDEX notifications_failed ON portal.notifications (event_id) WHERE state = 'failed';

-- Who may not review an item: its actor, and the requester and approver of a dual-controlled
-- disable.
CREATE FUNCTION portal.item_parties(p_event_id bigint, p_actor text) RETURNS text[]
LANGUAGE sql STABLE SET search_path = pg_catalog, pg_temp AS $$
    SELECT ARRAY[p_actor] || coalesce((SELECT ARRAY[r.requested_by, r.decided_by] FROM portal.disable_requests r
                                        WHERE r.disable_event_id = p_event_id), '{}')
$$;

-- The queue (supervisors). Pending items riskiest first (weight of their flags, then oldest
-- first); with p_all, reviewed items too, newest first, with who reviewed them and how. Filters
-- as in audit_log.
--
-- The flags are computed here, in one query, for every item the filters select (the order
-- needs them all): each is an index probe per item, except busy_agent, which counts each agent's
-- disables per day once for all the items of that agent and day. Everything is read relative to
-- the event's own time, so a flag means the same whenever the queue is read, except those about
-- what happened after it (a dispute, a new address, a failed notification).
CREATE FUNCTION support.review_queue(
    p_all boolean DEFAULT false, p_since timestamptz DEFAULT NULL, p_until timestamptz DEFAULT NULL,
    p_agent text DEFAULT NULL, p_account text DEFAULT NULL, p_limit integer DEFAULT 50
) RETURNS TABLE (
    item bigint, occurred_at timestamptz, actor text, action text, target text, account_number text,
    reason text, ticket text, approved_by text, score integer, flags text,
    verdict text, reviewer text, note text, reviewed_at timestamptz, review_event bigint
)
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    customer bigint;
BEGIN
    PERFORM portal.require_supervisor();
    IF p_limit IS NULL OR p_limit NOT BETWEEN 1 AND 10000 THEN
        RAISE EXCEPTION USING ERRCODE = 'DK010', MESSAGE = 'the limit must be between 1 and 10000';
    END IF;
    IF p_since IS NOT NULL AND p_until IS NOT NULL AND p_until < p_since THEN
        RAISE EXCEPTION USING ERRCODE = 'DK010', MESSAGE = 'the end of the time range is before its start';
    END IF;
    IF p_account IS NOT NULL THEN
        SELECT c.id INTO customer FROM portal.customers c WHERE c.account_number = upper(btrim(p_account));
        IF customer IS NULL THEN
            RAISE EXCEPTION USING ERRCODE = 'DK013', MESSAGE = format('no customer %s', p_account);
        END IF;
    END IF;
    RETURN QUERY
    WITH s AS MATERIALIZED (
        SELECT * FROM portal.settings
    ), items AS MATERIALIZED (
        SELECT e.event_id, e.occurred_at, e.actor, e.action, e.target, e.account_number, e.reason, e.ticket,
               e.member_id, r.verdict, r.reviewer, r.note, r.reviewed_at, r.review_event_id,
               (e.occurred_at AT TIME ZONE s.working_time_zone) AS local_time,
               e.action IN ('2fa_disabled_support', '2fa_disabled_override') AS is_disable
          FROM portal.all_events e
          CROSS JOIN s
          LEFT JOIN portal.reviews r ON r.item_event_id = e.event_id
         WHERE e.action IN ('2fa_disabled_support', '2fa_disabled_override', 'lock_cleared', '2fa_disputed')
           AND (p_all OR r.item_event_id IS NULL)
           AND (p_since IS NULL OR e.occurred_at >= p_since)
           AND (p_until IS NULL OR e.occurred_at < p_until)
           AND (p_agent IS NULL OR e.actor = p_agent)
           AND (customer IS NULL OR e.customer_id = customer)
         -- Signed-off items too: newest first, so only the page needs its flags. Pending ones
         -- are ordered by their flags, which all of them need.
         ORDER BY e.event_id DESC
         LIMIT CASE WHEN p_all THEN p_limit END
    ), agent_days AS MATERIALIZED (
        -- Each agent and local day with a disable in the queue.
        SELECT DISTINCT i.actor, i.local_time::date AS day FROM items i WHERE i.is_disable
    ), day_counts AS MATERIALIZED (
        -- Those agents' disables per local day, from 30 days before the first to the last.
        SELECT e.actor, (e.occurred_at AT TIME ZONE s.working_time_zone)::date AS day, count(*) AS n
          FROM portal.all_events e CROSS JOIN s
         WHERE e.action IN ('2fa_disabled_support', '2fa_disabled_override')
           AND e.actor IN (SELECT d.actor FROM agent_days d)
           AND e.occurred_at >= (((SELECT min(d.day) FROM agent_days d) - 30)::timestamp AT TIME ZONE s.working_time_zone)
           AND e.occurred_at < (((SELECT max(d.day) FROM agent_days d) + 1)::timestamp AT TIME ZONE s.working_time_zone)
         GROUP BY 1, 2
    ), busy AS MATERIALIZED (
        -- The day's count against the median of the 30 days before (days without any count 0).
        SELECT d.actor, d.day, max(coalesce(c.n, 0)) FILTER (WHERE g = 0) AS n,
               percentile_cont(0.5) WITHIN GROUP (ORDER BY coalesce(c.n, 0)) FILTER (WHERE g > 0) AS median
          FROM agent_days d
         CROSS JOIN generate_series(0, 30) g
          LEFT JOIN day_counts c ON c.actor = d.actor AND c.day = d.day - g
         GROUP BY d.actor, d.day
    ), found AS (
        SELECT i.event_id, f.flag, f.why
          FROM items i CROSS JOIN s
         CROSS JOIN LATERAL (
            SELECT 'administrator' AS flag, format('%s is an administrator of their customer''s account', m.email) AS why
              FROM portal.team_members m WHERE m.id = i.member_id AND m.role = 'administrator'
            UNION ALL
            SELECT 'disputed', format('%s disputed a support disable', i.target) WHERE i.action = '2fa_disputed'
            UNION ALL
            SELECT 'disputed', format('%s disputed it afterwards', i.target)
             WHERE i.is_disable AND EXISTS (
                   -- a dispute after it, and before the member's next disable
                   SELECT FROM portal.all_events d
                    WHERE d.member_id = i.member_id AND d.action = '2fa_disputed' AND d.event_id > i.event_id
                      AND NOT EXISTS (SELECT FROM portal.all_events n
                                       WHERE n.member_id = i.member_id AND n.event_id > i.event_id AND n.event_id < d.event_id
                                         AND n.action IN ('2fa_disabled_support', '2fa_disabled_override')))
            UNION ALL
            SELECT 'new_address', format('%s signed in from %s, never used before, %s after it', i.target, x.addresses,
                                         portal.spoken_interval(date_trunc('minute', x.first_at - i.occurred_at) + interval '1 minute'))
              FROM (SELECT string_agg(DISTINCT host(si.client_address), ', ') AS addresses, min(si.signed_in_at) AS first_at
                      FROM portal.sign_ins si
                     WHERE si.member_id = i.member_id AND si.client_address IS NOT NULL
                       AND si.signed_in_at > i.occurred_at AND si.signed_in_at <= i.occurred_at + interval '12 hours'
                       AND NOT EXISTS (SELECT FROM portal.sign_ins o
                                        WHERE o.member_id = i.member_id AND o.client_address = si.client_address
                                          AND o.signed_in_at <= i.occurred_at)) x
             WHERE i.is_disable AND x.addresses IS NOT NULL
            UNION ALL
            SELECT 'override', format('%s disabled 2FA without a code check', i.actor) WHERE i.action = '2fa_disabled_override'
            UNION ALL
            SELECT 'several_agents', format('%s agents checked codes for %s in the 24 hours before: %s', x.n, i.target, x.names)
              FROM (SELECT count(DISTINCT k.agent) AS n, string_agg(DISTINCT k.agent, ', ') AS names
                      FROM portal.recovery_checks k
                     WHERE k.member_id = i.member_id
                       AND k.checked_at > i.occurred_at - interval '24 hours' AND k.checked_at <= i.occurred_at) x
             WHERE i.member_id IS NOT NULL AND i.action <> '2fa_disputed' AND x.n >= s.several_agents
            UNION ALL
            SELECT 'mismatches_first', format('%s wrong code%s for %s in the 24 hours before', x.n,
                                              CASE WHEN x.n = 1 THEN ' was given' ELSE 's were given' END, i.target)
              FROM (SELECT count(*) AS n FROM portal.recovery_checks k
                     WHERE k.member_id = i.member_id AND k.outcome = 'mismatch'
                       AND k.checked_at > i.occurred_at - interval '24 hours' AND k.checked_at <= i.occurred_at) x
             WHERE i.member_id IS NOT NULL AND i.action <> '2fa_disputed' AND x.n > 0
            UNION ALL
            SELECT 'notification_failed', format('%s notification%s of it could not be delivered', x.n, CASE WHEN x.n = 1 THEN '' ELSE 's' END)
              FROM (SELECT count(*) AS n FROM portal.notifications z WHERE z.event_id = i.event_id AND z.state = 'failed') x
             WHERE x.n > 0
            UNION ALL
            SELECT 'after_hours', format('at %s (%s), outside working hours %s–%s on days %s',
                                         to_char(i.local_time, 'Dy YYYY-MM-DD HH24:MI'), s.working_time_zone,
                                         to_char(s.working_hours_start, 'HH24:MI'), to_char(s.working_hours_end, 'HH24:MI'),
                                         array_to_string(s.working_days, ','))
             WHERE NOT (extract(isodow FROM i.local_time)::integer = ANY (s.working_days))
                OR i.local_time::time < s.working_hours_start OR i.local_time::time >= s.working_hours_end
         ) f
        UNION ALL
        SELECT i.event_id, 'busy_agent', format('%s made %s disables that day; their daily median over the 30 days before is %s',
                                                i.actor, b.n, trim_scale(b.median::numeric))
          FROM items i
          JOIN busy b ON b.actor = i.actor AND b.day = i.local_time::date
         CROSS JOIN s
         WHERE i.is_disable AND b.n >= s.busy_day_minimum AND b.n > s.busy_day_factor * b.median
    ), scored AS (
        SELECT f.event_id, sum(k.weight)::integer AS score,
               jsonb_agg(jsonb_build_object('flag', f.flag, 'why', f.why) ORDER BY k.weight DESC, f.flag)::text AS flags
          FROM found f JOIN portal.review_flag_kinds() k ON k.flag = f.flag
         GROUP BY f.event_id
    )
    SELECT i.event_id, i.occurred_at, i.actor, i.action, i.target, i.account_number, i.reason, i.ticket,
           (SELECT q.decided_by FROM portal.disable_requests q WHERE q.disable_event_id = i.event_id),
           coalesce(x.score, 0), coalesce(x.flags, '[]'), i.verdict, i.reviewer, i.note, i.reviewed_at, i.review_event_id
      FROM items i LEFT JOIN scored x ON x.event_id = i.event_id
     ORDER BY CASE WHEN p_all THEN 0 ELSE coalesce(x.score, 0) END DESC,
              CASE WHEN p_all THEN -i.event_id ELSE i.event_id END
     LIMIT p_limit;
END
$$;

-- Signs an item off (supervisors): 'approved' (a note optional) or 'concern' (a note required).
CREATE FUNCTION support.review_item(p_item bigint, p_verdict text, p_note text DEFAULT NULL) RETURNS support.event
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    item record;
    note text;
    event portal.audit_staging;
    done portal.reviews;
BEGIN
    PERFORM portal.require_supervisor();
    IF p_verdict IS NULL OR p_verdict NOT IN ('approved', 'concern') THEN
        RAISE EXCEPTION USING ERRCODE = 'DK010', MESSAGE = 'a review is approved or concern';
    END IF;
    SELECT * INTO item FROM portal.all_events e
     WHERE e.event_id = p_item AND e.action IN ('2fa_disabled_support', '2fa_disabled_override', 'lock_cleared', '2fa_disputed');
    IF NOT FOUND THEN
        RAISE EXCEPTION USING ERRCODE = 'DK200', MESSAGE = format('#%s is no item of the review queue (disables, overrides, unlocks and disputes are)', p_item);
    END IF;
    IF session_user = ANY (portal.item_parties(item.event_id, item.actor)) THEN
        RAISE EXCEPTION USING ERRCODE = 'DK201', MESSAGE = format('#%s is your own action: another supervisor must review it', p_item);
    END IF;
    IF p_verdict = 'concern' AND btrim(coalesce(p_note, '')) = '' THEN
        RAISE EXCEPTION USING ERRCODE = 'DK203', MESSAGE = 'a concern needs a note saying what is wrong';
    END IF;
    IF p_note IS NOT NULL THEN
        note := portal.require_reason(p_note);
    END IF;
    SELECT * INTO done FROM portal.reviews r WHERE r.item_event_id = p_item;
    IF FOUND THEN
        RAISE EXCEPTION USING ERRCODE = 'DK202', MESSAGE = format('#%s was already reviewed (%s) by %s', p_item, done.verdict, done.reviewer);
    END IF;
    event := portal.append_event(CASE p_verdict WHEN 'approved' THEN 'review_approved' ELSE 'review_concern' END,
                                 '#' || p_item, note, item.ticket, item.customer_id, item.member_id);
    -- A concurrent reviewer of the same item waits here for the first, then finds it reviewed.
    INSERT INTO portal.reviews (item_event_id, verdict, reviewer, note, reviewed_at, review_event_id)
    VALUES (p_item, p_verdict, session_user, note, event.occurred_at, event.event_id)
    ON CONFLICT (item_event_id) DO NOTHING;
    IF NOT FOUND THEN
        SELECT * INTO done FROM portal.reviews r WHERE r.item_event_id = p_item;
        RAISE EXCEPTION USING ERRCODE = 'DK202', MESSAGE = format('#%s was already reviewed (%s) by %s', p_item, done.verdict, done.reviewer);
    END IF;
    RETURN portal.staged_event(event);
END
$$;

-- The looked-at member's review items (with the look-up `show` recorded), newest first.
CREATE FUNCTION support.user_reviews(p_lookup_id bigint)
RETURNS TABLE (item bigint, occurred_at timestamptz, action text, verdict text, reviewer text, reviewed_at timestamptz)
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    lookup portal.lookups;
BEGIN
    PERFORM portal.require_agent();
    lookup := portal.answerable_lookup(p_lookup_id, 'detail');
    RETURN QUERY
    SELECT e.event_id, e.occurred_at, e.action, r.verdict, r.reviewer, r.reviewed_at
      FROM portal.all_events e LEFT JOIN portal.reviews r ON r.item_event_id = e.event_id
     WHERE e.member_id = lookup.member_id
       AND e.action IN ('2fa_disabled_support', '2fa_disabled_override', 'lock_cleared', '2fa_disputed')
     ORDER BY e.event_id DESC
     LIMIT 5;
END
$$;

-- The flags the database knows (names, weights, meanings), for help text and the console's check.
CREATE FUNCTION support.review_flag_kinds() RETURNS TABLE (flag text, weight integer, meaning text)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
    SELECT * FROM portal.review_flag_kinds()
$$;

COMMENT ON FUNCTION support.review_queue(boolean, timestamptz, timestamptz, text, text, integer) IS
    'Supervisors: the review queue. Pending disables, overrides, unlocks and disputes riskiest first, each with its flags as JSON [{flag, why}]; with p_all reviewed ones too (verdict, reviewer, note), newest first.';
COMMENT ON FUNCTION support.review_item(bigint, text, text) IS
    'Supervisors: signs a queue item off as approved or concern (a note required); stages review_approved or review_concern. DK200 not an item, DK201 own action, DK202 already reviewed, DK203 concern without a note.';
COMMENT ON FUNCTION support.user_reviews(bigint) IS
    'With a recorded detail look-up: the review state of the member''s last five queue items (for show).';
COMMENT ON FUNCTION support.review_flag_kinds() IS
    'Every review flag the database computes: its name, weight in the ordering and meaning.';

REVOKE ALL ON FUNCTION portal.reviewable_actions(), portal.review_flag_kinds(),
    portal.item_parties(bigint, text) FROM PUBLIC;
REVOKE ALL ON FUNCTION support.review_queue(boolean, timestamptz, timestamptz, text, text, integer),
    support.review_item(bigint, text, text), support.user_reviews(bigint), support.review_flag_kinds() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION support.review_queue(boolean, timestamptz, timestamptz, text, text, integer),
    support.review_item(bigint, text, text), support.user_reviews(bigint), support.review_flag_kinds() TO support_agent;
ALTER FUNCTION support.review_queue(boolean, timestamptz, timestamptz, text, text, integer) SET lock_timeout = '3s';
-- The queue is one large query whose plan PostgreSQL's JIT would compile on every call: 8 s of
-- compiling for a query that runs in 1.5 s without it (BENCHMARKS.md).
ALTER FUNCTION support.review_queue(boolean, timestamptz, timestamptz, text, text, integer) SET jit = off;
ALTER FUNCTION support.review_item(bigint, text, text) SET lock_timeout = '3s';
ALTER FUNCTION support.user_reviews(bigint) SET lock_timeout = '3s';
ALTER FUNCTION support.review_flag_kinds() SET lock_timeout = '3s';
