-- Delivering the outbox (issue 12): the role and functions of `portal notify`.
--
-- How a notification is claimed, and why this way. A worker takes ONE due row at a time, in its
-- own transaction, and keeps the row lock while it hands the mail to sendmail:
--
--     BEGIN;
--     SELECT * FROM portal.claim_notification();      -- FOR UPDATE SKIP LOCKED, at most one row
--     … pipe the mail to sendmail, wait for its exit …
--     SELECT portal.notification_sent(id);            -- or portal.notification_failed(id, error)
--     COMMIT;
--
-- * Two workers never send one notification twice in the normal case: the row lock is the
--   claim, and SKIP LOCKED passes over rows another worker holds; once that worker commits,
--   the row is no longer pending, and a waiting FOR UPDATE re-checks `state` on the new version.
-- * A worker killed between sending and marking causes at most one duplicate, never zero: its
--   transaction never commits, so the server rolls it back when the connection drops and the row
--   is pending again at once, with the same Message-ID (a resend is recognisable). Since each
--   notification has its own transaction, a kill mid-batch repeats only the mail in flight.
-- * Nothing to tune and no clocks to trust, unlike a lease column (claimed_until): a lease must
--   outlast the slowest send or two workers send together, and a crashed worker's rows wait for
--   it to expire. The price is one open transaction per worker while sendmail runs, bounded by
--   the worker's send timeout; the worker also sets idle_in_transaction_session_timeout a little
--   above it, so a hung worker's lock is released by the server, not by an operator.
-- * Claiming outside a transaction would release the lock at once; the worker never does, and
--   the functions are granted to the worker's role alone.
--
-- After the last try, or once delivered, the body is scrubbed: it may hold the member's dispute
-- link or an emailed one-time code, and nothing later needs it (the subject, kind, recipient,
-- Message-ID and times stay, for `support-desk show` and supervisors).
DO $$
BEGIN
    IF NOT EXISTS (SELECT FROM pg_catalog.pg_roles WHERE rolname = 'notifier') THEN
        CREATE ROLE notifier NOLOGIN;
    END IF;
EXCEPTION WHEN duplicate_object OR unique_violation THEN
    NULL;
END
$$;
SET LOCAL ROLE supportdesk_owner;

-- How often a notification is tried before it is left as failed, and the waits between tries:
-- after the n-th failed try the next waits notification_backoff[n] (the last one repeats).
ALTER TABLE portal.settings
    ADD COLUMN notification_max_attempts integer NOT NULL DEFAULT 8
        CONSTRAINT settings_notification_max_attempts_positive CHECK (notification_max_attempts BETWEEN 1 AND 100),
    ADD COLUMN notification_backoff interval[] NOT NULL
        DEFAULT ARRAY['1 minute', '5 minutes', '30 minutes', '2 hours', '6 hours', '12 hours', '24 hours']::interval[]
        CONSTRAINT settings_notification_backoff_shape
        CHECK (cardinality(notification_backoff) BETWEEN 1 AND 100
               AND array_position(notification_backoff, NULL) IS NULL
               AND '0'::interval < ALL (notification_backoff));

-- What replaces a body that is no longer needed.
CREATE FUNCTION portal.scrubbed_notification_body() RETURNS text
LANGUAGE sql IMMUTABLE SET search_path = pg_catalog, pg_temp AS $$
    SELECT '[removed after delivery ended]'::text
$$;

-- The oldest due pending notification, locked for the caller's transaction (none when every due
-- one is held by another worker).
CREATE FUNCTION portal.claim_notification()
RETURNS TABLE (id bigint, recipient text, subject text, body text, message_id text, attempts integer)
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp SET lock_timeout = '3s' AS $$
BEGIN
    RETURN QUERY
    SELECT n.id, n.recipient::text, n.subject, n.body, n.message_id, n.attempts
      FROM portal.notifications n
     WHERE n.state = 'pending' AND n.next_attempt_at <= clock_timestamp()
     ORDER BY n.next_attempt_at, n.id
     LIMIT 1
       FOR UPDATE SKIP LOCKED;
END
$$;

-- The notification was handed to the mail system: sent, its body scrubbed. Raises DK140 when
-- it is not pending (it was never claimed, or is already done).
CREATE FUNCTION portal.notification_sent(p_id bigint) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp SET lock_timeout = '3s' AS $$
BEGIN
    UPDATE portal.notifications n
       SET state = 'sent', sent_at = clock_timestamp(), attempts = n.attempts + 1, last_error = NULL,
           body = portal.scrubbed_notification_body()
     WHERE n.id = p_id AND n.state = 'pending';
    IF NOT FOUND THEN
        RAISE EXCEPTION 'notification % is not pending', p_id USING ERRCODE = 'DK140';
    END IF;
END
$$;

-- A try failed: counts it, keeps the error (at most 1000 characters), and either sets the next
-- try after the back-off or, at the last try or when retrying cannot help (p_permanent: a
-- message that cannot be made), leaves the notification failed (body scrubbed). Returns the
-- state it is now in and when it is tried next (null once failed).
CREATE FUNCTION portal.notification_failed(p_id bigint, p_error text, p_permanent boolean DEFAULT false)
RETURNS TABLE (state text, next_attempt_at timestamptz)
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp SET lock_timeout = '3s' AS $$
DECLARE
    settings portal.settings;
    tries integer;
BEGIN
    SELECT * INTO STRICT settings FROM portal.settings;
    SELECT n.attempts + 1 INTO tries FROM portal.notifications n WHERE n.id = p_id AND n.state = 'pending' FOR UPDATE;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'notification % is not pending', p_id USING ERRCODE = 'DK140';
    END IF;
    IF tries >= settings.notification_max_attempts OR coalesce(p_permanent, false) THEN
        UPDATE portal.notifications n
           SET state = 'failed', attempts = tries, last_error = left(coalesce(p_error, 'unknown error'), 1000),
               body = portal.scrubbed_notification_body()
         WHERE n.id = p_id;
        RETURN QUERY SELECT 'failed'::text, NULL::timestamptz;
    ELSE
        UPDATE portal.notifications n
           SET attempts = tries, last_error = left(coalesce(p_error, 'unknown error'), 1000),
               next_attempt_at = clock_timestamp()
                   + settings.notification_backoff[least(tries, cardinality(settings.notification_backoff))]
         WHERE n.id = p_id
        RETURNING 'pending'::text, n.next_attempt_at INTO state, next_attempt_at;
        RETURN NEXT;
    END IF;
END
$$;

REVOKE ALL ON FUNCTION portal.scrubbed_notification_body(), portal.claim_notification(),
    portal.notification_sent(bigint), portal.notification_failed(bigint, text, boolean) FROM PUBLIC;
GRANT USAGE ON SCHEMA portal TO notifier;
GRANT EXECUTE ON FUNCTION portal.claim_notification(), portal.notification_sent(bigint),
    portal.notification_failed(bigint, text, boolean) TO notifier;

COMMENT ON FUNCTION portal.claim_notification() IS
    'The notification worker (role notifier): the oldest due pending notification, locked FOR UPDATE SKIP LOCKED for the caller''s transaction; send it, mark it, then commit.';
COMMENT ON FUNCTION portal.notification_sent(bigint) IS
    'The notification worker: a claimed notification was handed to the mail system; it is sent and its body scrubbed.';
COMMENT ON FUNCTION portal.notification_failed(bigint, text, boolean) IS
    'The notification worker: a try of a claimed notification failed; the error is kept and the next try set after the back-off, or, after notification_max_attempts tries or a permanent error, it is failed.';
COMMENT ON FUNCTION portal.scrubbed_notification_body() IS
    'What a notification''s body becomes once delivery has ended (it may have held a dispute link or a one-time code).';
