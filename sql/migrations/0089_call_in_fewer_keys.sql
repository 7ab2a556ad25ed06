-- Issue 14: a call in fewer keystrokes, every rule still the database's.
--
-- * The desk's common reasons for a disable live in portal.settings.common_reasons, so the
--   console offers them by number at its Reason question (free text is still taken). The list
--   is the desk's to edit; every reason, picked or typed, still passes portal.require_reason at
--   the disable, so a desk cannot lower the reason rule by listing a short one.
-- * Right after a match, the console asks whether this member's disable needs an emailed code
--   (portal.needs_second_channel, the one rule), so it can offer to send it then instead of the
--   disable being refused with DK019 after the reason and ticket were typed. It answers only to
--   an agent holding a usable match for the member: asked of anyone, it would tell the member's
--   role without a recorded look-up.
-- * support.check_disable_words now returns the reason and ticket as the disable will store them
--   (trimmed; the ticket in upper case), so the console shows and offers the call's ticket as
--   the database reads it instead of normalising it a second time.
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

CREATE FUNCTION support.needs_email_code(p_member_id bigint) RETURNS boolean
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp SET lock_timeout = '3s' AS $$
DECLARE
    member portal.team_members;
    valid_for interval := (SELECT s.verification_valid_for FROM portal.settings s);
BEGIN
    PERFORM portal.require_agent();
    member := portal.member_row(p_member_id);
    IF NOT EXISTS (SELECT FROM portal.recovery_checks k
                    JOIN portal.totp_credentials t ON t.member_id = k.member_id
                   WHERE k.member_id = member.id AND k.agent = session_user AND k.outcome = 'match'
                     AND k.consumed_at IS NULL AND k.checked_at > clock_timestamp() - valid_for
                     AND k.checked_at >= t.activated_at) THEN
        RAISE EXCEPTION USING ERRCODE = 'DK005', MESSAGE = portal.no_match_sentence(member, valid_for);
    END IF;
    RETURN portal.needs_second_channel(member);
END
$$;

DROP FUNCTION support.check_disable_words(text, text);
CREATE FUNCTION support.check_disable_words(p_reason text, p_ticket text) RETURNS TABLE (reason text, ticket text)
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp SET lock_timeout = '3s' AS $$
BEGIN
    PERFORM portal.require_agent();
    RETURN QUERY SELECT portal.require_reason(p_reason), portal.require_ticket(p_ticket);
END
$$;

REVOKE ALL ON FUNCTION support.common_reasons(), support.needs_email_code(bigint), support.check_disable_words(text, text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION support.common_reasons(), support.needs_email_code(bigint), support.check_disable_words(text, text)
    TO support_agent;

COMMENT ON FUNCTION support.common_reasons() IS
    'The desk''s common reasons for a disable, numbered from 1, for the console to offer by number (each still passes the reason rule at the disable).';
COMMENT ON FUNCTION support.needs_email_code(bigint) IS
    'Whether the member''s disable needs an emailed code (second_channel_for); answered only to an agent holding a usable match for the member (else DK005).';
COMMENT ON FUNCTION support.check_disable_words(text, text) IS
    'Raises DK007 or DK008 when a disable''s reason or ticket would be refused, else returns them as the disable stores them; asked before the agent confirms.';
