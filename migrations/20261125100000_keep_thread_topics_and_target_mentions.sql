-- Appending mentions to a thread reads its topics (mentions and first position per topic,
-- for its main topic) and its origin and mentions that state a target (for relations). Both
-- were read from every mention's commitment, which costs the thread's size; they are now
-- kept as mentions are written.

CREATE TABLE thread_topics (
    thread_id      bigint NOT NULL REFERENCES threads (id),
    topic          text NOT NULL,
    mentions       integer NOT NULL CHECK (mentions > 0),
    first_position integer NOT NULL CHECK (first_position >= 0),
    PRIMARY KEY (thread_id, topic)
);

INSERT INTO thread_topics (thread_id, topic, mentions, first_position)
SELECT m.thread_id, c.topic, count(*), min(m.position)
FROM thread_mentions m JOIN commitments c ON c.id = m.commitment_id
GROUP BY 1, 2;

-- Whether the mention's unit states a target (a metric with an amount).
ALTER TABLE thread_mentions ADD COLUMN states_target boolean NOT NULL DEFAULT false;
UPDATE thread_mentions m SET states_target = true
FROM commitments c
WHERE c.id = m.commitment_id AND jsonb_array_length(c.attributes -> 'targets') > 0;

CREATE INDEX thread_mentions_context_idx ON thread_mentions (thread_id) INCLUDE (commitment_id)
    WHERE position = 0 OR states_target;
