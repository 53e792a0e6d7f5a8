-- A topic's threads, most mentioned first ("the most restated trade commitments"): without
-- this index the list walked the whole store's order by mentions and filtered out the other
-- topics (67 ms for security with a deadline, at 108k threads).
CREATE INDEX threads_topic_mentions_idx ON threads (topic, mention_count DESC, id DESC)
    WHERE retired_at IS NULL;
