-- Who may not sign off a dispute (a hostile review, issue 13): the parties of a '2fa_disputed'
-- item were only its actor, the member, so the supervisor whose override the member disputed,
-- or the one who approved it, could sign the dispute off. Now a dispute's parties also hold the
-- disputed disable's agent and, for a dual-controlled one, its requester and approver.
SET LOCAL ROLE supportdesk_owner;

CREATE OR REPLACE FUNCTION portal.item_parties(p_event_id bigint, p_actor text) RETURNS text[]
LANGUAGE sql STABLE SET search_path = pg_catalog, pg_temp AS $$
    WITH disputed AS (
        -- The disable a dispute undid: the member's suspension it ended, as 'disputed'.
        SELECT d.event_id, d.actor
          FROM portal.all_events e
          JOIN LATERAL (SELECT sc.event_id FROM portal.suspended_credentials sc
                         WHERE sc.member_id = e.member_id AND sc.state = 'disputed' AND sc.ended_at <= e.occurred_at
                         ORDER BY sc.ended_at DESC LIMIT 1) s ON true
          JOIN portal.all_events d ON d.event_id = s.event_id
         WHERE e.event_id = p_event_id AND e.action = '2fa_disputed'
    )
    SELECT ARRAY[p_actor]
        || coalesce((SELECT ARRAY[r.requested_by, r.decided_by] FROM portal.disable_requests r
                      WHERE r.disable_event_id = p_event_id), '{}')
        || coalesce((SELECT ARRAY[d.actor] FROM disputed d), '{}')
        || coalesce((SELECT ARRAY[r.requested_by, r.decided_by] FROM portal.disable_requests r
                       JOIN disputed d ON r.disable_event_id = d.event_id), '{}')
$$;
