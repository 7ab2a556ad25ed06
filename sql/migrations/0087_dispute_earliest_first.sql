-- A dispute link restores only an app that was not set up during an earlier disable's dispute
-- window (a hostile review, issue 12): after a takeover, the attacker could enrol their own app,
-- have support disable it too, and the member's newest notice then linked to the attacker's
-- app; confirming it restored the attacker's app and deleted the member's own. Now such a link
-- is refused (DK107) in favour of the earlier one, which restores the member's app and removes
-- every later one.
SET LOCAL ROLE supportdesk_owner;

CREATE OR REPLACE FUNCTION portal_api.confirm_dispute(p_token_hash bytea) RETURNS bigint
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp SET lock_timeout = '3s' AS $$
DECLARE
    suspension portal.suspended_credentials;
    member portal.team_members;
    disable record;
BEGIN
    SELECT * INTO suspension FROM portal.suspended_credentials sc WHERE sc.token_hash = p_token_hash;
    IF NOT FOUND THEN
        RAISE EXCEPTION USING ERRCODE = 'DK107', MESSAGE = 'this link is not valid: it may be mistyped or already used';
    END IF;
    member := portal.lock_member(suspension.member_id);
    SELECT * INTO suspension FROM portal.suspended_credentials sc WHERE sc.id = suspension.id FOR UPDATE;
    IF suspension.state <> 'kept' OR suspension.dispute_until <= clock_timestamp() THEN
        RAISE EXCEPTION USING ERRCODE = 'DK107',
            MESSAGE = 'this link is used or past its time: call support if your sign-in was changed without you';
    END IF;
    -- The app this link would restore was set up after an earlier disable of the member that can
    -- still be undone: it may be the app of whoever took the sign-in over the first time. Only
    -- the earlier link (or support) decides then; confirming it removes this app as well.
    IF EXISTS (SELECT FROM portal.suspended_credentials earlier
                WHERE earlier.member_id = member.id AND earlier.id <> suspension.id AND earlier.state = 'kept'
                  AND earlier.dispute_until > clock_timestamp() AND earlier.suspended_at <= suspension.activated_at) THEN
        RAISE EXCEPTION USING ERRCODE = 'DK107', MESSAGE = format(
            'this link undoes a later disable of an app set up after an earlier one (%s UTC): use the link in the earlier '
            'notice, or call support', to_char((SELECT min(e.suspended_at) FROM portal.suspended_credentials e
                                                 WHERE e.member_id = member.id AND e.state = 'kept') AT TIME ZONE 'UTC',
                                                'YYYY-MM-DD HH24:MI'));
    END IF;
    SELECT * INTO disable FROM portal.all_events e WHERE e.event_id = suspension.event_id;
    DELETE FROM portal.recovery_codes WHERE member_id = member.id;
    DELETE FROM portal.totp_credentials WHERE member_id = member.id;
    DELETE FROM portal.web_sessions WHERE member_id = member.id;
    INSERT INTO portal.totp_credentials (member_id, secret_ciphertext, key_fingerprint, algorithm, digits, period, state,
                                         last_accepted_step, recovery_salt, activated_at, recovery_codes_owed)
    VALUES (member.id, suspension.secret_ciphertext, suspension.key_fingerprint, suspension.algorithm, suspension.digits,
            suspension.period, 'active', suspension.last_accepted_step, suspension.recovery_salt, clock_timestamp(), true);
    UPDATE portal.suspended_credentials
       SET state = CASE WHEN id = suspension.id THEN 'disputed' ELSE 'superseded' END,
           ended_at = clock_timestamp(), secret_ciphertext = NULL, key_fingerprint = NULL
     WHERE member_id = member.id AND state = 'kept';
    RETURN (portal.append_event('2fa_disputed', member.email, format('the member disputed event %s', suspension.event_id),
                                disable.ticket, member.customer_id, member.id)).event_id;
END
$$;
