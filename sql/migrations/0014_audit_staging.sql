-- Audit events are staged, then chained by a trusted chainer (issue 9, items 2 and 4).
--
-- Before: every audited call locked the one-row chain head until its transaction ended, so an
-- agent who left a transaction open froze every audited write. Now a call only inserts into
-- portal.audit_staging (no lock anyone else waits on); `portal chain` moves committed staged
-- events into the chain in the order it sees them commit. The number an event is known by
-- (event_id) is given when it is staged; seq is its place in the chain.
--
-- Encoding version 2 covers every column anyone reads. hash = sha256(prev_hash || encoding):
--   int4 version (2), int8 seq, int8 event_id,
--   actor, action, target, reason, ticket, account_number as int4 byte length + UTF-8 bytes
--     (NULL: length -1),
--   int8 occurred_at in microseconds since the Unix epoch,
--   customer_id, member_id as int4 8 + int8 (NULL: int4 -1),
--   request_id as int4 16 + its 16 bytes (NULL: int4 -1).
-- All integers are big-endian. Events chained before this migration keep version 1.
SET LOCAL ROLE supportdesk_owner;

-- The action kinds, in one place: the staging table, the chain and audit_log's filter use it.
CREATE FUNCTION portal.audit_actions() RETURNS text[]
LANGUAGE sql IMMUTABLE SET search_path = pg_catalog, pg_temp AS $$
    SELECT ARRAY['2fa_enabled', '2fa_disabled_self', '2fa_disabled_support', '2fa_disabled_override',
                 'recovery_verified', 'recovery_failed', 'recovery_locked', 'agent_locked',
                 'lock_cleared', 'mandatory_on', 'mandatory_off', 'recovery_codes_regenerated',
                 'login_recovery_code', 'lookup_limit_lifted']
$$;

ALTER TABLE portal.audit_events DROP CONSTRAINT audit_events_action_check;
ALTER TABLE portal.audit_events ADD CONSTRAINT audit_action_known CHECK (action = ANY (portal.audit_actions()));
ALTER TABLE portal.audit_events
    ADD COLUMN version smallint NOT NULL DEFAULT 1,
    ADD COLUMN event_id bigint UNIQUE,
    ADD COLUMN account_number text;
ALTER TABLE portal.audit_events
    ADD CONSTRAINT audit_version_fields CHECK (version = 1 OR (version = 2 AND event_id IS NOT NULL));

-- Staged events: written by the calls that act, in the caller's transaction; read by everyone
-- who reads the log; removed only by the chainer, in the transaction that chains them.
CREATE TABLE portal.audit_staging (
    event_id        bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    occurred_at     timestamptz NOT NULL,
    actor           text NOT NULL,
    action          text NOT NULL CONSTRAINT staged_action_known CHECK (action = ANY (portal.audit_actions())),
    target          text NOT NULL,
    reason          text,
    ticket          text,
    account_number  text,
    customer_id     bigint REFERENCES portal.customers,
    member_id       bigint REFERENCES portal.team_members,
    request_id      uuid UNIQUE,
    -- The code check this event reports: the chainer adds the lock events it started.
    check_id        bigint REFERENCES portal.recovery_checks
);
CREATE INDEX audit_staging_member ON portal.audit_staging (member_id, event_id);
-- all_events (below) is ordered by the event number; with these, a page of the log is an index
-- scan of each side merged, not a sort of the whole log.
CREATE INDEX audit_events_number ON portal.audit_events ((coalesce(event_id, seq)));
CREATE INDEX audit_events_member_number ON portal.audit_events (member_id, (coalesce(event_id, seq)));
-- Event numbers continue where the chain's seq left off, so no number is ever shown twice.
DO $$
BEGIN
    PERFORM setval(pg_get_serial_sequence('portal.audit_staging', 'event_id'),
                   (SELECT coalesce(max(seq), 0) + 1 FROM portal.audit_events), false);
END
$$;

-- A staged event is changed by nobody and removed only once it is in the chain.
CREATE FUNCTION portal.guard_staged_event() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    IF TG_OP = 'DELETE' AND EXISTS (SELECT FROM portal.audit_events e WHERE e.event_id = OLD.event_id) THEN
        RETURN OLD;
    END IF;
    RAISE EXCEPTION USING ERRCODE = 'DK011',
        MESSAGE = format('staged audit events are insert-only until chained: %s is refused', TG_OP);
END
$$;
CREATE TRIGGER audit_staging_insert_only BEFORE UPDATE OR DELETE ON portal.audit_staging
    FOR EACH ROW EXECUTE FUNCTION portal.guard_staged_event();
CREATE TRIGGER audit_staging_no_truncate BEFORE TRUNCATE ON portal.audit_staging
    FOR EACH STATEMENT EXECUTE FUNCTION portal.refuse_audit_change();
ALTER TABLE portal.audit_staging ENABLE ALWAYS TRIGGER audit_staging_insert_only;
ALTER TABLE portal.audit_staging ENABLE ALWAYS TRIGGER audit_staging_no_truncate;

-- Stages one event as session_user; what the log shows is stored, not looked up later.
-- Replaces the old append_event, which locked the chain head.
DROP FUNCTION portal.append_event(text, text, text, text, bigint, bigint, uuid);
CREATE FUNCTION portal.append_event(
    p_action text, p_target text, p_reason text, p_ticket text,
    p_customer_id bigint, p_member_id bigint, p_request_id uuid DEFAULT NULL, p_check_id bigint DEFAULT NULL
) RETURNS portal.audit_staging
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    event portal.audit_staging;
BEGIN
    INSERT INTO portal.audit_staging (occurred_at, actor, action, target, reason, ticket, account_number,
                                      customer_id, member_id, request_id, check_id)
    VALUES (date_trunc('microseconds', clock_timestamp()), session_user, p_action, p_target, p_reason, p_ticket,
            (SELECT c.account_number FROM portal.customers c WHERE c.id = p_customer_id),
            p_customer_id, p_member_id, p_request_id, p_check_id)
    RETURNING * INTO event;
    -- Delivered at commit, so the chainer wakes in commit order; a rolled-back event never is.
    PERFORM pg_notify('supportdesk_audit_staged', event.event_id::text);
    RETURN event;
END
$$;

-- One nullable integer field of encoding version 2.
CREATE FUNCTION portal.audit_int_field(value bigint) RETURNS bytea
LANGUAGE sql IMMUTABLE SET search_path = pg_catalog, pg_temp AS $$
    SELECT CASE WHEN value IS NULL THEN '\xffffffff'::bytea ELSE int4send(8) || int8send(value) END
$$;

CREATE FUNCTION portal.audit_encoding_v2(
    seq bigint, event_id bigint, actor text, action text, target text, reason text, ticket text,
    account_number text, occurred_at timestamptz, customer_id bigint, member_id bigint, request_id uuid
) RETURNS bytea
LANGUAGE sql IMMUTABLE SET search_path = pg_catalog, pg_temp AS $$
    SELECT int4send(2) || int8send(seq) || int8send(event_id)
        || portal.audit_field(actor) || portal.audit_field(action) || portal.audit_field(target)
        || portal.audit_field(reason) || portal.audit_field(ticket) || portal.audit_field(account_number)
        || int8send((extract(epoch FROM occurred_at) * 1000000)::bigint)
        || portal.audit_int_field(customer_id) || portal.audit_int_field(member_id)
        || CASE WHEN request_id IS NULL THEN '\xffffffff'::bytea
                ELSE int4send(16) || decode(replace(request_id::text, '-', ''), 'hex') END
$$;

-- Appends one event to the chain after p_head and returns the new head. Only chain_staged calls it.
CREATE FUNCTION portal.chain_event(
    p_head portal.audit_chain_head, p_event_id bigint, p_occurred_at timestamptz, p_actor text, p_action text,
    p_target text, p_reason text, p_ticket text, p_account_number text, p_customer_id bigint,
    p_member_id bigint, p_request_id uuid
) RETURNS portal.audit_chain_head
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    event portal.audit_events;
BEGIN
    event.version := 2;
    event.seq := p_head.seq + 1;
    event.prev_hash := p_head.hash;
    event.event_id := p_event_id;
    event.occurred_at := p_occurred_at;
    event.actor := p_actor;
    event.action := p_action;
    event.target := p_target;
    event.reason := p_reason;
    event.ticket := p_ticket;
    event.account_number := p_account_number;
    event.customer_id := p_customer_id;
    event.member_id := p_member_id;
    event.request_id := p_request_id;
    event.hash := sha256(event.prev_hash || portal.audit_encoding_v2(
        event.seq, event.event_id, event.actor, event.action, event.target, event.reason, event.ticket,
        event.account_number, event.occurred_at, event.customer_id, event.member_id, event.request_id));
    INSERT INTO portal.audit_events VALUES (event.*);
    p_head.seq := event.seq;
    p_head.hash := event.hash;
    RETURN p_head;
END
$$;

-- Every event, chained or staged, with the number people know it by. Version 1 events stored
-- no account number; theirs is looked up (the one field a version 1 hash does not cover).
CREATE VIEW portal.all_events AS
    SELECT coalesce(e.event_id, e.seq) AS event_id, e.seq, e.occurred_at, e.actor, e.action, e.target,
           CASE WHEN e.version = 1 THEN (SELECT c.account_number FROM portal.customers c WHERE c.id = e.customer_id)
                ELSE e.account_number END AS account_number,
           e.reason, e.ticket, e.customer_id, e.member_id, e.request_id
      FROM portal.audit_events e
    UNION ALL
    SELECT s.event_id, NULL, s.occurred_at, s.actor, s.action, s.target, s.account_number,
           s.reason, s.ticket, s.customer_id, s.member_id, s.request_id
      FROM portal.audit_staging s;

REVOKE ALL ON FUNCTION portal.audit_actions(), portal.guard_staged_event(),
    portal.append_event(text, text, text, text, bigint, bigint, uuid, bigint),
    portal.audit_int_field(bigint),
    portal.audit_encoding_v2(bigint, bigint, text, text, text, text, text, text, timestamptz, bigint, bigint, uuid),
    portal.chain_event(portal.audit_chain_head, bigint, timestamptz, text, text, text, text, text, text, bigint, bigint, uuid)
    FROM PUBLIC;
