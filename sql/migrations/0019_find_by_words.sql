-- find by words (issue 10, the slow paths).
--
-- Before: a name was found by trigram similarity over a million names, emails and customer
-- names. A surname 20,000 members share made the trigram index hand back every one of them for
-- a similarity each (p99 280-360 ms), and a word with two letters swapped ("Simth") shares too
-- few trigrams with the right one to be found at all.
--
-- Now names are words. Every name is cut into folded words (lower case, accents and marks
-- off: "Chloé" is chloe, "Bjørn" bjorn); portal.search_words holds each distinct word once, and
-- member_words / customer_words say who has which word (a B-tree, so a common word's first
-- members are an index range, not a filter over all of them). A query word is matched against
-- the distinct words only (hundreds or thousands, not a million): the same word, the word with
-- two letters swapped, with a letter too many or too few or one wrong, a word it begins, or a
-- similar word (trigrams); then the members of the matched words are an index look-up.
-- Several query words ("jane doe") find the members who have all of them first (the words'
-- index ranges merged on the member id), then those who have some.
--
-- Account numbers are found with or without their dash ("ms10442", "MS 10442"); an email is
-- found whole or by its beginning.
SET LOCAL ROLE supportdesk_owner;

-- A text as search compares it: lower case, decomposed, combining marks removed, and the
-- letters that do not decompose spelt in plain Latin (ø o, ł l, đ d, ħ h, ı i, ŧ t, ß ss, æ ae,
-- œ oe, þ th).
CREATE FUNCTION portal.search_fold(p_text text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE SET search_path = pg_catalog, pg_temp AS $$
    SELECT replace(replace(replace(replace(
               translate(regexp_replace(normalize(lower(p_text), NFD), '[\u0300-\u036f]', '', 'g'), 'øłđħıŧ', 'oldhit'),
               'ß', 'ss'), 'æ', 'ae'), 'œ', 'oe'), 'þ', 'th')
$$;

-- The distinct folded words of a text, sorted: what is between spaces, punctuation and symbols
-- (ASCII, Latin-1 and general punctuation, CJK punctuation), so "O'Connor" is o and connor and
-- "Smith-Jones" smith and jones.
CREATE FUNCTION portal.name_words(p_text text) RETURNS text[]
LANGUAGE sql IMMUTABLE PARALLEL SAFE SET search_path = pg_catalog, pg_temp AS $$
    SELECT coalesce(array_agg(DISTINCT w ORDER BY w), '{}')
      FROM regexp_split_to_table(portal.search_fold(p_text),
               '[\u0001-\u002f\u003a-\u0040\u005b-\u0060\u007b-\u00bf\u00d7\u00f7\u2000-\u206f\u3000-\u303f\ufeff]+') AS w
     WHERE w <> ''
$$;

-- Every word p_word becomes when two of its letters (the first 24) trade places.
CREATE FUNCTION portal.swapped_letters(p_word text) RETURNS text[]
LANGUAGE sql IMMUTABLE PARALLEL SAFE SET search_path = pg_catalog, pg_temp AS $$
    SELECT coalesce(array_agg(DISTINCT overlay(overlay(p_word PLACING substr(p_word, j, 1) FROM i FOR 1)
                                               PLACING substr(p_word, i, 1) FROM j FOR 1)), '{}')
      FROM generate_series(1, least(length(p_word), 24) - 1) AS i,
           generate_series(i + 1, least(length(p_word), 24)) AS j
     WHERE substr(p_word, i, 1) <> substr(p_word, j, 1)
$$;

-- Every word p_word becomes without one of its letters.
CREATE FUNCTION portal.one_letter_less(p_word text) RETURNS text[]
LANGUAGE sql IMMUTABLE PARALLEL SAFE SET search_path = pg_catalog, pg_temp AS $$
    SELECT coalesce(array_agg(DISTINCT overlay(p_word PLACING '' FROM i FOR 1)), '{}')
      FROM generate_series(1, least(length(p_word), 64)) AS i
$$;

-- True when one letter added, removed or changed turns one word into the other.
CREATE FUNCTION portal.one_edit_apart(p_a text, p_b text) RETURNS boolean
LANGUAGE sql IMMUTABLE PARALLEL SAFE SET search_path = pg_catalog, pg_temp AS $$
    SELECT CASE
        WHEN length(p_a) = length(p_b) THEN
            (SELECT count(*) FROM generate_series(1, length(p_a)) AS i WHERE substr(p_a, i, 1) <> substr(p_b, i, 1)) = 1
        WHEN length(p_a) = length(p_b) + 1 THEN p_b = ANY (portal.one_letter_less(p_a))
        WHEN length(p_b) = length(p_a) + 1 THEN p_a = ANY (portal.one_letter_less(p_b))
        ELSE false
    END
$$;

-- Each distinct word of every member's and customer's name, once. Words are never removed (a
-- word nobody has any more finds nobody), so adding a member never waits on removing one.
CREATE TABLE portal.search_words (
    word  text CONSTRAINT search_words_pkey PRIMARY KEY
);
-- Who has which word. Each is a B-tree on (word, id): the first members with a word, by id, are
-- one index range.
CREATE TABLE portal.member_words (
    word       text NOT NULL,
    member_id  bigint NOT NULL
);
CREATE TABLE portal.customer_words (
    word         text NOT NULL,
    customer_id  bigint NOT NULL
);

-- Maintained by triggers: a whole COPY at once (statement triggers with transition tables),
-- a renamed member or customer row by row.
CREATE FUNCTION portal.index_member_words() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    IF TG_OP = 'INSERT' AND TG_LEVEL = 'STATEMENT' THEN
        INSERT INTO portal.search_words (word)
        SELECT DISTINCT w FROM new_rows n CROSS JOIN LATERAL unnest(portal.name_words(n.name)) AS w
        ON CONFLICT DO NOTHING;
        INSERT INTO portal.member_words (word, member_id)
        SELECT w, n.id FROM new_rows n CROSS JOIN LATERAL unnest(portal.name_words(n.name)) AS w
         ORDER BY 1, 2;
        RETURN NULL;
    END IF;
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        DELETE FROM portal.member_words w WHERE w.word = ANY (portal.name_words(OLD.name)) AND w.member_id = OLD.id;
    END IF;
    IF TG_OP = 'UPDATE' THEN
        INSERT INTO portal.search_words (word) SELECT unnest(portal.name_words(NEW.name)) ON CONFLICT DO NOTHING;
        INSERT INTO portal.member_words (word, member_id) SELECT unnest(portal.name_words(NEW.name)), NEW.id;
    END IF;
    RETURN NULL;
END
$$;

CREATE FUNCTION portal.index_customer_words() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    IF TG_OP = 'INSERT' AND TG_LEVEL = 'STATEMENT' THEN
        INSERT INTO portal.search_words (word)
        SELECT DISTINCT w FROM new_rows n CROSS JOIN LATERAL unnest(portal.name_words(n.name)) AS w
        ON CONFLICT DO NOTHING;
        INSERT INTO portal.customer_words (word, customer_id)
        SELECT w, n.id FROM new_rows n CROSS JOIN LATERAL unnest(portal.name_words(n.name)) AS w
         ORDER BY 1, 2;
        RETURN NULL;
    END IF;
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        DELETE FROM portal.customer_words w WHERE w.word = ANY (portal.name_words(OLD.name)) AND w.customer_id = OLD.id;
    END IF;
    IF TG_OP = 'UPDATE' THEN
        INSERT INTO portal.search_words (word) SELECT unnest(portal.name_words(NEW.name)) ON CONFLICT DO NOTHING;
        INSERT INTO portal.customer_words (word, customer_id) SELECT unnest(portal.name_words(NEW.name)), NEW.id;
    END IF;
    RETURN NULL;
END
$$;

CREATE TRIGGER member_words_insert AFTER INSERT ON portal.team_members
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION portal.index_member_words();
CREATE TRIGGER member_words_rename AFTER UPDATE OF name ON portal.team_members
    FOR EACH ROW WHEN (OLD.name IS DISTINCT FROM NEW.name) EXECUTE FUNCTION portal.index_member_words();
CREATE TRIGGER member_words_delete AFTER DELETE ON portal.team_members
    FOR EACH ROW EXECUTE FUNCTION portal.index_member_words();
CREATE TRIGGER customer_words_insert AFTER INSERT ON portal.customers
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION portal.index_customer_words();
CREATE TRIGGER customer_words_rename AFTER UPDATE OF name ON portal.customers
    FOR EACH ROW WHEN (OLD.name IS DISTINCT FROM NEW.name) EXECUTE FUNCTION portal.index_customer_words();
CREATE TRIGGER customer_words_delete AFTER DELETE ON portal.customers
    FOR EACH ROW EXECUTE FUNCTION portal.index_customer_words();

-- The words of the rows already there (the keys are built after the load: faster than row by row).
INSERT INTO portal.member_words (word, member_id)
SELECT w, m.id FROM portal.team_members m CROSS JOIN LATERAL unnest(portal.name_words(m.name)) AS w ORDER BY 1, 2;
INSERT INTO portal.customer_words (word, customer_id)
SELECT w, c.id FROM portal.customers c CROSS JOIN LATERAL unnest(portal.name_words(c.name)) AS w ORDER BY 1, 2;
INSERT INTO portal.search_words (word)
SELECT word FROM portal.member_words UNION SELECT word FROM portal.customer_words;
ALTER TABLE portal.member_words ADD CONSTRAINT member_words_pkey PRIMARY KEY (word, member_id);
ALTER TABLE portal.customer_words ADD CONSTRAINT customer_words_pkey PRIMARY KEY (word, customer_id);

-- The distinct words by their beginning and by trigrams; emails by their beginning.
CREATE INDEX search_words_prefix ON portal.search_words (word text_pattern_ops);
CREATE INDEX search_words_trgm ON portal.search_words USING gin (word portal_ext.gin_trgm_ops);
CREATE INDEX team_members_email_prefix ON portal.team_members (lower(email) text_pattern_ops);
-- A phone number's last digits are the beginning of its reversed digits (the trigram index of
-- the digits handed back every number sharing a few digits, to be filtered).
CREATE INDEX team_members_phone_suffix ON portal.team_members (reverse(phone_digits) text_pattern_ops) WHERE phone_digits <> '';
DROP INDEX portal.team_members_phone_digits_trgm;
-- The trigram indexes over every name and email served only the old search.
DROP INDEX portal.team_members_name_trgm;
DROP INDEX portal.team_members_email_trgm;
DROP INDEX portal.customers_name_trgm;

-- The distinct words one query word may mean, best first (at most p_max): itself 1.0; two of
-- its letters swapped 0.9; one letter too many, too few or wrong 0.85; a word it begins
-- 0.6-0.9 (the more of the word typed, the higher); a similar word (trigram similarity of at
-- least 0.45) 0.8 × the similarity.
CREATE FUNCTION portal.matching_words(p_word text, p_max integer)
RETURNS TABLE (word text, score real)
-- PL/pgSQL keeps its plans for the session; a SQL function would plan this on every call.
LANGUAGE plpgsql STABLE SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    RETURN QUERY
    SELECT m.word, max(m.score)::real
      FROM (
        SELECT w.word, 1.0::float8 AS score FROM portal.search_words w WHERE w.word = p_word
        UNION ALL
        SELECT w.word, 0.9 FROM portal.search_words w WHERE w.word = ANY (portal.swapped_letters(p_word))
        UNION ALL
        SELECT w.word, 0.85 FROM portal.search_words w
         WHERE length(p_word) >= 4 AND w.word = ANY (portal.one_letter_less(p_word))
        UNION ALL
        (SELECT w.word, 0.6 + 0.3 * length(p_word) / length(w.word) FROM portal.search_words w
          WHERE length(p_word) >= 2 AND w.word ~>=~ p_word AND w.word ~<~ (p_word || chr(1114111))
          ORDER BY w.word LIMIT 50)
        UNION ALL
        SELECT t.word, CASE WHEN length(p_word) >= 4 AND portal.one_edit_apart(p_word, t.word) THEN 0.85
                            ELSE 0.8 * t.similarity END
          FROM (SELECT w.word, portal_ext.similarity(p_word, w.word) AS similarity FROM portal.search_words w
                 WHERE length(p_word) >= 3 AND w.word OPERATOR(portal_ext.%) p_word) t
         WHERE t.similarity >= 0.45 OR (length(p_word) >= 4 AND portal.one_edit_apart(p_word, t.word))
      ) m
     GROUP BY m.word
     ORDER BY 2 DESC, 1
     LIMIT p_max;
END
$$;

-- The first members (by id, at most p_limit) whose names have every one of p_words (distinct):
-- the word index's ranges of the words, joined on the member id (a merge of ranges in id order
-- that stops at p_limit; even two common words with nobody in common cost two index ranges).
CREATE FUNCTION portal.members_with_words(p_words text[], p_limit integer) RETURNS bigint[]
LANGUAGE plpgsql STABLE SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    joins text := '';
    found_ids bigint[];
BEGIN
    FOR i IN 2..cardinality(p_words) LOOP
        joins := joins || format(' JOIN portal.member_words w%1$s ON w%1$s.member_id = w1.member_id AND w%1$s.word = $1[%1$s]', i);
    END LOOP;
    EXECUTE format('SELECT array_agg(x.member_id ORDER BY x.member_id) FROM (SELECT w1.member_id FROM portal.member_words w1%s'
                   ' WHERE w1.word = $1[1] ORDER BY w1.member_id LIMIT $2) AS x', joins)
       INTO found_ids USING p_words, p_limit;
    RETURN coalesce(found_ids, '{}');
END
$$;

-- The same for customers' names.
CREATE FUNCTION portal.customers_with_words(p_words text[], p_limit integer) RETURNS bigint[]
LANGUAGE plpgsql STABLE SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    joins text := '';
    found_ids bigint[];
BEGIN
    FOR i IN 2..cardinality(p_words) LOOP
        joins := joins || format(' JOIN portal.customer_words w%1$s ON w%1$s.customer_id = w1.customer_id AND w%1$s.word = $1[%1$s]', i);
    END LOOP;
    EXECUTE format('SELECT array_agg(x.customer_id ORDER BY x.customer_id) FROM (SELECT w1.customer_id FROM portal.customer_words w1%s'
                   ' WHERE w1.word = $1[1] ORDER BY w1.customer_id LIMIT $2) AS x', joins)
       INTO found_ids USING p_words, p_limit;
    RETURN coalesce(found_ids, '{}');
END
$$;

-- Ranked matches for what an agent types (the answer of support.find_results). Exact keys
-- first: an email, an account number (with or without its dash), phone digits (the whole
-- number, or its last digits without a trunk zero); when one of those exists, it is the
-- answer. Otherwise names: members and customers whose names have every query word (or what
-- it may mean, see matching_words) first, then those with some of them, and emails that begin
-- with what was typed. A score is the mean over the query words of how well each matched,
-- times 0.9 for a member's name, 0.85 for an email's beginning and 0.8 for a customer's name;
-- ties go by account number and email. Among many equally good members (a common surname) the
-- first by member id are taken, so the same question gets the same answer.
CREATE OR REPLACE FUNCTION portal.find_unrecorded(p_query text, p_limit integer DEFAULT 20)
RETURNS TABLE (
    member_id bigint, account_number text, customer_name text, name text, email text, role text,
    phone text, twofa_state text, mandatory_2fa boolean, matched_on text, score real
)
LANGUAGE plpgsql STABLE SECURITY INVOKER SET search_path = pg_catalog, pg_temp
-- Every path below is an index look-up; a plan that scans a table instead would cost
-- hundreds of milliseconds at a million members.
SET enable_seqscan = off AS $$
#variable_conflict use_column
DECLARE
    query text := btrim(coalesce(p_query, ''));
    lowered text := lower(btrim(coalesce(p_query, '')));
    digits text := regexp_replace(coalesce(p_query, ''), '[^0-9]', '', 'g');
    account text;
    looks_like_phone boolean;
    query_words text[];
    word_count integer;
    alternatives record;
    alt_words text[];
    alt_scores real[];
    alt_positions bigint[];
    best_words text[];
    best_total real;
    hits portal.search_hit[] := '{}';
    seen bigint[] := '{}';
    customers bigint[] := '{}';
    customer_scores real[] := '{}';
    more portal.search_hit[];
BEGIN
    IF query = '' OR length(query) > 200 THEN
        RAISE EXCEPTION USING ERRCODE = 'DK010', MESSAGE = 'search for 1 to 200 characters of an email, account number, phone number or name';
    END IF;
    IF p_limit IS NULL OR p_limit NOT BETWEEN 1 AND 1000 THEN
        RAISE EXCEPTION USING ERRCODE = 'DK010', MESSAGE = 'the limit must be between 1 and 1000';
    END IF;
    -- "ms10442", "MS 10442" and "ms-10442" are all MS-10442.
    IF query ~ '^[A-Za-z]{2}[[:space:]-]*[0-9]{3,10}$' THEN
        account := upper(substr(query, 1, 2)) || '-' || regexp_replace(query, '[^0-9]', '', 'g');
    END IF;
    -- A national number's trunk zeros ("020 …") are not in the stored international digits.
    looks_like_phone := query ~ '^[+0-9 ().-]+$' AND length(ltrim(digits, '0')) >= 6;

    RETURN QUERY
    WITH hits AS (
        SELECT m.id, 1.0::real AS score, 'email'::text AS matched_on
          FROM portal.team_members m WHERE lower(m.email) = lowered
        UNION ALL
        SELECT m.id, 1.0::real, 'account'
          FROM portal.customers c JOIN portal.team_members m ON m.customer_id = c.id
         WHERE c.account_number = upper(query) OR c.account_number = account
        UNION ALL
        SELECT m.id, CASE WHEN m.phone_digits = digits THEN 0.95::real ELSE 0.9::real END, 'phone'
          FROM portal.team_members m
         WHERE looks_like_phone AND m.phone_digits <> ''
           AND (m.phone_digits = digits
                OR (reverse(m.phone_digits) ~>=~ reverse(ltrim(digits, '0'))
                    AND reverse(m.phone_digits) ~<~ (reverse(ltrim(digits, '0')) || chr(1114111))))
    )
    SELECT * FROM portal.ranked_members(ARRAY(SELECT ROW(h.id, h.score, h.matched_on)::portal.search_hit FROM hits h), p_limit);
    IF FOUND THEN
        RETURN;
    END IF;

    -- The query's words (at most six) and, for each, the distinct words it may mean.
    query_words := (portal.name_words(query))[1:6];
    word_count := cardinality(query_words);
    IF word_count > 0 THEN
        SELECT array_agg(a.word ORDER BY a.score DESC, a.position, a.word),
               array_agg(a.score ORDER BY a.score DESC, a.position, a.word),
               array_agg(a.position ORDER BY a.score DESC, a.position, a.word)
          INTO alt_words, alt_scores, alt_positions
          FROM unnest(query_words) WITH ORDINALITY AS q(word, position)
         CROSS JOIN LATERAL (SELECT q.position, m.word, m.score FROM portal.matching_words(q.word, 20) m) a;
        -- The best meaning of each query word (the first of its alternatives).
        SELECT array_agg(DISTINCT b.word ORDER BY b.word), sum(b.score)
          INTO best_words, best_total
          FROM (SELECT DISTINCT ON (a.position) a.word, a.score
                  FROM unnest(alt_words, alt_scores, alt_positions) AS a(word, score, position)
                 ORDER BY a.position, a.score DESC, a.word) b;
    END IF;
    alt_words := coalesce(alt_words, '{}');
    alt_scores := coalesce(alt_scores, '{}');

    IF cardinality(alt_words) > 0 THEN
        -- Members: first those whose names have the best meaning of every matched word ...
        IF cardinality(best_words) >= 2 THEN
            SELECT array_agg(ROW(m.id, (0.9 * best_total / word_count)::real, 'name')::portal.search_hit)
              INTO more FROM unnest(portal.members_with_words(best_words, p_limit)) AS m(id);
            hits := hits || coalesce(more, '{}');
            seen := ARRAY(SELECT (h).id FROM unnest(hits) h);
        END IF;
        -- ... then those with any of the words, the best meanings first, by member id.
        FOR alternatives IN SELECT a.word, a.score FROM unnest(alt_words, alt_scores) AS a(word, score) LOOP
            EXIT WHEN cardinality(seen) >= p_limit;
            SELECT array_agg(ROW(w.member_id, (0.9 * alternatives.score / word_count)::real, 'name')::portal.search_hit)
              INTO more
              FROM (SELECT w.member_id FROM portal.member_words w
                     WHERE w.word = alternatives.word AND w.member_id <> ALL (seen)
                     ORDER BY w.member_id LIMIT p_limit - cardinality(seen)) w;
            hits := hits || coalesce(more, '{}');
            seen := seen || ARRAY(SELECT (h).id FROM unnest(coalesce(more, '{}')) h);
        END LOOP;

        -- Customers the same way, then their members (by customer, then email).
        IF cardinality(best_words) >= 2 THEN
            customers := portal.customers_with_words(best_words, p_limit);
            customer_scores := array_fill((0.8 * best_total / word_count)::real, ARRAY[cardinality(customers)]);
        END IF;
        FOR alternatives IN SELECT a.word, a.score FROM unnest(alt_words, alt_scores) AS a(word, score) LOOP
            EXIT WHEN cardinality(customers) >= p_limit;
            SELECT customers || coalesce(array_agg(w.customer_id ORDER BY w.customer_id), '{}'),
                   customer_scores || coalesce(array_agg((0.8 * alternatives.score / word_count)::real), '{}')
              INTO customers, customer_scores
              FROM (SELECT w.customer_id FROM portal.customer_words w
                     WHERE w.word = alternatives.word AND w.customer_id <> ALL (customers)
                     ORDER BY w.customer_id LIMIT p_limit - cardinality(customers)) w;
        END LOOP;
        IF cardinality(customers) > 0 THEN
            SELECT array_agg(ROW(m.id, m.score, 'customer')::portal.search_hit) INTO more
              FROM (SELECT t.id, k.score FROM unnest(customers, customer_scores) WITH ORDINALITY AS k(id, score, position)
                     CROSS JOIN LATERAL (SELECT t.id FROM portal.team_members t WHERE t.customer_id = k.id
                                          ORDER BY lower(t.email) LIMIT p_limit) t
                     ORDER BY k.position LIMIT p_limit) m;
            hits := hits || coalesce(more, '{}');
        END IF;
    END IF;

    -- Emails by their beginning, when what was typed looks like (part of) one.
    IF lowered !~ '[[:space:]]' AND lowered ~ '[@.]' THEN
        SELECT array_agg(ROW(m.id, 0.85::real, 'email')::portal.search_hit) INTO more
          FROM (SELECT t.id FROM portal.team_members t
                 WHERE lower(t.email) ~>=~ lowered AND lower(t.email) ~<~ (lowered || chr(1114111))
                 ORDER BY lower(t.email) USING OPERATOR(pg_catalog.~<~) LIMIT p_limit) m;
        hits := hits || coalesce(more, '{}');
    END IF;

    RETURN QUERY SELECT * FROM portal.ranked_members(hits, p_limit);
END
$$;

REVOKE ALL ON FUNCTION portal.search_fold(text), portal.name_words(text), portal.swapped_letters(text),
    portal.one_letter_less(text), portal.one_edit_apart(text, text), portal.matching_words(text, integer),
    portal.members_with_words(text[], integer), portal.customers_with_words(text[], integer),
    portal.index_member_words(), portal.index_customer_words(), portal.find_unrecorded(text, integer) FROM PUBLIC;
