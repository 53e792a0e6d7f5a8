-- Cross-document linking. A link joins two units of different documents that state the same
-- commitment; linked units are clustered into threads. Everything here is derived from the
-- commitments by the linker and rebuilt by `pledgeline relink`; thread ids are kept stable
-- across relinks (a thread keeps its id while it keeps most of its mentions), and a thread
-- that loses all its mentions is retired, never deleted, so that work attached to it later is
-- kept.

-- A document whose body is identical to another's (the same article filed twice, or
-- republished) is a copy: only the first of them (by date, then content hash) is linked.
ALTER TABLE documents ADD COLUMN body_md5 text GENERATED ALWAYS AS (md5(body)) STORED;
CREATE INDEX documents_body_md5_idx ON documents (body_md5);

-- What the linker read of each unit, so that a unit is analysed once: its weighted features
-- (content words `w:贸易额`, keys `k:org:sco`), and the channels through which it finds its
-- candidates (its keys and its rarer words): two units are compared only when they share one.
CREATE TABLE link_profiles (
    commitment_id bigint PRIMARY KEY REFERENCES commitments (id) ON DELETE CASCADE,
    document_id   bigint NOT NULL REFERENCES documents (id) ON DELETE CASCADE,
    channels      text[] NOT NULL,
    -- [[name, weight], …] sorted by name.
    features      jsonb NOT NULL,
    -- Names a step towards something; reports something done (for relations).
    advance       boolean NOT NULL,
    fulfil        boolean NOT NULL
);

CREATE INDEX link_profiles_channels_idx ON link_profiles USING GIN (channels);
CREATE INDEX link_profiles_document_idx ON link_profiles (document_id);

-- Scored links, earlier unit first (`a` precedes `b` in document order).
CREATE TABLE links (
    a        bigint NOT NULL REFERENCES commitments (id) ON DELETE CASCADE,
    b        bigint NOT NULL REFERENCES commitments (id) ON DELETE CASCADE,
    score    double precision NOT NULL CHECK (score > 0),
    -- Shared keys and words, target agreement, topic and party agreement.
    evidence jsonb NOT NULL,
    PRIMARY KEY (a, b),
    CHECK (a <> b)
);

CREATE INDEX links_b_idx ON links (b);

CREATE TABLE threads (
    id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    -- A short phrase from the origin.
    title          text NOT NULL,
    topic          text NOT NULL,
    -- Party codes.
    parties        text[] NOT NULL,
    -- As stated ('2015', '2015-06', '2015-06-30') and its last day, for overdue queries.
    deadline_text  text,
    deadline       date,
    -- The target (metric, amount, unit, deadline) from the latest mention stating one.
    target         jsonb,
    first_stated   date,
    last_mentioned date,
    mention_count  integer NOT NULL CHECK (mention_count >= 0),
    created_at     timestamptz NOT NULL DEFAULT now(),
    updated_at     timestamptz NOT NULL DEFAULT now(),
    retired_at     timestamptz
);

CREATE INDEX threads_active_idx ON threads (last_mentioned DESC) WHERE retired_at IS NULL;

-- Each unit belongs to at most one thread.
CREATE TABLE thread_mentions (
    commitment_id bigint PRIMARY KEY REFERENCES commitments (id) ON DELETE CASCADE,
    thread_id     bigint NOT NULL REFERENCES threads (id),
    -- Position in the thread's document order, from 0 (the origin).
    position      integer NOT NULL CHECK (position >= 0),
    relation      text NOT NULL CHECK (relation IN ('origin', 'reaffirms', 'advances',
                                                    'fulfils', 'revises', 'refers')),
    -- The link that attached the mention to an earlier one (none for the origin).
    score         double precision,
    evidence      jsonb,
    UNIQUE (thread_id, position)
);

-- Documents whose units are linked, and by which linker: a document without a row here (new,
-- re-extracted, or linked by other rules) is linked by the next ingest, extract or relink.
CREATE TABLE document_links (
    document_id bigint PRIMARY KEY REFERENCES documents (id) ON DELETE CASCADE,
    linker      text NOT NULL,
    linked_at   timestamptz NOT NULL DEFAULT now()
);
