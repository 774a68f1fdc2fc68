-- Full-text search over the public records (issue 19): SQLite FTS5 with accent folding
-- (`remove_diacritics 2`: "sesion" finds "sesión", in the query as in the text). The governance
-- records are re-read into it every minute (`services::search::reindex`); the evidences, which
-- never change, are added once each, in order, from where the last pass stopped. Not portable:
-- PostgreSQL will use its own text search (tsvector with unaccent) behind the same service.
CREATE VIRTUAL TABLE search_index USING fts5(
    kind UNINDEXED,
    url UNINDEXED,
    title,
    body,
    tokenize = 'unicode61 remove_diacritics 2'
);

-- How far the evidences have been indexed (the last entry index read).
CREATE TABLE search_progress (
    name  TEXT PRIMARY KEY,
    value INTEGER NOT NULL
);
