-- The portal's API, part 3: enrolment and the member's own 2FA changes.
SET LOCAL ROLE supportdesk_owner;

-- Replaces a member's recovery codes (and their salt) with new hashes.
CREATE FUNCTION portal.replace_recovery_codes(p_member portal.team_members, p_salt bytea, p_hashes bytea[]) RETURNS void
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    IF coalesce(cardinality(p_hashes), 0) NOT BETWEEN 1 AND 100 THEN
        RAISE EXCEPTION USING ERRCODE = 'DK106', MESSAGE = 'between 1 and 100 recovery codes are required';
    END IF;
    DELETE FROM portal.recovery_codes WHERE member_id = p_member.id;
    UPDATE portal.totp_credentials SET recovery_salt = p_salt WHERE member_id = p_member.id;
    INSERT INTO portal.recovery_codes (member_id, code_hash) SELECT p_member.id, h FROM unnest(p_hashes) AS h;
END
$$;
REVOKE ALL ON FUNCTION portal.replace_recovery_codes(portal.team_members, bytea, bytea[]) FROM PUBLIC;

-- Stores a pending secret (replacing an earlier pending one); refuses while 2FA is active.
CREATE FUNCTION portal_api.begin_enrolment(
    p_member_id bigint, p_ciphertext bytea, p_key_fingerprint bytea,
    p_algorithm text, p_digits integer, p_period integer
) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    member portal.team_members;
BEGIN
    member := portal.lock_member(p_member_id);
    IF EXISTS (SELECT FROM portal.totp_credentials WHERE member_id = member.id AND state = 'active') THEN
        RAISE EXCEPTION USING ERRCODE = 'DK101', MESSAGE = format('%s already has 2FA enabled', member.email);
    END IF;
    DELETE FROM portal.totp_credentials WHERE member_id = member.id;
    INSERT INTO portal.totp_credentials (member_id, secret_ciphertext, key_fingerprint, algorithm, digits, period, state)
    VALUES (member.id, p_ciphertext, p_key_fingerprint, p_algorithm, p_digits, p_period, 'pending');
END
$$;

-- Activates the pending secret with the step of the first accepted code and stores the
-- recovery-code hashes.
CREATE FUNCTION portal_api.confirm_enrolment(p_member_id bigint, p_step bigint, p_salt bytea, p_hashes bytea[])
RETURNS bigint
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    member portal.team_members;
BEGIN
    member := portal.lock_member(p_member_id);
    UPDATE portal.totp_credentials
       SET state = 'active', activated_at = clock_timestamp(), last_accepted_step = p_step, recovery_salt = p_salt
     WHERE member_id = member.id AND state = 'pending';
    IF NOT FOUND THEN
        RAISE EXCEPTION USING ERRCODE = 'DK102', MESSAGE = format('%s has no pending 2FA set-up to confirm', member.email);
    END IF;
    PERFORM portal.replace_recovery_codes(member, p_salt, p_hashes);
    RETURN (portal.append_event('2fa_enabled', member.email, NULL, NULL, member.customer_id, member.id)).seq;
END
$$;

-- The member's own disable, after the portal accepted a code of theirs at p_step. False when
-- that step was already used (a replayed code).
CREATE FUNCTION portal_api.disable_self(p_member_id bigint, p_step bigint) RETURNS boolean
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    member portal.team_members;
BEGIN
    member := portal.lock_member(p_member_id);
    IF NOT portal_api.accept_step(member.id, p_step) THEN
        RETURN false;
    END IF;
    PERFORM portal.remove_credential(member, '2fa_disabled_self', NULL, NULL, NULL);
    RETURN true;
END
$$;

-- New recovery codes after a fresh TOTP code; the old ones stop working. False on a replay.
CREATE FUNCTION portal_api.regenerate_recovery_codes(p_member_id bigint, p_step bigint, p_salt bytea, p_hashes bytea[])
RETURNS boolean
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    member portal.team_members;
BEGIN
    member := portal.lock_member(p_member_id);
    IF NOT portal_api.accept_step(member.id, p_step) THEN
        RETURN false;
    END IF;
    PERFORM portal.replace_recovery_codes(member, p_salt, p_hashes);
    PERFORM portal.append_event('recovery_codes_regenerated', member.email, NULL, NULL, member.customer_id, member.id);
    RETURN true;
END
$$;

REVOKE ALL ON FUNCTION portal_api.begin_enrolment(bigint, bytea, bytea, text, integer, integer),
    portal_api.confirm_enrolment(bigint, bigint, bytea, bytea[]),
    portal_api.disable_self(bigint, bigint),
    portal_api.regenerate_recovery_codes(bigint, bigint, bytea, bytea[]) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION portal_api.begin_enrolment(bigint, bytea, bytea, text, integer, integer),
    portal_api.confirm_enrolment(bigint, bigint, bytea, bytea[]),
    portal_api.disable_self(bigint, bigint),
    portal_api.regenerate_recovery_codes(bigint, bigint, bytea, bytea[]) TO portal_app;
