-- Customers, team members, TOTP credentials, recovery codes, recovery checks, lockouts and
-- settings, with an index for every look-up the console makes.
SET LOCAL ROLE supportdesk_owner;

CREATE TABLE portal.settings (
    singleton               boolean PRIMARY KEY DEFAULT true CHECK (singleton),
    user_max_mismatches     integer  NOT NULL DEFAULT 5 CHECK (user_max_mismatches > 0),
    user_mismatch_window    interval NOT NULL DEFAULT '15 minutes' CHECK (user_mismatch_window > '0'),
    user_lock_duration      interval NOT NULL DEFAULT '15 minutes' CHECK (user_lock_duration > '0'),
    agent_max_mismatches    integer  NOT NULL DEFAULT 20 CHECK (agent_max_mismatches > 0),
    agent_mismatch_window   interval NOT NULL DEFAULT '1 hour' CHECK (agent_mismatch_window > '0'),
    agent_lock_duration     interval NOT NULL DEFAULT '1 hour' CHECK (agent_lock_duration > '0'),
    verification_valid_for  interval NOT NULL DEFAULT '10 minutes' CHECK (verification_valid_for > '0'),
    min_reason_length       integer  NOT NULL DEFAULT 10 CHECK (min_reason_length > 0),
    login_max_failures      integer  NOT NULL DEFAULT 5 CHECK (login_max_failures > 0),
    login_failure_window    interval NOT NULL DEFAULT '15 minutes' CHECK (login_failure_window > '0'),
    login_lock_duration     interval NOT NULL DEFAULT '15 minutes' CHECK (login_lock_duration > '0')
);
INSERT INTO portal.settings DEFAULT VALUES;

CREATE TABLE portal.customers (
    id                   bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    account_number       text NOT NULL UNIQUE CHECK (account_number ~ '^[A-Z]{2}-[0-9]{3,10}$'),
    name                 text NOT NULL CHECK (length(btrim(name)) BETWEEN 1 AND 200),
    mandatory_2fa        boolean NOT NULL DEFAULT false,
    mandatory_2fa_by     bigint,
    mandatory_2fa_since  timestamptz,
    created_at           timestamptz NOT NULL DEFAULT clock_timestamp(),
    CHECK (mandatory_2fa = (mandatory_2fa_since IS NOT NULL))
);

CREATE TABLE portal.team_members (
    id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    customer_id    bigint NOT NULL REFERENCES portal.customers,
    email          text NOT NULL CHECK (email ~ '^[^@[:space:]]+@[^@[:space:]]+\.[^@[:space:]]+$' AND length(email) <= 254),
    name           text NOT NULL CHECK (length(btrim(name)) BETWEEN 1 AND 200),
    phone          text CHECK (length(phone) <= 40),
    phone_digits   text GENERATED ALWAYS AS (regexp_replace(coalesce(phone, ''), '[^0-9]', '', 'g')) STORED,
    role           text NOT NULL DEFAULT 'member' CHECK (role IN ('administrator', 'member')),
    password_hash  text NOT NULL CHECK (password_hash LIKE '$scrypt$%'),
    last_login_at  timestamptz,
    created_at     timestamptz NOT NULL DEFAULT clock_timestamp()
);
ALTER TABLE portal.customers
    ADD FOREIGN KEY (mandatory_2fa_by) REFERENCES portal.team_members;

-- The secret is AES-GCM ciphertext (nonce || ciphertext || tag) made by the portal with
-- PORTAL_SECRET_KEY; key_fingerprint tells a wrong key from a corrupt row.
CREATE TABLE portal.totp_credentials (
    member_id           bigint PRIMARY KEY REFERENCES portal.team_members,
    secret_ciphertext   bytea NOT NULL CHECK (length(secret_ciphertext) BETWEEN 12 + 16 + 10 AND 12 + 16 + 128),
    key_fingerprint     bytea NOT NULL CHECK (length(key_fingerprint) = 8),
    algorithm           text NOT NULL CHECK (algorithm IN ('SHA1', 'SHA256', 'SHA512')),
    digits              integer NOT NULL CHECK (digits BETWEEN 6 AND 8),
    period              integer NOT NULL CHECK (period BETWEEN 1 AND 300),
    state               text NOT NULL CHECK (state IN ('pending', 'active')),
    last_accepted_step  bigint,
    recovery_salt       bytea CHECK (length(recovery_salt) = 16),
    created_at          timestamptz NOT NULL DEFAULT clock_timestamp(),
    activated_at        timestamptz,
    CHECK ((state = 'active') = (activated_at IS NOT NULL AND recovery_salt IS NOT NULL))
);

-- sha256(recovery_salt || the 16 normalised symbols); a check is one index look-up.
CREATE TABLE portal.recovery_codes (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    member_id   bigint NOT NULL REFERENCES portal.team_members,
    code_hash   bytea NOT NULL CHECK (length(code_hash) = 32),
    created_at  timestamptz NOT NULL DEFAULT clock_timestamp(),
    used_at     timestamptz,
    used_by     text,
    UNIQUE (member_id, code_hash),
    CHECK ((used_at IS NULL) = (used_by IS NULL))
);

-- Every code check an agent makes, whatever its outcome.
CREATE TABLE portal.recovery_checks (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    member_id    bigint NOT NULL REFERENCES portal.team_members,
    agent        text NOT NULL,
    outcome      text NOT NULL CHECK (outcome IN ('match', 'mismatch', 'malformed', 'locked', 'not_enrolled')),
    checked_at   timestamptz NOT NULL DEFAULT clock_timestamp(),
    consumed_at  timestamptz,
    CHECK (consumed_at IS NULL OR outcome = 'match')
);
CREATE INDEX recovery_checks_member_time ON portal.recovery_checks (member_id, checked_at);
CREATE INDEX recovery_checks_agent_time ON portal.recovery_checks (agent, checked_at) WHERE outcome = 'mismatch';

-- A lock ends at locked_until; clearing it early moves locked_until to the moment of clearing,
-- which is also where the next count of mismatches starts.
CREATE TABLE portal.recovery_locks (
    member_id     bigint PRIMARY KEY REFERENCES portal.team_members,
    locked_at     timestamptz NOT NULL,
    locked_until  timestamptz NOT NULL,
    cleared_by    text
);
CREATE TABLE portal.agent_locks (
    agent         text PRIMARY KEY,
    locked_at     timestamptz NOT NULL,
    locked_until  timestamptz NOT NULL,
    cleared_by    text
);

-- Failed portal logins (wrong password or code), for the login lockout.
CREATE TABLE portal.login_failures (
    member_id     bigint NOT NULL REFERENCES portal.team_members,
    failed_at     timestamptz NOT NULL DEFAULT clock_timestamp()
);
CREATE INDEX login_failures_member_time ON portal.login_failures (member_id, failed_at);

-- Look-ups: exact email (case-insensitive, also the uniqueness rule), account number (UNIQUE
-- above), phone digits, and trigram search over names, emails and customer names.
CREATE UNIQUE INDEX team_members_email ON portal.team_members (lower(email));
CREATE INDEX team_members_customer ON portal.team_members (customer_id);
CREATE INDEX team_members_phone_digits ON portal.team_members (phone_digits) WHERE phone_digits <> '';
CREATE INDEX team_members_phone_digits_trgm ON portal.team_members USING gin (phone_digits portal_ext.gin_trgm_ops) WHERE phone_digits <> '';
CREATE INDEX team_members_name_trgm ON portal.team_members USING gin (lower(name) portal_ext.gin_trgm_ops);
CREATE INDEX team_members_email_trgm ON portal.team_members USING gin (lower(email) portal_ext.gin_trgm_ops);
CREATE INDEX customers_name_trgm ON portal.customers USING gin (lower(name) portal_ext.gin_trgm_ops);
CREATE INDEX recovery_codes_member ON portal.recovery_codes (member_id) WHERE used_at IS NULL;
