-- Each stored link checked its two ends with a foreign key, and PostgreSQL checks one by
-- locking the referenced commitment row (FOR KEY SHARE), which writes to that row's page.
-- A new document's links point at up to ~800 earlier units spread over the whole
-- `commitments` table, so at a million units the checks dirtied ~800 random pages and took
-- about two thirds of the time of writing the links (0.37 s of 0.46 s for 800 links).
--
-- Pledgeline never deletes a commitment (re-extraction retires them), so the lock guards
-- nothing the application does. What the keys gave is kept another way:
--   * `store::links::insert` refuses links whose ends are not stored (a plain read);
--   * deleting commitments (by hand, or by deleting their document) still deletes their
--     links, through the statement trigger below.
ALTER TABLE links
    DROP CONSTRAINT links_a_fkey,
    DROP CONSTRAINT links_b_fkey;

CREATE FUNCTION delete_links_of_deleted_commitments() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM links WHERE a IN (SELECT id FROM gone);
    DELETE FROM links WHERE b IN (SELECT id FROM gone);
    RETURN NULL;
END;
$$;

CREATE TRIGGER commitments_delete_their_links
    AFTER DELETE ON commitments
    REFERENCING OLD TABLE AS gone
    FOR EACH STATEMENT
    EXECUTE FUNCTION delete_links_of_deleted_commitments();
