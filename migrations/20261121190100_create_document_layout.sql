-- The layout of each body: headings, paragraphs (a wrapped paragraph is one block of several
-- line segments), the signature block and the dateline; and the sentences of the paragraphs.
-- All offsets are character offsets into documents.body, end exclusive.
CREATE TABLE document_blocks (
    document_id bigint NOT NULL REFERENCES documents (id) ON DELETE CASCADE,
    seq         integer NOT NULL CHECK (seq >= 0),
    kind        text NOT NULL CHECK (kind IN ('heading', 'paragraph', 'signature', 'dateline')),
    start_char  integer NOT NULL,
    end_char    integer NOT NULL,
    -- [[start, end], ...]: the block's pieces of text, one per source line.
    segments    jsonb NOT NULL,
    -- The segments joined (a wrapped paragraph reads as one); derived from body and segments.
    text        text NOT NULL,
    PRIMARY KEY (document_id, seq),
    CHECK (0 <= start_char AND start_char < end_char)
);

CREATE TABLE document_sentences (
    document_id bigint NOT NULL,
    seq         integer NOT NULL CHECK (seq >= 0),
    block_seq   integer NOT NULL,
    start_char  integer NOT NULL,
    end_char    integer NOT NULL,
    PRIMARY KEY (document_id, seq),
    FOREIGN KEY (document_id, block_seq) REFERENCES document_blocks (document_id, seq) ON DELETE CASCADE,
    CHECK (0 <= start_char AND start_char < end_char)
);
