-- The ground issues 12 and 13 build on: the actions they record, and the notification outbox.
--
-- A notification is written in the transaction of the event it reports (the outbox pattern), so
-- nothing is notified that did not happen and nothing happens that is not notified; `portal
-- notify` delivers the rows afterwards. One row per recipient, each with its own stable
-- Message-ID, so a resend after a crash is recognisable as the same mail.
SET LOCAL ROLE supportdesk_owner;

-- The action kinds, in one place (the staging table, the chain, audit_log's filter and the Swift
-- AuditAction type follow it). New, in order: a member's dispute of a support disable, the second
-- channel's emailed code (sent, and a wrong one typed), a supervisor's review of an action
-- (approved, or a concern raised), and a disable held for a second approver (requested, approved,
-- rejected).
CREATE OR REPLACE FUNCTION portal.audit_actions() RETURNS text[]
LANGUAGE sql IMMUTABLE SET search_path = pg_catalog, pg_temp AS $$
    SELECT ARRAY['2fa_enabled', '2fa_disabled_self', '2fa_disabled_support', '2fa_disabled_override',
                 'recovery_verified', 'recovery_failed', 'recovery_locked', 'agent_locked',
                 'lock_cleared', 'mandatory_on', 'mandatory_off', 'recovery_codes_regenerated',
                 'login_recovery_code', 'lookup_limit_lifted',
                 '2fa_disputed', 'email_code_sent', 'email_code_failed',
                 'review_approved', 'review_concern',
                 'disable_requested', 'disable_approved', 'disable_rejected']
$$;

-- Who a notification is for: the member the event is about, or one of the customer's
-- administrators.
CREATE DOMAIN portal.notification_audience AS text
    CONSTRAINT notification_audience_known CHECK (VALUE IN ('member', 'administrator'));

-- Where a notification is in its delivery: waiting (first try or a retry at next_attempt_at),
-- handed to the mail system, or given up after the worker's last try.
CREATE DOMAIN portal.notification_state AS text
    CONSTRAINT notification_state_known CHECK (VALUE IN ('pending', 'sent', 'failed'));

CREATE TABLE portal.notifications (
    id               bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    -- The audit event (its event_id, staged or chained) this mail reports.
    event_id         bigint NOT NULL,
    kind             text NOT NULL CONSTRAINT notification_kind_known CHECK (kind = ANY (portal.audit_actions())),
    member_id        bigint REFERENCES portal.team_members,
    recipient        portal.email_address NOT NULL,
    audience         portal.notification_audience NOT NULL,
    subject          text NOT NULL CONSTRAINT notification_subject_one_line
                         CHECK (subject !~ '[\r\n]' AND length(subject) BETWEEN 1 AND 200),
    body             text NOT NULL CONSTRAINT notification_body_present CHECK (length(body) >= 1),
    message_id       text NOT NULL UNIQUE CONSTRAINT notification_message_id_shape
                         CHECK (message_id ~ '^<[A-Za-z0-9._-]+@[A-Za-z0-9.-]+>$'),
    created_at       timestamptz NOT NULL DEFAULT clock_timestamp(),
    state            portal.notification_state NOT NULL DEFAULT 'pending',
    attempts         integer NOT NULL DEFAULT 0 CONSTRAINT notification_attempts_counted CHECK (attempts >= 0),
    next_attempt_at  timestamptz NOT NULL DEFAULT clock_timestamp(),
    last_error       text,
    sent_at          timestamptz,
    CONSTRAINT notification_sent_when CHECK ((state = 'sent') = (sent_at IS NOT NULL))
);
CREATE INDEX notifications_due ON portal.notifications (next_attempt_at, id) WHERE state = 'pending';
CREATE INDEX notifications_member ON portal.notifications (member_id, id);
CREATE INDEX notifications_event ON portal.notifications (event_id);

-- The domain a notification's Message-ID ends in; a deployment sets its own.
ALTER TABLE portal.settings
    ADD COLUMN message_id_domain text NOT NULL DEFAULT 'supportdesk.invalid'
        CONSTRAINT settings_message_id_domain_shape CHECK (message_id_domain ~ '^[A-Za-z0-9.-]+$');

-- Writes one notification in the caller's transaction and wakes the workers at commit (a rolled
-- back event never wakes anyone). Every notification is written here, by the functions that
-- record the events; nothing else inserts into the outbox.
CREATE FUNCTION portal.enqueue_notification(
    p_event_id bigint, p_kind text, p_member_id bigint, p_recipient text,
    p_audience text, p_subject text, p_body text
) RETURNS bigint
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    new_id bigint;
BEGIN
    INSERT INTO portal.notifications (event_id, kind, member_id, recipient, audience, subject, body, message_id)
    VALUES (p_event_id, p_kind, p_member_id, p_recipient, p_audience, p_subject, p_body,
            format('<%s.%s@%s>', p_event_id, replace(gen_random_uuid()::text, '-', ''),
                   (SELECT s.message_id_domain FROM portal.settings s)))
    RETURNING id INTO new_id;
    PERFORM pg_notify('supportdesk_notification', new_id::text);
    RETURN new_id;
END
$$;
REVOKE ALL ON FUNCTION portal.enqueue_notification(bigint, text, bigint, text, text, text, text) FROM PUBLIC;
