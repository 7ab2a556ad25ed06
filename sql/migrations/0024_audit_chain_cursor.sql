-- The chain as a stream (issue 10, the slow paths).
--
-- support.audit_chain is a PL/pgSQL set-returning function: PostgreSQL collects every row it
-- returns (the whole log, 332,000 events in the benchmark) before the first one leaves the
-- server, spilling to disk past work_mem. support.open_audit_chain opens a cursor over the same
-- rows instead, as the owner (privileges are checked when a cursor is opened), and returns its
-- name; the caller fetches from it in the same transaction (FETCH ALL FROM it, say), so rows go
-- out as the index scan finds them, and the verifier works while the server reads.
SET LOCAL ROLE supportdesk_owner;

-- A cursor over every field the hash covers, in seq order from p_after_seq (supervisors); the
-- columns are support.audit_chain's. Fetch from it before the transaction ends.
CREATE FUNCTION support.open_audit_chain(p_after_seq bigint DEFAULT 0) RETURNS refcursor
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp SET lock_timeout = '3s' AS $$
DECLARE
    chain refcursor;
BEGIN
    PERFORM portal.require_supervisor();
    OPEN chain NO SCROLL FOR
    SELECT e.seq, e.prev_hash, e.hash, (extract(epoch FROM e.occurred_at) * 1000000)::bigint AS occurred_at_us,
           e.actor, e.action, e.target, e.reason, e.ticket,
           e.version::integer AS version, e.event_id, e.account_number, e.customer_id, e.member_id, e.request_id
      FROM portal.audit_events e
     WHERE e.seq > coalesce(p_after_seq, 0)
     ORDER BY e.seq;
    RETURN chain;
END
$$;

REVOKE ALL ON FUNCTION support.open_audit_chain(bigint) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION support.open_audit_chain(bigint) TO support_agent;

COMMENT ON FUNCTION support.open_audit_chain(bigint) IS
    'Supervisors: opens a cursor over the chained events after a seq, so log verify streams the chain as the server reads it.';
