-- One review queue, after issue 13 was built in two halves: the reports (0070) read a stand-in,
-- portal.review_items, that repeated the queue's list of actions; now it asks the queue's own
-- (portal.reviewable_actions, 0051). A sign-off is still found by its chained review event
-- (target `#N`), which review_item writes with every row of portal.reviews: the chain is the
-- record. A dispute goes to the top of the queue: its flag
-- outweighs every other flag together (issue 12: "at the top of the supervisors' review").
SET LOCAL ROLE supportdesk_owner;

CREATE OR REPLACE FUNCTION portal.review_items(p_until timestamptz)
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
     WHERE e.action = ANY (portal.reviewable_actions())
       AND e.occurred_at < p_until
$$;

CREATE OR REPLACE FUNCTION portal.review_flag_kinds() RETURNS TABLE (flag text, weight integer, meaning text)
LANGUAGE sql IMMUTABLE SET search_path = pg_catalog, pg_temp AS $$
    VALUES ('disputed', 30, 'the member disputed it'),
           ('administrator', 5, 'the target is an administrator of the customer''s account'),
           ('new_address', 4, 'the member signed in from a new client address within 12 hours after it'),
           ('override', 3, 'a supervisor''s override: no code was checked'),
           ('busy_agent', 3, 'the agent''s disables that day were well above their own 30-day daily median'),
           ('several_agents', 3, 'several agents checked codes for this member within 24 hours before it'),
           ('mismatches_first', 2, 'wrong codes were given for this member before it'),
           ('notification_failed', 2, 'a notification of it could not be delivered'),
           ('after_hours', 1, 'outside working hours')
$$;
