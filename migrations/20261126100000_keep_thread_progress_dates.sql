-- What the documents say of a thread's progress, as of any date: the date of its first
-- mention that fulfils it and of its first that advances it. The pages derive a thread's
-- status from these and its deadline (fulfilled, in progress, overdue, open) without reading
-- its mentions; the linker keeps them as it writes mentions.
ALTER TABLE threads
    ADD COLUMN fulfilled_on date,
    ADD COLUMN advanced_on date;

UPDATE threads t SET fulfilled_on = p.fulfilled_on, advanced_on = p.advanced_on
FROM (
    SELECT m.thread_id,
           min(coalesce(d.signed_on, d.published_on)) FILTER (WHERE m.relation = 'fulfils')
               AS fulfilled_on,
           min(coalesce(d.signed_on, d.published_on)) FILTER (WHERE m.relation = 'advances')
               AS advanced_on
    FROM thread_mentions m JOIN documents d ON d.id = m.document_id
    WHERE m.relation IN ('fulfils', 'advances')
    GROUP BY m.thread_id
) p
WHERE p.thread_id = t.id;

-- A thread's status as of a date, from the documents alone (`link::Status::of` is the same
-- rule): fulfilled once a mention reports it done; overdue once its deadline has passed
-- unfulfilled; in progress once a mention reports a step towards it; else open.
CREATE FUNCTION thread_status(fulfilled_on date, advanced_on date, deadline date, as_of date)
RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$
    SELECT CASE
        WHEN fulfilled_on <= as_of THEN 'fulfilled'
        WHEN deadline < as_of THEN 'overdue'
        WHEN advanced_on <= as_of THEN 'in_progress'
        ELSE 'open'
    END
$$;

-- The pages list active threads by these.
CREATE INDEX threads_first_stated_idx ON threads (first_stated) WHERE retired_at IS NULL;
CREATE INDEX threads_deadline_idx ON threads (deadline) WHERE retired_at IS NULL;
CREATE INDEX threads_topic_idx ON threads (topic, last_mentioned DESC) WHERE retired_at IS NULL;
CREATE INDEX threads_parties_idx ON threads USING GIN (parties) WHERE retired_at IS NULL;
