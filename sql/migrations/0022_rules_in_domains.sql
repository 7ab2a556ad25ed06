-- The shapes of an email address, an account number and a member's role each live in one
-- domain. The columns use the domains, and the portal's functions cast to them instead of
-- repeating the patterns in their own IFs (before, each rule was written in a CHECK and again in
-- a function). The CHECK constraints that remain get names that say what they hold.
SET LOCAL ROLE supportdesk_owner;

CREATE DOMAIN portal.email_address AS text
    CONSTRAINT email_address_form CHECK (VALUE ~ '^[^@[:space:]]+@[^@[:space:]]+\.[^@[:space:]]+$' AND length(VALUE) <= 254);
COMMENT ON DOMAIN portal.email_address IS 'An email address: something@domain.tld, no spaces, at most 254 characters.';

CREATE DOMAIN portal.account_number AS text
    CONSTRAINT account_number_form CHECK (VALUE ~ '^[A-Z]{2}-[0-9]{3,10}$');
COMMENT ON DOMAIN portal.account_number IS 'A customer''s account number: two capital letters, a dash and 3 to 10 digits, like MS-10442.';

CREATE DOMAIN portal.member_role AS text
    CONSTRAINT member_role_known CHECK (VALUE IN ('administrator', 'member'));
COMMENT ON DOMAIN portal.member_role IS 'A team member''s place in the customer''s account; administrators may force mandatory 2FA.';

-- The columns stay text (views read them), checked by a cast to their domain: the rule itself
-- is written only in the domain.
ALTER TABLE portal.team_members DROP CONSTRAINT team_members_email_check,
    ADD CONSTRAINT email_is_email_address CHECK (email::portal.email_address IS NOT NULL);
ALTER TABLE portal.team_members DROP CONSTRAINT team_members_role_check,
    ADD CONSTRAINT role_is_member_role CHECK (role::portal.member_role IS NOT NULL);
ALTER TABLE portal.customers DROP CONSTRAINT customers_account_number_check,
    ADD CONSTRAINT account_number_is_account_number CHECK (account_number::portal.account_number IS NOT NULL);

-- Input in the domain's shape, or DK106 with a sentence (the cast is the rule).
CREATE FUNCTION portal.as_email_address(p_text text) RETURNS portal.email_address
LANGUAGE plpgsql IMMUTABLE SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    IF p_text IS NULL THEN RAISE check_violation; END IF;
    RETURN btrim(p_text)::portal.email_address;
EXCEPTION WHEN check_violation THEN
    RAISE EXCEPTION USING ERRCODE = 'DK106', MESSAGE = format('%s is not an email address', coalesce(p_text, 'nothing'));
END
$$;

CREATE FUNCTION portal.as_account_number(p_text text) RETURNS portal.account_number
LANGUAGE plpgsql IMMUTABLE SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    IF p_text IS NULL THEN RAISE check_violation; END IF;
    RETURN upper(btrim(p_text))::portal.account_number;
EXCEPTION WHEN check_violation THEN
    RAISE EXCEPTION USING ERRCODE = 'DK106', MESSAGE = 'an account number is two letters, a dash and 3 to 10 digits, like MS-10442';
END
$$;

CREATE FUNCTION portal.as_member_role(p_text text) RETURNS portal.member_role
LANGUAGE plpgsql IMMUTABLE SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    IF p_text IS NULL THEN RAISE check_violation; END IF;
    RETURN p_text::portal.member_role;
EXCEPTION WHEN check_violation THEN
    RAISE EXCEPTION USING ERRCODE = 'DK106', MESSAGE = 'the role is administrator or member';
END
$$;

CREATE OR REPLACE FUNCTION portal_api.create_customer(p_account text, p_name text) RETURNS bigint
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp SET lock_timeout = '3s' AS $$
DECLARE
    account portal.account_number := portal.as_account_number(p_account);
    new_id bigint;
BEGIN
    IF p_name IS NULL OR length(btrim(p_name)) NOT BETWEEN 1 AND 200 THEN
        RAISE EXCEPTION USING ERRCODE = 'DK106', MESSAGE = 'a customer name is 1 to 200 characters';
    END IF;
    INSERT INTO portal.customers (account_number, name) VALUES (account, btrim(p_name))
    RETURNING id INTO new_id;
    RETURN new_id;
EXCEPTION WHEN unique_violation THEN
    RAISE EXCEPTION USING ERRCODE = 'DK104', MESSAGE = format('customer %s already exists', account);
END
$$;

CREATE OR REPLACE FUNCTION portal_api.add_member(
    p_account text, p_email text, p_name text, p_role text, p_phone text, p_password_hash text
) RETURNS bigint
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp SET lock_timeout = '3s' AS $$
DECLARE
    customer bigint;
    email portal.email_address;
    role portal.member_role;
    new_id bigint;
BEGIN
    SELECT c.id INTO customer FROM portal.customers c WHERE c.account_number = upper(btrim(p_account));
    IF customer IS NULL THEN
        RAISE EXCEPTION USING ERRCODE = 'DK013', MESSAGE = format('no customer %s', p_account);
    END IF;
    email := portal.as_email_address(p_email);
    IF p_name IS NULL OR length(btrim(p_name)) NOT BETWEEN 1 AND 200 THEN
        RAISE EXCEPTION USING ERRCODE = 'DK106', MESSAGE = 'a name is 1 to 200 characters';
    END IF;
    role := portal.as_member_role(p_role);
    IF p_phone IS NOT NULL AND (length(p_phone) > 40 OR p_phone !~ '^\+?[0-9 ().-]+$') THEN
        RAISE EXCEPTION USING ERRCODE = 'DK106', MESSAGE = format('%s is not a phone number', p_phone);
    END IF;
    INSERT INTO portal.team_members (customer_id, email, name, role, phone, password_hash)
    VALUES (customer, email, btrim(p_name), role, nullif(btrim(p_phone), ''), p_password_hash)
    RETURNING id INTO new_id;
    RETURN new_id;
EXCEPTION WHEN unique_violation THEN
    RAISE EXCEPTION USING ERRCODE = 'DK105', MESSAGE = format('%s is already a team member', btrim(p_email));
END
$$;

REVOKE ALL ON FUNCTION portal.as_email_address(text), portal.as_account_number(text), portal.as_member_role(text) FROM PUBLIC;

-- Names that say what each remaining CHECK holds (an error names its constraint).
ALTER TABLE portal.settings RENAME CONSTRAINT settings_agent_lock_duration_check TO agent_lock_duration_positive;
ALTER TABLE portal.settings RENAME CONSTRAINT settings_agent_max_mismatches_check TO agent_max_mismatches_positive;
ALTER TABLE portal.settings RENAME CONSTRAINT settings_agent_mismatch_window_check TO agent_mismatch_window_positive;
ALTER TABLE portal.settings RENAME CONSTRAINT settings_login_failure_window_check TO login_failure_window_positive;
ALTER TABLE portal.settings RENAME CONSTRAINT settings_login_lock_duration_check TO login_lock_duration_positive;
ALTER TABLE portal.settings RENAME CONSTRAINT settings_login_max_failures_check TO login_max_failures_positive;
ALTER TABLE portal.settings RENAME CONSTRAINT settings_min_reason_length_check TO min_reason_length_positive;
ALTER TABLE portal.settings RENAME CONSTRAINT settings_singleton_check TO settings_one_row;
ALTER TABLE portal.settings RENAME CONSTRAINT settings_user_lock_duration_check TO user_lock_duration_positive;
ALTER TABLE portal.settings RENAME CONSTRAINT settings_user_max_mismatches_check TO user_max_mismatches_positive;
ALTER TABLE portal.settings RENAME CONSTRAINT settings_user_mismatch_window_check TO user_mismatch_window_positive;
ALTER TABLE portal.settings RENAME CONSTRAINT settings_verification_valid_for_check TO verification_valid_for_positive;
ALTER TABLE portal.customers RENAME CONSTRAINT customers_check TO mandatory_has_since;
ALTER TABLE portal.customers RENAME CONSTRAINT customers_name_check TO customer_name_length;
ALTER TABLE portal.team_members RENAME CONSTRAINT team_members_name_check TO member_name_length;
ALTER TABLE portal.team_members RENAME CONSTRAINT team_members_password_hash_check TO password_hash_is_scrypt;
ALTER TABLE portal.team_members RENAME CONSTRAINT team_members_phone_check TO phone_length;
ALTER TABLE portal.totp_credentials RENAME CONSTRAINT totp_credentials_algorithm_check TO totp_algorithm_known;
ALTER TABLE portal.totp_credentials RENAME CONSTRAINT totp_credentials_check TO active_has_salt_and_time;
ALTER TABLE portal.totp_credentials RENAME CONSTRAINT totp_credentials_digits_check TO totp_digits_6_to_8;
ALTER TABLE portal.totp_credentials RENAME CONSTRAINT totp_credentials_key_fingerprint_check TO key_fingerprint_8_bytes;
ALTER TABLE portal.totp_credentials RENAME CONSTRAINT totp_credentials_period_check TO totp_period_1_to_300;
ALTER TABLE portal.totp_credentials RENAME CONSTRAINT totp_credentials_recovery_salt_check TO recovery_salt_16_bytes;
ALTER TABLE portal.totp_credentials RENAME CONSTRAINT totp_credentials_secret_ciphertext_check TO secret_ciphertext_size;
ALTER TABLE portal.totp_credentials RENAME CONSTRAINT totp_credentials_state_check TO credential_state_known;
ALTER TABLE portal.recovery_codes RENAME CONSTRAINT recovery_codes_check TO used_has_user;
ALTER TABLE portal.recovery_codes RENAME CONSTRAINT recovery_codes_code_hash_check TO code_hash_32_bytes;
ALTER TABLE portal.recovery_checks RENAME CONSTRAINT recovery_checks_check TO only_matches_consumed;
ALTER TABLE portal.recovery_checks RENAME CONSTRAINT recovery_checks_outcome_check TO check_outcome_known;
ALTER TABLE portal.audit_events RENAME CONSTRAINT audit_events_hash_check TO event_hash_32_bytes;
ALTER TABLE portal.audit_events RENAME CONSTRAINT audit_events_prev_hash_check TO event_prev_hash_32_bytes;
ALTER TABLE portal.audit_events RENAME CONSTRAINT audit_events_seq_check TO event_seq_positive;
ALTER TABLE portal.audit_chain_head RENAME CONSTRAINT audit_chain_head_hash_check TO head_hash_32_bytes;
ALTER TABLE portal.audit_chain_head RENAME CONSTRAINT audit_chain_head_singleton_check TO chain_head_one_row;
