-- One narrow lookup from a hash to its entry instead of three wide indexes on random keys.
-- Each new evidence wrote a leaf into each of `evidences_data_hash`, `evidences_link_hash` and
-- `evidences_items_root` (40-byte keys spread at random over large trees): at a million entries
-- those page writes were most of the cost of an append. Here the first 8 bytes of the data hash,
-- the link hash and the items root (when there is one) point to the entry's index; a lookup reads
-- the few candidates and compares the whole hash on the row. Documents keep their own partial
-- index (the document store counts the entries that name a file). Portable: PostgreSQL has
-- `substr` on bytea and the same composite primary key.
CREATE TABLE evidence_hashes (
    prefix       BLOB NOT NULL,
    evidence_idx INTEGER NOT NULL REFERENCES evidences (idx),
    PRIMARY KEY (prefix, evidence_idx)
) WITHOUT ROWID;

INSERT INTO evidence_hashes (prefix, evidence_idx)
SELECT substr(data_hash, 1, 8), idx FROM evidences
UNION
SELECT substr(link_hash, 1, 8), idx FROM evidences
UNION
SELECT substr(items_root, 1, 8), idx FROM evidences WHERE items_root IS NOT NULL;

DROP INDEX evidences_data_hash;
DROP INDEX evidences_link_hash;
DROP INDEX evidences_items_root;
