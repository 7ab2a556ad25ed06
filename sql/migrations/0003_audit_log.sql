-- The append-only, hash-chained audit log.
--
-- hash = sha256(prev_hash || encoding), where encoding is, in this order:
--   int4 format version (1), int8 seq,
--   actor, action, target, reason, ticket as int4 byte length + UTF-8 bytes (NULL: length -1),
--   int8 occurred_at in microseconds since the Unix epoch.
-- All integers are big-endian. The first event's prev_hash is 32 zero bytes.
SET LOCAL ROLE supportdesk_owner;

CREATE TABLE portal.audit_events (
    seq          bigint PRIMARY KEY CHECK (seq > 0),
    prev_hash    bytea NOT NULL UNIQUE CHECK (length(prev_hash) = 32),
    hash         bytea NOT NULL UNIQUE CHECK (length(hash) = 32),
    occurred_at  timestamptz NOT NULL,
    actor        text NOT NULL,
    action       text NOT NULL CHECK (action IN (
                     '2fa_enabled', '2fa_disabled_self', '2fa_disabled_support', '2fa_disabled_override',
                     'recovery_verified', 'recovery_failed', 'recovery_locked', 'agent_locked',
                     'lock_cleared', 'mandatory_on', 'mandatory_off', 'recovery_codes_regenerated',
                     'login_recovery_code')),
    target       text NOT NULL,
    reason       text,
    ticket       text,
    customer_id  bigint REFERENCES portal.customers,
    member_id    bigint REFERENCES portal.team_members,
    request_id   uuid UNIQUE
);
CREATE INDEX audit_events_time ON portal.audit_events (occurred_at);
CREATE INDEX audit_events_actor ON portal.audit_events (actor, seq);
CREATE INDEX audit_events_member ON portal.audit_events (member_id, seq);
CREATE INDEX audit_events_customer ON portal.audit_events (customer_id, seq);
CREATE INDEX audit_events_action ON portal.audit_events (action, seq);

-- One row: the last event's seq and hash. Appends lock it FOR UPDATE, so they are serialised.
CREATE TABLE portal.audit_chain_head (
    singleton  boolean PRIMARY KEY DEFAULT true CHECK (singleton),
    seq        bigint NOT NULL,
    hash       bytea NOT NULL CHECK (length(hash) = 32)
);
INSERT INTO portal.audit_chain_head (seq, hash) VALUES (0, decode(repeat('00', 32), 'hex'));

CREATE FUNCTION portal.refuse_audit_change() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    RAISE EXCEPTION USING ERRCODE = 'DK011',
        MESSAGE = format('the audit log is append-only: %s is refused', TG_OP);
END
$$;
CREATE TRIGGER audit_events_append_only BEFORE UPDATE OR DELETE ON portal.audit_events
    FOR EACH ROW EXECUTE FUNCTION portal.refuse_audit_change();
CREATE TRIGGER audit_events_no_truncate BEFORE TRUNCATE ON portal.audit_events
    FOR EACH STATEMENT EXECUTE FUNCTION portal.refuse_audit_change();
-- ALWAYS: the triggers fire even with session_replication_role = replica.
ALTER TABLE portal.audit_events ENABLE ALWAYS TRIGGER audit_events_append_only;
ALTER TABLE portal.audit_events ENABLE ALWAYS TRIGGER audit_events_no_truncate;

-- One length-prefixed field of the encoding.
CREATE FUNCTION portal.audit_field(value text) RETURNS bytea
LANGUAGE sql IMMUTABLE SET search_path = pg_catalog, pg_temp AS $$
    SELECT CASE WHEN value IS NULL THEN '\xffffffff'::bytea
                ELSE int4send(octet_length(convert_to(value, 'UTF8'))) || convert_to(value, 'UTF8') END
$$;

-- The encoding the hash covers (see the top of this file).
CREATE FUNCTION portal.audit_encoding(
    seq bigint, actor text, action text, target text, reason text, ticket text, occurred_at timestamptz
) RETURNS bytea
LANGUAGE sql IMMUTABLE SET search_path = pg_catalog, pg_temp AS $$
    SELECT int4send(1) || int8send(seq)
        || portal.audit_field(actor) || portal.audit_field(action) || portal.audit_field(target)
        || portal.audit_field(reason) || portal.audit_field(ticket)
        || int8send((extract(epoch FROM occurred_at) * 1000000)::bigint)
$$;

-- Appends one event as session_user. Only the owner's definer functions call it.
CREATE FUNCTION portal.append_event(
    p_action text, p_target text, p_reason text, p_ticket text,
    p_customer_id bigint, p_member_id bigint, p_request_id uuid DEFAULT NULL
) RETURNS portal.audit_events
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    head portal.audit_chain_head;
    event portal.audit_events;
BEGIN
    SELECT * INTO STRICT head FROM portal.audit_chain_head FOR UPDATE;
    event.seq := head.seq + 1;
    event.prev_hash := head.hash;
    -- Stored as microseconds, so the hash is computed from exactly what the table holds.
    event.occurred_at := date_trunc('microseconds', clock_timestamp());
    event.actor := session_user;
    event.action := p_action;
    event.target := p_target;
    event.reason := p_reason;
    event.ticket := p_ticket;
    event.customer_id := p_customer_id;
    event.member_id := p_member_id;
    event.request_id := p_request_id;
    event.hash := sha256(event.prev_hash || portal.audit_encoding(
        event.seq, event.actor, event.action, event.target, event.reason, event.ticket, event.occurred_at));
    INSERT INTO portal.audit_events VALUES (event.*);
    UPDATE portal.audit_chain_head SET seq = event.seq, hash = event.hash;
    RETURN event;
END
$$;
REVOKE ALL ON FUNCTION portal.refuse_audit_change(), portal.audit_field(text),
    portal.audit_encoding(bigint, text, text, text, text, text, timestamptz),
    portal.append_event(text, text, text, text, bigint, bigint, uuid) FROM PUBLIC;
