-- Code checks whose outcome is shown only once their record has committed (issue 9, item 1).
--
-- Before: verify_recovery_code returned the outcome in the transaction that recorded it, so
-- `BEGIN; SELECT support.verify_recovery_code(…); ROLLBACK;` guessed without a trace. Now:
--   support.check_recovery_code(member, code) records the check and returns only its id;
--   support.recovery_check_outcome(id) shows the outcome, only when the recording transaction
--   has committed (pg_xact_status), which is never the caller's own transaction.
-- Nothing else that reveals the outcome can run in the recording transaction either: every
-- support function refuses to run after a check in its own transaction (DK016), and the
-- check's writes are the same whatever the outcome (one check row, one staged event; a lock
-- is part of the check row), so no statistics view tells a match from a mismatch.
-- The trusted chainer's group role (`portal chain` logs in as a member of it).
DO $$
BEGIN
    IF NOT EXISTS (SELECT FROM pg_catalog.pg_roles WHERE rolname = 'audit_chainer') THEN
        CREATE ROLE audit_chainer NOLOGIN;
    END IF;
EXCEPTION WHEN duplicate_object OR unique_violation THEN
    NULL;
END
$$;
SET LOCAL ROLE supportdesk_owner;

ALTER TABLE portal.recovery_checks
    ADD COLUMN recorded_xid xid8 NOT NULL DEFAULT pg_current_xact_id(),
    ADD COLUMN attempts_left integer,
    ADD COLUMN locked_until timestamptz,
    ADD COLUMN locked_scope text CONSTRAINT locked_scope_known CHECK (locked_scope IN ('user', 'agent')),
    ADD COLUMN usable_until timestamptz,
    -- Set when this mismatch started a lock: until when, and how many mismatches did it.
    ADD COLUMN starts_member_lock timestamptz,
    ADD COLUMN member_mismatches integer,
    ADD COLUMN starts_agent_lock timestamptz,
    ADD COLUMN agent_mismatches integer;
CREATE INDEX recovery_checks_xid ON portal.recovery_checks (recorded_xid);
CREATE INDEX recovery_checks_member_locks ON portal.recovery_checks (member_id, checked_at) WHERE starts_member_lock IS NOT NULL;
CREATE INDEX recovery_checks_agent_locks ON portal.recovery_checks (agent, checked_at) WHERE starts_agent_lock IS NOT NULL;

-- Locks ended early by a supervisor.
CREATE TABLE portal.lock_clears (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    member_id   bigint REFERENCES portal.team_members,
    agent       text,
    cleared_at  timestamptz NOT NULL,
    cleared_by  text NOT NULL,
    CONSTRAINT one_scope CHECK ((member_id IS NULL) <> (agent IS NULL))
);
CREATE INDEX lock_clears_member ON portal.lock_clears (member_id, cleared_at) WHERE member_id IS NOT NULL;
CREATE INDEX lock_clears_agent ON portal.lock_clears (agent, cleared_at) WHERE agent IS NOT NULL;

-- The end of a member's most recent lock (past or future; early when cleared), or NULL. Locks
-- from before this migration live in portal.recovery_locks and count too.
CREATE FUNCTION portal.member_lock_end(p_member_id bigint) RETURNS timestamptz
LANGUAGE sql STABLE SET search_path = pg_catalog, pg_temp AS $$
    SELECT max(ends) FROM (
        SELECT least(k.starts_member_lock,
                     (SELECT min(c.cleared_at) FROM portal.lock_clears c
                       WHERE c.member_id = p_member_id AND c.cleared_at >= k.checked_at)) AS ends
          FROM (SELECT k.checked_at, k.starts_member_lock FROM portal.recovery_checks k
                 WHERE k.member_id = p_member_id AND k.starts_member_lock IS NOT NULL
                 ORDER BY k.checked_at DESC LIMIT 1) k
        UNION ALL
        SELECT l.locked_until FROM portal.recovery_locks l WHERE l.member_id = p_member_id
    ) AS locks
$$;

CREATE FUNCTION portal.agent_lock_end(p_agent text) RETURNS timestamptz
LANGUAGE sql STABLE SET search_path = pg_catalog, pg_temp AS $$
    SELECT max(ends) FROM (
        SELECT least(k.starts_agent_lock,
                     (SELECT min(c.cleared_at) FROM portal.lock_clears c
                       WHERE c.agent = p_agent AND c.cleared_at >= k.checked_at)) AS ends
          FROM (SELECT k.checked_at, k.starts_agent_lock FROM portal.recovery_checks k
                 WHERE k.agent = p_agent AND k.starts_agent_lock IS NOT NULL
                 ORDER BY k.checked_at DESC LIMIT 1) k
        UNION ALL
        SELECT l.locked_until FROM portal.agent_locks l WHERE l.agent = p_agent
    ) AS locks
$$;

-- Refuses any support call in a transaction that has recorded a code check: its outcome must
-- not be learnt (from a disable, a lock, an event) while the record can still be rolled back.
CREATE FUNCTION portal.refuse_after_check() RETURNS void
LANGUAGE plpgsql STABLE SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    own xid8 := pg_current_xact_id_if_assigned();
BEGIN
    IF own IS NOT NULL AND EXISTS (SELECT FROM portal.recovery_checks k WHERE k.recorded_xid = own) THEN
        RAISE EXCEPTION USING ERRCODE = 'DK016',
            MESSAGE = 'this transaction recorded a code check: commit it before anything else, then ask for its outcome';
    END IF;
END
$$;

CREATE OR REPLACE FUNCTION portal.require_agent() RETURNS void
LANGUAGE plpgsql STABLE SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    IF NOT pg_has_role(session_user, 'support_agent', 'MEMBER') THEN
        RAISE EXCEPTION USING ERRCODE = 'DK001',
            MESSAGE = format('%s is not a support agent', session_user);
    END IF;
    PERFORM portal.refuse_after_check();
END
$$;

CREATE OR REPLACE FUNCTION portal.require_supervisor() RETURNS void
LANGUAGE plpgsql STABLE SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    IF NOT pg_has_role(session_user, 'support_supervisor', 'MEMBER') THEN
        RAISE EXCEPTION USING ERRCODE = 'DK002',
            MESSAGE = format('only a supervisor may do this, and %s is not one', session_user);
    END IF;
    PERFORM portal.refuse_after_check();
END
$$;

-- The old one-step check is gone: it was the unrecorded guess.
DROP FUNCTION support.verify_recovery_code(bigint, text);

-- Records a check of a code read over the phone and returns its id; the outcome is computed
-- and stored now, and shown by recovery_check_outcome once this transaction has committed.
-- Checks of one member queue on its guard row, an agent's on the agent's, so lockouts count
-- exactly; neither is a row the portal's sign-in touches.
CREATE FUNCTION support.check_recovery_code(p_member_id bigint, p_code text) RETURNS bigint
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    settings portal.settings;
    member portal.team_members;
    credential portal.totp_credentials;
    agent_name text := session_user;
    now_ timestamptz;
    code text;
    code_id bigint;
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
            SELECT r.id INTO code_id FROM portal.recovery_codes r
             WHERE r.member_id = member.id AND r.used_at IS NULL
               AND r.code_hash = sha256(credential.recovery_salt || convert_to(code, 'UTF8'));
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

-- The outcome of one of the caller's own checks, once the transaction that recorded it has
-- committed. Asked in the same transaction (or before the commit) it refuses with DK016.
CREATE FUNCTION support.recovery_check_outcome(
    p_check_id bigint,
    OUT outcome text, OUT attempts_left integer, OUT locked_until timestamptz,
    OUT locked_scope text, OUT usable_until timestamptz, OUT member_id bigint
)
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    k portal.recovery_checks;
BEGIN
    PERFORM portal.require_agent();
    SELECT * INTO k FROM portal.recovery_checks c WHERE c.id = p_check_id AND c.agent = session_user;
    IF NOT FOUND THEN
        RAISE EXCEPTION USING ERRCODE = 'DK015', MESSAGE = format('there is no code check #%s of yours', p_check_id);
    END IF;
    IF pg_xact_status(k.recorded_xid) IS DISTINCT FROM 'committed' THEN
        RAISE EXCEPTION USING ERRCODE = 'DK016',
            MESSAGE = format('code check #%s is not committed yet: commit the transaction that recorded it, then ask again', p_check_id);
    END IF;
    outcome := k.outcome;
    attempts_left := k.attempts_left;
    locked_until := k.locked_until;
    locked_scope := k.locked_scope;
    usable_until := k.usable_until;
    member_id := k.member_id;
END
$$;

-- Moves committed staged events into the chain, oldest first, at most p_limit; returns how
-- many. A mismatch that started a lock brings its lock events with it. Only the trusted
-- chainer (role audit_chainer) may call it: it is the one holder of the chain head.
CREATE FUNCTION portal.chain_staged(p_limit integer DEFAULT 1000) RETURNS integer
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    head portal.audit_chain_head;
    staged portal.audit_staging;
    k portal.recovery_checks;
    settings portal.settings;
    chained integer := 0;
    next_id text := pg_get_serial_sequence('portal.audit_staging', 'event_id');
BEGIN
    SELECT * INTO STRICT head FROM portal.audit_chain_head FOR UPDATE;
    SELECT * INTO STRICT settings FROM portal.settings;
    FOR staged IN SELECT * FROM portal.audit_staging s ORDER BY s.event_id LIMIT greatest(p_limit, 1) LOOP
        head := portal.chain_event(head, staged.event_id, staged.occurred_at, staged.actor, staged.action,
            staged.target, staged.reason, staged.ticket, staged.account_number, staged.customer_id,
            staged.member_id, staged.request_id);
        DELETE FROM portal.audit_staging s WHERE s.event_id = staged.event_id;
        chained := chained + 1;
        IF staged.check_id IS NOT NULL THEN
            SELECT * INTO k FROM portal.recovery_checks c WHERE c.id = staged.check_id;
            IF k.starts_member_lock IS NOT NULL THEN
                head := portal.chain_event(head, nextval(next_id), staged.occurred_at, staged.actor, 'recovery_locked',
                    staged.target, format('%s mismatches within %s', k.member_mismatches,
                                          portal.spoken_interval(settings.user_mismatch_window)),
                    NULL, staged.account_number, staged.customer_id, staged.member_id, NULL);
                chained := chained + 1;
            END IF;
            IF k.starts_agent_lock IS NOT NULL THEN
                head := portal.chain_event(head, nextval(next_id), staged.occurred_at, staged.actor, 'agent_locked',
                    staged.actor, format('%s mismatches across members within %s', k.agent_mismatches,
                                         portal.spoken_interval(settings.agent_mismatch_window)),
                    NULL, NULL, NULL, NULL, NULL);
                chained := chained + 1;
            END IF;
        END IF;
    END LOOP;
    UPDATE portal.audit_chain_head SET seq = head.seq, hash = head.hash;
    RETURN chained;
END
$$;

GRANT USAGE ON SCHEMA portal TO audit_chainer;

REVOKE ALL ON FUNCTION portal.member_lock_end(bigint), portal.agent_lock_end(text), portal.refuse_after_check(),
    portal.require_agent(), portal.require_supervisor() FROM PUBLIC;
REVOKE ALL ON FUNCTION support.check_recovery_code(bigint, text), support.recovery_check_outcome(bigint),
    portal.chain_staged(integer) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION support.check_recovery_code(bigint, text), support.recovery_check_outcome(bigint) TO support_agent;
GRANT EXECUTE ON FUNCTION portal.chain_staged(integer) TO audit_chainer;
