//! The dump of all the open data: every dataset in both formats, written file by file (streamed
//! from the database, hashed as written), with a `manifest.json`, packed into one gzip'd tar
//! archive and registered as an evidence of the portal (kind `open-data.dump`, public). The
//! evidence's data is the manifest, its items are the files (so each file has its own proof,
//! like a quotation of an order), its document is the archive: a download is checked against
//! the log months later with `minga verify --document` (the archive) or the manifest's hashes
//! (one file).
//!
//! A dump is made only when something changed since the last one. The files of the latest dump
//! stay on disk (`open-data/<dump>/`), served at `/data/dumps/<dump>/<file>`; older ones are
//! kept only as their archives, in the log.

use super::{DATASETS, Format, spawn_encode};
use crate::db::Ts;
use crate::error::AppResult;
use crate::services::audit::{self, Actor};
use crate::services::evidence::{self, DocumentUpload, Submission};
use crate::{AppError, AppState};
use serde::{Deserialize, Serialize};
use serde_json::json;
use sha2::{Digest, Sha256};
use sqlx::{FromRow, SqlitePool};
use std::path::{Path, PathBuf};
use tokio::io::AsyncWriteExt;

pub const KIND: &str = "open-data.dump";

/// One file of a dump.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FileEntry {
    pub name: String,
    pub dataset: String,
    pub format: String,
    pub rows: u64,
    pub bytes: u64,
    pub sha256: String,
    /// When this file last changed: this dump's time, or an earlier dump's when its hash is the
    /// same.
    pub changed_at: String,
}

/// What a dump holds: the evidence's data, and `manifest.json` in the archive.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Manifest {
    pub v: u32,
    pub generated_at: String,
    pub files: Vec<FileEntry>,
}

#[derive(Clone, Debug, FromRow)]
pub struct DumpRow {
    pub id: i64,
    pub created_at: Ts,
    pub evidence_id: String,
    pub archive_name: String,
    pub archive_sha256: String,
    pub archive_bytes: i64,
    pub manifest_json: String,
}

impl DumpRow {
    pub fn manifest(&self) -> Option<Manifest> {
        serde_json::from_str(&self.manifest_json).ok()
    }
}

pub async fn latest(db: &SqlitePool) -> AppResult<Option<DumpRow>> {
    Ok(sqlx::query_as(
        "SELECT id, created_at, evidence_id, archive_name, archive_sha256, archive_bytes, manifest_json
         FROM open_data_dumps ORDER BY id DESC LIMIT 1",
    )
    .fetch_optional(db)
    .await?)
}

fn root(state: &AppState) -> PathBuf {
    state.settings.data_dir.join("open-data")
}

/// Where a file of a dump is kept, when it is one of that dump's files and still on disk.
pub fn file_path(state: &AppState, dump: &DumpRow, name: &str) -> Option<PathBuf> {
    let manifest = dump.manifest()?;
    let known = manifest.files.iter().any(|f| f.name == name) || name == "manifest.json";
    let path = root(state).join(dump.id.to_string()).join(name);
    (known && path.is_file()).then_some(path)
}

/// Writes one dataset's file into `dir`, hashing it as it goes.
async fn write_file(
    db: &SqlitePool,
    dir: &Path,
    dataset: &'static super::Dataset,
    format: Format,
) -> AppResult<FileEntry> {
    let name = format!("{}.{}", dataset.slug, format.extension());
    let mut file = tokio::io::BufWriter::new(
        tokio::fs::File::create(dir.join(&name))
            .await
            .map_err(AppError::internal)?,
    );
    let (mut chunks, task) = spawn_encode(db.clone(), dataset, format);
    let mut hasher = Sha256::new();
    let mut bytes = 0u64;
    while let Some(chunk) = chunks.recv().await {
        let chunk = chunk.map_err(AppError::internal)?;
        hasher.update(&chunk);
        bytes += chunk.len() as u64;
        file.write_all(&chunk).await.map_err(AppError::internal)?;
    }
    file.flush().await.map_err(AppError::internal)?;
    let rows = task
        .await
        .map_err(AppError::internal)?
        .ok_or_else(|| AppError::internal(format!("{name} was not written whole")))?;
    Ok(FileEntry {
        name,
        dataset: dataset.slug.to_string(),
        format: format.extension().to_string(),
        rows,
        bytes,
        sha256: hex::encode(hasher.finalize()),
        changed_at: String::new(),
    })
}

/// A POSIX ustar header for a regular file of `size` bytes.
fn tar_header(name: &str, size: u64, mtime: i64) -> Result<[u8; 512], String> {
    if name.len() > 100 {
        return Err(format!("{name}: a name longer than 100 bytes"));
    }
    let mut h = [0u8; 512];
    let put = |h: &mut [u8; 512], at: usize, bytes: &[u8]| {
        h[at..at + bytes.len()].copy_from_slice(bytes);
    };
    put(&mut h, 0, name.as_bytes());
    put(&mut h, 100, b"0000644\0");
    put(&mut h, 108, b"0000000\0");
    put(&mut h, 116, b"0000000\0");
    put(&mut h, 124, format!("{size:011o}\0").as_bytes());
    put(&mut h, 136, format!("{:011o}\0", mtime.max(0)).as_bytes());
    put(&mut h, 148, b"        ");
    h[156] = b'0';
    put(&mut h, 257, b"ustar\0");
    put(&mut h, 263, b"00");
    put(&mut h, 265, b"minga");
    put(&mut h, 297, b"minga");
    let sum: u32 = h.iter().map(|b| u32::from(*b)).sum();
    put(&mut h, 148, format!("{sum:06o}\0 ").as_bytes());
    Ok(h)
}

/// Packs `names` (files of `dir`) into a gzip'd tar at `archive`.
fn pack(dir: &Path, names: &[String], archive: &Path, mtime: i64) -> Result<(), String> {
    use std::io::Write;
    let out = std::fs::File::create(archive).map_err(|e| e.to_string())?;
    let mut gz =
        flate2::write::GzEncoder::new(std::io::BufWriter::new(out), flate2::Compression::default());
    for name in names {
        let mut file = std::fs::File::open(dir.join(name)).map_err(|e| e.to_string())?;
        let size = file.metadata().map_err(|e| e.to_string())?.len();
        gz.write_all(&tar_header(name, size, mtime)?)
            .map_err(|e| e.to_string())?;
        let copied = std::io::copy(&mut file, &mut gz).map_err(|e| e.to_string())?;
        if copied != size {
            return Err(format!("{name} changed while packed"));
        }
        let pad = (512 - size % 512) % 512;
        gz.write_all(&vec![0u8; pad as usize])
            .map_err(|e| e.to_string())?;
    }
    // the end of the archive: two empty blocks
    gz.write_all(&[0u8; 1024]).map_err(|e| e.to_string())?;
    let mut out = gz.finish().map_err(|e| e.to_string())?;
    out.flush().map_err(|e| e.to_string())?;
    out.get_ref().sync_all().map_err(|e| e.to_string())
}

/// Dumps every dataset, unless nothing changed since the last dump (`None`). The archive is
/// registered in the log before the dump is recorded: what the catalogue lists is in the log.
pub async fn dump(state: &AppState) -> AppResult<Option<DumpRow>> {
    let root = root(state);
    let work = root.join(format!("tmp-{}", crate::services::secrets::random_token()?));
    tokio::fs::create_dir_all(&work)
        .await
        .map_err(AppError::internal)?;
    let result = dump_in(state, &root, &work).await;
    if work.exists() {
        let _ = tokio::fs::remove_dir_all(&work).await;
    }
    result
}

async fn dump_in(state: &AppState, root: &Path, work: &Path) -> AppResult<Option<DumpRow>> {
    let mut files = Vec::new();
    for dataset in DATASETS {
        for format in Format::ALL {
            files.push(write_file(&state.db, work, dataset, format).await?);
        }
    }
    let previous = latest(&state.db)
        .await?
        .as_ref()
        .and_then(DumpRow::manifest);
    let same = |a: &FileEntry, b: &FileEntry| a.name == b.name && a.sha256 == b.sha256;
    if let Some(m) = &previous
        && m.files.len() == files.len()
        && m.files.iter().zip(&files).all(|(a, b)| same(a, b))
    {
        return Ok(None);
    }
    let now = Ts::now();
    let generated_at = crate::domain::evidence::entry::format_time(now.0);
    for file in &mut files {
        file.changed_at = previous
            .iter()
            .flat_map(|m| &m.files)
            .find(|p| same(p, file))
            .map_or_else(|| generated_at.clone(), |p| p.changed_at.clone());
    }
    let manifest = Manifest {
        v: 1,
        generated_at: generated_at.clone(),
        files,
    };
    let manifest_json = serde_json::to_string_pretty(&manifest).map_err(AppError::internal)?;
    tokio::fs::write(work.join("manifest.json"), &manifest_json)
        .await
        .map_err(AppError::internal)?;
    let mut names: Vec<String> = manifest.files.iter().map(|f| f.name.clone()).collect();
    names.push("manifest.json".into());
    let stamp = now.0.format("%Y%m%dT%H%M%SZ").to_string();
    let archive_name = format!("minga-open-data-{stamp}.tar.gz");
    let archive = work.join(&archive_name);
    {
        let (dir, archive, names) = (work.to_path_buf(), archive.clone(), names.clone());
        let mtime = now.0.timestamp();
        tokio::task::spawn_blocking(move || pack(&dir, &names, &archive, mtime))
            .await
            .map_err(AppError::internal)?
            .map_err(AppError::internal)?;
    }
    let bytes = tokio::fs::read(&archive)
        .await
        .map_err(AppError::internal)?;
    if bytes.len() > state.settings.evidence_limits.max_document_bytes {
        return Err(AppError::internal(format!(
            "the open data archive ({} bytes) is larger than the largest document the log takes (MINGA_MAX_DOCUMENT_SIZE, {} bytes)",
            bytes.len(),
            state.settings.evidence_limits.max_document_bytes
        )));
    }
    let archive_sha256 = hex::encode(Sha256::digest(&bytes));
    let archive_bytes = bytes.len() as i64;
    let items = manifest
        .files
        .iter()
        .map(|f| json!({"name": f.name, "rows": f.rows, "bytes": f.bytes, "sha256": f.sha256}))
        .collect();
    let data = json!({
        "generated_at": generated_at,
        "archive": archive_name,
        "files": manifest.files,
    });
    crate::services::anchors::ensure_public_kind(&state.db, KIND).await?;
    let evidence_id = evidence::register_portal(
        state,
        Submission {
            kind: KIND.into(),
            // the time and the archive: a dump is never mistaken for another
            reference: format!("open-data/{stamp}-{}", &archive_sha256[..16]),
            data,
            items,
            document: Some(DocumentUpload {
                bytes,
                media_type: "application/gzip".into(),
                filename: archive_name.clone(),
            }),
        },
    )
    .await?
    .id;

    let mut tx = crate::db::begin_write(&state.db).await?;
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO open_data_dumps (created_at, evidence_id, archive_name, archive_sha256, archive_bytes, manifest_json)
         VALUES (?, ?, ?, ?, ?, ?) RETURNING id",
    )
    .bind(now)
    .bind(&evidence_id)
    .bind(&archive_name)
    .bind(&archive_sha256)
    .bind(archive_bytes)
    .bind(&manifest_json)
    .fetch_one(&mut *tx)
    .await?;
    audit::record(
        &mut tx,
        &Actor::system("open-data"),
        "open_data.dumped",
        "open_data_dump",
        id,
        None,
        Some(json!({"evidence_id": evidence_id, "archive_sha256": archive_sha256, "files": manifest.files.len()})),
    )
    .await?;
    tx.commit().await?;

    // the latest dump's files stay to be served one by one; the older ones' go
    let _ = tokio::fs::remove_file(&archive).await;
    let kept = root.join(id.to_string());
    tokio::fs::rename(work, &kept)
        .await
        .map_err(AppError::internal)?;
    if let Ok(mut entries) = tokio::fs::read_dir(root).await {
        while let Ok(Some(entry)) = entries.next_entry().await {
            let name = entry.file_name().to_string_lossy().to_string();
            if name
                .parse::<i64>()
                .is_ok_and(|n| n < id && entry.path().is_dir())
            {
                let _ = tokio::fs::remove_dir_all(entry.path()).await;
            }
        }
    }
    Ok(latest(&state.db).await?.filter(|d| d.id == id))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_tar_header_has_its_checksum_and_octal_size() {
        let h = tar_header("decisions.csv", 1234, 1_700_000_000).expect("header");
        assert_eq!(&h[..13], b"decisions.csv");
        assert_eq!(&h[124..136], b"00000002322\0");
        assert_eq!(&h[257..263], b"ustar\0");
        // the checksum: the sum of the header's bytes with its own field as spaces
        let mut blank = h;
        blank[148..156].copy_from_slice(b"        ");
        let sum: u32 = blank.iter().map(|b| u32::from(*b)).sum();
        assert_eq!(&h[148..155], format!("{sum:06o}\0").as_bytes());
        assert!(tar_header(&"x".repeat(101), 0, 0).is_err());
    }
}
