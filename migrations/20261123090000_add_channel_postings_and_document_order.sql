-- Threads are built document by document in document order (date, then content hash), and a
-- unit is compared, through each of its channels, only with the last units before its
-- document that have the channel (a fixed number of them). Both are read through indexes, so
-- linking a document that comes after everything linked so far costs the same however large
-- the store is.

-- One row per (channel, unit): the unit's place in document order as text that sorts like
-- it ('0' || date || '|' || content hash || span; undated documents start with '1' and come
-- last), compared byte by byte.
CREATE TABLE channel_postings (
    channel       text   NOT NULL,
    unit_order    text   COLLATE "C" NOT NULL,
    commitment_id bigint NOT NULL REFERENCES commitments (id) ON DELETE CASCADE,
    document_id   bigint NOT NULL REFERENCES documents (id) ON DELETE CASCADE,
    PRIMARY KEY (channel, commitment_id)
);

CREATE INDEX channel_postings_order_idx ON channel_postings (channel, unit_order);
CREATE INDEX channel_postings_document_idx ON channel_postings (document_id);

-- Candidates no longer come from every unit sharing a channel.
DROP INDEX link_profiles_channels_idx;

-- Where each linked document comes in document order: a new document after all of them is
-- linked on its own; one before any of them (back-filling an archive) relinks everything.
ALTER TABLE document_links ADD COLUMN document_order text COLLATE "C";

CREATE INDEX document_links_order_idx ON document_links (linker, document_order);
