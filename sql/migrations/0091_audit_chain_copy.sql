-- Issue 10: `log verify` within 1.2 times the streaming floor (COPY of the same rows). A cursor's
-- FETCH is a utility statement: the server copies every row into a store of its own before it
-- sends it, and that alone cost the server about 1.3 times the floor before the console did
-- anything (measured with the server's own CPU time). COPY streams rows as it reads them, and
-- COPY reads a query, not a function, so supervisors get one read-only view of the chained
-- events, the rows support.open_audit_chain's cursor returns, and `log verify` copies it.
--
-- This is the one table-like object an agent's role may read; it is granted to supervisors only,
-- for SELECT only, and holds nothing support.audit_chain() did not already give them. The view
-- runs with its owner's rights (no security_invoker), so no table is granted to anyone.
SET LOCAL ROLE supportdesk_owner;

CREATE VIEW support.audit_chain_rows AS
SELECT e.seq, e.prev_hash, e.hash, (extract(epoch FROM e.occurred_at) * 1000000)::bigint AS occurred_at_us,
       e.actor, e.action, e.target, e.reason, e.ticket,
       e.version::integer AS version, e.event_id, e.account_number, e.customer_id, e.member_id, e.request_id
  FROM portal.audit_events e;

REVOKE ALL ON support.audit_chain_rows FROM PUBLIC;
GRANT SELECT ON support.audit_chain_rows TO support_supervisor;

COMMENT ON VIEW support.audit_chain_rows IS
    'Supervisors: every chained event with its hashed fields, for log verify to COPY (a cursor''s FETCH costs the server a copy of every row).';

-- The cursor reads the same rows from the view, so the two routes cannot disagree.
CREATE OR REPLACE FUNCTION support.open_audit_chain(p_after_seq bigint DEFAULT 0) RETURNS refcursor
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp SET lock_timeout = '3s' AS $$
DECLARE
    chain refcursor;
BEGIN
    PERFORM portal.require_supervisor();
    OPEN chain NO SCROLL FOR
    SELECT r.* FROM support.audit_chain_rows r
     WHERE r.seq > coalesce(p_after_seq, 0)
     ORDER BY r.seq;
    RETURN chain;
END
$$;
