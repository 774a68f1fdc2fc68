//! Documents as files addressed by their SHA-256 (`documents/ab/abcdef…`), written durably
//! (temporary file, fsync, rename, fsync of the directory) before their entry is acknowledged.

use crate::AppError;
use crate::domain::evidence::Hash;
use std::collections::HashMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::{LazyLock, Mutex};

pub fn path_of(dir: &Path, hash: &Hash) -> PathBuf {
    let hex = hash.hex();
    dir.join(&hex[..2]).join(hex)
}

/// Stores `bytes` under their hash (a no-op when the same document is already there).
pub async fn store(dir: &Path, bytes: &[u8]) -> Result<Hash, AppError> {
    store_new(dir, bytes).await.map(|(hash, _)| hash)
}

/// Documents written for submissions still on their way into the log: a refused submission's
/// new file is removed only when no other submission in flight holds the same one.
static IN_FLIGHT: LazyLock<Mutex<HashMap<[u8; 32], usize>>> = LazyLock::new(Default::default);

/// A document kept from removal while the submission that wrote it is in flight.
pub struct Held {
    hash: Hash,
    /// Whether this submission wrote the file (it was not there before).
    created: bool,
}

impl Held {
    pub fn hash(&self) -> Hash {
        self.hash
    }
}

impl Drop for Held {
    fn drop(&mut self) {
        if let Ok(mut map) = IN_FLIGHT.lock()
            && let Some(n) = map.get_mut(&self.hash.0)
        {
            *n -= 1;
            if *n == 0 {
                map.remove(&self.hash.0);
            }
        }
    }
}

/// Stores a submission's document and holds it until [`discard_if_unused`] or the end of the
/// submission.
pub async fn store_held(dir: &Path, bytes: &[u8]) -> Result<Held, AppError> {
    let hash = Hash::of(bytes);
    if let Ok(mut map) = IN_FLIGHT.lock() {
        *map.entry(hash.0).or_default() += 1;
    }
    let mut held = Held {
        hash,
        created: false,
    };
    let (_, created) = store_new(dir, bytes).await?;
    held.created = created;
    Ok(held)
}

/// After the log refused a submission: removes the file it wrote, unless another submission in
/// flight holds the same document or anything stored refers to it.
pub async fn discard_if_unused(
    db: &sqlx::SqlitePool,
    dir: &Path,
    held: Held,
) -> Result<(), AppError> {
    if !held.created {
        return Ok(());
    }
    let others = IN_FLIGHT
        .lock()
        .map(|m| m.get(&held.hash.0).copied().unwrap_or(0))
        .unwrap_or(1);
    if others > 1 {
        return Ok(());
    }
    let hex = held.hash.hex();
    let referenced: i64 = sqlx::query_scalar(
        "SELECT (SELECT COUNT(*) FROM evidences WHERE document_hash = ?1)
              + (SELECT COUNT(*) FROM agenda_attachments WHERE sha256 = ?2)
              + (SELECT COUNT(*) FROM advisory_applications WHERE cv_sha256 = ?2)
              + (SELECT COUNT(*) FROM minutes WHERE pdf_sha256 = ?2)
              + (SELECT COUNT(*) FROM decisions WHERE document_sha256 = ?2)",
    )
    .bind(held.hash.0.to_vec())
    .bind(&hex)
    .fetch_one(db)
    .await?;
    if referenced == 0 {
        match tokio::fs::remove_file(path_of(dir, &held.hash)).await {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(AppError::internal(format!("removing a document: {e}"))),
        }
    }
    drop(held);
    Ok(())
}

/// Stores `bytes` under their hash; says whether the file was written now (`false`: it was
/// already there).
async fn store_new(dir: &Path, bytes: &[u8]) -> Result<(Hash, bool), AppError> {
    let hash = Hash::of(bytes);
    let path = path_of(dir, &hash);
    if tokio::fs::try_exists(&path).await.unwrap_or(false) {
        return Ok((hash, false));
    }
    let bytes = bytes.to_vec();
    tokio::task::spawn_blocking(move || -> std::io::Result<()> {
        let parent = path.parent().unwrap_or(Path::new("."));
        std::fs::create_dir_all(parent)?;
        let tmp = parent.join(format!(
            ".{}.tmp",
            path.file_name().and_then(|n| n.to_str()).unwrap_or("doc")
        ));
        let mut f = std::fs::File::create(&tmp)?;
        f.write_all(&bytes)?;
        f.sync_all()?;
        std::fs::rename(&tmp, &path)?;
        std::fs::File::open(parent)?.sync_all()?;
        Ok(())
    })
    .await
    .map_err(AppError::internal)?
    .map_err(|e| AppError::internal(format!("storing a document: {e}")))?;
    Ok((hash, true))
}

/// The stored bytes, or `None` when the file is missing.
pub async fn read(dir: &Path, hash: &Hash) -> Result<Option<Vec<u8>>, AppError> {
    match tokio::fs::read(path_of(dir, hash)).await {
        Ok(b) => Ok(Some(b)),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(AppError::internal(format!("reading a document: {e}"))),
    }
}

/// The SHA-256 of the stored document `hash` as it is on disk now (`None`: missing), read in
/// blocks off the async threads: a 10 MB document is neither held whole nor hashed on the
/// executor.
pub async fn hash_stored(dir: &Path, hash: &Hash) -> Result<Option<Hash>, AppError> {
    use sha2::{Digest, Sha256};
    use std::io::Read;
    let path = path_of(dir, hash);
    tokio::task::spawn_blocking(move || {
        let mut file = match std::fs::File::open(&path) {
            Ok(f) => f,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(AppError::internal(format!("reading a document: {e}"))),
        };
        let mut hasher = Sha256::new();
        let mut buf = vec![0u8; 64 * 1024];
        loop {
            let n = file
                .read(&mut buf)
                .map_err(|e| AppError::internal(format!("reading a document: {e}")))?;
            if n == 0 {
                break;
            }
            hasher.update(&buf[..n]);
        }
        Ok(Some(Hash(hasher.finalize().into())))
    })
    .await
    .map_err(AppError::internal)?
}
