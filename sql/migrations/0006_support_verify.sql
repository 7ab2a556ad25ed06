-- The support API, part 2: check a recovery code read over the phone.
SET LOCAL ROLE supportdesk_owner;

-- Checks a code read over the phone and records the attempt whatever the outcome (it returns
-- the outcome rather than raising, so the record survives). Checks of one member are serialised
-- on the member row and an agent's on an advisory lock, so lockouts count exactly.
CREATE FUNCTION support.verify_recovery_code(
    p_member_id bigint, p_code text,
    OUT outcome text, OUT attempts_left integer, OUT locked_until timestamptz,
    OUT locked_scope text, OUT usable_until timestamptz
)
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    settings portal.settings;
    member portal.team_members;
    credential portal.totp_credentials;
    agent_name text := session_user;
    now_ timestamptz;
    code text;
    code_id bigint;
    user_lock_end timestamptz;
    agent_lock_end timestamptz;
    mismatches integer;
    agent_mismatches integer;
BEGIN
    PERFORM portal.require_agent();
    member := portal.lock_member(p_member_id);
    PERFORM pg_advisory_xact_lock(hashtext('supportdesk.agent'), hashtext(agent_name));
    SELECT * INTO STRICT settings FROM portal.settings;
    now_ := clock_timestamp();

    SELECT * INTO credential FROM portal.totp_credentials t WHERE t.member_id = member.id AND t.state = 'active';
    IF NOT FOUND THEN
        outcome := 'not_enrolled';
    ELSE
        SELECT l.locked_until INTO user_lock_end FROM portal.recovery_locks l WHERE l.member_id = member.id;
        SELECT l.locked_until INTO agent_lock_end FROM portal.agent_locks l WHERE l.agent = agent_name;
        IF agent_lock_end > now_ THEN
            outcome := 'locked'; locked_until := agent_lock_end; locked_scope := 'agent';
        ELSIF user_lock_end > now_ THEN
            outcome := 'locked'; locked_until := user_lock_end; locked_scope := 'user';
        ELSE
            code := portal.normalise_recovery_code(p_code);
            IF code IS NULL THEN
                outcome := 'malformed';
            ELSE
                SELECT r.id INTO code_id FROM portal.recovery_codes r
                 WHERE r.member_id = member.id AND r.used_at IS NULL
                   AND r.code_hash = sha256(credential.recovery_salt || convert_to(code, 'UTF8'));
                outcome := CASE WHEN code_id IS NULL THEN 'mismatch' ELSE 'match' END;
            END IF;
        END IF;
    END IF;

    INSERT INTO portal.recovery_checks (member_id, agent, outcome, checked_at)
    VALUES (member.id, agent_name, outcome, now_);

    IF outcome = 'match' THEN
        usable_until := now_ + settings.verification_valid_for;
        PERFORM portal.append_event('recovery_verified', member.email, NULL, NULL, member.customer_id, member.id);
    ELSIF outcome = 'mismatch' THEN
        PERFORM portal.append_event('recovery_failed', member.email, NULL, NULL, member.customer_id, member.id);
        SELECT count(*) INTO mismatches FROM portal.recovery_checks k
         WHERE k.member_id = member.id AND k.outcome = 'mismatch'
           AND k.checked_at > greatest(now_ - settings.user_mismatch_window, coalesce(user_lock_end, '-infinity'));
        SELECT count(*) INTO agent_mismatches FROM portal.recovery_checks k
         WHERE k.agent = agent_name AND k.outcome = 'mismatch'
           AND k.checked_at > greatest(now_ - settings.agent_mismatch_window, coalesce(agent_lock_end, '-infinity'));
        attempts_left := greatest(settings.user_max_mismatches - mismatches, 0);
        IF mismatches >= settings.user_max_mismatches THEN
            locked_until := now_ + settings.user_lock_duration;
            locked_scope := 'user';
            INSERT INTO portal.recovery_locks AS l (member_id, locked_at, locked_until)
            VALUES (member.id, now_, locked_until)
            ON CONFLICT (member_id) DO UPDATE
               SET locked_at = excluded.locked_at, locked_until = excluded.locked_until, cleared_by = NULL;
            PERFORM portal.append_event('recovery_locked', member.email,
                format('%s mismatches within %s', mismatches, portal.spoken_interval(settings.user_mismatch_window)),
                NULL, member.customer_id, member.id);
        END IF;
        IF agent_mismatches >= settings.agent_max_mismatches THEN
            INSERT INTO portal.agent_locks AS l (agent, locked_at, locked_until)
            VALUES (agent_name, now_, now_ + settings.agent_lock_duration)
            ON CONFLICT (agent) DO UPDATE
               SET locked_at = excluded.locked_at, locked_until = excluded.locked_until, cleared_by = NULL;
            PERFORM portal.append_event('agent_locked', agent_name,
                format('%s mismatches across members within %s', agent_mismatches, portal.spoken_interval(settings.agent_mismatch_window)),
                NULL, NULL, NULL);
            IF locked_until IS NULL THEN
                locked_until := now_ + settings.agent_lock_duration;
                locked_scope := 'agent';
            END IF;
        END IF;
    END IF;
END
$$;

REVOKE ALL ON FUNCTION support.verify_recovery_code(bigint, text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION support.verify_recovery_code(bigint, text) TO support_agent;
