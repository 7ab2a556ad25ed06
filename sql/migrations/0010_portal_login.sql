-- The portal's API, part 2: what a sign-in reads and records.
SET LOCAL ROLE supportdesk_owner;

-- What the portal needs to decide a login. Only the portal may see the ciphertext; it alone
-- holds the key.
CREATE FUNCTION portal_api.login_state(p_email text)
RETURNS TABLE (
    member_id bigint, password_hash text, mandatory_2fa boolean,
    twofa_state text, secret_ciphertext bytea, key_fingerprint bytea, algorithm text,
    digits integer, period integer, last_accepted_step bigint, locked_until timestamptz
)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
    SELECT m.id, m.password_hash, c.mandatory_2fa,
           coalesce(t.state, 'off'), t.secret_ciphertext, t.key_fingerprint, t.algorithm,
           t.digits, t.period, t.last_accepted_step,
           (SELECT max(f.failed_at) + s.login_lock_duration FROM portal.login_failures f
             WHERE f.member_id = m.id AND f.failed_at > clock_timestamp() - s.login_failure_window
            HAVING count(*) >= s.login_max_failures
               AND max(f.failed_at) + s.login_lock_duration > clock_timestamp())
      FROM portal.team_members m
      JOIN portal.customers c ON c.id = m.customer_id
      CROSS JOIN portal.settings s
      LEFT JOIN portal.totp_credentials t ON t.member_id = m.id
     WHERE lower(m.email) = lower(btrim(p_email))
$$;

-- Records a failed login; returns when the member's logins are locked until, if they now are.
CREATE FUNCTION portal_api.record_login_failure(p_member_id bigint) RETURNS timestamptz
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    settings portal.settings;
    member portal.team_members;
    failures integer;
    last_failure timestamptz;
BEGIN
    member := portal.lock_member(p_member_id);
    SELECT * INTO STRICT settings FROM portal.settings;
    INSERT INTO portal.login_failures (member_id) VALUES (member.id);
    SELECT count(*), max(failed_at) INTO failures, last_failure FROM portal.login_failures
     WHERE member_id = member.id AND failed_at > clock_timestamp() - settings.login_failure_window;
    IF failures >= settings.login_max_failures THEN
        RETURN last_failure + settings.login_lock_duration;
    END IF;
    RETURN NULL;
END
$$;

CREATE FUNCTION portal_api.record_login(p_member_id bigint) RETURNS void
LANGUAGE sql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
    UPDATE portal.team_members SET last_login_at = clock_timestamp() WHERE id = p_member_id;
    DELETE FROM portal.login_failures WHERE member_id = p_member_id;
$$;

-- Accepts a TOTP step only if it is later than the last one accepted: a code is good once.
CREATE FUNCTION portal_api.accept_step(p_member_id bigint, p_step bigint) RETURNS boolean
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    UPDATE portal.totp_credentials SET last_accepted_step = p_step
     WHERE member_id = p_member_id AND state = 'active'
       AND (last_accepted_step IS NULL OR last_accepted_step < p_step);
    RETURN FOUND;
END
$$;

-- Signs in with a recovery code: the code is used up. False when it is not an unused code.
CREATE FUNCTION portal_api.use_recovery_code(p_member_id bigint, p_code text) RETURNS boolean
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    member portal.team_members;
    code text := portal.normalise_recovery_code(p_code);
BEGIN
    member := portal.lock_member(p_member_id);
    IF code IS NULL THEN
        RETURN false;
    END IF;
    UPDATE portal.recovery_codes r SET used_at = clock_timestamp(), used_by = 'self'
      FROM portal.totp_credentials t
     WHERE t.member_id = member.id AND t.state = 'active' AND r.member_id = member.id AND r.used_at IS NULL
       AND r.code_hash = sha256(t.recovery_salt || convert_to(code, 'UTF8'));
    IF NOT FOUND THEN
        RETURN false;
    END IF;
    PERFORM portal.append_event('login_recovery_code', member.email, NULL, NULL, member.customer_id, member.id);
    RETURN true;
END
$$;

REVOKE ALL ON FUNCTION portal_api.login_state(text),
    portal_api.record_login_failure(bigint),
    portal_api.record_login(bigint),
    portal_api.accept_step(bigint, bigint),
    portal_api.use_recovery_code(bigint, text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION portal_api.login_state(text),
    portal_api.record_login_failure(bigint),
    portal_api.record_login(bigint),
    portal_api.accept_step(bigint, bigint),
    portal_api.use_recovery_code(bigint, text) TO portal_app;
