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
-- the riskiest item is the one whose flags weigh most.
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
CREATE INDEX audit_staging_reviewable ON portal.audit_staging (event_id)
    WHERE action IN ('2fa_disabled_support', '2fa_disabled_override', 'lock_cleared', '2fa_disputed');
CREATE INDEX audit_events_agent_disables ON portal.audit_events (actor, occurred_at)
    WHERE action IN ('2fa_disabled_support', '2fa_disabled_override');
CREATE INDEX audit_staging_agent_disables ON portal.audit_staging (actor, occurred_at)
    WHERE action IN ('2fa_disabled_support', '2fa_disabled_override');
CREATE INDEX notifications_failed ON portal.notifications (event_id) WHERE state = 'failed';

-- An agent's disables (and overrides) from p_from to p_to.
CREATE FUNCTION portal.agent_disables(p_actor text, p_from timestamptz, p_to timestamptz) RETURNS bigint
LANGUAGE sql STABLE SET search_path = pg_catalog, pg_temp AS $$
    SELECT (SELECT count(*) FROM portal.audit_events e
             WHERE e.actor = p_actor AND e.action IN ('2fa_disabled_support', '2fa_disabled_override')
               AND e.occurred_at >= p_from AND e.occurred_at < p_to)
         + (SELECT count(*) FROM portal.audit_staging e
             WHERE e.actor = p_actor AND e.action IN ('2fa_disabled_support', '2fa_disabled_override')
               AND e.occurred_at >= p_from AND e.occurred_at < p_to)
$$;

-- The flags of one item, each with its sentence. Everything is read relative to the event's
-- own time, so a flag means the same whenever the queue is read (except those about what
-- happened after it: a dispute, a new address, a failed notification).
CREATE FUNCTION portal.review_flags_of(
    p_event_id bigint, p_occurred_at timestamptz, p_actor text, p_action text, p_member_id bigint
) RETURNS TABLE (flag text, why text)
LANGUAGE plpgsql STABLE SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    s portal.settings;
    member portal.team_members;
    is_disable boolean := p_action IN ('2fa_disabled_support', '2fa_disabled_override');
    local_time timestamp;
    day_start timestamptz;
    day_count bigint;
    median double precision;
    n bigint;
    names text;
BEGIN
    SELECT * INTO s FROM portal.settings;
    IF p_member_id IS NOT NULL THEN
        SELECT * INTO member FROM portal.team_members m WHERE m.id = p_member_id;
    END IF;
    IF member.role = 'administrator' THEN
        flag := 'administrator';
        why := format('%s is an administrator of their customer''s account', member.email);
        RETURN NEXT;
    END IF;
    IF p_action = '2fa_disputed' THEN
        flag := 'disputed';
        why := format('%s disputed a support disable', coalesce(member.email, 'the member'));
        RETURN NEXT;
    ELSIF is_disable AND EXISTS (
            SELECT FROM portal.all_events d
             WHERE d.member_id = p_member_id AND d.action = '2fa_disputed' AND d.event_id > p_event_id) THEN
        flag := 'disputed';
        why := format('%s disputed it afterwards', member.email);
        RETURN NEXT;
    END IF;
    IF is_disable THEN
        SELECT string_agg(DISTINCT host(si.client_address), ', '), min(si.signed_in_at) INTO names, day_start
          FROM portal.sign_ins si
         WHERE si.member_id = p_member_id AND si.client_address IS NOT NULL
           AND si.signed_in_at > p_occurred_at AND si.signed_in_at <= p_occurred_at + interval '12 hours'
           AND NOT EXISTS (SELECT FROM portal.sign_ins o
                            WHERE o.member_id = p_member_id AND o.client_address = si.client_address
                              AND o.signed_in_at <= p_occurred_at);
        IF names IS NOT NULL THEN
            flag := 'new_address';
            why := format('%s signed in from %s, never used before, %s after it', member.email, names,
                          portal.spoken_interval(date_trunc('minute', day_start - p_occurred_at) + interval '1 minute'));
            RETURN NEXT;
        END IF;
    END IF;
    IF p_action = '2fa_disabled_override' THEN
        flag := 'override';
        why := format('%s disabled 2FA without a code check', p_actor);
        RETURN NEXT;
    END IF;
    local_time := p_occurred_at AT TIME ZONE s.working_time_zone;
    IF is_disable THEN
        day_start := date_trunc('day', local_time) AT TIME ZONE s.working_time_zone;
        day_count := portal.agent_disables(p_actor, day_start,
                                           (date_trunc('day', local_time) + interval '1 day') AT TIME ZONE s.working_time_zone);
        IF day_count >= s.busy_day_minimum THEN
            SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY portal.agent_disables(p_actor,
                       (date_trunc('day', local_time) - make_interval(days => d)) AT TIME ZONE s.working_time_zone,
                       (date_trunc('day', local_time) - make_interval(days => d - 1)) AT TIME ZONE s.working_time_zone))
              INTO median FROM generate_series(1, 30) d;
            IF day_count > s.busy_day_factor * median THEN
                flag := 'busy_agent';
                why := format('%s made %s disables that day; their daily median over the 30 days before is %s',
                              p_actor, day_count, trim_scale(median::numeric));
                RETURN NEXT;
            END IF;
        END IF;
    END IF;
    IF p_member_id IS NOT NULL AND p_action <> '2fa_disputed' THEN
        SELECT count(DISTINCT k.agent), string_agg(DISTINCT k.agent, ', ') INTO n, names
          FROM portal.recovery_checks k
         WHERE k.member_id = p_member_id AND k.checked_at > p_occurred_at - interval '24 hours' AND k.checked_at <= p_occurred_at;
        IF n >= s.several_agents THEN
            flag := 'several_agents';
            why := format('%s agents checked codes for %s in the 24 hours before: %s', n, member.email, names);
            RETURN NEXT;
        END IF;
        SELECT count(*) INTO n
          FROM portal.recovery_checks k
         WHERE k.member_id = p_member_id AND k.outcome = 'mismatch'
           AND k.checked_at > p_occurred_at - interval '24 hours' AND k.checked_at <= p_occurred_at;
        IF n > 0 THEN
            flag := 'mismatches_first';
            why := format('%s wrong code%s for %s in the 24 hours before', n, CASE WHEN n = 1 THEN ' was given' ELSE 's were given' END, member.email);
            RETURN NEXT;
        END IF;
    END IF;
    SELECT count(*) INTO n FROM portal.notifications x WHERE x.event_id = p_event_id AND x.state = 'failed';
    IF n > 0 THEN
        flag := 'notification_failed';
        why := format('%s notification%s of it could not be delivered', n, CASE WHEN n = 1 THEN '' ELSE 's' END);
        RETURN NEXT;
    END IF;
    IF NOT (extract(isodow FROM local_time)::integer = ANY (s.working_days))
       OR local_time::time < s.working_hours_start OR local_time::time >= s.working_hours_end THEN
        flag := 'after_hours';
        why := format('at %s (%s), outside working hours %s–%s on days %s', to_char(local_time, 'Dy YYYY-MM-DD HH24:MI'),
                      s.working_time_zone, to_char(s.working_hours_start, 'HH24:MI'), to_char(s.working_hours_end, 'HH24:MI'),
                      array_to_string(s.working_days, ','));
        RETURN NEXT;
    END IF;
END
$$;

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
    WITH items AS (
        SELECT e.event_id, e.occurred_at, e.actor, e.action, e.target, e.account_number, e.reason, e.ticket,
               e.member_id, r.verdict, r.reviewer, r.note, r.reviewed_at, r.review_event_id
          FROM portal.all_events e
          LEFT JOIN portal.reviews r ON r.item_event_id = e.event_id
         WHERE e.action IN ('2fa_disabled_support', '2fa_disabled_override', 'lock_cleared', '2fa_disputed')
           AND (p_all OR r.item_event_id IS NULL)
           AND (p_since IS NULL OR e.occurred_at >= p_since)
           AND (p_until IS NULL OR e.occurred_at < p_until)
           AND (p_agent IS NULL OR e.actor = p_agent)
           AND (customer IS NULL OR e.customer_id = customer)
    ), flagged AS (
        SELECT i.*, f.score, f.flags
          FROM items i
         CROSS JOIN LATERAL (
             SELECT coalesce(sum(k.weight), 0)::integer AS score,
                    coalesce(jsonb_agg(jsonb_build_object('flag', x.flag, 'why', x.why) ORDER BY k.weight DESC, x.flag), '[]')::text AS flags
               FROM portal.review_flags_of(i.event_id, i.occurred_at, i.actor, i.action, i.member_id) x
               JOIN portal.review_flag_kinds() k ON k.flag = x.flag) f
    )
    SELECT f.event_id, f.occurred_at, f.actor, f.action, f.target, f.account_number, f.reason, f.ticket,
           (SELECT q.decided_by FROM portal.disable_requests q WHERE q.disable_event_id = f.event_id),
           f.score, f.flags, f.verdict, f.reviewer, f.note, f.reviewed_at, f.review_event_id
      FROM flagged f
     ORDER BY CASE WHEN p_all THEN 0 ELSE f.score END DESC,
              CASE WHEN p_all THEN -f.event_id ELSE f.event_id END
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
    portal.agent_disables(text, timestamptz, timestamptz),
    portal.review_flags_of(bigint, timestamptz, text, text, bigint),
    portal.item_parties(bigint, text) FROM PUBLIC;
REVOKE ALL ON FUNCTION support.review_queue(boolean, timestamptz, timestamptz, text, text, integer),
    support.review_item(bigint, text, text), support.user_reviews(bigint), support.review_flag_kinds() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION support.review_queue(boolean, timestamptz, timestamptz, text, text, integer),
    support.review_item(bigint, text, text), support.user_reviews(bigint), support.review_flag_kinds() TO support_agent;
ALTER FUNCTION support.review_queue(boolean, timestamptz, timestamptz, text, text, integer) SET lock_timeout = '3s';
ALTER FUNCTION support.review_item(bigint, text, text) SET lock_timeout = '3s';
ALTER FUNCTION support.user_reviews(bigint) SET lock_timeout = '3s';
ALTER FUNCTION support.review_flag_kinds() SET lock_timeout = '3s';
