-- Linking a new document reads, for each of its channels, the last units before it, and, for
-- the threads it joins, every link of their members with its score. Both are read from
-- indexes alone (index-only scans), without visiting table rows: a link row carries its
-- evidence, which is large, so visiting rows cost most of the time at 100,000 units.

DROP INDEX channel_postings_order_idx;
CREATE INDEX channel_postings_window_idx
    ON channel_postings (channel, unit_order) INCLUDE (commitment_id);

ALTER TABLE links DROP CONSTRAINT links_pkey, ADD PRIMARY KEY (a, b) INCLUDE (score);
DROP INDEX links_b_idx;
CREATE INDEX links_b_idx ON links (b) INCLUDE (a, score);
