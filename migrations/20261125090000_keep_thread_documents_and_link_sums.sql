-- Linking a new document merges it with the threads it touches by average linkage, which
-- needs each thread's mentions per document and the link sums between threads. Read from the
-- mentions' commitments and from every link of every member, they cost the size of the
-- threads touched: at a million units, where threads of thousands of mentions are touched by
-- most documents, that was seconds per document. Both are now kept as threads change.

-- A mention's document, so that a thread's mentions per document are read from an index.
ALTER TABLE thread_mentions
    ADD COLUMN document_id bigint REFERENCES documents (id) ON DELETE CASCADE;
UPDATE thread_mentions m SET document_id = c.document_id
FROM commitments c WHERE c.id = m.commitment_id;
ALTER TABLE thread_mentions ALTER COLUMN document_id SET NOT NULL;
CREATE INDEX thread_mentions_documents_idx ON thread_mentions (thread_id, document_id);

-- Link ticks (score × 10,000, rounded) summed over the links between the members of two
-- threads (`low` < `high`). Kept by every write of mentions (src/store/threads.rs).
CREATE TABLE thread_link_sums (
    low   bigint NOT NULL REFERENCES threads (id),
    high  bigint NOT NULL REFERENCES threads (id),
    ticks bigint NOT NULL,
    PRIMARY KEY (low, high) INCLUDE (ticks),
    CHECK (low < high)
);

CREATE INDEX thread_link_sums_high_idx ON thread_link_sums (high) INCLUDE (low, ticks);

INSERT INTO thread_link_sums (low, high, ticks)
SELECT least(x.thread_id, y.thread_id), greatest(x.thread_id, y.thread_id),
       sum(round(l.score * 10000))::bigint
FROM links l
JOIN thread_mentions x ON x.commitment_id = l.a
JOIN thread_mentions y ON y.commitment_id = l.b
WHERE x.thread_id <> y.thread_id
GROUP BY 1, 2;
