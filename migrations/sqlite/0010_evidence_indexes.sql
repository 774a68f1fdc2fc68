-- Fewer B-trees written per evidence. Most evidences carry no document and no items, so the
-- indexes on those hashes hold only the rows that have one (a lookup `document_hash = ?` implies
-- `IS NOT NULL` and still uses them). Portable: PostgreSQL has the same partial indexes.
DROP INDEX evidences_document_hash;
CREATE INDEX evidences_document_hash ON evidences (document_hash) WHERE document_hash IS NOT NULL;
DROP INDEX evidences_items_root;
CREATE INDEX evidences_items_root ON evidences (items_root) WHERE items_root IS NOT NULL;
