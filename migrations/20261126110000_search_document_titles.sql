-- Search finds documents by their titles as well as by their units' text. The title's search
-- terms are cut with jieba like a unit's (`Extractor::title_terms`), so the column is filled
-- by extraction: documents extracted before this stay without one until `pledgeline extract`
-- (the extractor's version changed with it, which marks them for it).
ALTER TABLE document_extractions ADD COLUMN title_search tsvector;
CREATE INDEX document_extractions_title_search_idx ON document_extractions USING GIN (title_search);
