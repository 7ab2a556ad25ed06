-- The support API, part 1: who am I, find a member, look at one.
SET LOCAL ROLE supportdesk_owner;

CREATE FUNCTION support.whoami(
    OUT agent text, OUT is_supervisor boolean, OUT locked_until timestamptz
)
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    PERFORM portal.require_agent();
    agent := session_user;
    is_supervisor := pg_has_role(session_user, 'support_supervisor', 'MEMBER');
    SELECT l.locked_until INTO locked_until FROM portal.agent_locks l
     WHERE l.agent = session_user AND l.locked_until > clock_timestamp();
END
$$;

-- One hit of a search: a member, how well it matched, and on what.
CREATE TYPE portal.search_hit AS (id bigint, score real, matched_on text);

-- The best hit per member, joined to what the agent sees, best first.
CREATE FUNCTION portal.ranked_members(p_hits portal.search_hit[], p_limit integer)
RETURNS TABLE (
    member_id bigint, account_number text, customer_name text, name text, email text, role text,
    phone text, twofa_state text, mandatory_2fa boolean, matched_on text, score real
)
LANGUAGE sql STABLE SET search_path = pg_catalog, pg_temp AS $$
    WITH best AS (
        SELECT DISTINCT ON (h.id) h.id, h.score, h.matched_on FROM unnest(p_hits) AS h ORDER BY h.id, h.score DESC
    )
    SELECT m.id, c.account_number, c.name, m.name, m.email, m.role, m.phone,
           coalesce(t.state, 'off'), c.mandatory_2fa, b.matched_on, b.score
      FROM best b
      JOIN portal.team_members m ON m.id = b.id
      JOIN portal.customers c ON c.id = m.customer_id
      LEFT JOIN portal.totp_credentials t ON t.member_id = m.id
     ORDER BY b.score DESC, c.account_number, m.email
     LIMIT p_limit
$$;

-- Ranked matches for what an agent types: an exact email or account number first, then phone
-- digits (the whole number, or its last digits without a trunk zero), then similar names, emails and customer names.
CREATE FUNCTION support.find(p_query text, p_limit integer DEFAULT 20)
RETURNS TABLE (
    member_id bigint, account_number text, customer_name text, name text, email text, role text,
    phone text, twofa_state text, mandatory_2fa boolean, matched_on text, score real
)
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp
-- The planner guesses trigram matches badly and may scan the whole table for a common word,
-- computing a similarity per row (half a second on a million members); the indexes are
-- always the right path here.
SET enable_seqscan = off AS $$
#variable_conflict use_column
DECLARE
    query text := btrim(coalesce(p_query, ''));
    lowered text := lower(btrim(coalesce(p_query, '')));
    digits text := regexp_replace(coalesce(p_query, ''), '[^0-9]', '', 'g');
    looks_like_phone boolean;
BEGIN
    PERFORM portal.require_agent();
    IF query = '' OR length(query) > 200 THEN
        RAISE EXCEPTION USING ERRCODE = 'DK010', MESSAGE = 'search for 1 to 200 characters of an email, account number, phone number or name';
    END IF;
    IF p_limit IS NULL OR p_limit NOT BETWEEN 1 AND 1000 THEN
        RAISE EXCEPTION USING ERRCODE = 'DK010', MESSAGE = 'the limit must be between 1 and 1000';
    END IF;
    -- A national number's trunk zeros ("020 …") are not in the stored international digits.
    -- A national number's trunk zeros ("020 …") are not in the stored international digits.
    looks_like_phone := query ~ '^[+0-9 ().-]+$' AND length(ltrim(digits, '0')) >= 6;

    -- Exact keys first: when the agent typed an email, account number or phone number that
    -- exists, those members are the answer and no fuzzy search runs.
    RETURN QUERY
    WITH hits AS (
        SELECT m.id, 1.0::real AS score, 'email'::text AS matched_on
          FROM portal.team_members m WHERE lower(m.email) = lowered
        UNION ALL
        SELECT m.id, 1.0::real, 'account'
          FROM portal.customers c JOIN portal.team_members m ON m.customer_id = c.id
         WHERE c.account_number = upper(query)
        UNION ALL
        SELECT m.id, CASE WHEN m.phone_digits = digits THEN 0.95::real ELSE 0.9::real END, 'phone'
          FROM portal.team_members m
         WHERE looks_like_phone AND m.phone_digits <> ''
           AND (m.phone_digits = digits OR m.phone_digits LIKE '%' || ltrim(digits, '0'))
    )
    SELECT * FROM portal.ranked_members(ARRAY(SELECT ROW(h.id, h.score, h.matched_on)::portal.search_hit FROM hits h), p_limit);
    IF FOUND THEN
        RETURN;
    END IF;

    -- Then similar names, emails and customer names (word similarity of at least 0.6, through
    -- the trigram indexes). A vague query can match tens of thousands of members; ranking looks
    -- at the first 1000 candidates of each kind, so it answers in milliseconds — and a query
    -- that vague needs more words anyway.
    RETURN QUERY
    WITH names AS (
        SELECT m.id, lower(m.name) AS text FROM portal.team_members m
         WHERE lowered OPERATOR(portal_ext.<%) lower(m.name) LIMIT 1000
    ), emails AS (
        SELECT m.id, lower(m.email) AS text FROM portal.team_members m
         WHERE lowered OPERATOR(portal_ext.<%) lower(m.email) LIMIT 1000
    ), companies AS (
        SELECT c.id, lower(c.name) AS text FROM portal.customers c
         WHERE lowered OPERATOR(portal_ext.<%) lower(c.name) LIMIT 1000
    ), hits AS (
        SELECT n.id, (portal_ext.word_similarity(lowered, n.text) * 0.9)::real AS score, 'name'::text AS matched_on
          FROM names n
        UNION ALL
        SELECT e.id, (portal_ext.word_similarity(lowered, e.text) * 0.85)::real, 'email' FROM emails e
        UNION ALL
        SELECT m.id, (portal_ext.word_similarity(lowered, k.text) * 0.8)::real, 'customer'
          FROM companies k JOIN portal.team_members m ON m.customer_id = k.id
    )
    SELECT * FROM portal.ranked_members(ARRAY(SELECT ROW(h.id, h.score, h.matched_on)::portal.search_hit FROM hits h), p_limit);
END
$$;

-- A member's id from an email or `#ID`.
CREATE FUNCTION support.resolve_user(p_user text) RETURNS bigint
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    wanted text := btrim(coalesce(p_user, ''));
    found_id bigint;
BEGIN
    PERFORM portal.require_agent();
    IF wanted ~ '^#[0-9]{1,18}$' THEN
        SELECT m.id INTO found_id FROM portal.team_members m WHERE m.id = substr(wanted, 2)::bigint;
    ELSE
        SELECT m.id INTO found_id FROM portal.team_members m WHERE lower(m.email) = lower(wanted);
    END IF;
    IF found_id IS NULL THEN
        RAISE EXCEPTION USING ERRCODE = 'DK003', MESSAGE = format('no team member %s', wanted);
    END IF;
    RETURN found_id;
END
$$;

-- One member in full, as the agent on the phone needs it. verified_until is when the calling
-- agent's unused code check for this member stops being usable for a disable.
CREATE FUNCTION support.user_detail(p_member_id bigint)
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
BEGIN
    PERFORM portal.require_agent();
    RETURN QUERY
    SELECT m.id, m.email, m.name, m.phone, m.role, c.account_number, c.name,
           c.mandatory_2fa, c.mandatory_2fa_since, admin.email,
           coalesce(t.state, 'off'), coalesce(t.activated_at, t.created_at),
           (SELECT count(*)::integer FROM portal.recovery_codes r WHERE r.member_id = m.id AND r.used_at IS NULL),
           (SELECT l.locked_until FROM portal.recovery_locks l WHERE l.member_id = m.id AND l.locked_until > now_),
           m.last_login_at, m.created_at,
           (SELECT max(k.checked_at) + valid_for FROM portal.recovery_checks k
             WHERE k.member_id = m.id AND k.agent = session_user AND k.outcome = 'match'
               AND k.consumed_at IS NULL AND k.checked_at > now_ - valid_for
               AND t.state = 'active' AND k.checked_at >= t.activated_at)
      FROM portal.team_members m
      JOIN portal.customers c ON c.id = m.customer_id
      LEFT JOIN portal.team_members admin ON admin.id = c.mandatory_2fa_by
      LEFT JOIN portal.totp_credentials t ON t.member_id = m.id
     WHERE m.id = p_member_id;
    IF NOT FOUND THEN
        RAISE EXCEPTION USING ERRCODE = 'DK003', MESSAGE = format('no team member #%s', p_member_id);
    END IF;
END
$$;

-- A member's most recent events, newest first.
CREATE FUNCTION support.user_events(p_member_id bigint, p_limit integer DEFAULT 10)
RETURNS SETOF support.event
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    PERFORM portal.require_agent();
    IF p_limit IS NULL OR p_limit NOT BETWEEN 1 AND 1000 THEN
        RAISE EXCEPTION USING ERRCODE = 'DK010', MESSAGE = 'the limit must be between 1 and 1000';
    END IF;
    RETURN QUERY
    SELECT (portal.as_support_event(e)).* FROM portal.audit_events e
     WHERE e.member_id = p_member_id ORDER BY e.seq DESC LIMIT p_limit;
END
$$;

REVOKE ALL ON FUNCTION portal.ranked_members(portal.search_hit[], integer) FROM PUBLIC;
REVOKE ALL ON FUNCTION support.whoami(), support.find(text, integer), support.resolve_user(text),
    support.user_detail(bigint), support.user_events(bigint, integer) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION support.whoami(), support.find(text, integer), support.resolve_user(text),
    support.user_detail(bigint), support.user_events(bigint, integer) TO support_agent;
