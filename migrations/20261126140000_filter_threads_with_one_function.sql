-- The threads list's filters, in one place (a relation filter of fulfils or advances reads the
-- thread's first fulfilled and advanced dates, so it counts dated mentions only): the list's four orders are four queries (each
-- walks its own index), and its count a fifth, all filtering alike. A SQL function of one
-- expression without sub-selects is inlined by the planner, so each query is planned as if
-- written out: the threads with mentions of another relation (reaffirms, revises, refers)
-- come as an array (`relation_threads`), read beforehand.
CREATE FUNCTION thread_matches(
    t threads, as_of date, topic text, party text, statuses text[], relation text,
    from_year int, to_year int, has_deadline boolean, words tsquery, relation_threads bigint[]
) RETURNS boolean
LANGUAGE sql STABLE
AS $$
    SELECT t.retired_at IS NULL AND t.mention_count > 0
        AND (t.first_stated IS NULL OR t.first_stated <= as_of)
        AND (topic IS NULL OR t.topic = topic)
        AND (party IS NULL OR t.parties @> ARRAY[party])
        AND (statuses IS NULL
             OR thread_status(t.fulfilled_on, t.advanced_on, t.deadline, as_of) = ANY(statuses))
        AND (relation IS NULL
             OR (relation = 'fulfils' AND t.fulfilled_on IS NOT NULL)
             OR (relation = 'advances' AND t.advanced_on IS NOT NULL)
             OR relation = 'origin'
             OR t.id = ANY(relation_threads))
        AND (from_year IS NULL OR t.last_mentioned >= make_date(from_year, 1, 1))
        AND (to_year IS NULL OR t.first_stated <= make_date(to_year, 12, 31))
        AND (NOT has_deadline OR t.deadline IS NOT NULL)
        AND (words IS NULL OR t.search @@ words)
$$;

-- The list's orders, each with an index that gives it (the most recently mentioned first,
-- undated last: the index on last_mentioned put undated threads first, so it went unused).
CREATE INDEX threads_mentions_idx ON threads (mention_count DESC, id DESC) WHERE retired_at IS NULL;
CREATE INDEX threads_last_mentioned_idx ON threads (last_mentioned DESC NULLS LAST, id DESC)
    WHERE retired_at IS NULL;
DROP INDEX threads_active_idx;
