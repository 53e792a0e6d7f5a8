-- The threads list and the global timeline filter and order the threads in memory (the
-- server's catalog, `src/store/catalog.rs`), free text included. The indexes and the filter
-- function that served their queries are read by nothing now, and every thread the linker
-- writes kept them up to date. The dashboard's indexes (deadline, last mentioned) stay.
DROP FUNCTION thread_matches(threads, date, text, text, text[], text, int, int, boolean, tsquery, bigint[]);
DROP INDEX threads_first_stated_idx;
DROP INDEX threads_topic_idx;
DROP INDEX threads_topic_mentions_idx;
DROP INDEX threads_parties_idx;
DROP INDEX threads_mentions_idx;
DROP INDEX threads_search_idx;
