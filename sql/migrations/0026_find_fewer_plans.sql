-- find by words, with less planning per look-up (issue 10, the slow paths).
--
-- Measured after 0019: a first name with two letters swapped ("jnae doe") took 11 ms, half of
-- it planning. one_edit_apart was a SQL function with subqueries, planned anew for every
-- similar word it was asked about (twice each), and the "all of these words" look-ups were
-- planned even when a word is in no name of that kind (a person's name among customers).
SET LOCAL ROLE supportdesk_owner;

-- True when one letter added, removed or changed turns one word into the other: the two agree
-- up to their first difference, and after it once the extra or changed letter is skipped.
CREATE OR REPLACE FUNCTION portal.one_edit_apart(p_a text, p_b text) RETURNS boolean
LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    a_length integer := length(p_a);
    b_length integer := length(p_b);
    i integer := 1;
BEGIN
    IF abs(a_length - b_length) > 1 OR p_a = p_b THEN
        RETURN false;
    END IF;
    WHILE i <= least(a_length, b_length) AND substr(p_a, i, 1) = substr(p_b, i, 1) LOOP
        i := i + 1;
    END LOOP;
    IF a_length = b_length THEN
        RETURN substr(p_a, i + 1) = substr(p_b, i + 1);
    ELSIF a_length > b_length THEN
        RETURN substr(p_a, i + 1) = substr(p_b, i);
    END IF;
    RETURN substr(p_a, i) = substr(p_b, i + 1);
END
$$;

-- As in 0019, asking one_edit_apart once per similar word.
CREATE OR REPLACE FUNCTION portal.matching_words(p_word text, p_max integer)
RETURNS TABLE (word text, score real)
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
        SELECT t.word, CASE WHEN t.near THEN 0.85 ELSE 0.8 * t.similarity END
          FROM (SELECT w.word, portal_ext.similarity(p_word, w.word) AS similarity,
                       length(p_word) >= 4 AND portal.one_edit_apart(p_word, w.word) AS near
                  FROM portal.search_words w
                 WHERE length(p_word) >= 3 AND w.word OPERATOR(portal_ext.%) p_word) t
         WHERE t.similarity >= 0.45 OR t.near
      ) m
     GROUP BY m.word
     ORDER BY 2 DESC, 1
     LIMIT p_max;
END
$$;

-- As in 0019, but a word no member's name has answers at once, unplanned.
CREATE OR REPLACE FUNCTION portal.members_with_words(p_words text[], p_limit integer) RETURNS bigint[]
LANGUAGE plpgsql STABLE SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    joins text := '';
    found_ids bigint[];
BEGIN
    IF EXISTS (SELECT FROM unnest(p_words) AS w(word)
                WHERE NOT EXISTS (SELECT FROM portal.member_words m WHERE m.word = w.word)) THEN
        RETURN '{}';
    END IF;
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
CREATE OR REPLACE FUNCTION portal.customers_with_words(p_words text[], p_limit integer) RETURNS bigint[]
LANGUAGE plpgsql STABLE SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    joins text := '';
    found_ids bigint[];
BEGIN
    IF EXISTS (SELECT FROM unnest(p_words) AS w(word)
                WHERE NOT EXISTS (SELECT FROM portal.customer_words c WHERE c.word = w.word)) THEN
        RETURN '{}';
    END IF;
    FOR i IN 2..cardinality(p_words) LOOP
        joins := joins || format(' JOIN portal.customer_words w%1$s ON w%1$s.customer_id = w1.customer_id AND w%1$s.word = $1[%1$s]', i);
    END LOOP;
    EXECUTE format('SELECT array_agg(x.customer_id ORDER BY x.customer_id) FROM (SELECT w1.customer_id FROM portal.customer_words w1%s'
                   ' WHERE w1.word = $1[1] ORDER BY w1.customer_id LIMIT $2) AS x', joins)
       INTO found_ids USING p_words, p_limit;
    RETURN coalesce(found_ids, '{}');
END
$$;

REVOKE ALL ON FUNCTION portal.one_edit_apart(text, text), portal.matching_words(text, integer),
    portal.members_with_words(text[], integer), portal.customers_with_words(text[], integer) FROM PUBLIC;
