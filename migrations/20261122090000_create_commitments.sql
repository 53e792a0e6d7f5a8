-- Units extracted from each document: sentences, or clauses where a sentence carries several
-- statements, with their kind, modality and attributes. Offsets are character offsets into
-- documents.body, end exclusive. A unit's id is stable: re-extraction updates the row of the
-- same document and span in place. A unit the extractor no longer produces is retired, not
-- deleted, so that analyst work attached to it is never lost.
CREATE TABLE commitments (
    id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    document_id    bigint NOT NULL REFERENCES documents (id) ON DELETE CASCADE,
    span_start     integer NOT NULL,
    span_end       integer NOT NULL,
    sentence_start integer NOT NULL,
    sentence_end   integer NOT NULL,
    ordinal        integer NOT NULL CHECK (ordinal >= 0),
    block_seq      integer NOT NULL,
    -- Verbatim body text of the span.
    text           text NOT NULL,
    -- What was analysed: simplified characters, full-width punctuation, line breaks removed.
    analysis_text  text NOT NULL,
    kind           text NOT NULL CHECK (kind IN ('commitment', 'reaffirmation', 'support',
                                                 'assessment', 'reported_fact', 'background')),
    modality       text NOT NULL CHECK (modality IN ('strong', 'moderate', 'weak', 'none')),
    confidence     real NOT NULL CHECK (confidence >= 0 AND confidence <= 1),
    -- Canonical parties: 'both' or party codes.
    actors         text[] NOT NULL,
    topic          text NOT NULL,
    -- Last day of the deadline period ("by 2015" → 2015-12-31), for overdue queries.
    deadline       date,
    -- Matching keys for candidate lookup: instruments (doc:…, name:…, org:…) and targets.
    keys           text[] NOT NULL,
    keywords       text[] NOT NULL,
    -- jieba tokens and sub-words, in order; `search` is built from them with positions.
    terms          text[] NOT NULL,
    search         tsvector NOT NULL,
    -- Cues, sub-actors, secondary topics, targets, timing, instruments, flags.
    attributes     jsonb NOT NULL,
    -- Extractor version and lexicon fingerprint that produced the row.
    extractor      text NOT NULL,
    extracted_at   timestamptz NOT NULL DEFAULT now(),
    retired_at     timestamptz,
    UNIQUE (document_id, span_start, span_end),
    CHECK (0 <= span_start AND span_start < span_end),
    CHECK (sentence_start <= span_start AND span_end <= sentence_end)
);

CREATE INDEX commitments_search_idx ON commitments USING GIN (search);
CREATE INDEX commitments_keys_idx ON commitments USING GIN (keys);

-- One row per extracted document: what the extractor learnt about the document as a whole.
CREATE TABLE document_extractions (
    document_id  bigint PRIMARY KEY REFERENCES documents (id) ON DELETE CASCADE,
    extractor    text NOT NULL,
    -- Party codes of the document: what 'both' stands for.
    parties      text[] NOT NULL,
    traditional  boolean NOT NULL,
    unit_count   integer NOT NULL,
    extracted_at timestamptz NOT NULL DEFAULT now()
);
