//! Documents as files addressed by their SHA-256 (`documents/ab/abcdef…`), written durably
//! (temporary file, fsync, rename, fsync of the directory) before their entry is acknowledged.

use crate::AppError;
use crate::domain::evidence::Hash;
use std::io::Write;
use std::path::{Path, PathBuf};

pub fn path_of(dir: &Path, hash: &Hash) -> PathBuf {
    let hex = hash.hex();
    dir.join(&hex[..2]).join(hex)
}

/// Stores `bytes` under their hash (a no-op when the same document is already there).
pub async fn store(dir: &Path, bytes: &[u8]) -> Result<Hash, AppError> {
    let hash = Hash::of(bytes);
    let path = path_of(dir, &hash);
    if tokio::fs::try_exists(&path).await.unwrap_or(false) {
        return Ok(hash);
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
    Ok(hash)
}

/// The stored bytes, or `None` when the file is missing.
pub async fn read(dir: &Path, hash: &Hash) -> Result<Option<Vec<u8>>, AppError> {
    match tokio::fs::read(path_of(dir, hash)).await {
        Ok(b) => Ok(Some(b)),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(AppError::internal(format!("reading a document: {e}"))),
    }
}
