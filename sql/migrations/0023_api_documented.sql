-- Every function a role may call says what it is for, so `\df+ support.*` and
-- `\df+ portal_api.*` document the API where people look (a test keeps it so).
SET LOCAL ROLE supportdesk_owner;

COMMENT ON FUNCTION support.whoami() IS
    'The calling agent (session_user), whether a supervisor, and until when the agent is locked out of code checks.';
COMMENT ON FUNCTION support.policy() IS
    'The lockout, verification and reason numbers from portal.settings, for the console''s sentences.';
COMMENT ON FUNCTION support.resolve_user(text) IS
    'A member''s id from an email or #ID; DK003 when there is none.';
COMMENT ON FUNCTION support.request_find(text, integer) IS
    'Step 1 of a search: records the look-up (counted against lookups_per_hour, DK017) and returns its id; nothing is shown.';
COMMENT ON FUNCTION support.find_results(bigint) IS
    'Step 2 of a search: the ranked matches of a committed look-up of the caller''s (DK016 before its commit).';
COMMENT ON FUNCTION support.request_detail(bigint) IS
    'Step 1 of showing a member: records the look-up and returns its id.';
COMMENT ON FUNCTION support.user_detail(bigint) IS
    'Step 2 of showing a member: the member in full for a committed look-up of the caller''s; no secret or hash.';
COMMENT ON FUNCTION support.user_events(bigint, integer) IS
    'The member''s most recent audit events, for a committed look-up of the caller''s.';
COMMENT ON FUNCTION support.check_recovery_code(bigint, text) IS
    'Step 1 of a code check: records the attempt and its outcome (lockouts counted) and returns its id only.';
COMMENT ON FUNCTION support.recovery_check_outcome(bigint) IS
    'Step 2 of a code check: the outcome, once pg_xact_status says the recording transaction committed (DK016 before).';
COMMENT ON FUNCTION support.check_disable_words(text, text) IS
    'Raises DK007 or DK008 when a disable''s reason or ticket would be refused; asked before the agent confirms.';
COMMENT ON FUNCTION support.disable_2fa(bigint, text, text, uuid) IS
    'Removes a member''s 2FA after the caller''s own unused match (DK005 without one), with reason and ticket; the request id makes a retry idempotent.';
COMMENT ON FUNCTION support.override_disable_2fa(bigint, text, text, uuid) IS
    'Supervisors: removes a member''s 2FA without a code check, recorded as an override.';
COMMENT ON FUNCTION support.clear_lockout(bigint, text) IS
    'Supervisors: ends a member''s recovery lock early, with a reason.';
COMMENT ON FUNCTION support.clear_agent_lockout(text, text) IS
    'Supervisors: ends another agent''s code-check lock early, with a reason (never one''s own, DK018).';
COMMENT ON FUNCTION support.lookup_request(uuid) IS
    'What became of a disable by its request id: the console asks after a lost connection instead of repeating it.';
COMMENT ON FUNCTION support.audit_log(timestamp with time zone, timestamp with time zone, text, text, text, text, bigint, integer) IS
    'Supervisors: the audit log, chained and staged, newest first, filtered by time, agent, customer, member and action.';
COMMENT ON FUNCTION support.audit_chain(bigint) IS
    'Supervisors: the chained events with their hashes and every hashed column, for a verifier outside the database.';
COMMENT ON FUNCTION support.audit_head() IS
    'Supervisors: the chain head (seq, hash) and how many staged events wait for the chainer.';
COMMENT ON FUNCTION support.lift_lookup_limit(text, integer, text) IS
    'Supervisors: lets an agent make more look-ups this hour, with a reason (never one''s own).';
COMMENT ON FUNCTION support.lookup_log(text, timestamp with time zone, integer) IS
    'Supervisors: the recorded look-ups (who searched for or viewed what, when), newest first.';

COMMENT ON FUNCTION portal_api.create_customer(text, text) IS
    'Creates a customer account (account number like MS-10442); DK104 when it exists.';
COMMENT ON FUNCTION portal_api.add_member(text, text, text, text, text, text) IS
    'Adds a team member with a scrypt password hash; DK105 when the email is taken.';
COMMENT ON FUNCTION portal_api.set_mandatory(text, text, boolean) IS
    'Forces 2FA on a customer''s members or stops; only an administrator of that customer may (DK103).';
COMMENT ON FUNCTION portal_api.login_state(text) IS
    'What sign-in needs to know of a member: password hash, 2FA state, the encrypted secret, the lock.';
COMMENT ON FUNCTION portal_api.record_login_failure(bigint) IS
    'Counts a failed sign-in towards the login lockout.';
COMMENT ON FUNCTION portal_api.record_login(bigint) IS
    'Records a successful sign-in.';
COMMENT ON FUNCTION portal_api.accept_step(bigint, bigint) IS
    'Accepts a TOTP time step once (replay protection): false when it or a later one was used.';
COMMENT ON FUNCTION portal_api.begin_enrolment(bigint, bytea, bytea, text, integer, integer) IS
    'Stores a pending TOTP secret (ciphertext only) for a member without active 2FA.';
COMMENT ON FUNCTION portal_api.confirm_enrolment(bigint, bigint, bytea, bytea[]) IS
    'Activates the pending secret after its first code, with the recovery codes'' salted hashes.';
COMMENT ON FUNCTION portal_api.disable_self(bigint, bigint) IS
    'The member''s own disable, after a fresh code.';
COMMENT ON FUNCTION portal_api.regenerate_recovery_codes(bigint, bigint, bytea, bytea[]) IS
    'Replaces a member''s recovery codes (the old ones stop working), after a fresh code.';
COMMENT ON FUNCTION portal_api.sign_in_with_recovery_code(bigint, text) IS
    'Signs in with a recovery code, which is used up; failures count towards the login lockout.';
COMMENT ON FUNCTION portal_api.create_agent(text, boolean, integer) IS
    'Creates an agent''s login role in support_agent or support_supervisor with a connection limit (needs CREATEROLE).';
COMMENT ON FUNCTION portal_api.set_agent_connection_limit(text, integer) IS
    'Changes an existing agent''s connection limit (needs CREATEROLE).';
