-- One narrow lookup from a hash to its entry instead of three wide indexes on random keys.
-- Each new evidence wrote a leaf into each of `evidences_data_hash`, `evidences_link_hash` and
-- `evidences_items_root` (40-byte keys spread at random over trees as large as the log): at a
-- million entries those page writes were most of the cost of an append. Here the first 8 bytes
-- of the data hash, the link hash and the items root (when there is one) point to the entry's
-- index, and the rows are kept by `bucket`, the entry's index divided by 16384: a new entry's
-- rows fall among the few hundred pages of the latest bucket, whatever the size of the log, so
-- an append dirties those and not pages all over one large tree. A lookup seeks the prefix in
-- each bucket (a few hundred seeks at ten million entries) and compares the whole hash on the
-- entry. Documents keep their own partial index (the document store counts the entries that name
-- a file). Portable: PostgreSQL has `substr` on bytea, integer division and the same key.
CREATE TABLE evidence_hashes (
    bucket       INTEGER NOT NULL,
    prefix       BLOB NOT NULL,
    evidence_idx INTEGER NOT NULL REFERENCES evidences (idx),
    PRIMARY KEY (bucket, prefix, evidence_idx)
) WITHOUT ROWID;

INSERT INTO evidence_hashes (bucket, prefix, evidence_idx)
SELECT idx / 16384, substr(data_hash, 1, 8), idx FROM evidences
UNION
SELECT idx / 16384, substr(link_hash, 1, 8), idx FROM evidences
UNION
SELECT idx / 16384, substr(items_root, 1, 8), idx FROM evidences WHERE items_root IS NOT NULL;

DROP INDEX evidences_data_hash;
DROP INDEX evidences_link_hash;
DROP INDEX evidences_items_root;
