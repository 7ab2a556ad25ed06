-- What is notified, to whom, and in which words (issue 12, part 1).
--
-- One place decides: an AFTER INSERT trigger on portal.audit_staging hands every staged event to
-- portal.compose_notifications, which writes the outbox rows for the kinds that are notified.
-- Every audited call already stages its event through portal.append_event in its own
-- transaction, so the notification is written in that same transaction (a rolled-back event
-- leaves no row), and no function can forget to notify: a later function that records one of
-- these actions is covered without a line of its own. The one event not staged, the member's
-- recovery lock that the chainer writes straight into the chain, is handed over by a trigger on
-- portal.audit_events, in the chainer's transaction that records it.
--
-- Who: the member the event is about; and for a support disable, an override, a dispute and a
-- mandatory change, every administrator of the customer (one row each; a member who is an
-- administrator gets the member's notice only). What: what happened, when (UTC), by whom (the
-- agent's login name), the ticket, and what to do if it was not them. Never a code, a secret or
-- a reason typed by an agent (it could hold a code read out on the phone); the only token is the
-- member's own dispute link (portal.dispute_link, migration 0041).
SET LOCAL ROLE supportdesk_owner;

-- Where the web portal is reached from a mail (links are <portal_url>/dispute/<token>).
ALTER TABLE portal.settings
    ADD COLUMN portal_url text NOT NULL DEFAULT 'http://127.0.0.1:8080'
        CONSTRAINT settings_portal_url_shape CHECK (portal_url ~ '^https?://[A-Za-z0-9.:\[\]-]+(/[A-Za-z0-9._~/-]*)?$'
                                                    AND portal_url !~ '/$'),
    -- How long a support disable can be undone by the member's dispute link (migration 0041).
    ADD COLUMN dispute_window interval NOT NULL DEFAULT '10 days'
        CONSTRAINT settings_dispute_window_positive CHECK (dispute_window > '0');

-- A moment as mails show it: UTC, to the second.
CREATE FUNCTION portal.mail_time(p_at timestamptz) RETURNS text
LANGUAGE sql IMMUTABLE SET search_path = pg_catalog, pg_temp AS $$
    SELECT to_char(p_at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS') || ' UTC'
$$;

-- A stored name as a mail line may show it: control characters (line breaks, escapes) dropped.
CREATE FUNCTION portal.mail_text(p_text text) RETURNS text
LANGUAGE sql IMMUTABLE SET search_path = pg_catalog, pg_temp AS $$
    SELECT regexp_replace(p_text, '[\u0000-\u001f\u007f-\u009f]', '', 'g')
$$;

-- Who did it, in a mail's words: the agent's login name, or the portal for the member's own acts.
CREATE FUNCTION portal.mail_actor(p_action text, p_actor text) RETURNS text
LANGUAGE sql IMMUTABLE SET search_path = pg_catalog, pg_temp AS $$
    SELECT CASE WHEN p_action IN ('2fa_disabled_self', 'recovery_codes_regenerated', '2fa_disputed',
                                  'mandatory_on', 'mandatory_off')
                THEN 'you, signed in to the portal'
                ELSE format('support agent %s', p_actor) END
$$;

-- The dispute link of a support disable or override, or NULL; replaced in migration 0041 once
-- suspended credentials exist.
CREATE FUNCTION portal.dispute_link(p_event portal.audit_staging) RETURNS text
LANGUAGE sql SET search_path = pg_catalog, pg_temp AS $$
    SELECT NULL::text
$$;

-- Writes the outbox rows one event calls for (none for kinds that are not notified); returns how
-- many. The member's notice and the administrators' notice of each kind are composed here.
CREATE FUNCTION portal.compose_notifications(p_event portal.audit_staging) RETURNS integer
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    member portal.team_members;
    customer portal.customers;
    admin portal.team_members;
    said_when text := portal.mail_time(p_event.occurred_at);
    ticket_line text := CASE WHEN p_event.ticket IS NULL THEN '' ELSE format(E'Ticket: %s\n', p_event.ticket) END;
    member_subject text;
    member_body text;
    admin_subject text;
    admin_body text;
    what text;
    link text;
    written integer := 0;
    tell_admins boolean := p_event.action IN ('2fa_disabled_support', '2fa_disabled_override', '2fa_disputed',
                                              'mandatory_on', 'mandatory_off');
    not_you constant text := E'If this was not you, call support at once and quote the event number above: '
                             'someone may be trying to take over your sign-in.\n';
BEGIN
    IF p_event.action NOT IN ('2fa_disabled_support', '2fa_disabled_override', '2fa_disabled_self',
                              'recovery_locked', 'recovery_codes_regenerated', 'mandatory_on',
                              'mandatory_off', '2fa_disputed') THEN
        RETURN 0;
    END IF;
    SELECT * INTO member FROM portal.team_members m WHERE m.id = p_event.member_id;
    SELECT * INTO customer FROM portal.customers c WHERE c.id = p_event.customer_id;
    IF member.id IS NULL OR customer.id IS NULL THEN
        RETURN 0;
    END IF;
    member.name := portal.mail_text(member.name);
    customer.name := portal.mail_text(customer.name);

    IF p_event.action IN ('2fa_disabled_support', '2fa_disabled_override') THEN
        what := CASE WHEN p_event.action = '2fa_disabled_override'
                     THEN format('supervisor %s turned off two-factor authentication without a recovery code (an override)', p_event.actor)
                     ELSE format('support agent %s turned off two-factor authentication after a recovery code was read out on the phone', p_event.actor) END;
        link := portal.dispute_link(p_event);
        member_subject := format('Two-factor authentication was turned off for %s by support', member.email);
        member_body := format(E'Hello %s,\n\n%s for your sign-in %s (account %s, %s).\n\n'
                              'When: %s\nAgent: %s\n%sEvent: %s\n\n'
                              'Your authenticator app was suspended, not deleted: you can sign in with your password alone '
                              'and set up two-factor authentication again.\n\n',
                              member.name, upper(left(what, 1)) || substr(what, 2), member.email, customer.account_number,
                              customer.name, said_when, p_event.actor, ticket_line, p_event.event_id)
                       || CASE WHEN link IS NULL THEN not_you
                               ELSE format(E'If this was not you, open this link to undo it. It works once, until %s:\n\n  %s\n\n'
                                           'It turns two-factor authentication back on with the authenticator app you already have, '
                                           'signs every session of yours out, removes anything set up since, and tells your '
                                           'administrators. Do not forward this mail.\n',
                                           portal.mail_time(p_event.occurred_at + (SELECT s.dispute_window FROM portal.settings s)), link) END;
        admin_subject := format('Support turned off two-factor authentication for %s (%s)', member.email, customer.account_number);
        admin_body := format(E'%s for %s <%s>, a member of your account %s (%s).\n\n'
                             'When: %s\nAgent: %s\n%sEvent: %s\n\n'
                             'If neither you nor %s asked for this, call support at once and quote the event number: '
                             'someone may be trying to take over this sign-in. %s has been sent a link to undo it.\n',
                             upper(left(what, 1)) || substr(what, 2), member.name, member.email, customer.account_number,
                             customer.name, said_when, p_event.actor, ticket_line, p_event.event_id, member.name, member.name);
    ELSIF p_event.action = '2fa_disputed' THEN
        member_subject := format('Two-factor authentication is back on for %s', member.email);
        member_body := format(E'Hello %s,\n\nYou undid the support disable of your two-factor authentication for %s '
                              '(account %s, %s).\n\nWhen: %s\n%sEvent: %s\n\n'
                              'Your authenticator app works again; every session was signed out and anything set up since '
                              'the disable was removed. Your old recovery codes no longer work: the portal shows new ones '
                              'once, at your next sign-in.\n\n%s',
                              member.name, member.email, customer.account_number, customer.name, said_when, ticket_line,
                              p_event.event_id, not_you);
        admin_subject := format('%s disputed a support disable of two-factor authentication (%s)', member.email, customer.account_number);
        admin_body := format(E'%s <%s>, a member of your account %s (%s), said the support disable of their '
                             'two-factor authentication was not them, and undid it.\n\nWhen: %s\n%sEvent: %s\n\n'
                             'Their original authenticator app is active again and every session was signed out. '
                             'Support reviews the disable; you may want to review this member''s recent activity.\n',
                             member.name, member.email, customer.account_number, customer.name, said_when, ticket_line,
                             p_event.event_id);
    ELSIF p_event.action IN ('mandatory_on', 'mandatory_off') THEN
        what := CASE WHEN p_event.action = 'mandatory_on' THEN 'turned mandatory two-factor authentication on'
                     ELSE 'turned mandatory two-factor authentication off' END;
        admin_subject := format('Mandatory two-factor authentication was turned %s for %s',
                                CASE WHEN p_event.action = 'mandatory_on' THEN 'on' ELSE 'off' END, customer.account_number);
        admin_body := format(E'%s <%s>, an administrator, %s for account %s (%s).\n\nWhen: %s\nEvent: %s\n\n'
                             'If this was not you or another administrator of the account, call support at once and quote '
                             'the event number.\n',
                             member.name, member.email, what, customer.account_number, customer.name, said_when,
                             p_event.event_id);
    ELSE
        what := CASE p_event.action
            WHEN '2fa_disabled_self' THEN 'Two-factor authentication was turned off'
            WHEN 'recovery_locked' THEN format('Recovery-code checks by support were locked after too many wrong codes read out on the phone (checked by support agent %s)', p_event.actor)
            WHEN 'recovery_codes_regenerated' THEN 'New recovery codes were made; the old ones no longer work' END;
        member_subject := CASE p_event.action
            WHEN '2fa_disabled_self' THEN format('Two-factor authentication was turned off for %s', member.email)
            WHEN 'recovery_locked' THEN format('Support recovery of %s is locked after wrong codes', member.email)
            WHEN 'recovery_codes_regenerated' THEN format('New recovery codes for %s', member.email) END;
        member_body := format(E'Hello %s,\n\n%s for your sign-in %s (account %s, %s).\n\nWhen: %s\nBy: %s\nEvent: %s\n\n%s',
                              member.name, what, member.email, customer.account_number, customer.name, said_when,
                              portal.mail_actor(p_event.action, p_event.actor), p_event.event_id, not_you);
    END IF;

    IF member_body IS NOT NULL THEN
        PERFORM portal.enqueue_notification(p_event.event_id, p_event.action, member.id, member.email, 'member',
                                            member_subject, member_body);
        written := written + 1;
    END IF;
    IF tell_admins THEN
        FOR admin IN SELECT * FROM portal.team_members a
                      WHERE a.customer_id = customer.id AND a.role = 'administrator'
                        AND (a.id <> member.id OR member_body IS NULL)
                      ORDER BY a.id LOOP
            PERFORM portal.enqueue_notification(p_event.event_id, p_event.action, member.id, admin.email, 'administrator',
                                                admin_subject, format(E'Hello %s,\n\n', portal.mail_text(admin.name)) || admin_body);
            written := written + 1;
        END LOOP;
    END IF;
    RETURN written;
END
$$;

-- The staged event's notifications, in the transaction that stages it.
CREATE FUNCTION portal.notify_staged_event() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    PERFORM portal.compose_notifications(NEW);
    RETURN NULL;
END
$$;
CREATE TRIGGER audit_staging_notifies AFTER INSERT ON portal.audit_staging
    FOR EACH ROW EXECUTE FUNCTION portal.notify_staged_event();
ALTER TABLE portal.audit_staging ENABLE ALWAYS TRIGGER audit_staging_notifies;

-- The chainer writes a member's recovery lock straight into the chain (it is never staged):
-- its notification is written in that transaction.
CREATE FUNCTION portal.notify_chained_lock() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    PERFORM portal.compose_notifications(ROW(NEW.event_id, NEW.occurred_at, NEW.actor, NEW.action, NEW.target,
        NEW.reason, NEW.ticket, NEW.account_number, NEW.customer_id, NEW.member_id, NEW.request_id, NULL)::portal.audit_staging);
    RETURN NULL;
END
$$;
CREATE TRIGGER audit_lock_notifies AFTER INSERT ON portal.audit_events
    FOR EACH ROW WHEN (NEW.action = 'recovery_locked' AND NEW.member_id IS NOT NULL)
    EXECUTE FUNCTION portal.notify_chained_lock();
ALTER TABLE portal.audit_events ENABLE ALWAYS TRIGGER audit_lock_notifies;

REVOKE ALL ON FUNCTION portal.mail_time(timestamptz), portal.mail_text(text), portal.mail_actor(text, text),
    portal.dispute_link(portal.audit_staging), portal.compose_notifications(portal.audit_staging),
    portal.notify_staged_event(), portal.notify_chained_lock() FROM PUBLIC;
