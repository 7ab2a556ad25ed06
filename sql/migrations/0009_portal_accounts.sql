-- The portal's API, part 1: customers, team members, mandatory 2FA and agents' roles.
-- The portal holds PORTAL_SECRET_KEY and checks passwords and TOTP codes itself; the database
-- enforces replay protection, lockouts, the administrator rule for mandatory 2FA, and records
-- every event.
SET LOCAL ROLE supportdesk_owner;

CREATE FUNCTION portal_api.create_customer(p_account text, p_name text) RETURNS bigint
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    new_id bigint;
BEGIN
    IF p_account IS NULL OR btrim(p_account) !~ '^[A-Za-z]{2}-[0-9]{3,10}$' THEN
        RAISE EXCEPTION USING ERRCODE = 'DK106', MESSAGE = 'an account number is two letters, a dash and 3 to 10 digits, like MS-10442';
    END IF;
    IF p_name IS NULL OR length(btrim(p_name)) NOT BETWEEN 1 AND 200 THEN
        RAISE EXCEPTION USING ERRCODE = 'DK106', MESSAGE = 'a customer name is 1 to 200 characters';
    END IF;
    INSERT INTO portal.customers (account_number, name) VALUES (upper(btrim(p_account)), btrim(p_name))
    RETURNING id INTO new_id;
    RETURN new_id;
EXCEPTION WHEN unique_violation THEN
    RAISE EXCEPTION USING ERRCODE = 'DK104', MESSAGE = format('customer %s already exists', upper(btrim(p_account)));
END
$$;

CREATE FUNCTION portal_api.add_member(
    p_account text, p_email text, p_name text, p_role text, p_phone text, p_password_hash text
) RETURNS bigint
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    customer bigint;
    new_id bigint;
BEGIN
    SELECT c.id INTO customer FROM portal.customers c WHERE c.account_number = upper(btrim(p_account));
    IF customer IS NULL THEN
        RAISE EXCEPTION USING ERRCODE = 'DK013', MESSAGE = format('no customer %s', p_account);
    END IF;
    IF p_email IS NULL OR btrim(p_email) !~ '^[^@[:space:]]+@[^@[:space:]]+\.[^@[:space:]]+$' OR length(p_email) > 254 THEN
        RAISE EXCEPTION USING ERRCODE = 'DK106', MESSAGE = format('%s is not an email address', p_email);
    END IF;
    IF p_name IS NULL OR length(btrim(p_name)) NOT BETWEEN 1 AND 200 THEN
        RAISE EXCEPTION USING ERRCODE = 'DK106', MESSAGE = 'a name is 1 to 200 characters';
    END IF;
    IF coalesce(p_role, '') NOT IN ('administrator', 'member') THEN
        RAISE EXCEPTION USING ERRCODE = 'DK106', MESSAGE = 'the role is administrator or member';
    END IF;
    IF p_phone IS NOT NULL AND (length(p_phone) > 40 OR p_phone !~ '^\+?[0-9 ().-]+$') THEN
        RAISE EXCEPTION USING ERRCODE = 'DK106', MESSAGE = format('%s is not a phone number', p_phone);
    END IF;
    INSERT INTO portal.team_members (customer_id, email, name, role, phone, password_hash)
    VALUES (customer, btrim(p_email), btrim(p_name), p_role, nullif(btrim(p_phone), ''), p_password_hash)
    RETURNING id INTO new_id;
    RETURN new_id;
EXCEPTION WHEN unique_violation THEN
    RAISE EXCEPTION USING ERRCODE = 'DK105', MESSAGE = format('%s is already a team member', btrim(p_email));
END
$$;

-- Turns mandatory 2FA on or off for a customer; only one of its administrators may. Returns
-- false when it already was in that state (nothing recorded).
CREATE FUNCTION portal_api.set_mandatory(p_account text, p_admin_email text, p_on boolean) RETURNS boolean
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    customer portal.customers;
    admin portal.team_members;
BEGIN
    SELECT * INTO customer FROM portal.customers c WHERE c.account_number = upper(btrim(p_account)) FOR NO KEY UPDATE;
    IF NOT FOUND THEN
        RAISE EXCEPTION USING ERRCODE = 'DK013', MESSAGE = format('no customer %s', p_account);
    END IF;
    SELECT * INTO admin FROM portal.team_members m WHERE lower(m.email) = lower(btrim(p_admin_email));
    IF NOT FOUND OR admin.customer_id <> customer.id OR admin.role <> 'administrator' THEN
        RAISE EXCEPTION USING ERRCODE = 'DK103',
            MESSAGE = format('%s is not an administrator of %s', p_admin_email, customer.account_number);
    END IF;
    IF customer.mandatory_2fa = p_on THEN
        RETURN false;
    END IF;
    UPDATE portal.customers
       SET mandatory_2fa = p_on,
           mandatory_2fa_by = CASE WHEN p_on THEN admin.id END,
           mandatory_2fa_since = CASE WHEN p_on THEN clock_timestamp() END
     WHERE id = customer.id;
    PERFORM portal.append_event(CASE WHEN p_on THEN 'mandatory_on' ELSE 'mandatory_off' END,
        customer.account_number, format('by %s', admin.email), NULL, customer.id, admin.id);
    RETURN true;
END
$$;

-- Creates a support agent's login role in the right group. Runs with the caller's rights
-- (creating roles needs CREATEROLE), so it is kept from everyone else.
CREATE FUNCTION portal_api.create_agent(p_name text, p_supervisor boolean) RETURNS void
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    IF p_name IS NULL OR p_name !~ '^[a-z][a-z0-9_]{1,62}$' THEN
        RAISE EXCEPTION USING ERRCODE = 'DK106',
            MESSAGE = 'an agent name is 2 to 63 lower-case letters, digits or underscores, starting with a letter';
    END IF;
    IF EXISTS (SELECT FROM pg_catalog.pg_roles WHERE rolname = p_name) THEN
        RAISE EXCEPTION USING ERRCODE = 'DK105', MESSAGE = format('a role named %s already exists', p_name);
    END IF;
    EXECUTE format('CREATE ROLE %I LOGIN IN ROLE %I', p_name,
                   CASE WHEN p_supervisor THEN 'support_supervisor' ELSE 'support_agent' END);
END
$$;

REVOKE ALL ON FUNCTION portal_api.create_customer(text, text),
    portal_api.add_member(text, text, text, text, text, text),
    portal_api.set_mandatory(text, text, boolean),
    portal_api.create_agent(text, boolean) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION portal_api.create_customer(text, text),
    portal_api.add_member(text, text, text, text, text, text),
    portal_api.set_mandatory(text, text, boolean) TO portal_app;
