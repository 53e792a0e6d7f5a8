-- The dashboard's counts scan every thread; the app keeps them a few seconds and recomputes
-- them as soon as threads or documents change. This sequence tells it they changed: every
-- statement that writes either table takes the next value. (A sequence, not a counter row,
-- so that concurrent ingests do not queue on one row; the cache's time limit covers the
-- moment between a writer's statement and its commit.)
CREATE SEQUENCE store_generation;

CREATE FUNCTION bump_store_generation() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM nextval('store_generation');
    RETURN NULL;
END;
$$;

CREATE TRIGGER threads_bump_store_generation
    AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON threads
    FOR EACH STATEMENT EXECUTE FUNCTION bump_store_generation();

CREATE TRIGGER documents_bump_store_generation
    AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON documents
    FOR EACH STATEMENT EXECUTE FUNCTION bump_store_generation();
