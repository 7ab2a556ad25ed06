-- One rule for reading a recovery code, shared with TOTPCore's RecoveryCode(parsing:): the
-- database must read codes itself (it hashes them), so it implements the same rule, and a test
-- holds the two equal (separators, case, O/I/L, the 64-character cap).
--
-- Before: `[[:space:]-]` removed what the server's locale calls space (not a pasted no-break
-- space or en dash, which the console forgave), and upper() folded non-ASCII letters (a Turkish
-- dotless i became I, then 1), which the console refused.
SET LOCAL ROLE supportdesk_owner;

-- The separators dropped between groups: Unicode White_Space and dash punctuation (Pd).
CREATE FUNCTION portal.recovery_code_separators() RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE SET search_path = pg_catalog, pg_temp AS $$
    SELECT U&'\0009\000A\000B\000C\000D\0020\0085\00A0\1680\2000\2001\2002\2003\2004\2005\2006\2007\2008\2009\200A\2028\2029\202F\205F\3000\002D\058A\05BE\1400\1806\2010\2011\2012\2013\2014\2015\2E17\2E1A\2E3A\2E3B\2E40\2E5D\301C\3030\30A0\FE31\FE32\FE58\FE63\FF0D\+010D6E\+010EAD'::text
$$;

CREATE OR REPLACE FUNCTION portal.normalise_recovery_code(p_code text) RETURNS text
LANGUAGE plpgsql IMMUTABLE SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    alphabet constant text := '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
    code text;
    factor integer := 2;
    total integer := 0;
    addend integer;
BEGIN
    IF p_code IS NULL OR length(p_code) > 64 THEN
        RETURN NULL;
    END IF;
    -- translate() with a shorter target deletes; only ASCII letters change case.
    code := translate(p_code, portal.recovery_code_separators(), '');
    code := translate(code, 'abcdefghijklmnopqrstuvwxyz', 'ABCDEFGHIJKLMNOPQRSTUVWXYZ');
    code := translate(code, 'OIL', '011');
    IF code !~ '^[0-9A-HJKMNP-TV-Z]{16}$' THEN
        RETURN NULL;
    END IF;
    FOR i IN REVERSE 15..1 LOOP
        addend := factor * (strpos(alphabet, substr(code, i, 1)) - 1);
        factor := CASE WHEN factor = 2 THEN 1 ELSE 2 END;
        total := total + addend / 32 + addend % 32;
    END LOOP;
    IF strpos(alphabet, substr(code, 16, 1)) - 1 <> (32 - total % 32) % 32 THEN
        RETURN NULL;
    END IF;
    RETURN code;
END
$$;

REVOKE ALL ON FUNCTION portal.recovery_code_separators() FROM PUBLIC;
