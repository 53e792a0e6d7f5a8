-- The search index in memory keeps each document's units as its last extraction left them,
-- and reads them again when that extraction's stamp changes: an extraction must move the
-- store's generation too, also when it writes no document or thread (`pledgeline extract`).
CREATE TRIGGER document_extractions_bump_store_generation
    AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON document_extractions
    FOR EACH STATEMENT EXECUTE FUNCTION bump_store_generation();
