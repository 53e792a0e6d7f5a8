-- Documents as ingested. The body is stored once and never changes: every offset elsewhere
-- (blocks, sentences, and later commitments) counts characters into it.
CREATE TABLE documents (
    id                  bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    -- sha256 of the format, every raw field and the body: re-ingesting the same content
    -- (in any encoding) finds the same row and keeps its id.
    content_hash        bytea NOT NULL UNIQUE CHECK (octet_length(content_hash) = 32),
    format              text NOT NULL CHECK (format IN ('archive', 'text', 'markdown')),
    source_path         text NOT NULL,
    article_index       integer NOT NULL DEFAULT 0 CHECK (article_index >= 0),
    encoding            text NOT NULL,
    title               text NOT NULL CHECK (title <> ''),
    lead_title          text,          -- YT 引题
    subtitle            text,          -- FT 副题
    issue_number        text,          -- ZQ 总期
    page                text,          -- BH 版号, as printed ("04")
    item_number         text,          -- TH 条号
    classification      text,          -- FL 分类
    page_name           text,          -- BM 版名
    genre               text,          -- TC 体裁
    source              text,          -- front matter `source:` of text files
    authors             text[] NOT NULL DEFAULT '{}',   -- ZZ 作者
    published_on        date,          -- first day of the period for partial dates
    published_precision text CHECK (published_precision IN ('day', 'month', 'year')),
    signed_on           date,
    signed_place        text,
    dateline_place      text,
    body                text NOT NULL,
    raw_fields          jsonb NOT NULL DEFAULT '[]'::jsonb,
    ingested_at         timestamptz NOT NULL DEFAULT now(),
    CHECK ((published_on IS NULL) = (published_precision IS NULL))
);

CREATE INDEX documents_newest_first ON documents (published_on DESC NULLS LAST, id DESC);

CREATE FUNCTION documents_keep_body() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.body IS DISTINCT FROM OLD.body OR NEW.content_hash IS DISTINCT FROM OLD.content_hash THEN
        RAISE EXCEPTION 'a stored document body never changes (document %)', OLD.id;
    END IF;
    RETURN NEW;
END
$$;

CREATE TRIGGER documents_body_is_immutable
    BEFORE UPDATE ON documents
    FOR EACH ROW EXECUTE FUNCTION documents_keep_body();
