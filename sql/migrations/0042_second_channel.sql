-- A second channel for the members policy names (issue 12, part 3). With `second_channel_for`
-- at 'administrators' (the default) or 'everyone', a support disable of such a member needs,
-- besides the agent's recovery-code match, a 6-digit code mailed to the member's address on
-- file (support.send_email_code) that the caller read back and the same agent presented
-- (support.present_email_code) in an earlier, committed transaction. With 'nobody', a disable is
-- exactly as before.
--
-- Like a recovery-code check, a presented code is recorded first and judged later: the row
-- stores only the hash of what was typed, the same write whatever it is, and the outcome is
-- shown (support.email_code_outcome) or used (the disable) only once that row has committed in
-- another transaction. So `BEGIN; present; disable; ROLLBACK` learns nothing, and every guess
-- counts against the code's 5 tries. A code is valid 10 minutes; a new one replaces the old.
SET LOCAL ROLE supportdesk_owner;

-- Whose disable needs the emailed code too.
CREATE DOMAIN portal.second_channel_policy AS text
    CONSTRAINT second_channel_policy_known CHECK (VALUE IN ('administrators', 'everyone', 'nobody'));
COMMENT ON DOMAIN portal.second_channel_policy IS
    'Whose support disable also needs a code mailed to the address on file: administrators, everyone or nobody.';

ALTER TABLE portal.settings
    ADD COLUMN second_channel_for portal.second_channel_policy NOT NULL DEFAULT 'administrators',
    ADD COLUMN email_code_valid_for interval NOT NULL DEFAULT '10 minutes'
        CONSTRAINT email_code_valid_for_positive CHECK (email_code_valid_for > '0'),
    ADD COLUMN email_code_tries integer NOT NULL DEFAULT 5
        CONSTRAINT email_code_tries_positive CHECK (email_code_tries > 0);

-- Codes mailed to members: sha256(salt || the 6 digits) only.
CREATE TABLE portal.email_codes (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    member_id    bigint NOT NULL REFERENCES portal.team_members,
    sent_by      text NOT NULL,
    event_id     bigint NOT NULL,
    salt         bytea NOT NULL CONSTRAINT email_code_salt_16_bytes CHECK (length(salt) = 16),
    code_hash    bytea NOT NULL CONSTRAINT email_code_hash_is_sha256 CHECK (length(code_hash) = 32),
    sent_at      timestamptz NOT NULL DEFAULT clock_timestamp(),
    expires_at   timestamptz NOT NULL
);
CREATE INDEX email_codes_member ON portal.email_codes (member_id, id);

-- Every code an agent typed for a member, whatever it was; judged only once committed.
CREATE TABLE portal.email_code_checks (
    id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    email_code_id  bigint REFERENCES portal.email_codes,
    member_id      bigint NOT NULL REFERENCES portal.team_members,
    agent          text NOT NULL,
    typed_hash     bytea NOT NULL CONSTRAINT typed_hash_is_sha256 CHECK (length(typed_hash) = 32),
    checked_at     timestamptz NOT NULL DEFAULT clock_timestamp(),
    recorded_xid   xid8 NOT NULL DEFAULT pg_current_xact_id(),
    consumed_at    timestamptz
);
CREATE INDEX email_code_checks_member ON portal.email_code_checks (member_id, agent, checked_at);
CREATE INDEX email_code_checks_code ON portal.email_code_checks (email_code_id, id);

-- True when policy asks this member's disable for the emailed code.
CREATE FUNCTION portal.needs_second_channel(p_member portal.team_members) RETURNS boolean
LANGUAGE sql STABLE SET search_path = pg_catalog, pg_temp AS $$
    SELECT CASE s.second_channel_for WHEN 'everyone' THEN true
                                     WHEN 'administrators' THEN p_member.role = 'administrator'
                                     ELSE false END
      FROM portal.settings s
$$;

-- What a recorded check of a typed code says: 'match', 'mismatch', 'expired' (typed after the
-- code's 10 minutes, or a newer code was sent), 'exhausted' (beyond the code's tries) or
-- 'no_code' (none was sent). Pure: callers decide when it may be known.
CREATE FUNCTION portal.email_check_outcome(p_check portal.email_code_checks) RETURNS text
LANGUAGE sql STABLE SET search_path = pg_catalog, pg_temp AS $$
    SELECT CASE
        WHEN c.id IS NULL THEN 'no_code'
        WHEN p_check.checked_at > c.expires_at
          OR EXISTS (SELECT FROM portal.email_codes n WHERE n.member_id = c.member_id AND n.id > c.id
                        AND n.sent_at <= p_check.checked_at) THEN 'expired'
        WHEN (SELECT count(*) FROM portal.email_code_checks k
               WHERE k.email_code_id = c.id AND k.id <= p_check.id) > s.email_code_tries THEN 'exhausted'
        WHEN p_check.typed_hash = c.code_hash THEN 'match'
        ELSE 'mismatch' END
      FROM portal.settings s LEFT JOIN portal.email_codes c ON c.id = p_check.email_code_id
$$;

-- Mails the member a fresh 6-digit code (through the outbox; the only notification that carries
-- a code, to the member's own address) and stages 'email_code_sent'. Refused (DK010) when policy
-- does not ask this member for one.
CREATE FUNCTION support.send_email_code(p_member_id bigint, OUT recipient text, OUT expires_at timestamptz)
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

-- Records a code the caller read back (only its hash under the latest code's salt) and returns
-- the record's id; ask support.email_code_outcome after committing.
CREATE FUNCTION support.present_email_code(p_member_id bigint, p_code text) RETURNS bigint
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp SET lock_timeout = '3s' AS $$
DECLARE
    member portal.team_members;
    latest portal.email_codes;
    typed text := regexp_replace(coalesce(p_code, ''), '[[:space:]-]', '', 'g');
    new_id bigint;
BEGIN
    PERFORM portal.require_agent();
    member := portal.member_row(p_member_id);
    PERFORM portal.guard_member(member);
    IF typed !~ '^[0-9]{6}$' THEN
        RAISE EXCEPTION USING ERRCODE = 'DK010', MESSAGE = 'an emailed code is 6 digits';
    END IF;
    SELECT * INTO latest FROM portal.email_codes c WHERE c.member_id = member.id ORDER BY c.id DESC LIMIT 1;
    INSERT INTO portal.email_code_checks (email_code_id, member_id, agent, typed_hash)
    VALUES (latest.id, member.id, session_user,
            sha256(coalesce(latest.salt, '\x00000000000000000000000000000000'::bytea) || convert_to(typed, 'UTF8')))
    RETURNING id INTO new_id;
    RETURN new_id;
END
$$;

-- The outcome of one of the caller's presented codes, once its record has committed (DK016
-- before; DK015 when it is not the caller's).
CREATE FUNCTION support.email_code_outcome(p_check_id bigint) RETURNS text
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp SET lock_timeout = '3s' AS $$
DECLARE
    k portal.email_code_checks;
BEGIN
    PERFORM portal.require_agent();
    SELECT * INTO k FROM portal.email_code_checks c WHERE c.id = p_check_id AND c.agent = session_user;
    IF NOT FOUND THEN
        RAISE EXCEPTION USING ERRCODE = 'DK015', MESSAGE = format('no emailed-code check %s of yours', p_check_id);
    END IF;
    IF pg_xact_status(k.recorded_xid) IS DISTINCT FROM 'committed' THEN
        RAISE EXCEPTION USING ERRCODE = 'DK016',
            MESSAGE = 'this check is not committed yet: commit it, then ask for its outcome';
    END IF;
    RETURN portal.email_check_outcome(k);
END
$$;

-- The disable's second-channel rule, one line in disable_for_support: where policy asks for it,
-- consumes this agent's committed, matching emailed code for the member from the last 10
-- minutes, or refuses with DK019 and says what to do. Overrides are a supervisor's own path.
CREATE FUNCTION portal.require_second_channel(p_member portal.team_members, p_override boolean) RETURNS void
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    k portal.email_code_checks;
    valid_for interval := (SELECT s.email_code_valid_for FROM portal.settings s);
BEGIN
    IF p_override OR NOT portal.needs_second_channel(p_member) THEN
        RETURN;
    END IF;
    FOR k IN SELECT * FROM portal.email_code_checks c
              WHERE c.member_id = p_member.id AND c.agent = session_user AND c.consumed_at IS NULL
                AND c.checked_at > clock_timestamp() - valid_for
              ORDER BY c.id DESC FOR UPDATE LOOP
        IF pg_xact_status(k.recorded_xid) = 'committed' AND portal.email_check_outcome(k) = 'match' THEN
            UPDATE portal.email_code_checks SET consumed_at = clock_timestamp() WHERE id = k.id;
            RETURN;
        END IF;
    END LOOP;
    RAISE EXCEPTION USING ERRCODE = 'DK019', MESSAGE = format(
        '%s needs a second channel: run send-code %s, ask the caller for the 6-digit code from that mail, '
        'then verify again with --email-code (the code works for %s)',
        p_member.email, p_member.email, portal.spoken_interval(valid_for));
END
$$;

-- The disable, with the second-channel rule added as one line after the enrolment check.
CREATE OR REPLACE FUNCTION portal.disable_for_support(
    p_member_id bigint, p_reason text, p_ticket text, p_request_id uuid, p_override boolean
) RETURNS support.event
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    action text := CASE WHEN p_override THEN '2fa_disabled_override' ELSE '2fa_disabled_support' END;
    member portal.team_members;
    previous support.event;
    check_id bigint;
    valid_for interval := (SELECT s.verification_valid_for FROM portal.settings s);
    reason text;
    ticket text;
BEGIN
    member := portal.member_row(p_member_id);
    PERFORM portal.guard_member(member);
    previous := portal.earlier_disable(member, p_request_id, action);
    IF previous.seq IS NOT NULL THEN
        RETURN previous;
    END IF;
    reason := portal.require_reason(p_reason);
    ticket := portal.require_ticket(p_ticket);
    PERFORM portal.require_active_2fa(member);
    IF NOT p_override THEN
        SELECT k.id INTO check_id FROM portal.recovery_checks k
          JOIN portal.totp_credentials t ON t.member_id = k.member_id
         WHERE k.member_id = member.id AND k.agent = session_user AND k.outcome = 'match'
           AND k.consumed_at IS NULL AND k.checked_at > clock_timestamp() - valid_for
           AND k.checked_at >= t.activated_at
         ORDER BY k.checked_at DESC LIMIT 1
           FOR UPDATE OF k;
        IF check_id IS NULL THEN
            RAISE EXCEPTION USING ERRCODE = 'DK005', MESSAGE = format(
                'verify a recovery code of %s first: a disable needs your own match from the last %s that has not been used',
                member.email, portal.spoken_interval(valid_for));
        END IF;
        UPDATE portal.recovery_checks SET consumed_at = clock_timestamp() WHERE id = check_id;
    END IF;
    PERFORM portal.require_second_channel(member, p_override);
    RETURN portal.staged_event(portal.remove_credential(member, action, reason, ticket, p_request_id));
END
$$;

-- The policy the console words its sentences with, now with whose disable needs the emailed code.
CREATE FUNCTION support.second_channel_policy() RETURNS text
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp SET lock_timeout = '3s' AS $$
    SELECT s.second_channel_for::text FROM portal.settings s
$$;

REVOKE ALL ON FUNCTION portal.needs_second_channel(portal.team_members), portal.email_check_outcome(portal.email_code_checks),
    portal.require_second_channel(portal.team_members, boolean),
    support.send_email_code(bigint), support.present_email_code(bigint, text), support.email_code_outcome(bigint),
    support.second_channel_policy() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION support.send_email_code(bigint), support.present_email_code(bigint, text),
    support.email_code_outcome(bigint), support.second_channel_policy() TO support_agent;

COMMENT ON FUNCTION support.send_email_code(bigint) IS
    'Mails the member a 6-digit code (10 minutes, 5 tries, stored hashed) for the second channel; stages email_code_sent.';
COMMENT ON FUNCTION support.present_email_code(bigint, text) IS
    'Records the emailed code the caller read back (hash only) and returns its id; its outcome is known only after commit.';
COMMENT ON FUNCTION support.email_code_outcome(bigint) IS
    'match, mismatch, expired, exhausted or no_code for a committed presentation of the caller''s.';
COMMENT ON FUNCTION support.second_channel_policy() IS
    'Whose disable needs the emailed code too: administrators, everyone or nobody.';
