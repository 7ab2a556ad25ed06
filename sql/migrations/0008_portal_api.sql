-- The portal's API. The portal holds PORTAL_SECRET_KEY and checks passwords and TOTP codes
-- itself; the database enforces replay protection, lockouts, the administrator rule for
-- mandatory 2FA, and records every event.
SET LOCAL ROLE supportdesk_owner;

CREATE FUNCTION portal_api.create_customer(p_account text, p_name text) RETURNS bigint
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    new_id bigint;
BEGIN
    IF p_account IS NULL OR btrim(p_account) !~ '^[A-Za-z]{2}-[0-9]{3,10}$' THEN
        RAISE EXCEPTION USING ERRCODE = 'DK106', MESSAGE = 'an account number is two letters, a dash and 3 to 10 digits, like MS-10442';
    END IF;
    IF p_name IS NULL OR length(btrim(p_name)) NOT BETWEEN 1 AND 200 THEN
        RAISE EXCEPTION USING ERRCODE = 'DK106', MESSAGE = 'a customer name is 1 to 200 characters';
    END IF;
    INSERT INTO portal.customers (account_number, name) VALUES (upper(btrim(p_account)), btrim(p_name))
    RETURNING id INTO new_id;
    RETURN new_id;
EXCEPTION WHEN unique_violation THEN
    RAISE EXCEPTION USING ERRCODE = 'DK104', MESSAGE = format('customer %s already exists', upper(btrim(p_account)));
END
$$;

CREATE FUNCTION portal_api.add_member(
    p_account text, p_email text, p_name text, p_role text, p_phone text, p_password_hash text
) RETURNS bigint
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    customer bigint;
    new_id bigint;
BEGIN
    SELECT c.id INTO customer FROM portal.customers c WHERE c.account_number = upper(btrim(p_account));
    IF customer IS NULL THEN
        RAISE EXCEPTION USING ERRCODE = 'DK013', MESSAGE = format('no customer %s', p_account);
    END IF;
    IF p_email IS NULL OR btrim(p_email) !~ '^[^@[:space:]]+@[^@[:space:]]+\.[^@[:space:]]+$' OR length(p_email) > 254 THEN
        RAISE EXCEPTION USING ERRCODE = 'DK106', MESSAGE = format('%s is not an email address', p_email);
    END IF;
    IF p_name IS NULL OR length(btrim(p_name)) NOT BETWEEN 1 AND 200 THEN
        RAISE EXCEPTION USING ERRCODE = 'DK106', MESSAGE = 'a name is 1 to 200 characters';
    END IF;
    IF coalesce(p_role, '') NOT IN ('administrator', 'member') THEN
        RAISE EXCEPTION USING ERRCODE = 'DK106', MESSAGE = 'the role is administrator or member';
    END IF;
    IF p_phone IS NOT NULL AND (length(p_phone) > 40 OR p_phone !~ '^\+?[0-9 ().-]+$') THEN
        RAISE EXCEPTION USING ERRCODE = 'DK106', MESSAGE = format('%s is not a phone number', p_phone);
    END IF;
    INSERT INTO portal.team_members (customer_id, email, name, role, phone, password_hash)
    VALUES (customer, btrim(p_email), btrim(p_name), p_role, nullif(btrim(p_phone), ''), p_password_hash)
    RETURNING id INTO new_id;
    RETURN new_id;
EXCEPTION WHEN unique_violation THEN
    RAISE EXCEPTION USING ERRCODE = 'DK105', MESSAGE = format('%s is already a team member', btrim(p_email));
END
$$;

-- What the portal needs to decide a login. Only the portal may see the ciphertext; it alone
-- holds the key.
CREATE FUNCTION portal_api.login_state(p_email text)
RETURNS TABLE (
    member_id bigint, account_number text, role text, password_hash text, mandatory_2fa boolean,
    twofa_state text, secret_ciphertext bytea, key_fingerprint bytea, algorithm text,
    digits integer, period integer, last_accepted_step bigint, locked_until timestamptz
)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
    SELECT m.id, c.account_number, m.role, m.password_hash, c.mandatory_2fa,
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

-- Turns mandatory 2FA on or off for a customer; only one of its administrators may. Returns
-- false when it already was in that state (nothing recorded).
CREATE FUNCTION portal_api.set_mandatory(p_account text, p_admin_email text, p_on boolean) RETURNS boolean
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    customer portal.customers;
    admin portal.team_members;
BEGIN
    SELECT * INTO customer FROM portal.customers c WHERE c.account_number = upper(btrim(p_account)) FOR NO KEY UPDATE;
    IF NOT FOUND THEN
        RAISE EXCEPTION USING ERRCODE = 'DK013', MESSAGE = format('no customer %s', p_account);
    END IF;
    SELECT * INTO admin FROM portal.team_members m WHERE lower(m.email) = lower(btrim(p_admin_email));
    IF NOT FOUND OR admin.customer_id <> customer.id OR admin.role <> 'administrator' THEN
        RAISE EXCEPTION USING ERRCODE = 'DK103',
            MESSAGE = format('%s is not an administrator of %s', p_admin_email, customer.account_number);
    END IF;
    IF customer.mandatory_2fa = p_on THEN
        RETURN false;
    END IF;
    UPDATE portal.customers
       SET mandatory_2fa = p_on,
           mandatory_2fa_by = CASE WHEN p_on THEN admin.id END,
           mandatory_2fa_since = CASE WHEN p_on THEN clock_timestamp() END
     WHERE id = customer.id;
    PERFORM portal.append_event(CASE WHEN p_on THEN 'mandatory_on' ELSE 'mandatory_off' END,
        customer.account_number, format('by %s', admin.email), NULL, customer.id, admin.id);
    RETURN true;
END
$$;

-- Creates a support agent's login role in the right group. Runs with the caller's rights
-- (creating roles needs CREATEROLE), so it is kept from everyone else.
CREATE FUNCTION portal_api.create_agent(p_name text, p_supervisor boolean) RETURNS void
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    IF p_name IS NULL OR p_name !~ '^[a-z][a-z0-9_]{1,62}$' THEN
        RAISE EXCEPTION USING ERRCODE = 'DK106',
            MESSAGE = 'an agent name is 2 to 63 lower-case letters, digits or underscores, starting with a letter';
    END IF;
    IF EXISTS (SELECT FROM pg_catalog.pg_roles WHERE rolname = p_name) THEN
        RAISE EXCEPTION USING ERRCODE = 'DK105', MESSAGE = format('a role named %s already exists', p_name);
    END IF;
    EXECUTE format('CREATE ROLE %I LOGIN IN ROLE %I', p_name,
                   CASE WHEN p_supervisor THEN 'support_supervisor' ELSE 'support_agent' END);
END
$$;

REVOKE ALL ON FUNCTION portal_api.create_customer(text, text),
    portal_api.add_member(text, text, text, text, text, text), portal_api.login_state(text),
    portal_api.record_login_failure(bigint), portal_api.record_login(bigint),
    portal_api.begin_enrolment(bigint, bytea, bytea, text, integer, integer),
    portal_api.confirm_enrolment(bigint, bigint, bytea, bytea[]), portal_api.accept_step(bigint, bigint),
    portal_api.use_recovery_code(bigint, text), portal_api.disable_self(bigint, bigint),
    portal_api.regenerate_recovery_codes(bigint, bigint, bytea, bytea[]),
    portal_api.set_mandatory(text, text, boolean), portal_api.create_agent(text, boolean) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION portal_api.create_customer(text, text),
    portal_api.add_member(text, text, text, text, text, text), portal_api.login_state(text),
    portal_api.record_login_failure(bigint), portal_api.record_login(bigint),
    portal_api.begin_enrolment(bigint, bytea, bytea, text, integer, integer),
    portal_api.confirm_enrolment(bigint, bigint, bytea, bytea[]), portal_api.accept_step(bigint, bigint),
    portal_api.use_recovery_code(bigint, text), portal_api.disable_self(bigint, bigint),
    portal_api.regenerate_recovery_codes(bigint, bigint, bytea, bytea[]),
    portal_api.set_mandatory(text, text, boolean) TO portal_app;
