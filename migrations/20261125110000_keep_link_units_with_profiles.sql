-- A new document's candidates (up to about 11,000 earlier units) were read from their
-- commitments, documents and extractions, several random reads each across tables that grow
-- with the store. What the linker needs of a unit (`LinkUnit`: document, date, kind, actors,
-- topic, texts, attributes) is now stored beside its profile, so that a candidate is one row.
-- Null for profiles stored before this; those units are read from their commitments.
ALTER TABLE link_profiles ADD COLUMN unit jsonb;
