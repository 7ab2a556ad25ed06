-- Issue 14: a call in fewer keystrokes, every rule still the database's.
--
-- * The desk's common reasons for a disable live in portal.settings.common_reasons, so the
--   console offers them by number at its Reason question (free text is still taken). The list
--   is the desk's to edit; every reason, picked or typed, still passes portal.require_reason at
--   the disable, so a desk cannot lower the reason rule by listing a short one.
-- * Before the agent types a reason and a ticket, and right after a match, the console asks
--   support.user_disable_readiness what would still stop this agent's disable of the looked-at
--   member: no usable match (the DK005 sentence: none, expired how long ago, or used), or an
--   emailed code the policy wants (portal.needs_second_channel) and the agent has not presented.
--   It takes a recorded look-up, as user_detail does: asked by member id it would tell any agent
--   a member's email and existence without one (a hostile review found exactly that). The
--   usable match and the usable emailed code are each one function now, which the disable and
--   the second-channel rule call too, so the question and the disable cannot disagree.
-- * support.check_disable_words now returns the reason and ticket as the disable will store them
--   (trimmed; the ticket in upper case), so the console shows them as the database reads them
--   instead of normalising a second time; a NULL ticket judges the reason alone, so a reason
--   that will be refused is said at once, before the ticket is asked for.
SET LOCAL ROLE supportdesk_owner;

-- At most nine (one key each), none missing, none empty or longer than a reason may be.
CREATE FUNCTION portal.common_reasons_well_formed(p_reasons text[]) RETURNS boolean
LANGUAGE sql IMMUTABLE SET search_path = pg_catalog, pg_temp AS $$
    SELECT cardinality(p_reasons) <= 9
       AND coalesce(array_ndims(p_reasons), 1) = 1
       AND NOT EXISTS (SELECT FROM unnest(p_reasons) r WHERE r IS NULL OR length(btrim(r)) NOT BETWEEN 1 AND 1000)
$$;
REVOKE ALL ON FUNCTION portal.common_reasons_well_formed(text[]) FROM PUBLIC;

ALTER TABLE portal.settings
    ADD COLUMN common_reasons text[] NOT NULL DEFAULT ARRAY[
        'lost phone, recovery code read out and matched',
        'new phone, authenticator app not moved over, recovery code read out',
        'phone stolen, recovery code read out and matched',
        'authenticator app deleted or reset, recovery code read out']
        CONSTRAINT settings_common_reasons_well_formed CHECK (portal.common_reasons_well_formed(common_reasons));

CREATE FUNCTION support.common_reasons() RETURNS TABLE (number integer, reason text)
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp SET lock_timeout = '3s' AS $$
BEGIN
    PERFORM portal.require_agent();
    RETURN QUERY
    SELECT r.n::integer, r.reason FROM portal.settings s, unnest(s.common_reasons) WITH ORDINALITY AS r(reason, n)
     ORDER BY r.n;
END
$$;

-- This agent's newest usable match for the member (unused, within verification_valid_for, made
-- against the credential active now), or NULL: the one definition the disable consumes and the
-- readiness question reports.
CREATE FUNCTION portal.usable_match_id(p_member_id bigint) RETURNS bigint
LANGUAGE sql STABLE SET search_path = pg_catalog, pg_temp AS $$
    SELECT k.id FROM portal.recovery_checks k
      JOIN portal.totp_credentials t ON t.member_id = k.member_id
     WHERE k.member_id = p_member_id AND k.agent = session_user AND k.outcome = 'match'
       AND k.consumed_at IS NULL
       AND k.checked_at > clock_timestamp() - (SELECT s.verification_valid_for FROM portal.settings s)
       AND k.checked_at >= t.activated_at
     ORDER BY k.checked_at DESC LIMIT 1
$$;

-- Whether a presentation of an emailed code counts for this agent's disable now: unused, within
-- the code's valid time, committed (a rolled-back guess teaches nothing) and matching.
CREATE FUNCTION portal.email_check_counts(p_check portal.email_code_checks) RETURNS boolean
LANGUAGE sql STABLE SET search_path = pg_catalog, pg_temp AS $$
    SELECT p_check.consumed_at IS NULL
       AND p_check.checked_at > clock_timestamp() - (SELECT s.email_code_valid_for FROM portal.settings s)
       AND pg_xact_status(p_check.recorded_xid) = 'committed'
       AND portal.email_check_outcome(p_check) = 'match'
$$;

-- The second-channel rule (0042) with the presentation's test in one place.
CREATE OR REPLACE FUNCTION portal.require_second_channel(p_member portal.team_members, p_override boolean) RETURNS void
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
        IF portal.email_check_counts(k) THEN
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

-- The disable (0083) with the match taken from portal.usable_match_id: locked, and taken only if
-- no concurrent disable consumed it while this one waited for the lock.
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
         WHERE k.id = portal.usable_match_id(member.id) AND k.consumed_at IS NULL
           FOR UPDATE OF k;
        IF check_id IS NULL THEN
            RAISE EXCEPTION USING ERRCODE = 'DK005', MESSAGE = portal.no_match_sentence(member, valid_for);
        END IF;
        UPDATE portal.recovery_checks SET consumed_at = clock_timestamp() WHERE id = check_id;
    END IF;
    PERFORM portal.require_second_channel(member, p_override);
    IF portal.disable_needs_approval(member, p_override) THEN
        RETURN portal.request_disable(member, action, reason, ticket, p_request_id);
    END IF;
    RETURN portal.staged_event(portal.remove_credential(member, action, reason, ticket, p_request_id));
END
$$;

-- What would still stop this agent's disable of the looked-at member (a recorded look-up):
-- no_match, the DK005 sentence when there is no usable match, else NULL; needs_email_code,
-- whether the policy wants an emailed code for the member; email_code_ready, whether this agent
-- has presented one that counts.
CREATE FUNCTION support.user_disable_readiness(p_lookup_id bigint)
RETURNS TABLE (no_match text, needs_email_code boolean, email_code_ready boolean)
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp SET lock_timeout = '3s' AS $$
DECLARE
    lookup portal.lookups;
    member portal.team_members;
BEGIN
    PERFORM portal.require_agent();
    lookup := portal.answerable_lookup(p_lookup_id, 'detail');
    member := portal.member_row(lookup.member_id);
    RETURN QUERY
    SELECT CASE WHEN portal.usable_match_id(member.id) IS NULL
                THEN portal.no_match_sentence(member, (SELECT s.verification_valid_for FROM portal.settings s)) END,
           portal.needs_second_channel(member),
           EXISTS (SELECT FROM portal.email_code_checks c
                    WHERE c.member_id = member.id AND c.agent = session_user AND portal.email_check_counts(c));
END
$$;

DROP FUNCTION support.check_disable_words(text, text);
CREATE FUNCTION support.check_disable_words(p_reason text, p_ticket text) RETURNS TABLE (reason text, ticket text)
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp SET lock_timeout = '3s' AS $$
BEGIN
    PERFORM portal.require_agent();
    RETURN QUERY SELECT portal.require_reason(p_reason),
                        CASE WHEN p_ticket IS NOT NULL THEN portal.require_ticket(p_ticket) END;
END
$$;

REVOKE ALL ON FUNCTION portal.usable_match_id(bigint), portal.email_check_counts(portal.email_code_checks),
    support.common_reasons(), support.user_disable_readiness(bigint), support.check_disable_words(text, text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION support.common_reasons(), support.user_disable_readiness(bigint), support.check_disable_words(text, text)
    TO support_agent;

COMMENT ON FUNCTION support.common_reasons() IS
    'The desk''s common reasons for a disable, numbered from 1, for the console to offer by number (each still passes the reason rule at the disable).';
COMMENT ON FUNCTION support.user_disable_readiness(bigint) IS
    'With a recorded look-up: what would still stop the caller''s disable of the member (no usable match, and why; an emailed code the policy wants and not yet presented).';
COMMENT ON FUNCTION support.check_disable_words(text, text) IS
    'Raises DK007 or DK008 when a disable''s reason or ticket would be refused, else returns them as the disable stores them (a NULL ticket: the reason alone); asked before the agent confirms.';
