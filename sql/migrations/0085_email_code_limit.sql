-- Emailed codes are limited per member (a hostile review, issue 12): each code allows 5 tries,
-- and send-code had no limit, so an agent could send code after code and guess 1,500 times a
-- second, and bury the disable's notice under a queue of code mails. Now at most
-- `email_codes_per_hour` (3 by default) codes go to one member in an hour, whoever asks: DK020.
SET LOCAL ROLE supportdesk_owner;

ALTER TABLE portal.settings
    ADD COLUMN email_codes_per_hour integer NOT NULL DEFAULT 3
        CONSTRAINT settings_email_codes_per_hour_positive CHECK (email_codes_per_hour BETWEEN 1 AND 100);

CREATE OR REPLACE FUNCTION support.send_email_code(p_member_id bigint, OUT recipient text, OUT expires_at timestamptz)
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp SET lock_timeout = '3s' AS $$
DECLARE
    member portal.team_members;
    code text := lpad((('x' || left(replace(gen_random_uuid()::text, '-', ''), 8))::bit(32)::bigint % 1000000)::text, 6, '0');
    salt bytea := decode(left(replace(gen_random_uuid()::text, '-', ''), 32), 'hex');
    event portal.audit_staging;
    settings portal.settings;
BEGIN
    PERFORM portal.require_agent();
    SELECT * INTO STRICT settings FROM portal.settings;
    member := portal.member_row(p_member_id);
    PERFORM portal.guard_member(member);
    PERFORM portal.require_active_2fa(member);
    IF NOT portal.needs_second_channel(member) THEN
        RAISE EXCEPTION USING ERRCODE = 'DK010', MESSAGE = format(
            'policy does not ask for an emailed code for %s (second_channel_for is %s): verify and disable as usual',
            member.email, settings.second_channel_for);
    END IF;
    -- Each code has 5 tries, so codes sent without limit would be 5 guesses each for as long
    -- as an agent likes (a hostile review guessed 1,500,000 times in 17 minutes).
    IF (SELECT count(*) FROM portal.email_codes c
         WHERE c.member_id = member.id AND c.sent_at > clock_timestamp() - interval '1 hour')
       >= settings.email_codes_per_hour THEN
        RAISE EXCEPTION USING ERRCODE = 'DK020', MESSAGE = format(
            '%s was sent %s emailed codes in the last hour, the most this desk allows: use the last one, or ask a supervisor',
            member.email, settings.email_codes_per_hour);
    END IF;
    expires_at := clock_timestamp() + settings.email_code_valid_for;
    event := portal.append_event('email_code_sent', member.email, NULL, NULL, member.customer_id, member.id);
    INSERT INTO portal.email_codes (member_id, sent_by, event_id, salt, code_hash, expires_at)
    VALUES (member.id, session_user, event.event_id, salt, sha256(salt || convert_to(code, 'UTF8')), expires_at);
    PERFORM portal.enqueue_notification(event.event_id, 'email_code_sent', member.id, member.email, 'member',
        'Your SupportDesk verification code',
        format(E'Hello %s,\n\nSupport agent %s asked for this code while you are on the phone with them:\n\n  %s\n\n'
               'Read it out to the agent only if you called support yourself. It works for %s, until %s.\n\n'
               'If you did not call support, do not give this code to anyone: someone may be trying to take over '
               'your sign-in. Call support at once and quote event %s.\n',
               portal.mail_text(member.name), session_user, code, portal.spoken_interval(settings.email_code_valid_for),
               portal.mail_time(expires_at), event.event_id));
    recipient := member.email;
END
$$;
