-- A unit's channels are kept once, in channel_postings (where candidates are looked up);
-- the copy in link_profiles is no longer read.
ALTER TABLE link_profiles DROP COLUMN channels;
