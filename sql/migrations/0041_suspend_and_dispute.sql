-- "This wasn't me" (issue 12, part 2). A support disable or override no longer deletes the
-- member's credential: it is suspended (moved here, still encrypted under the portal's key, so it
-- no longer applies at sign-in and the member may enrol a new one) for the dispute window
-- (portal.settings.dispute_window, 10 days by default), then purged. The member's notice carries
-- a single-use link with a random token (two version-4 UUIDs' worth, 244 random bits; only its
-- SHA-256 is stored). Confirming it restores the original credential, voids the old recovery
-- codes, ends every session, removes any credential enrolled since and stages '2fa_disputed'
-- (the administrators are told by the composer of migration 0040). Only the portal (portal_app)
-- may call the dispute functions; agents have no way to them.
SET LOCAL ROLE supportdesk_owner;

-- A restored credential has no recovery codes: the portal makes new ones at the next sign-in
-- with the app and shows them once.
ALTER TABLE portal.totp_credentials
    ADD COLUMN recovery_codes_owed boolean NOT NULL DEFAULT false;

-- Where a suspension is: kept for a dispute, restored by one, or ended (purged after the window,
-- or superseded when another suspension of the member was disputed).
CREATE DOMAIN portal.suspension_state AS text
    CONSTRAINT suspension_state_known CHECK (VALUE IN ('kept', 'disputed', 'expired', 'superseded'));

CREATE TABLE portal.suspended_credentials (
    id                   bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    member_id            bigint NOT NULL REFERENCES portal.team_members,
    -- The disable event (staged, later chained) that suspended it; set by the composer, in the
    -- disable's own statement.
    event_id             bigint UNIQUE,
    token_hash           bytea UNIQUE CONSTRAINT suspension_token_is_sha256 CHECK (length(token_hash) = 32),
    secret_ciphertext    bytea CONSTRAINT suspended_secret_size CHECK (length(secret_ciphertext) BETWEEN 12 + 16 + 10 AND 12 + 16 + 128),
    key_fingerprint      bytea CONSTRAINT suspended_fingerprint_8_bytes CHECK (length(key_fingerprint) = 8),
    algorithm            text NOT NULL,
    digits               integer NOT NULL,
    period               integer NOT NULL,
    last_accepted_step   bigint,
    recovery_salt        bytea NOT NULL,
    activated_at         timestamptz NOT NULL,
    suspended_at         timestamptz NOT NULL DEFAULT clock_timestamp(),
    dispute_until        timestamptz NOT NULL,
    state                portal.suspension_state NOT NULL DEFAULT 'kept',
    ended_at             timestamptz,
    CONSTRAINT suspension_kept_has_secret
        CHECK ((state = 'kept') = (secret_ciphertext IS NOT NULL AND key_fingerprint IS NOT NULL AND ended_at IS NULL))
);
CREATE INDEX suspended_credentials_member ON portal.suspended_credentials (member_id, id);
CREATE INDEX suspended_credentials_due ON portal.suspended_credentials (dispute_until) WHERE state = 'kept';
-- A suspension waits for its event only inside the disable's own statement.
CREATE UNIQUE INDEX suspended_credentials_unlinked ON portal.suspended_credentials (member_id) WHERE event_id IS NULL;

-- Moves the member's active credential into the suspended ones (the caller then deletes it).
CREATE FUNCTION portal.suspend_credential(p_member portal.team_members) RETURNS void
LANGUAGE sql SET search_path = pg_catalog, pg_temp AS $$
    INSERT INTO portal.suspended_credentials (member_id, secret_ciphertext, key_fingerprint, algorithm, digits, period,
                                              last_accepted_step, recovery_salt, activated_at, dispute_until)
    SELECT t.member_id, t.secret_ciphertext, t.key_fingerprint, t.algorithm, t.digits, t.period,
           t.last_accepted_step, t.recovery_salt, t.activated_at, clock_timestamp() + s.dispute_window
      FROM portal.totp_credentials t CROSS JOIN portal.settings s
     WHERE t.member_id = p_member.id AND t.state = 'active';
$$;

-- Removes a member's credential and every recovery code, and stages why; shared by the member's
-- own disable, support's and the override. Support's and the override's credential is
-- suspended for a dispute, not deleted.
CREATE OR REPLACE FUNCTION portal.remove_credential(
    p_member portal.team_members, p_action text, p_reason text, p_ticket text, p_request_id uuid
) RETURNS portal.audit_staging
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    IF p_action IN ('2fa_disabled_support', '2fa_disabled_override') THEN
        PERFORM portal.suspend_credential(p_member);
    END IF;
    DELETE FROM portal.recovery_codes WHERE member_id = p_member.id;
    DELETE FROM portal.totp_credentials WHERE member_id = p_member.id;
    DELETE FROM portal.recovery_locks WHERE member_id = p_member.id;
    RETURN portal.append_event(p_action, p_member.email, p_reason, p_ticket,
                               p_member.customer_id, p_member.id, p_request_id);
END
$$;

-- The disable event's dispute link: ties the member's waiting suspension to the event, gives it
-- a fresh token (only the hash is kept) and returns <portal_url>/dispute/<token>. NULL when
-- nothing was suspended. Called by the composer, once per disable event.
CREATE OR REPLACE FUNCTION portal.dispute_link(p_event portal.audit_staging) RETURNS text
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    token text := replace(gen_random_uuid()::text || gen_random_uuid()::text, '-', '');
BEGIN
    UPDATE portal.suspended_credentials
       SET event_id = p_event.event_id, token_hash = sha256(convert_to(token, 'UTF8'))
     WHERE member_id = p_event.member_id AND event_id IS NULL;
    IF NOT FOUND THEN
        RETURN NULL;
    END IF;
    RETURN (SELECT s.portal_url FROM portal.settings s) || '/dispute/' || token;
END
$$;

-- The kept suspension a link's token names, if it can still be disputed.
CREATE FUNCTION portal.open_suspension(p_token_hash bytea) RETURNS portal.suspended_credentials
LANGUAGE sql STABLE SET search_path = pg_catalog, pg_temp AS $$
    SELECT * FROM portal.suspended_credentials sc
     WHERE sc.token_hash = p_token_hash AND sc.state = 'kept' AND sc.dispute_until > clock_timestamp()
$$;

-- What the dispute page shows before the member confirms: whose sign-in, which disable, by whom,
-- until when. No row when the link is unknown, used, superseded or past its window.
CREATE FUNCTION portal_api.dispute(p_token_hash bytea)
RETURNS TABLE (email text, name text, account_number text, disabled_at timestamptz, agent text,
               ticket text, action text, dispute_until timestamptz)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp SET lock_timeout = '3s' AS $$
    SELECT m.email, m.name, c.account_number, e.occurred_at, e.actor, e.ticket, e.action, sc.dispute_until
      FROM portal.open_suspension(p_token_hash) sc
      JOIN portal.team_members m ON m.id = sc.member_id
      JOIN portal.customers c ON c.id = m.customer_id
      JOIN portal.all_events e ON e.event_id = sc.event_id
     WHERE sc.id IS NOT NULL
$$;

-- The member's "this wasn't me": restores the suspended credential (codes owed), voids the old
-- recovery codes, removes a credential enrolled since, ends every session, ends the member's
-- other suspensions and stages '2fa_disputed' (its notices go to the member and the
-- administrators). Refuses (DK107) a link that is unknown, used or past its window.
CREATE FUNCTION portal_api.confirm_dispute(p_token_hash bytea) RETURNS bigint
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

-- New recovery codes for a credential that owes them (restored by a dispute), after the member
-- signed in with the app. False when none are owed (the portal then shows nothing).
CREATE FUNCTION portal_api.issue_owed_recovery_codes(p_member_id bigint, p_salt bytea, p_hashes bytea[]) RETURNS boolean
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp SET lock_timeout = '3s' AS $$
DECLARE
    member portal.team_members;
BEGIN
    member := portal.lock_member(p_member_id);
    UPDATE portal.totp_credentials SET recovery_codes_owed = false
     WHERE member_id = member.id AND state = 'active' AND recovery_codes_owed;
    IF NOT FOUND THEN
        RETURN false;
    END IF;
    PERFORM portal.replace_recovery_codes(member, p_salt, p_hashes);
    PERFORM portal.append_event('recovery_codes_regenerated', member.email, NULL, NULL, member.customer_id, member.id);
    RETURN true;
END
$$;

-- True when the member's active credential owes new recovery codes.
CREATE FUNCTION portal_api.recovery_codes_owed(p_member_id bigint) RETURNS boolean
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp SET lock_timeout = '3s' AS $$
    SELECT coalesce((SELECT t.recovery_codes_owed FROM portal.totp_credentials t
                      WHERE t.member_id = p_member_id AND t.state = 'active'), false)
$$;

-- Deletes the secrets of suspensions past their dispute window; returns how many. The trusted
-- chainer role may call it: `portal chain` does, each time round its loop (another job can be
-- granted it the same way).
CREATE FUNCTION portal.purge_suspended_credentials() RETURNS integer
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp SET lock_timeout = '3s' AS $$
DECLARE
    purged integer;
BEGIN
    UPDATE portal.suspended_credentials
       SET state = 'expired', ended_at = clock_timestamp(), secret_ciphertext = NULL, key_fingerprint = NULL
     WHERE state = 'kept' AND dispute_until <= clock_timestamp();
    GET DIAGNOSTICS purged = ROW_COUNT;
    RETURN purged;
END
$$;

-- The looked-at member's suspensions and disputes, newest first, for the agent on the call (the
-- same recorded look-up as user_detail; no secret, no token hash).
CREATE FUNCTION support.user_disputes(p_lookup_id bigint)
RETURNS TABLE (event_id bigint, suspended_at timestamptz, dispute_until timestamptz, state text, ended_at timestamptz)
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp SET lock_timeout = '3s' AS $$
DECLARE
    lookup portal.lookups;
BEGIN
    PERFORM portal.require_agent();
    lookup := portal.answerable_lookup(p_lookup_id, 'detail');
    RETURN QUERY
    SELECT sc.event_id, sc.suspended_at, sc.dispute_until, sc.state::text, sc.ended_at
      FROM portal.suspended_credentials sc WHERE sc.member_id = lookup.member_id
     ORDER BY sc.id DESC LIMIT 20;
END
$$;

-- The looked-at member's latest notifications (a recorded look-up, as above), newest first: to whom, about what, and how delivery went.
CREATE FUNCTION support.user_notifications(p_lookup_id bigint)
RETURNS TABLE (event_id bigint, kind text, recipient text, audience text, state text, attempts integer,
               created_at timestamptz, sent_at timestamptz)
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp SET lock_timeout = '3s' AS $$
DECLARE
    lookup portal.lookups;
BEGIN
    PERFORM portal.require_agent();
    lookup := portal.answerable_lookup(p_lookup_id, 'detail');
    RETURN QUERY
    SELECT n.event_id, n.kind, n.recipient::text, n.audience::text, n.state::text, n.attempts, n.created_at, n.sent_at
      FROM portal.notifications n WHERE n.member_id = lookup.member_id
     ORDER BY n.id DESC LIMIT 20;
END
$$;

-- Who an event of the calling agent's (any event, for a supervisor) was notified to: what the
-- disable prints.
CREATE FUNCTION support.event_recipients(p_event_id bigint)
RETURNS TABLE (recipient text, audience text)
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp SET lock_timeout = '3s' AS $$
BEGIN
    PERFORM portal.require_agent();
    RETURN QUERY
    SELECT n.recipient::text, n.audience::text
      FROM portal.notifications n JOIN portal.all_events e ON e.event_id = n.event_id
     WHERE n.event_id = p_event_id
       AND (e.actor = session_user OR pg_has_role(session_user, 'support_supervisor', 'MEMBER'))
     ORDER BY n.id;
END
$$;

REVOKE ALL ON FUNCTION portal.suspend_credential(portal.team_members), portal.open_suspension(bytea),
    portal_api.dispute(bytea), portal_api.confirm_dispute(bytea),
    portal_api.issue_owed_recovery_codes(bigint, bytea, bytea[]), portal_api.recovery_codes_owed(bigint),
    portal.purge_suspended_credentials(),
    support.user_disputes(bigint), support.user_notifications(bigint), support.event_recipients(bigint) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION portal_api.dispute(bytea), portal_api.confirm_dispute(bytea),
    portal_api.issue_owed_recovery_codes(bigint, bytea, bytea[]), portal_api.recovery_codes_owed(bigint) TO portal_app;
GRANT EXECUTE ON FUNCTION portal.purge_suspended_credentials() TO audit_chainer;
GRANT EXECUTE ON FUNCTION support.user_disputes(bigint), support.user_notifications(bigint),
    support.event_recipients(bigint) TO support_agent;

COMMENT ON FUNCTION portal_api.dispute(bytea) IS
    'What a dispute link (by its token''s SHA-256) is about, while it can still be used; no row otherwise.';
COMMENT ON FUNCTION portal_api.confirm_dispute(bytea) IS
    'The member''s "this wasn''t me": restores the suspended credential, voids codes, ends sessions, removes newer credentials, stages 2fa_disputed (DK107 if the link is not usable).';
COMMENT ON FUNCTION portal_api.issue_owed_recovery_codes(bigint, bytea, bytea[]) IS
    'Stores new recovery codes for a credential restored by a dispute, once; false when none are owed.';
COMMENT ON FUNCTION portal_api.recovery_codes_owed(bigint) IS
    'True when the member''s active credential was restored by a dispute and still owes new recovery codes.';
COMMENT ON FUNCTION portal.purge_suspended_credentials() IS
    'Deletes the secrets of suspended credentials past their dispute window; called by portal chain''s loop.';
COMMENT ON FUNCTION support.user_disputes(bigint) IS
    'A member''s suspended credentials (from support disables) and what became of them: kept, disputed, expired, superseded.';
COMMENT ON FUNCTION support.user_notifications(bigint) IS
    'A member''s latest notifications: recipient, audience, kind and delivery state (never the text).';
COMMENT ON FUNCTION support.event_recipients(bigint) IS
    'Who one of the caller''s events was notified to (any event for a supervisor).';
