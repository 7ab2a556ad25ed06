-- Events the portal records name the member who acted, not the portal's database role (issue
-- 14: sign-ins and enrolments showed the actor `postgres`). The portal is trusted to say which
-- member acts (it authenticated them); an agent's or a supervisor's event still names
-- session_user, which no client can choose.
SET LOCAL ROLE supportdesk_owner;

-- The actions a member (or, for mandatory 2FA, an administrator) takes in the portal, where the
-- event's member is the one who acted.
CREATE FUNCTION portal.member_actions() RETURNS text[]
LANGUAGE sql IMMUTABLE SET search_path = pg_catalog, pg_temp AS $$
    SELECT ARRAY['2fa_enabled', '2fa_disabled_self', 'mandatory_on', 'mandatory_off',
                 'recovery_codes_regenerated', 'login_recovery_code', '2fa_disputed']
$$;
REVOKE ALL ON FUNCTION portal.member_actions() FROM PUBLIC;

CREATE OR REPLACE FUNCTION portal.append_event(
    p_action text, p_target text, p_reason text, p_ticket text,
    p_customer_id bigint, p_member_id bigint, p_request_id uuid DEFAULT NULL, p_check_id bigint DEFAULT NULL
) RETURNS portal.audit_staging
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    event portal.audit_staging;
    actor text := session_user;
BEGIN
    IF p_action = ANY (portal.member_actions()) THEN
        actor := coalesce((SELECT m.email FROM portal.team_members m WHERE m.id = p_member_id), 'portal');
    END IF;
    INSERT INTO portal.audit_staging (occurred_at, actor, action, target, reason, ticket, account_number,
                                      customer_id, member_id, request_id, check_id)
    VALUES (date_trunc('microseconds', clock_timestamp()), actor, p_action, p_target, p_reason, p_ticket,
            (SELECT c.account_number FROM portal.customers c WHERE c.id = p_customer_id),
            p_customer_id, p_member_id, p_request_id, p_check_id)
    RETURNING * INTO event;
    -- Delivered at commit, so the chainer wakes in commit order; a rolled-back event never is.
    PERFORM pg_notify('supportdesk_audit_staged', event.event_id::text);
    RETURN event;
END
$$;
