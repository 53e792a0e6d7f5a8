-- The document page asks which thread each of its units is in: answered from the index alone
-- (a document's mentions lie all over the table; reading their rows was most of the page's
-- time in the database).
DROP INDEX thread_mentions_document_idx;
CREATE INDEX thread_mentions_document_idx ON thread_mentions (document_id)
    INCLUDE (commitment_id, thread_id);
