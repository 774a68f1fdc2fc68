-- Open data (issue 19): each dump of every public register, one archive registered as an
-- evidence (kind `open-data.dump`). The manifest lists each file of the archive with its rows,
-- size and SHA-256: the catalogue's checksums, and what a download is checked against later.
CREATE TABLE open_data_dumps (
    id             INTEGER PRIMARY KEY,
    created_at     TEXT NOT NULL,
    evidence_id    TEXT NOT NULL,
    archive_name   TEXT NOT NULL,
    archive_sha256 TEXT NOT NULL,
    archive_bytes  INTEGER NOT NULL,
    manifest_json  TEXT NOT NULL
);
