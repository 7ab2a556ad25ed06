-- Serialisation that no agent can hold hostage (issue 9, items 2 and 3).
--
-- Before: checks of one member were serialised on the member's portal row (which the portal's
-- sign-in locks too) and an agent's checks on an advisory lock that any role can take. Now the
-- policy serialises on rows of its own, which no role but the owner can lock, and every wait is
-- bounded: a definer function waits at most lock_timeout (3 s) and then refuses with DK014,
-- naming the session that holds the row.
-- xact_start of other roles' sessions is shown only to pg_read_all_stats; without it the
-- holder is still named, just without the time.
DO $$
BEGIN
    IF (SELECT rolsuper FROM pg_catalog.pg_roles WHERE rolname = session_user) THEN
        GRANT pg_read_all_stats TO supportdesk_owner;
    END IF;
END
$$;

SET LOCAL ROLE supportdesk_owner;

-- One row per member that support has touched: code checks and disables of one member queue
-- here, never on the member's portal row.
CREATE TABLE portal.member_guards (
    member_id  bigint PRIMARY KEY REFERENCES portal.team_members
);
-- Every member has its guard row from the start, committed with the member: a row that is
-- always there can be waited on, and its holder named (an insert racing another is not).
CREATE FUNCTION portal.add_member_guards() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    INSERT INTO portal.member_guards (member_id) SELECT a.id FROM added a ON CONFLICT DO NOTHING;
    RETURN NULL;
END
$$;
CREATE TRIGGER team_members_guards AFTER INSERT ON portal.team_members
    REFERENCING NEW TABLE AS added FOR EACH STATEMENT EXECUTE FUNCTION portal.add_member_guards();
INSERT INTO portal.member_guards (member_id) SELECT id FROM portal.team_members;

-- One row per agent: an agent's code checks and look-ups queue here, so its counts are exact.
CREATE TABLE portal.agent_guards (
    agent  text PRIMARY KEY
);

-- Who holds a row of p_table whose xmax is p_holder: "agent kim (pid 4711, in a transaction
-- since 14:02:11)". The xmax names the holder exactly when it is a top-level transaction; a lock
-- taken inside a subtransaction (a plpgsql block with EXCEPTION) shows the subtransaction's id,
-- which pg_locks no longer lists once it is released, so then every other session that holds
-- row locks on the table and is idle in its transaction is named. pg_locks and pg_stat_activity
-- are readable by every role.
CREATE FUNCTION portal.describe_holder(p_table regclass, p_holder xid) RETURNS text
LANGUAGE sql STABLE SET search_path = pg_catalog, pg_temp AS $$
    WITH holders AS (
        SELECT DISTINCT a.pid, a.usename, a.xact_start FROM pg_catalog.pg_locks l
          JOIN pg_catalog.pg_stat_activity a ON a.pid = l.pid
         WHERE l.granted AND l.pid <> pg_backend_pid()
           AND ((l.locktype = 'transactionid' AND l.transactionid = p_holder)
                OR (NOT EXISTS (SELECT FROM pg_catalog.pg_locks x WHERE x.locktype = 'transactionid' AND x.transactionid = p_holder)
                    AND l.locktype = 'relation' AND l.relation = p_table AND l.mode = 'RowShareLock'
                    AND a.state LIKE 'idle in transaction%'))
    )
    SELECT coalesce(string_agg(format('%s %s (pid %s%s)',
                       CASE WHEN pg_has_role(h.usename, 'support_agent', 'MEMBER') THEN 'agent' ELSE 'role' END,
                       h.usename, h.pid,
                       coalesce(', in a transaction since ' || to_char(h.xact_start, 'YYYY-MM-DD HH24:MI:SS TZ'), '')),
                   ' or ' ORDER BY h.pid), 'another session')
      FROM holders h
$$;

-- Refuses with DK014: p_what is busy, held by whoever holds p_holder.
CREATE FUNCTION portal.refuse_busy(p_what text, p_table regclass, p_holder xid) RETURNS void
LANGUAGE plpgsql STABLE SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    RAISE EXCEPTION USING ERRCODE = 'DK014',
        MESSAGE = format('%s is busy: %s holds it open; try again in a moment, or ask a supervisor', p_what,
                         portal.describe_holder(p_table, p_holder)),
        HINT = 'a transaction that stays open after a support call holds what it touched';
END
$$;

-- Takes the member's guard row (waiting at most lock_timeout), or refuses naming the holder.
CREATE FUNCTION portal.guard_member(p_member portal.team_members) RETURNS void
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    PERFORM FROM portal.member_guards g WHERE g.member_id = p_member.id FOR UPDATE;
    IF NOT FOUND THEN
        INSERT INTO portal.member_guards (member_id) VALUES (p_member.id) ON CONFLICT DO NOTHING;
        PERFORM FROM portal.member_guards g WHERE g.member_id = p_member.id FOR UPDATE;
    END IF;
EXCEPTION WHEN lock_not_available THEN
    PERFORM portal.refuse_busy(p_member.email, 'portal.member_guards',
        (SELECT g.xmax FROM portal.member_guards g WHERE g.member_id = p_member.id));
END
$$;

-- Takes the agent's guard row, or refuses naming the holder (another session of the agent).
CREATE FUNCTION portal.guard_agent(p_agent text) RETURNS void
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    PERFORM FROM portal.agent_guards g WHERE g.agent = p_agent FOR UPDATE;
    IF NOT FOUND THEN
        INSERT INTO portal.agent_guards (agent) VALUES (p_agent) ON CONFLICT DO NOTHING;
        PERFORM FROM portal.agent_guards g WHERE g.agent = p_agent FOR UPDATE;
    END IF;
EXCEPTION WHEN lock_not_available THEN
    PERFORM portal.refuse_busy(format('agent %s', p_agent), 'portal.agent_guards',
        (SELECT g.xmax FROM portal.agent_guards g WHERE g.agent = p_agent));
END
$$;

-- The member row without a lock (support never locks a portal row), or DK003.
CREATE FUNCTION portal.member_row(p_member_id bigint) RETURNS portal.team_members
LANGUAGE plpgsql STABLE SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    member portal.team_members;
BEGIN
    SELECT * INTO member FROM portal.team_members WHERE id = p_member_id;
    IF NOT FOUND THEN
        RAISE EXCEPTION USING ERRCODE = 'DK003', MESSAGE = format('no team member #%s', p_member_id);
    END IF;
    RETURN member;
END
$$;

-- The portal's own member lock: bounded too, and it names the holder when it gives up.
CREATE OR REPLACE FUNCTION portal.lock_member(p_member_id bigint) RETURNS portal.team_members
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    member portal.team_members;
BEGIN
    BEGIN
        SELECT * INTO member FROM portal.team_members WHERE id = p_member_id FOR NO KEY UPDATE;
    EXCEPTION WHEN lock_not_available THEN
        PERFORM portal.refuse_busy(format('team member #%s', p_member_id), 'portal.team_members',
            (SELECT m.xmax FROM portal.team_members m WHERE m.id = p_member_id));
    END;
    IF NOT FOUND THEN
        RAISE EXCEPTION USING ERRCODE = 'DK003', MESSAGE = format('no team member #%s', p_member_id);
    END IF;
    RETURN member;
END
$$;

REVOKE ALL ON FUNCTION portal.add_member_guards(), portal.describe_holder(regclass, xid), portal.refuse_busy(text, regclass, xid),
    portal.guard_member(portal.team_members), portal.guard_agent(text), portal.member_row(bigint) FROM PUBLIC;
