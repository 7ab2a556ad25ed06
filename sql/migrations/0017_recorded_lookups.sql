-- Look-ups are recorded and limited (issue 9, item 6).
--
-- A look-up is asked in two steps, like a code check: support.request_find / request_detail
-- record who looked for what and return the look-up's id; support.find_results, user_detail and
-- user_events show the answer only once that record has committed. So a look-up cannot be
-- rolled back out of the record, and an agent past the hourly limit (portal.settings, which a
-- supervisor can lift) sees nothing more.
SET LOCAL ROLE supportdesk_owner;

ALTER TABLE portal.settings
    ADD COLUMN lookups_per_hour integer NOT NULL DEFAULT 600 CONSTRAINT lookups_per_hour_positive CHECK (lookups_per_hour > 0),
    ADD COLUMN lookup_answer_window interval NOT NULL DEFAULT '5 minutes'
        CONSTRAINT lookup_answer_window_positive CHECK (lookup_answer_window > '0');

CREATE TYPE portal.lookup_kind AS ENUM ('find', 'detail');

-- Append-only, apart from the chain: what each agent looked at, and when.
CREATE TABLE portal.lookups (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    agent         text NOT NULL,
    kind          portal.lookup_kind NOT NULL,
    query         text,
    result_limit  integer,
    member_id     bigint REFERENCES portal.team_members,
    looked_at     timestamptz NOT NULL DEFAULT clock_timestamp(),
    recorded_xid  xid8 NOT NULL DEFAULT pg_current_xact_id(),
    CONSTRAINT lookup_subject CHECK ((kind = 'find') = (query IS NOT NULL) AND (kind = 'detail') = (member_id IS NOT NULL))
);
CREATE INDEX lookups_agent_time ON portal.lookups (agent, looked_at);
CREATE TRIGGER lookups_append_only BEFORE UPDATE OR DELETE ON portal.lookups
    FOR EACH ROW EXECUTE FUNCTION portal.refuse_audit_change();
CREATE TRIGGER lookups_no_truncate BEFORE TRUNCATE ON portal.lookups
    FOR EACH STATEMENT EXECUTE FUNCTION portal.refuse_audit_change();
ALTER TABLE portal.lookups ENABLE ALWAYS TRIGGER lookups_append_only;
ALTER TABLE portal.lookups ENABLE ALWAYS TRIGGER lookups_no_truncate;

-- Extra look-ups a supervisor allowed an agent, for the hour after granting them.
CREATE TABLE portal.lookup_allowances (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    agent       text NOT NULL,
    extra       integer NOT NULL CONSTRAINT extra_positive CHECK (extra BETWEEN 1 AND 100000),
    granted_by  text NOT NULL,
    granted_at  timestamptz NOT NULL DEFAULT clock_timestamp()
);
CREATE INDEX lookup_allowances_agent_time ON portal.lookup_allowances (agent, granted_at);

-- Records a look-up by the calling agent, refusing it (DK017) past the hourly limit.
CREATE FUNCTION portal.record_lookup(p_kind portal.lookup_kind, p_query text, p_limit integer, p_member_id bigint)
RETURNS bigint
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    allowed integer;
    used integer;
    new_id bigint;
BEGIN
    -- Counted exactly: one agent's sessions queue here for the moment of recording.
    PERFORM portal.guard_agent(session_user);
    SELECT s.lookups_per_hour + coalesce((SELECT sum(a.extra) FROM portal.lookup_allowances a
                                           WHERE a.agent = session_user AND a.granted_at > clock_timestamp() - interval '1 hour'), 0)
      INTO allowed FROM portal.settings s;
    SELECT count(*) INTO used FROM (
        SELECT FROM portal.lookups l WHERE l.agent = session_user AND l.looked_at > clock_timestamp() - interval '1 hour'
         LIMIT allowed) AS recent;
    IF used >= allowed THEN
        RAISE EXCEPTION USING ERRCODE = 'DK017',
            MESSAGE = format('%s has made %s look-ups in the last hour, the limit: a supervisor can lift it', session_user, used);
    END IF;
    INSERT INTO portal.lookups (agent, kind, query, result_limit, member_id)
    VALUES (session_user, p_kind, p_query, p_limit, p_member_id)
    RETURNING id INTO new_id;
    RETURN new_id;
END
$$;

-- The caller's own committed look-up of this kind, recent enough to answer, or a refusal.
CREATE FUNCTION portal.answerable_lookup(p_lookup_id bigint, p_kind portal.lookup_kind) RETURNS portal.lookups
LANGUAGE plpgsql STABLE SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    lookup portal.lookups;
BEGIN
    SELECT * INTO lookup FROM portal.lookups l
     WHERE l.id = p_lookup_id AND l.agent = session_user AND l.kind = p_kind
       AND l.looked_at > clock_timestamp() - (SELECT s.lookup_answer_window FROM portal.settings s);
    IF NOT FOUND THEN
        RAISE EXCEPTION USING ERRCODE = 'DK015',
            MESSAGE = format('there is no recent %s look-up #%s of yours: ask again', p_kind, p_lookup_id);
    END IF;
    IF pg_xact_status(lookup.recorded_xid) IS DISTINCT FROM 'committed' THEN
        RAISE EXCEPTION USING ERRCODE = 'DK016',
            MESSAGE = format('look-up #%s is not committed yet: commit the transaction that recorded it, then ask again', p_lookup_id);
    END IF;
    RETURN lookup;
END
$$;

-- The old one-step look-ups answered in the transaction that could have recorded them.
ALTER FUNCTION support.find(text, integer) RENAME TO find_unrecorded;
ALTER FUNCTION support.find_unrecorded(text, integer) SET SCHEMA portal;
REVOKE ALL ON FUNCTION portal.find_unrecorded(text, integer) FROM PUBLIC, support_agent;
ALTER FUNCTION portal.find_unrecorded(text, integer) SECURITY INVOKER;
DROP FUNCTION support.user_detail(bigint);
DROP FUNCTION support.user_events(bigint, integer);

-- Step one of a search: records it (and checks its input) and returns the look-up's id.
CREATE FUNCTION support.request_find(p_query text, p_limit integer DEFAULT 20) RETURNS bigint
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    PERFORM portal.require_agent();
    IF btrim(coalesce(p_query, '')) = '' OR length(btrim(p_query)) > 200 THEN
        RAISE EXCEPTION USING ERRCODE = 'DK010', MESSAGE = 'search for 1 to 200 characters of an email, account number, phone number or name';
    END IF;
    IF p_limit IS NULL OR p_limit NOT BETWEEN 1 AND 1000 THEN
        RAISE EXCEPTION USING ERRCODE = 'DK010', MESSAGE = 'the limit must be between 1 and 1000';
    END IF;
    RETURN portal.record_lookup('find', p_query, p_limit, NULL);
END
$$;

-- Step two: the ranked matches of a committed search (see portal.find_unrecorded for the ranking).
CREATE FUNCTION support.find_results(p_lookup_id bigint)
RETURNS TABLE (
    member_id bigint, account_number text, customer_name text, name text, email text, role text,
    phone text, twofa_state text, mandatory_2fa boolean, matched_on text, score real
)
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    lookup portal.lookups;
BEGIN
    PERFORM portal.require_agent();
    lookup := portal.answerable_lookup(p_lookup_id, 'find');
    RETURN QUERY SELECT * FROM portal.find_unrecorded(lookup.query, lookup.result_limit);
END
$$;

-- Step one of looking at a member: records it and returns the look-up's id.
CREATE FUNCTION support.request_detail(p_member_id bigint) RETURNS bigint
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    PERFORM portal.require_agent();
    PERFORM portal.member_row(p_member_id);
    RETURN portal.record_lookup('detail', NULL, NULL, p_member_id);
END
$$;

-- Step two: the member in full, as the agent on the phone needs it. verified_until is when
-- the calling agent's unused match for this member stops being usable for a disable.
CREATE FUNCTION support.user_detail(p_lookup_id bigint)
RETURNS TABLE (
    member_id bigint, email text, name text, phone text, role text,
    account_number text, customer_name text,
    mandatory_2fa boolean, mandatory_since timestamptz, mandatory_by text,
    twofa_state text, twofa_since timestamptz, recovery_codes_left integer,
    locked_until timestamptz, last_login_at timestamptz, created_at timestamptz,
    verified_until timestamptz
)
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
#variable_conflict use_column
DECLARE
    now_ timestamptz := clock_timestamp();
    valid_for interval := (SELECT s.verification_valid_for FROM portal.settings s);
    lookup portal.lookups;
BEGIN
    PERFORM portal.require_agent();
    lookup := portal.answerable_lookup(p_lookup_id, 'detail');
    RETURN QUERY
    SELECT m.id, m.email, m.name, m.phone, m.role, c.account_number, c.name,
           c.mandatory_2fa, c.mandatory_2fa_since, admin.email,
           coalesce(t.state, 'off'), coalesce(t.activated_at, t.created_at),
           (SELECT count(*)::integer FROM portal.recovery_codes r WHERE r.member_id = m.id AND r.used_at IS NULL),
           nullif(greatest(portal.member_lock_end(m.id), now_), now_),
           m.last_login_at, m.created_at,
           (SELECT max(k.checked_at) + valid_for FROM portal.recovery_checks k
             WHERE k.member_id = m.id AND k.agent = session_user AND k.outcome = 'match'
               AND k.consumed_at IS NULL AND k.checked_at > now_ - valid_for
               AND t.state = 'active' AND k.checked_at >= t.activated_at)
      FROM portal.team_members m
      JOIN portal.customers c ON c.id = m.customer_id
      LEFT JOIN portal.team_members admin ON admin.id = c.mandatory_2fa_by
      LEFT JOIN portal.totp_credentials t ON t.member_id = m.id
     WHERE m.id = lookup.member_id;
END
$$;

-- The looked-at member's most recent events (chained and staged), newest first.
CREATE FUNCTION support.user_events(p_lookup_id bigint, p_limit integer DEFAULT 10)
RETURNS SETOF support.event
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    lookup portal.lookups;
BEGIN
    PERFORM portal.require_agent();
    IF p_limit IS NULL OR p_limit NOT BETWEEN 1 AND 1000 THEN
        RAISE EXCEPTION USING ERRCODE = 'DK010', MESSAGE = 'the limit must be between 1 and 1000';
    END IF;
    lookup := portal.answerable_lookup(p_lookup_id, 'detail');
    RETURN QUERY
    SELECT e.event_id, e.occurred_at, e.actor, e.action, e.target, e.account_number, e.reason, e.ticket, e.request_id
      FROM portal.all_events e
     WHERE e.member_id = lookup.member_id ORDER BY e.event_id DESC LIMIT p_limit;
END
$$;

-- Lets another agent make p_extra more look-ups in the coming hour (supervisors; recorded).
CREATE FUNCTION support.lift_lookup_limit(p_agent text, p_extra integer, p_reason text) RETURNS support.event
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    reason text;
BEGIN
    PERFORM portal.require_supervisor();
    IF p_agent = session_user THEN
        RAISE EXCEPTION USING ERRCODE = 'DK018', MESSAGE = 'a supervisor cannot lift their own limit: ask another supervisor';
    END IF;
    IF p_agent IS NULL OR NOT pg_has_role(p_agent, 'support_agent', 'MEMBER') THEN
        RAISE EXCEPTION USING ERRCODE = 'DK010', MESSAGE = format('%s is not an agent', p_agent);
    END IF;
    IF p_extra IS NULL OR p_extra NOT BETWEEN 1 AND 100000 THEN
        RAISE EXCEPTION USING ERRCODE = 'DK010', MESSAGE = 'lift the limit by 1 to 100000 look-ups';
    END IF;
    reason := portal.require_reason(p_reason);
    INSERT INTO portal.lookup_allowances (agent, extra, granted_by) VALUES (p_agent, p_extra, session_user);
    RETURN portal.staged_event(portal.append_event('lookup_limit_lifted', p_agent,
        format('%s more look-ups for an hour: %s', p_extra, reason), NULL, NULL, NULL));
END
$$;

-- What agents looked at, newest first (supervisors).
CREATE FUNCTION support.lookup_log(p_agent text DEFAULT NULL, p_since timestamptz DEFAULT NULL, p_limit integer DEFAULT 100)
RETURNS TABLE (id bigint, agent text, kind text, query text, member_email text, looked_at timestamptz)
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    PERFORM portal.require_supervisor();
    IF p_limit IS NULL OR p_limit NOT BETWEEN 1 AND 10000 THEN
        RAISE EXCEPTION USING ERRCODE = 'DK010', MESSAGE = 'the limit must be between 1 and 10000';
    END IF;
    RETURN QUERY
    SELECT l.id, l.agent, l.kind::text, l.query, m.email, l.looked_at
      FROM portal.lookups l LEFT JOIN portal.team_members m ON m.id = l.member_id
     WHERE (p_agent IS NULL OR l.agent = p_agent) AND (p_since IS NULL OR l.looked_at >= p_since)
     ORDER BY l.id DESC LIMIT p_limit;
END
$$;

REVOKE ALL ON FUNCTION portal.record_lookup(portal.lookup_kind, text, integer, bigint),
    portal.answerable_lookup(bigint, portal.lookup_kind) FROM PUBLIC;
REVOKE ALL ON FUNCTION support.request_find(text, integer), support.find_results(bigint),
    support.request_detail(bigint), support.user_detail(bigint), support.user_events(bigint, integer),
    support.lift_lookup_limit(text, integer, text), support.lookup_log(text, timestamptz, integer) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION support.request_find(text, integer), support.find_results(bigint),
    support.request_detail(bigint), support.user_detail(bigint), support.user_events(bigint, integer),
    support.lift_lookup_limit(text, integer, text), support.lookup_log(text, timestamptz, integer) TO support_agent;
