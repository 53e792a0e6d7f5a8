-- The threads list's free-text filter matches a thread by its origin's words (its title is a
-- phrase of the origin). Matching through every mention's commitment read every matching unit
-- (hundreds of thousands for a common word in a large store): each thread now keeps its
-- origin's search vector, written with its mentions.
ALTER TABLE threads ADD COLUMN search tsvector;

UPDATE threads t SET search = c.search
FROM thread_mentions m JOIN commitments c ON c.id = m.commitment_id
WHERE m.thread_id = t.id AND m.position = 0;

CREATE INDEX threads_search_idx ON threads USING GIN (search) WHERE retired_at IS NULL;

-- The document page finds which of its units are in threads.
CREATE INDEX thread_mentions_document_idx ON thread_mentions (document_id);
