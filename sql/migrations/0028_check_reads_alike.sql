-- A code check reads the same rows whatever its outcome (found by a hostile review): the
-- lookup by code hash stopped at the matching row, so within its own transaction an agent could
-- read the difference in pg_stat_xact_all_tables (idx_tup_fetch 1 for a right code, the number
-- of unused codes or 0 for a wrong one) and roll back, leaving no record and no lockout.
SET LOCAL ROLE supportdesk_owner;

CREATE OR REPLACE FUNCTION support.check_recovery_code(p_member_id bigint, p_code text) RETURNS bigint
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp SET lock_timeout = '3s' AS $$
DECLARE
    settings portal.settings;
    member portal.team_members;
    credential portal.totp_credentials;
    agent_name text := session_user;
    now_ timestamptz;
    code text;
    code_id bigint;
    code_hash bytea;
    unused_ids bigint[];
    unused_hashes bytea[];
    member_lock timestamptz;
    agent_lock timestamptz;
    mismatches integer;
    agent_mismatches integer;
    k portal.recovery_checks;
BEGIN
    PERFORM portal.require_agent();
    member := portal.member_row(p_member_id);
    PERFORM portal.guard_member(member);
    PERFORM portal.guard_agent(agent_name);
    SELECT * INTO STRICT settings FROM portal.settings;
    now_ := clock_timestamp();
    member_lock := portal.member_lock_end(member.id);
    agent_lock := portal.agent_lock_end(agent_name);
    -- Both counts run whatever the outcome will be: the work must not depend on it.
    SELECT count(*) INTO mismatches FROM portal.recovery_checks c
     WHERE c.member_id = member.id AND c.outcome = 'mismatch'
       AND c.checked_at > greatest(now_ - settings.user_mismatch_window, coalesce(member_lock, '-infinity'));
    SELECT count(*) INTO agent_mismatches FROM portal.recovery_checks c
     WHERE c.agent = agent_name AND c.outcome = 'mismatch'
       AND c.checked_at > greatest(now_ - settings.agent_mismatch_window, coalesce(agent_lock, '-infinity'));

    k.member_id := member.id;
    k.agent := agent_name;
    k.checked_at := now_;
    SELECT * INTO credential FROM portal.totp_credentials t WHERE t.member_id = member.id AND t.state = 'active';
    IF NOT FOUND THEN
        k.outcome := 'not_enrolled';
    ELSIF agent_lock > now_ THEN
        k.outcome := 'locked'; k.locked_until := agent_lock; k.locked_scope := 'agent';
    ELSIF member_lock > now_ THEN
        k.outcome := 'locked'; k.locked_until := member_lock; k.locked_scope := 'user';
    ELSE
        code := portal.normalise_recovery_code(p_code);
        IF code IS NULL THEN
            k.outcome := 'malformed';
        ELSE
            -- Every unused code of the member is read and compared, with no early exit, so the
            -- rows read (which pg_stat_xact_* shows any role, inside its own transaction) are
            -- the same for a right code and a wrong one.
            code_hash := sha256(credential.recovery_salt || convert_to(code, 'UTF8'));
            SELECT coalesce(array_agg(r.id ORDER BY r.id), '{}'), coalesce(array_agg(r.code_hash ORDER BY r.id), '{}')
              INTO unused_ids, unused_hashes
              FROM portal.recovery_codes r
             WHERE r.member_id = member.id AND r.used_at IS NULL;
            FOR i IN 1 .. coalesce(array_length(unused_ids, 1), 0) LOOP
                IF unused_hashes[i] = code_hash THEN code_id := unused_ids[i]; END IF;
            END LOOP;
            k.outcome := CASE WHEN code_id IS NULL THEN 'mismatch' ELSE 'match' END;
        END IF;
    END IF;

    IF k.outcome = 'match' THEN
        k.usable_until := now_ + settings.verification_valid_for;
    ELSIF k.outcome = 'mismatch' THEN
        mismatches := mismatches + 1;
        agent_mismatches := agent_mismatches + 1;
        k.attempts_left := greatest(settings.user_max_mismatches - mismatches, 0);
        IF mismatches >= settings.user_max_mismatches THEN
            k.starts_member_lock := now_ + settings.user_lock_duration;
            k.member_mismatches := mismatches;
            k.locked_until := k.starts_member_lock;
            k.locked_scope := 'user';
        END IF;
        IF agent_mismatches >= settings.agent_max_mismatches THEN
            k.starts_agent_lock := now_ + settings.agent_lock_duration;
            k.agent_mismatches := agent_mismatches;
            IF k.locked_until IS NULL THEN
                k.locked_until := k.starts_agent_lock;
                k.locked_scope := 'agent';
            END IF;
        END IF;
    END IF;

    INSERT INTO portal.recovery_checks (member_id, agent, outcome, checked_at, attempts_left, locked_until,
                                        locked_scope, usable_until, starts_member_lock, member_mismatches,
                                        starts_agent_lock, agent_mismatches)
    VALUES (k.member_id, k.agent, k.outcome, k.checked_at, k.attempts_left, k.locked_until,
            k.locked_scope, k.usable_until, k.starts_member_lock, k.member_mismatches,
            k.starts_agent_lock, k.agent_mismatches)
    RETURNING id INTO k.id;
    IF k.outcome IN ('match', 'mismatch') THEN
        PERFORM portal.append_event(CASE WHEN k.outcome = 'match' THEN 'recovery_verified' ELSE 'recovery_failed' END,
                                    member.email, NULL, NULL, member.customer_id, member.id, NULL, k.id);
    END IF;
    RETURN k.id;
END
$$;
