-- The web portal's sessions (issue 11). A session is a random token in the member's cookie;
-- only its SHA-256 is stored here, so a dump of this table opens no session. A sign-in passes
-- through stages: `code` (password right, the second factor still to come), `setup` (password
-- right, the customer enforces 2FA and the member has none: only enrolment is open), and
-- `signed_in`. Each step up replaces the token (no fixation). Sessions end on sign-out, on
-- "sign out everywhere", after an idle or absolute limit, and whenever the member's 2FA stops
-- being active, whoever disabled it, in the same transaction (the triggers below).
SET LOCAL ROLE supportdesk_owner;

ALTER TABLE portal.settings
    ADD COLUMN session_idle_timeout interval NOT NULL DEFAULT '30 minutes'
        CONSTRAINT session_idle_timeout_positive CHECK (session_idle_timeout > '0'),
    ADD COLUMN session_lifetime interval NOT NULL DEFAULT '12 hours'
        CONSTRAINT session_lifetime_positive CHECK (session_lifetime > '0'),
    ADD COLUMN sign_in_step_lifetime interval NOT NULL DEFAULT '10 minutes'
        CONSTRAINT sign_in_step_lifetime_positive CHECK (sign_in_step_lifetime > '0');

CREATE TABLE portal.web_sessions (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    member_id       bigint NOT NULL REFERENCES portal.team_members,
    token_hash      bytea NOT NULL CONSTRAINT session_token_hash_is_sha256 CHECK (length(token_hash) = 32),
    stage           text NOT NULL CONSTRAINT session_stage CHECK (stage IN ('code', 'setup', 'signed_in')),
    created_at      timestamptz NOT NULL DEFAULT clock_timestamp(),
    last_seen_at    timestamptz NOT NULL DEFAULT clock_timestamp(),
    client_address  inet,
    user_agent      text CONSTRAINT session_user_agent_length CHECK (length(user_agent) <= 512)
);
CREATE UNIQUE INDEX web_sessions_token ON portal.web_sessions (token_hash);
CREATE INDEX web_sessions_member ON portal.web_sessions (member_id);

-- Every completed sign-in, from where and with what, kept after its session ends.
CREATE TABLE portal.sign_ins (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    member_id       bigint NOT NULL REFERENCES portal.team_members,
    signed_in_at    timestamptz NOT NULL DEFAULT clock_timestamp(),
    method          text NOT NULL CONSTRAINT sign_in_method CHECK (method IN ('password', 'totp', 'recovery_code')),
    client_address  inet,
    user_agent      text CONSTRAINT sign_in_user_agent_length CHECK (length(user_agent) <= 512)
);
CREATE INDEX sign_ins_member_time ON portal.sign_ins (member_id, signed_in_at);

-- A user agent as stored: control characters dropped (it reaches terminals), at most 512 long.
CREATE FUNCTION portal.clean_user_agent(p_user_agent text) RETURNS text
LANGUAGE sql IMMUTABLE SET search_path = pg_catalog, pg_temp AS $$
    SELECT nullif(left(regexp_replace(p_user_agent, '[\u0000-\u001f\u007f-\u009f]', '', 'g'), 512), '')
$$;

-- True when the session is past its idle or absolute limit (or its sign-in step is too old).
CREATE FUNCTION portal.session_expired(p_session portal.web_sessions) RETURNS boolean
LANGUAGE sql STABLE SET search_path = pg_catalog, pg_temp AS $$
    SELECT CASE WHEN p_session.stage = 'signed_in'
                THEN clock_timestamp() > p_session.last_seen_at + s.session_idle_timeout
                  OR clock_timestamp() > p_session.created_at + s.session_lifetime
                ELSE clock_timestamp() > p_session.created_at + s.sign_in_step_lifetime END
      FROM portal.settings s
$$;

CREATE FUNCTION portal.record_sign_in(p_member_id bigint, p_method text, p_client_address inet, p_user_agent text)
RETURNS void
LANGUAGE sql SET search_path = pg_catalog, pg_temp AS $$
    INSERT INTO portal.sign_ins (member_id, method, client_address, user_agent)
    VALUES (p_member_id, p_method, p_client_address, portal.clean_user_agent(p_user_agent));
$$;

-- Starts a session at a stage. The portal calls it after the password step (stage `code` or
-- `setup`), or with `signed_in` when the password alone signs the member in (p_method
-- `password`), which is then recorded as a sign-in.
CREATE FUNCTION portal_api.start_session(
    p_member_id bigint, p_token_hash bytea, p_stage text, p_method text, p_client_address inet, p_user_agent text
) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp SET lock_timeout = '3s' AS $$
DECLARE
    member portal.team_members := portal.member_row(p_member_id);
BEGIN
    IF p_stage IS NULL OR p_stage NOT IN ('code', 'setup', 'signed_in') OR (p_stage = 'signed_in') <> (p_method IS NOT NULL) THEN
        RAISE EXCEPTION USING ERRCODE = 'DK106', MESSAGE = 'a session starts at code, setup, or signed_in with a method';
    END IF;
    INSERT INTO portal.web_sessions (member_id, token_hash, stage, client_address, user_agent)
    VALUES (member.id, p_token_hash, p_stage, p_client_address, portal.clean_user_agent(p_user_agent));
    IF p_stage = 'signed_in' THEN
        PERFORM portal.record_sign_in(member.id, p_method, p_client_address, p_user_agent);
    END IF;
END
$$;

-- The session a cookie's token hash names, with its member, if it is still valid; an expired
-- one is ended here. Marks the session as seen now (the idle limit counts from here).
CREATE FUNCTION portal_api.session(p_token_hash bytea)
RETURNS TABLE (
    session_id bigint, stage text, member_id bigint, email text, name text, role text,
    account_number text, customer_name text, mandatory_2fa boolean, twofa_state text, twofa_since timestamptz
)
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp SET lock_timeout = '3s' AS $$
#variable_conflict use_column
DECLARE
    found_session portal.web_sessions;
BEGIN
    SELECT * INTO found_session FROM portal.web_sessions ws WHERE ws.token_hash = p_token_hash;
    IF NOT FOUND THEN
        RETURN;
    END IF;
    IF portal.session_expired(found_session) THEN
        DELETE FROM portal.web_sessions ws WHERE ws.id = found_session.id;
        RETURN;
    END IF;
    UPDATE portal.web_sessions ws SET last_seen_at = clock_timestamp() WHERE ws.id = found_session.id;
    RETURN QUERY
    SELECT found_session.id, found_session.stage, m.id, m.email, m.name, m.role, c.account_number, c.name,
           c.mandatory_2fa, coalesce(t.state, 'off'), t.activated_at
      FROM portal.team_members m
      JOIN portal.customers c ON c.id = m.customer_id
      LEFT JOIN portal.totp_credentials t ON t.member_id = m.id
     WHERE m.id = found_session.member_id;
END
$$;

-- Moves a valid session one stage on under a new token (the old token stops working). Reaching
-- `signed_in` records the sign-in with p_method. False when the old session is gone or expired.
CREATE FUNCTION portal_api.advance_session(p_token_hash bytea, p_new_token_hash bytea, p_stage text, p_method text)
RETURNS boolean
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp SET lock_timeout = '3s' AS $$
DECLARE
    found_session portal.web_sessions;
BEGIN
    IF p_stage IS NULL OR p_stage NOT IN ('setup', 'signed_in') OR (p_stage = 'signed_in') <> (p_method IS NOT NULL) THEN
        RAISE EXCEPTION USING ERRCODE = 'DK106', MESSAGE = 'a session advances to setup, or to signed_in with a method';
    END IF;
    SELECT * INTO found_session FROM portal.web_sessions ws WHERE ws.token_hash = p_token_hash FOR UPDATE;
    IF NOT FOUND OR portal.session_expired(found_session) OR found_session.stage = 'signed_in' THEN
        RETURN false;
    END IF;
    UPDATE portal.web_sessions
       SET token_hash = p_new_token_hash, stage = p_stage, created_at = clock_timestamp(), last_seen_at = clock_timestamp()
     WHERE id = found_session.id;
    IF p_stage = 'signed_in' THEN
        PERFORM portal.record_sign_in(found_session.member_id, p_method, found_session.client_address, found_session.user_agent);
    END IF;
    RETURN true;
END
$$;

-- Sign out: ends this session.
CREATE FUNCTION portal_api.end_session(p_token_hash bytea) RETURNS void
LANGUAGE sql SECURITY DEFINER SET search_path = pg_catalog, pg_temp SET lock_timeout = '3s' AS $$
    DELETE FROM portal.web_sessions WHERE token_hash = p_token_hash;
$$;

-- Sign out everywhere: ends every session of the member this session belongs to; returns how
-- many ended (0 when the token names no session).
CREATE FUNCTION portal_api.end_all_sessions(p_token_hash bytea) RETURNS integer
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp SET lock_timeout = '3s' AS $$
DECLARE
    ended integer;
BEGIN
    DELETE FROM portal.web_sessions
     WHERE member_id = (SELECT ws.member_id FROM portal.web_sessions ws WHERE ws.token_hash = p_token_hash);
    GET DIAGNOSTICS ended = ROW_COUNT;
    RETURN ended;
END
$$;

-- Whoever removes or deactivates an active credential (the member, an agent, a supervisor's
-- override, a later suspension) ends the member's sessions in the same transaction.
CREATE FUNCTION portal.end_sessions_of_disabled() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    DELETE FROM portal.web_sessions WHERE member_id = OLD.member_id;
    RETURN NULL;
END
$$;
CREATE TRIGGER credential_removed_ends_sessions AFTER DELETE ON portal.totp_credentials
    FOR EACH ROW WHEN (OLD.state = 'active') EXECUTE FUNCTION portal.end_sessions_of_disabled();
CREATE TRIGGER credential_deactivated_ends_sessions AFTER UPDATE OF state ON portal.totp_credentials
    FOR EACH ROW WHEN (OLD.state = 'active' AND NEW.state <> 'active') EXECUTE FUNCTION portal.end_sessions_of_disabled();
ALTER TABLE portal.totp_credentials ENABLE ALWAYS TRIGGER credential_removed_ends_sessions;
ALTER TABLE portal.totp_credentials ENABLE ALWAYS TRIGGER credential_deactivated_ends_sessions;

-- The customer's team as its administrator sees it; anyone else is refused (DK103), so a
-- forged request from a member fails in the database, whatever the front end does.
CREATE FUNCTION portal_api.team(p_account text, p_admin_email text)
RETURNS TABLE (member_id bigint, email text, name text, role text, twofa_state text, twofa_since timestamptz, last_login_at timestamptz)
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp SET lock_timeout = '3s' AS $$
#variable_conflict use_column
DECLARE
    customer portal.customers;
BEGIN
    SELECT * INTO customer FROM portal.customers c WHERE c.account_number = upper(btrim(p_account));
    IF NOT FOUND THEN
        RAISE EXCEPTION USING ERRCODE = 'DK013', MESSAGE = format('no customer %s', p_account);
    END IF;
    IF NOT EXISTS (SELECT FROM portal.team_members a WHERE lower(a.email) = lower(btrim(p_admin_email))
                      AND a.customer_id = customer.id AND a.role = 'administrator') THEN
        RAISE EXCEPTION USING ERRCODE = 'DK103',
            MESSAGE = format('%s is not an administrator of %s', p_admin_email, customer.account_number);
    END IF;
    RETURN QUERY
    SELECT m.id, m.email, m.name, m.role, coalesce(t.state, 'off'), t.activated_at, m.last_login_at
      FROM portal.team_members m LEFT JOIN portal.totp_credentials t ON t.member_id = m.id
     WHERE m.customer_id = customer.id ORDER BY lower(m.name), m.id;
END
$$;

REVOKE ALL ON FUNCTION portal.clean_user_agent(text), portal.session_expired(portal.web_sessions),
    portal.record_sign_in(bigint, text, inet, text), portal.end_sessions_of_disabled(),
    portal_api.start_session(bigint, bytea, text, text, inet, text), portal_api.session(bytea),
    portal_api.advance_session(bytea, bytea, text, text), portal_api.end_session(bytea),
    portal_api.end_all_sessions(bytea), portal_api.team(text, text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION portal_api.start_session(bigint, bytea, text, text, inet, text), portal_api.session(bytea),
    portal_api.advance_session(bytea, bytea, text, text), portal_api.end_session(bytea),
    portal_api.end_all_sessions(bytea), portal_api.team(text, text) TO portal_app;

COMMENT ON FUNCTION portal_api.start_session(bigint, bytea, text, text, inet, text) IS
    'Starts a web session (token hash only) at stage code, setup or signed_in; signed_in records the sign-in with address and user agent.';
COMMENT ON FUNCTION portal_api.session(bytea) IS
    'The valid session a token hash names, with its member; ends an expired one; marks it seen.';
COMMENT ON FUNCTION portal_api.advance_session(bytea, bytea, text, text) IS
    'Moves a session to setup or signed_in under a new token hash; signed_in records the sign-in.';
COMMENT ON FUNCTION portal_api.end_session(bytea) IS 'Sign out: ends one session.';
COMMENT ON FUNCTION portal_api.end_all_sessions(bytea) IS 'Sign out everywhere: ends every session of this session''s member.';
COMMENT ON FUNCTION portal_api.team(text, text) IS 'The customer''s members and their 2FA state, for one of its administrators (DK103 otherwise).';
