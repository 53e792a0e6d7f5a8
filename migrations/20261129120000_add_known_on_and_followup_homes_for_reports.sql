-- What progress reports read "as of" a date.

-- The day a document's statements became known: its signing date, else its publication
-- date, else the day it was stored (UTC). A mention counts from this day.
CREATE FUNCTION known_on(signed_on date, published_on date, ingested_at timestamptz)
RETURNS date
LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$
    SELECT coalesce(signed_on, published_on, (ingested_at AT TIME ZONE 'UTC')::date)
$$;

-- The thread each follow-up shows on: its own, or the end of the chain of threads a merge
-- retired it into (`threads.succeeded_by`), as the thread pages show it.
CREATE VIEW followup_homes AS
WITH RECURSIVE up(followup_id, thread_id, depth) AS (
    SELECT f.id, f.thread_id, 0 FROM followups f
    UNION ALL
    SELECT up.followup_id, t.succeeded_by, up.depth + 1
    FROM up JOIN threads t ON t.id = up.thread_id
    WHERE t.succeeded_by IS NOT NULL AND up.depth < 100
)
SELECT DISTINCT ON (followup_id) followup_id, thread_id
FROM up
ORDER BY followup_id, depth DESC;
